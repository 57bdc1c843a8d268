"""The abstract interpreter: executes a module's top level over abstract values.

What it proves: running the module body has no effect visible outside the
module. It walks the module's statements in order, as Python would, but on
``Val``s (values.py) instead of objects, and reports an error wherever an
operation could reach outside:

- calling something whose effects are unknown (ST101) — a known callable is
  a function or class of this or another strict module (followed: its body is
  interpreted with the actual abstract arguments), or a stub entry;
- mutating a value whose ``owner`` is another module (ST102), builtins
  (ST107), attributes of imported modules/classes (ST108), the namespace via
  globals() (ST104), another module's globals (ST106);
- stub effects io/dynamic/state (ST103/ST109/ST110), star imports of
  non-strict modules (ST105).

Control flow is handled abstractly: an ``if`` whose test folds to a constant
runs one branch (so ``if __name__ == "__main__":`` and version checks are
exact), otherwise both branches run on copies of the scope and the results are
merged into unions. Loops run their body once (effects do not depend on the
iteration count, values join into unions). Function bodies are followed only
when called at import time; recursion and a call-depth limit cut following
(approximation: the recursive call's result is unknown but owned). A global
step budget bounds the work on any input (ST002).

Implicit calls of user code (operators, truth tests, iteration, str(),
descriptors, metaclass hooks) are followed through ``dunder`` (calls.py).

Approximations (documented in docs/strict-modules.md): reading attributes or
subscripts of unknown values is allowed (only calling them is not); loops are
analysed for one iteration; %-formatting and set-element hashing do not
follow user dunders.

Layout: this file holds the module/statement/expression walk and the
ownership checks; reading values (attributes, subscripts, iteration) is in
access.py and calling (following functions, stub effects, modelled builtins)
in calls.py, both mixins of ``Interpreter``; shared tables are in
interpreter_base.py.

Invariant: nothing here executes user code. Constant folding runs only
builtin operations on immutable constants with size guards.
"""
from __future__ import annotations

import ast
import builtins

from .errors import StrictError, make_error
from .access import ValueAccess
from .calls import CallSemantics
from .session import Limit, Session
from .values import (STAMP, BoundMethod, ClassVal, Const, Container, FuncVal, GlobalsVal, InstanceVal,
                     IMMUTABLE_TYPES, ModuleContext, ModuleVal, Opaque, Scope, StubVal,
                     Union, Val, Wrapped, from_python, options, union)
from .interpreter_base import (BIN_OPS, CMP_OPS, EFFECT_CODES, SPECIAL_MODULE_NAMES, UNARY_OPS, _MISSING,
                               Frame, _small, display)


OP_DUNDERS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
              ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.LShift: "lshift",
              ast.RShift: "rshift", ast.BitOr: "or", ast.BitXor: "xor", ast.BitAnd: "and",
              ast.MatMult: "matmul"}
CMP_DUNDERS = {ast.Eq: ("__eq__", "__eq__"), ast.NotEq: ("__ne__", "__ne__"), ast.Lt: ("__lt__", "__gt__"),
               ast.LtE: ("__le__", "__ge__"), ast.Gt: ("__gt__", "__lt__"), ast.GtE: ("__ge__", "__le__")}


def _has_instance(value: Val) -> bool:
    """True if `value` may be an instance of a user class (whose dunders are user code)."""
    if isinstance(value, InstanceVal):
        return isinstance(value.cls, ClassVal)
    if isinstance(value, Union):
        return any(_has_instance(v) for v in value.options)
    return False


class Interpreter(ValueAccess, CallSemantics):
    def __init__(self, session: Session, ctx: ModuleContext, errors: list[StrictError] | None):
        self.session = session
        self.ctx = ctx
        self.owner = ctx.owner
        self.errors = errors
        self._seen: set[tuple] = set()
        self.stack: list[FuncVal] = []
        self.cur_module = ctx            # module whose code is being interpreted
        self.call_site: tuple[str, int] | None = None
        self.stubs = session.stubs
        self._decls: dict[int, tuple[set, set]] = {}
        self._depth_reported = False
        self.epoch = 0                   # counts writes to shared state (memo validity)
        self.stmt_stamp = 0
        self._calls: dict[int, int] = {}
        self._memo: dict[tuple, tuple] = {}
        self._seen_keys: dict[tuple, tuple] = {}

    # ---- reporting -------------------------------------------------------------

    def report(self, code: str, node, finding: str, name: str = "") -> None:
        if self.errors is None:
            return
        filename = self.cur_module.filename
        lineno = getattr(node, "lineno", 1) or 1
        col = (getattr(node, "col_offset", 0) or 0) + 1
        key = (code, filename, lineno, col)
        if key in self._seen:
            return
        self._seen.add(key)
        via = ""
        if self.call_site is not None and (filename, lineno) != self.call_site:
            via = f" (reached from the call at {self.call_site[0]}:{self.call_site[1]})"
        self.errors.append(make_error(code, finding, filename, lineno, col, name, via))

    def touch(self, value: Val) -> None:
        """Records a write to state (invalidates memoised calls, see calls.follow).

        Writes to values created by the current top-level statement do not
        count: nothing that ran before this statement can observe them.
        """
        for v in options(value):
            if isinstance(v, (InstanceVal, Container)) and v.born == self.stmt_stamp:
                continue
            self.epoch += 1
            return

    def step(self) -> None:
        self.session.steps += 1
        if self.session.steps > self.session.max_steps:
            raise Limit()

    # ---- module ----------------------------------------------------------------

    def run_module(self, tree: ast.Module) -> None:
        ctx = self.ctx
        for stmt in tree.body:
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                if any(a.name == "annotations" for a in stmt.names):
                    ctx.future_annotations = True
        v = ctx.scope.vars
        v["__name__"] = Const(ctx.name)
        v["__file__"] = Const(ctx.filename)
        v["__package__"] = Const(ctx.package)
        v["__doc__"] = Const(ast.get_docstring(tree, clean=False))
        v["__spec__"] = Opaque("importlib", "__spec__")
        v["__loader__"] = Opaque("importlib", "__loader__")
        v["__cached__"] = Opaque(None, "__cached__")
        v["__builtins__"] = self.session.module_val("builtins")
        v["__annotations__"] = Container("dict", self.owner, qual="__annotations__")
        if ctx.filename.endswith("__init__.py"):
            v["__path__"] = Container("list", self.owner, [Const(ctx.filename)], qual="__path__")
        self.session.in_progress[ctx.name] = ctx
        frame = Frame()
        try:
            for stmt in tree.body:
                STAMP[0] += 1
                self.stmt_stamp = STAMP[0]
                try:
                    if self.exec_stmt(stmt, ctx.scope, frame):
                        break
                except RecursionError:
                    self.report("ST002", stmt, "Statement nested too deeply to analyse")
                except Limit:
                    self.report("ST002", stmt, "Import-time code too large to analyse "
                                f"(more than {self.session.max_steps} steps)")
                    break
        finally:
            self.session.in_progress.pop(ctx.name, None)

    # ---- statements ------------------------------------------------------------

    def exec_block(self, stmts, scope: Scope, frame: Frame) -> bool:
        for stmt in stmts:
            if self.exec_stmt(stmt, scope, frame):
                return True
        return False

    def exec_stmt(self, node, scope: Scope, frame: Frame) -> bool:
        """Interprets one statement; True if control definitely leaves the block."""
        self.step()
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is None:
            return False
        return method(node, scope, frame)

    def s_Expr(self, node, scope, frame):
        self.eval(node.value, scope)
        return False

    def s_Assign(self, node, scope, frame):
        value = self.eval(node.value, scope)
        for target in node.targets:
            self.assign(target, value, scope, node)
        return False

    def s_AnnAssign(self, node, scope, frame):
        if scope.kind != "function" and not self.cur_module.future_annotations:
            self.eval(node.annotation, scope)
        if node.value is not None:
            self.assign(node.target, self.eval(node.value, scope), scope, node)
        return False

    def s_AugAssign(self, node, scope, frame):
        right = self.eval(node.value, scope)
        target = node.target
        if isinstance(target, ast.Name):
            current = self.lookup(target.id, scope)
            result = self.augmented(current, node.op, right, node)
            self.bind(scope, target.id, result, node)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            current = self.getattr_(obj, target.attr, node)
            result = self.augmented(current, node.op, right, node)
            self.set_attr(obj, target.attr, result, node)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            self.eval(target.slice, scope)
            self.set_item(obj, right, node)
        return False

    def augmented(self, current: Val, op, right: Val, node) -> Val:
        name = OP_DUNDERS.get(type(op))
        if name is not None and _has_instance(current):
            result = self.dunder(current, (f"__i{name}__",), [right], node)
            if result is not None:
                return result
        in_place = False
        for v in options(current):
            if isinstance(v, Container) and v.kind in ("list", "dict", "set"):
                in_place = True
                self.touch(v)
                if self.check_mutation(v, node, f"'{v.describe()}' modified in place"):
                    v.add(self.iter_elems(right))
            elif isinstance(v, (InstanceVal, Opaque)) and v.owner not in (None, self.owner) \
                    and not isinstance(v, Const):
                # x += y on a foreign mutable value may mutate it in place
                if isinstance(v, InstanceVal):
                    in_place = True
                    self.check_mutation(v, node, f"'{v.describe()}' modified in place")
        if in_place:
            return current
        return self.binop(current, op, right, node)

    def s_Delete(self, node, scope, frame):
        for target in node.targets:
            self.delete(target, scope, node)
        return False

    def delete(self, target, scope, node):
        self.epoch += 1
        if isinstance(target, ast.Name):
            name = target.id
            if scope.kind == "function" and name in scope.global_names:
                gscope = scope.module.scope
                if scope.module.owner != self.owner:
                    self.report("ST106", target, f"Deleting global '{name}' of module "
                                f"'{scope.module.name}' is prohibited")
                    return
                gscope.vars.pop(name, None)
            elif scope.kind == "module" and name in SPECIAL_MODULE_NAMES:
                self.report("ST106", target, f"Deleting special module name '{name}' is prohibited")
            else:
                scope.vars.pop(name, None)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            self.set_attr(obj, target.attr, None, target, delete=True)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            self.eval(target.slice, scope)
            self.set_item(obj, None, target, delete=True)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self.delete(elt, scope, node)

    def s_Pass(self, node, scope, frame):
        return False

    def s_Break(self, node, scope, frame):
        return True

    s_Continue = s_Break

    def s_Return(self, node, scope, frame):
        frame.returns.append(self.eval(node.value, scope) if node.value is not None else Const(None))
        return True

    def s_Raise(self, node, scope, frame):
        if node.exc is not None:
            exc = self.eval(node.exc, scope)
            for v in options(exc):
                if isinstance(v, ClassVal):
                    self.call(v, [], {}, node)
        if node.cause is not None:
            self.eval(node.cause, scope)
        return True

    def s_Assert(self, node, scope, frame):
        test = self.eval(node.test, scope)
        self.truth(test, node.test)
        if node.msg is not None:
            self.eval(node.msg, scope)
        return self.truth(test) is False

    def s_Global(self, node, scope, frame):
        scope.global_names.update(node.names)
        return False

    def s_Nonlocal(self, node, scope, frame):
        scope.nonlocal_names.update(node.names)
        return False

    def s_If(self, node, scope, frame):
        truth = self.truth(self.eval(node.test, scope), node.test)
        if truth is True:
            return self.exec_block(node.body, scope, frame)
        if truth is False:
            return self.exec_block(node.orelse, scope, frame)
        return self.branches([node.body, node.orelse], scope, frame)

    def branches(self, blocks, scope, frame, start: dict | None = None) -> bool:
        """Runs each block from the same starting scope and merges the survivors."""
        base = dict(scope.vars) if start is None else start
        survivors = []
        all_end = True
        for block in blocks:
            scope.vars = dict(base)
            ended = self.exec_block(block, scope, frame)
            if not ended:
                all_end = False
                survivors.append(scope.vars)
        if all_end:
            return True
        merged = survivors[0]
        for other in survivors[1:]:
            for key, value in other.items():
                mine = merged.get(key, _MISSING)
                if mine is _MISSING:
                    merged[key] = value
                elif mine is not value:
                    merged[key] = union([mine, value])
        scope.vars = merged
        return False

    def s_For(self, node, scope, frame):
        iterable = self.eval(node.iter, scope)
        self.assign(node.target, self.iter_elems(iterable, node.iter), scope, node)
        self.branches([node.body, []], scope, frame)
        self.exec_block(node.orelse, scope, frame)
        return False

    s_AsyncFor = s_For

    def s_While(self, node, scope, frame):
        truth = self.truth(self.eval(node.test, scope), node.test)
        if truth is not False:
            self.branches([node.body, []], scope, frame)
        self.exec_block(node.orelse, scope, frame)
        return False

    def s_With(self, node, scope, frame):
        for item in node.items:
            cm = self.eval(item.context_expr, scope)
            entered = self.enter_context(cm, item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, entered, scope, node)
        return self.exec_block(node.body, scope, frame)

    s_AsyncWith = s_With

    def enter_context(self, cm: Val, node) -> Val:
        results = []
        for v in options(cm):
            if isinstance(v, InstanceVal) and isinstance(v.cls, ClassVal):
                enter = self.class_lookup(v.cls, "__enter__")
                results.append(self.call(BoundMethod(v, enter, v.owner), [], {}, node)
                               if enter is not None else Opaque(self.owner))
                exit_ = self.class_lookup(v.cls, "__exit__")
                if exit_ is not None:
                    self.call(BoundMethod(v, exit_, v.owner), [Const(None)] * 3, {}, node)
            elif isinstance(v, InstanceVal) and isinstance(v.cls, StubVal):
                stub = self.stubs.lookup(v.cls.qual + ".__enter__")
                if stub is None or stub.effect not in ("pure", "class", "identity"):
                    self.report("ST101", node, f"Module-level use of non-strict context manager "
                                f"'{v.describe()}' is prohibited", v.cls.qual + ".__enter__")
                results.append(Opaque(self.owner))
            elif isinstance(v, Opaque) and v.owner not in (self.owner, None):
                self.report("ST101", node, f"Module-level use of non-strict context manager "
                            f"'{v.describe()}' is prohibited", v.qual)
                results.append(Opaque(self.owner))
            else:
                results.append(Opaque(self.owner) if not isinstance(v, Const) else v)
        return union(results)

    def s_Try(self, node, scope, frame):
        before = dict(scope.vars)
        body_ended = self.exec_block(node.body, scope, frame)
        if not body_ended:
            body_ended = self.exec_block(node.orelse, scope, frame)
        after_body = scope.vars
        survivors = [] if body_ended else [after_body]
        for handler in node.handlers:
            start = dict(before)
            for key, value in after_body.items():
                start.setdefault(key, value)
            scope.vars = start
            if handler.type is not None:
                self.eval(handler.type, scope)
            if handler.name:
                scope.vars[handler.name] = Opaque(self.owner, why="exception")
            if not self.exec_block(handler.body, scope, frame):
                survivors.append(scope.vars)
        ended = not survivors
        if survivors:
            merged = survivors[0]
            for other in survivors[1:]:
                for key, value in other.items():
                    mine = merged.get(key, _MISSING)
                    if mine is _MISSING:
                        merged[key] = value
                    elif mine is not value:
                        merged[key] = union([mine, value])
            scope.vars = merged
        if node.finalbody:
            ended = self.exec_block(node.finalbody, scope, frame) or ended
        return ended

    s_TryStar = s_Try

    def s_Match(self, node, scope, frame):
        self.eval(node.subject, scope)
        base = dict(scope.vars)
        blocks = []
        for case in node.cases:
            scope.vars = dict(base)
            self.bind_pattern(case.pattern, scope, node)
            if case.guard is not None:
                self.eval(case.guard, scope)
            blocks.append(case.body)
            base = dict(scope.vars) | base
        scope.vars = base
        return self.branches(blocks + [[]], scope, frame)

    def bind_pattern(self, pattern, scope, node):
        for sub in ast.walk(pattern):
            if isinstance(sub, ast.MatchValue):
                self.eval(sub.value, scope)
            elif isinstance(sub, ast.MatchClass):
                self.eval(sub.cls, scope)
            name = getattr(sub, "name", None) or getattr(sub, "rest", None)
            if isinstance(name, str):
                scope.vars[name] = Opaque(self.owner)

    def s_TypeAlias(self, node, scope, frame):
        scope.vars[node.name.id] = Opaque(None, node.name.id)   # evaluated lazily by Python
        return False

    def s_Import(self, node, scope, frame):
        for alias in node.names:
            mv = self.import_module(alias.name, node)
            if alias.asname:
                value = mv
                for part in alias.name.split(".")[1:]:
                    value = self.module_attr(value, part, node) if isinstance(value, ModuleVal) else value
                self.bind(scope, alias.asname, value, node)
            else:
                top = alias.name.split(".", 1)[0]
                self.bind(scope, top, self.session.module_val(top), node)
        return False

    def import_module(self, name: str, node) -> ModuleVal:
        return self.session.module_val(name)

    def resolve_relative(self, module: str | None, level: int) -> str | None:
        if level == 0:
            return module
        package = self.cur_module.package
        parts = package.split(".") if package else []
        if level - 1 > len(parts) or not package:
            return None
        base = ".".join(parts[:len(parts) - (level - 1)])
        if module:
            return f"{base}.{module}" if base else module
        return base or None

    def s_ImportFrom(self, node, scope, frame):
        if node.module == "__future__":
            return False
        name = self.resolve_relative(node.module, node.level)
        if name is None:
            for alias in node.names:
                if alias.name != "*":
                    self.bind(scope, alias.asname or alias.name, Opaque(None, why="bad relative import"), node)
            return False
        mv = self.import_module(name, node)
        for alias in node.names:
            if alias.name == "*":
                self.star_import(mv, scope, node)
                continue
            value = self.from_import(mv, alias.name, node)
            self.bind(scope, alias.asname or alias.name, value, node)
        return False

    def from_import(self, mv: ModuleVal, name: str, node) -> Val:
        full = f"{mv.name}.{name}"
        if self.session.is_strict(mv):
            ns = self.session.namespace_of(mv)
            if ns is not None and name in ns.vars:
                return ns.vars[name]
        record = self.session.resolver.resolve(full)
        if record is not None:
            return self.session.module_val(full)
        if self.session.is_strict(mv):
            if self.session.resolver.is_submodule(full):
                return self.session.module_val(full)
            return Opaque(mv.name, full, why=f"not found in strict module '{mv.name}'")
        return self.module_attr(mv, name, node)

    def star_import(self, mv: ModuleVal, scope: Scope, node) -> None:
        self.epoch += 1
        if self.session.is_strict(mv):
            ns = self.session.namespace_of(mv)
            if ns is not None:
                public = None
                all_val = ns.vars.get("__all__")
                if isinstance(all_val, Container):
                    public = [e.value for e in all_val.elems if isinstance(e, Const) and isinstance(e.value, str)]
                    if len(all_val.elems) >= 8:
                        public = None
                elif isinstance(all_val, Const) and isinstance(all_val.value, tuple):
                    public = [x for x in all_val.value if isinstance(x, str)]
                for key, value in ns.vars.items():
                    if (public is None and not key.startswith("_")) or (public and key in public):
                        scope.vars[key] = value
            scope.star_sources.append(mv)
            return
        if not self.stubs.fully_known(mv.name):
            self.report("ST105", node, f"'from {mv.name} import *' of non-strict module "
                        f"'{mv.name}' is prohibited", mv.name)
        scope.star_sources.append(mv)

    def s_FunctionDef(self, node, scope, frame):
        decorators = [self.eval(d, scope) for d in node.decorator_list]
        func = self.make_function(node, scope)
        value: Val = func
        for deco, dnode in zip(reversed(decorators), reversed(node.decorator_list)):
            value = self.call(deco, [value], {}, dnode, context=f" (decorator of '{node.name}')")
        self.bind(scope, node.name, value, node)
        return False

    s_AsyncFunctionDef = s_FunctionDef

    def make_function(self, node, scope: Scope) -> FuncVal:
        args = node.args
        defaults = [self.eval(d, scope) for d in args.defaults]
        kw_defaults = [self.eval(d, scope) if d is not None else None for d in args.kw_defaults]
        if not isinstance(node, ast.Lambda) and not self.cur_module.future_annotations:
            for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
                if a is not None and a.annotation is not None:
                    self.eval(a.annotation, scope)
            if node.returns is not None:
                self.eval(node.returns, scope)
        closure = scope if scope.kind == "function" else scope.parent
        name = getattr(node, "name", "<lambda>")
        return FuncVal(node, closure, scope.module, self.owner, name, defaults, kw_defaults)

    def s_ClassDef(self, node, scope, frame):
        decorators = [self.eval(d, scope) for d in node.decorator_list]
        bases: list[Val] = []
        for b in node.bases:
            if isinstance(b, ast.Starred):
                bases.extend(options(self.iter_elems(self.eval(b.value, scope))))
            else:
                bases.append(self.eval(b, scope))
        keywords = {}
        for kw in node.keywords:
            if kw.arg is not None:
                keywords[kw.arg] = self.eval(kw.value, scope)
            else:
                self.eval(kw.value, scope)
        metaclass = keywords.pop("metaclass", None)
        for base, bnode in zip(bases, node.bases):
            self.check_base(base, bnode, node.name, "base class")
        if metaclass is not None:
            self.check_base(metaclass, node, node.name, "metaclass")
        cscope = Scope("class", scope if scope.kind == "function" else scope.parent, scope.module)
        cscope.vars["__module__"] = Const(scope.module.name)
        cscope.vars["__qualname__"] = Const(node.name)
        self.exec_block(node.body, cscope, Frame())
        if metaclass is None:
            for b in bases:
                if isinstance(b, ClassVal) and b.metaclass is not None:
                    metaclass = b.metaclass
                    break
        cls = ClassVal(node.name, cscope.vars, bases, scope.module, self.owner, metaclass)
        self.class_created(cls, keywords, node)
        value: Val = cls
        for deco, dnode in zip(reversed(decorators), reversed(node.decorator_list)):
            value = self.call(deco, [value], {}, dnode, context=f" (decorator of class '{node.name}')")
        self.bind(scope, node.name, value, node)
        return False

    def check_base(self, base: Val, node, clsname: str, role: str) -> None:
        for b in options(base):
            if isinstance(b, StubVal) and b.stub.effect in EFFECT_CODES:
                self.report(EFFECT_CODES[b.stub.effect], node,
                            f"Class '{clsname}' uses '{display(b.qual)}' as {role}", b.qual)
            elif isinstance(b, Opaque) and b.owner != self.owner:
                self.report("ST101", node, f"Module-level call of non-strict value "
                            f"'{b.qual or self.callee_text(b, node)}' "
                            f"is prohibited ({role} of class '{clsname}': its metaclass and "
                            "__init_subclass__ run when the class is created)", b.qual)

    def class_created(self, cls: ClassVal, keywords: dict, node) -> None:
        """Follows the user code that runs when a class is created."""
        meta = cls.metaclass
        for m in options(meta) if meta is not None else []:
            if isinstance(m, ClassVal):
                args = [Const(cls.name), Container("tuple", self.owner, cls.bases),
                        Container("dict", self.owner, list(cls.ns.values()))]
                for hook in ("__new__", "__init__"):
                    fn = self.class_lookup(m, hook)
                    if isinstance(fn, FuncVal):
                        self.follow(fn, [m] + args, dict(keywords), node)
        for base in cls.bases:
            if isinstance(base, ClassVal):
                hook = self.class_lookup(base, "__init_subclass__")
                if isinstance(hook, Wrapped):
                    hook = hook.func
                if isinstance(hook, FuncVal):
                    self.follow(hook, [cls], dict(keywords), node)
        for value in list(cls.ns.values()):
            if isinstance(value, InstanceVal) and isinstance(value.cls, ClassVal):
                hook = self.class_lookup(value.cls, "__set_name__")
                if isinstance(hook, FuncVal):
                    self.follow(hook, [value, cls, Const("")], {}, node)

    # ---- names and binding -------------------------------------------------------

    def lookup(self, name: str, scope: Scope) -> Val:
        value = scope.vars.get(name, _MISSING)
        if value is not _MISSING:
            return value
        if scope.kind == "function" and name in scope.global_names:
            s = None
        else:
            s = scope.parent
        while s is not None:
            value = s.vars.get(name, _MISSING)
            if value is not _MISSING:
                return value
            s = s.parent
        module = scope.module
        value = module.scope.vars.get(name, _MISSING)
        if value is not _MISSING:
            return value
        for source in module.scope.star_sources:
            if isinstance(source, ModuleVal):
                if self.session.is_strict(source):
                    ns = self.session.namespace_of(source)
                    if ns is not None and name in ns.vars:
                        return ns.vars[name]
                elif not hasattr(builtins, name):
                    return self.module_attr(source, name, None)
        return self.builtin(name)

    def builtin(self, name: str) -> Val:
        qual = "builtins." + name
        stub = self.stubs.lookup(qual)
        if stub is not None:
            return StubVal(qual, stub, "builtins")
        if name in ("__debug__",):
            return Const(__debug__)
        if hasattr(builtins, name):
            real = getattr(builtins, name)
            if isinstance(real, IMMUTABLE_TYPES):
                return Const(real, qual)
            return Opaque("builtins", qual)
        return Opaque(None, name, why="undefined name")

    def bind(self, scope: Scope, name: str, value: Val, node) -> None:
        if scope.kind != "function" or name in scope.global_names or name in scope.nonlocal_names:
            self.epoch += 1
        if scope.kind == "function":
            if name in scope.global_names:
                module = scope.module
                if module.owner != self.owner:
                    self.report("ST106", node, f"Function in module '{module.name}' rebinds its "
                                f"global '{name}' at import time of another module")
                    return
                module.scope.vars[name] = value
                return
            if name in scope.nonlocal_names:
                s = scope.parent
                while s is not None:
                    if name in s.vars:
                        s.vars[name] = value
                        return
                    s = s.parent
        elif scope.kind == "module":
            if name in SPECIAL_MODULE_NAMES and scope.module.owner == self.owner:
                self.report("ST106", node, f"Rebinding special module name '{name}' is prohibited")
            if isinstance(value, Container) and not value.qual:
                value.qual = f"{scope.module.name}.{name}"
        scope.vars[name] = value

    def assign(self, target, value: Val, scope: Scope, node) -> None:
        if isinstance(target, ast.Name):
            self.bind(scope, target.id, value, target)
        elif isinstance(target, (ast.Tuple, ast.List)):
            consts = None
            for v in options(value):
                if isinstance(v, Const) and isinstance(v.value, tuple) and len(v.value) == len(target.elts):
                    consts = v.value
            if isinstance(value, Container) and value.seq is not None and len(value.seq) == len(target.elts) \
                    and not any(isinstance(e, ast.Starred) for e in target.elts):
                for elt, item in zip(target.elts, value.seq):
                    self.assign(elt, item, scope, node)
                return
            elem = self.iter_elems(value)
            for i, elt in enumerate(target.elts):
                if isinstance(elt, ast.Starred):
                    self.assign(elt.value, Container("list", self.owner, [elem]), scope, node)
                elif consts is not None and len(options(value)) == 1:
                    self.assign(elt, Const(consts[i]), scope, node)
                else:
                    self.assign(elt, elem, scope, node)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            self.set_attr(obj, target.attr, value, target)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            self.eval(target.slice, scope)
            self.set_item(obj, value, target)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, scope, node)

    # ---- ownership checks ---------------------------------------------------------

    def check_mutation(self, target: Val, node, what: str) -> bool:
        ok = True
        for v in options(target):
            if isinstance(v, Const) or v.owner is None or v.owner == self.owner:
                continue
            ok = False
            if isinstance(v, GlobalsVal):
                self.report("ST104", node, f"Modifying the namespace of module '{v.owner}' through "
                            "globals() is prohibited")
            elif v.owner == "builtins":
                self.report("ST107", node, f"Modifying builtins ({what}) is prohibited")
            elif isinstance(v, (ModuleVal, ClassVal, StubVal, FuncVal)):
                self.report("ST108", node, f"Modifying '{v.describe()}' of module '{v.owner}' "
                            f"({what}) is prohibited")
            else:
                self.report("ST102", node, f"Mutating '{v.describe()}', a value owned by module "
                            f"'{v.owner}' ({what}), is prohibited")
        return ok

    def set_attr(self, obj: Val, name: str, value: Val | None, node, delete: bool = False) -> None:
        verb = "Deleting" if delete else "Assignment to"
        self.touch(obj)
        for v in options(obj):
            if isinstance(v, ModuleVal):
                if v.name == self.owner:
                    continue
                if v.name == "builtins":
                    self.report("ST107", node, f"{verb} builtin '{name}' is prohibited")
                else:
                    self.report("ST108", node, f"{verb} attribute '{name}' of imported module "
                                f"'{v.name}' is prohibited", v.name)
            elif isinstance(v, (ClassVal, StubVal, FuncVal)) and v.owner != self.owner:
                if v.owner == "builtins":
                    self.report("ST107", node, f"{verb} attribute '{name}' of builtin "
                                f"'{display(v.qual)}' is prohibited")
                else:
                    kind = "class" if isinstance(v, ClassVal) or (
                        isinstance(v, StubVal) and v.stub.effect == "class") else "function"
                    self.report("ST108", node, f"{verb} attribute '{name}' of imported {kind} "
                                f"'{v.describe()}' is prohibited")
            elif isinstance(v, (ClassVal, InstanceVal)):
                if isinstance(v, InstanceVal) and isinstance(v.cls, ClassVal):
                    hook_name = "__delattr__" if delete else "__setattr__"
                    desc = self.class_lookup(v.cls, name)
                    if isinstance(desc, InstanceVal) and self.dunder(
                            desc, ("__delete__",) if delete else ("__set__",),
                            [v] + ([] if delete else [value]), node) is not None:
                        continue
                    if delete and self.dunder(v, (hook_name,), [Const(name)], node) is not None:
                        continue
                if delete:
                    (v.ns if isinstance(v, ClassVal) else v.attrs).pop(name, None)
                elif isinstance(v, ClassVal):
                    v.ns[name] = value
                else:
                    setter = self.class_lookup(v.cls, "__setattr__") if isinstance(v.cls, ClassVal) else None
                    if isinstance(setter, FuncVal):
                        self.follow(setter, [v, Const(name), value], {}, node)
                    else:
                        v.attrs[name] = value
            elif isinstance(v, Const) or v.owner is None or v.owner == self.owner:
                continue
            else:
                self.check_mutation(v, node, f"setting attribute '{name}'")

    def set_item(self, obj: Val, value: Val | None, node, delete: bool = False) -> None:
        self.touch(obj)
        for v in options(obj):
            if isinstance(v, GlobalsVal):
                self.report("ST104", node, "Writing the module namespace through globals()/locals()/"
                            "vars() is prohibited")
            elif isinstance(v, Container):
                if self.check_mutation(v, node, "item assignment" if not delete else "item deletion"):
                    if value is not None:
                        v.add(value)
            elif isinstance(v, InstanceVal) and isinstance(v.cls, ClassVal):
                hook = self.class_lookup(v.cls, "__delitem__" if delete else "__setitem__")
                if isinstance(hook, FuncVal):
                    self.follow(hook, [v, Opaque(None)] + ([value] if value is not None else []), {}, node)
                else:
                    self.check_mutation(v, node, "item assignment")
            else:
                self.check_mutation(v, node, "item assignment" if not delete else "item deletion")

    # ---- expressions ------------------------------------------------------------------

    def eval(self, node, scope: Scope) -> Val:
        self.step()
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.eval(child, scope)
            return Opaque(self.owner)
        return method(node, scope)

    def e_Constant(self, node, scope):
        return Const(node.value)

    def e_Name(self, node, scope):
        return self.lookup(node.id, scope)

    def e_Attribute(self, node, scope):
        return self.getattr_(self.eval(node.value, scope), node.attr, node)

    def e_Subscript(self, node, scope):
        obj = self.eval(node.value, scope)
        index = self.eval(node.slice, scope)
        return self.subscript(obj, index, node)

    def e_Slice(self, node, scope):
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.eval(part, scope)
        return Opaque(None)

    def e_Starred(self, node, scope):
        return self.eval(node.value, scope)

    def e_NamedExpr(self, node, scope):
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope, node)
        return value

    def e_Call(self, node, scope):
        func = self.eval(node.func, scope)
        args: list[Val] = []
        star = False
        for a in node.args:
            if isinstance(a, ast.Starred):
                star = True
                args.append(self.iter_elems(self.eval(a.value, scope), a))
            else:
                args.append(self.eval(a, scope))
        kwargs: dict[str, Val] = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope)
            if kw.arg is None:
                star = True
                kwargs["**"] = value
            else:
                kwargs[kw.arg] = value
        if star:
            kwargs["*"] = Const(True)
        return self.call(func, args, kwargs, node)

    def e_BinOp(self, node, scope):
        # Left-deep chains (long string concatenations) are walked iteratively.
        chain = []
        left = node
        while isinstance(left, ast.BinOp):
            chain.append(left)
            left = left.left
        value = self.eval(left, scope)
        for op_node in reversed(chain):
            right = self.eval(op_node.right, scope)
            value = self.binop(value, op_node.op, right, op_node)
        return value

    def binop(self, left: Val, op, right: Val, node) -> Val:
        name = OP_DUNDERS.get(type(op))
        if name is not None and (_has_instance(left) or _has_instance(right)):
            found = [r for r in (self.dunder(left, (f"__{name}__",), [right], node),
                                 self.dunder(right, (f"__r{name}__",), [left], node)) if r is not None]
            if found:
                return union(found)
        if isinstance(left, Const) and isinstance(right, Const):
            fn = BIN_OPS.get(type(op))
            if fn is not None and _small(left.value) and _small(right.value):
                if isinstance(op, ast.Pow) and isinstance(right.value, int) and abs(right.value) > 64:
                    return Opaque(None)
                if isinstance(op, (ast.Mult, ast.LShift)) and isinstance(right.value, int) and right.value > 4096:
                    return Opaque(None)
                if isinstance(op, ast.Mult) and isinstance(left.value, int) and left.value > 4096 \
                        and isinstance(right.value, (str, bytes, tuple)):
                    return Opaque(None)
                try:
                    result = fn(left.value, right.value)
                except Exception:
                    return Opaque(None)
                if _small(result):
                    return from_python(result, self.owner)
            return Opaque(None)
        if isinstance(left, Container) and isinstance(right, Container) and isinstance(op, (ast.Add, ast.BitOr)):
            return Container(left.kind, self.owner, left.elems + right.elems)
        if isinstance(left, Container) and isinstance(op, ast.Mult):
            return Container(left.kind, self.owner, left.elems)
        if isinstance(left, Const) and isinstance(left.value, tuple) and isinstance(right, Container):
            return Container("tuple", self.owner, [from_python(v, self.owner) for v in left.value[:8]] + right.elems)
        if all(isinstance(v, Const) or (isinstance(v, Opaque) and v.owner is None) for v in (left, right)):
            return Opaque(None)
        return Opaque(self.owner)

    def e_UnaryOp(self, node, scope):
        operand = self.eval(node.operand, scope)
        if _has_instance(operand):
            hooks = {ast.USub: ("__neg__",), ast.UAdd: ("__pos__",), ast.Invert: ("__invert__",),
                     ast.Not: ("__bool__", "__len__")}[type(node.op)]
            result = self.dunder(operand, hooks, [], node)
            if result is not None and not isinstance(node.op, ast.Not):
                return result
        if isinstance(operand, Const) and _small(operand.value):
            try:
                return from_python(UNARY_OPS[type(node.op)](operand.value), self.owner)
            except Exception:
                return Opaque(None)
        if isinstance(node.op, ast.Not):
            truth = self.truth(operand)
            if truth is not None:
                return Const(not truth)
        return Opaque(None)

    def e_BoolOp(self, node, scope):
        values = []
        is_and = isinstance(node.op, ast.And)
        last = node.values[-1]
        for sub in node.values:
            value = self.eval(sub, scope)
            truth = self.truth(value, sub)
            if truth is (not is_and):       # this operand decides: it is the result
                values.append(value)
                return union(values)
            if truth is None or sub is last:
                values.append(value)
        return union(values)

    def e_Compare(self, node, scope):
        left = self.eval(node.left, scope)
        result: Val | None = Const(True)
        for op, comp in zip(node.ops, node.comparators):
            right = self.eval(comp, scope)
            if _has_instance(left) or _has_instance(right):
                self.compare_dunders(left, op, right, node)
            if result is not None and isinstance(left, Const) and isinstance(right, Const) \
                    and _small(left.value) and _small(right.value):
                try:
                    ok = bool(CMP_OPS[type(op)](left.value, right.value))
                except Exception:
                    result = None
                else:
                    if not ok:
                        result = Const(False)
                        left = right
                        break
            else:
                result = None
            left = right
        return result if result is not None else Opaque(None)

    def compare_dunders(self, left: Val, op, right: Val, node) -> None:
        if isinstance(op, (ast.In, ast.NotIn)):
            if self.dunder(right, ("__contains__",), [left], node) is None:
                self.iter_elems(right, node)
            return
        pair = CMP_DUNDERS.get(type(op))
        if pair is not None:
            if self.dunder(left, (pair[0],), [right], node) is None or pair[0] in ("__eq__", "__ne__"):
                self.dunder(right, (pair[1],), [left], node)

    def e_IfExp(self, node, scope):
        truth = self.truth(self.eval(node.test, scope), node.test)
        if truth is True:
            return self.eval(node.body, scope)
        if truth is False:
            return self.eval(node.orelse, scope)
        return union([self.eval(node.body, scope), self.eval(node.orelse, scope)])

    def e_Lambda(self, node, scope):
        return self.make_function(node, scope)

    def e_Tuple(self, node, scope):
        elems = []
        starred = False
        for e in node.elts:
            if isinstance(e, ast.Starred):
                starred = True
                elems.append(self.iter_elems(self.eval(e.value, scope), e))
            else:
                elems.append(self.eval(e, scope))
        if not starred and all(isinstance(e, Const) for e in elems):
            return Const(tuple(e.value for e in elems))
        return Container("tuple", self.owner, elems, seq=None if starred else list(elems))

    def e_List(self, node, scope):
        elems = [self.iter_elems(self.eval(e.value, scope)) if isinstance(e, ast.Starred)
                 else self.eval(e, scope) for e in node.elts]
        return Container("list", self.owner, elems)

    def e_Set(self, node, scope):
        c = self.e_List(node, scope)
        c.kind = "set"
        return c

    def e_Dict(self, node, scope):
        c = Container("dict", self.owner)
        for k, v in zip(node.keys, node.values):
            value = self.eval(v, scope)
            if k is None:
                for src in options(value):
                    if isinstance(src, Container):
                        for e in src.elems:
                            c.add(e)
                        for e in src.keys:
                            c.add_key(e)
                    else:
                        c.add(Opaque(src.owner))
            else:
                key = self.eval(k, scope)
                if _has_instance(key):
                    self.dunder(key, ("__hash__",), [], k)
                c.add_key(key)
                c.add(value)
        return c

    def comprehension(self, node, scope: Scope, elts) -> list[Val]:
        inner = Scope("function", scope if scope.kind == "function" else scope.parent, scope.module)
        inner.vars = {}
        # Names of the enclosing class/module scope stay visible through lookup's module step;
        # for class scopes Python hides them, which only makes us more permissive on lookups.
        for i, gen in enumerate(node.generators):
            iterable = self.eval(gen.iter, scope if i == 0 else inner)
            self.assign(gen.target, self.iter_elems(iterable, gen.iter), inner, node)
            for cond in gen.ifs:
                self.eval(cond, inner)
        if scope.kind == "function":
            inner.vars = {**scope.vars, **inner.vars}
        return [self.eval(e, inner) for e in elts]

    def e_ListComp(self, node, scope):
        return Container("list", self.owner, self.comprehension(node, scope, [node.elt]))

    def e_SetComp(self, node, scope):
        return Container("set", self.owner, self.comprehension(node, scope, [node.elt]))

    def e_GeneratorExp(self, node, scope):
        # Evaluated eagerly: generators at module level are nearly always consumed there.
        return Container("list", self.owner, self.comprehension(node, scope, [node.elt]), qual="generator")

    def e_DictComp(self, node, scope):
        key, value = self.comprehension(node, scope, [node.key, node.value])
        c = Container("dict", self.owner, [value])
        c.add_key(key)
        return c

    def e_JoinedStr(self, node, scope):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                value = self.eval(v.value, scope)
                if v.format_spec is not None:
                    self.eval(v.format_spec, scope)
                if _has_instance(value):
                    self.dunder(value, ("__repr__",) if v.conversion in (114, 97) else
                                ("__format__", "__str__", "__repr__"), [], v)
                if not (isinstance(value, Const) and v.conversion == -1 and v.format_spec is None
                        and isinstance(value.value, (str, int))):
                    return Opaque(None, why="str")
                parts.append(str(value.value))
            else:
                value = self.eval(v, scope)
                if not isinstance(value, Const):
                    return Opaque(None, why="str")
                parts.append(str(value.value))
        return Const("".join(parts))

    def e_FormattedValue(self, node, scope):
        self.eval(node.value, scope)
        return Opaque(None, why="str")

    def e_Await(self, node, scope):
        self.eval(node.value, scope)
        return Opaque(self.owner)

    def e_Yield(self, node, scope):
        if node.value is not None:
            self.eval(node.value, scope)
        return Opaque(self.owner)

    e_YieldFrom = e_Yield

