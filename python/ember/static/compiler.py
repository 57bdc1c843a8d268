"""The Static Python compiler: source -> checked, lowered code + metadata.

``compile_static(source, filename, modname)`` is the whole pipeline:
  1. parse; find the ``import __static__`` marker (not static: returns None);
  2. collect module declarations (declarations.py), resolving other static
     modules through a ModuleTable;
  3. walk every statement, typing and lowering it (expressions.py,
     statements.py, plus def/class handling here);
  4. insert the prologue that binds the run-time module and the hoisted
     check specs, append the metadata table ``__ember_static__``;
  5. compile to a code object.
Errors are TypedSyntaxError, raised at the first problem. Any other
exception escaping from the checker is a compiler bug; ``compile_static``
turns it into an "internal error" TypedSyntaxError only when asked
(the stdlib sweep asks not to, so bugs are visible).

This file owns: name resolution across scopes, function lowering (entry
checks, return checks, inline bodies), class lowering (slots, typed layout,
finality) and the per-function metadata (docs/static-python.md).
"""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from . import types as T
from .declarations import (ClassInfo, Collector, FunctionInfo, ModuleDecls, ModuleTable, TypeResolver,
                           source_hash, static_marker_index)
from .errors import TypedSyntaxError
from .expressions import BUILTIN_RESULTS, ExprLowering
from .scope import BUILTINS, RT, STATIC_MOD, Scope, bi, call, collect_locals, const, rt
from .statements import StmtLowering

METADATA_VERSION = 1


@dataclass
class CompileResult:
    code: object
    decls: ModuleDecls
    metadata: dict
    deps: dict = field(default_factory=dict)
    tree: ast.Module | None = None


class Compiler(ExprLowering, StmtLowering):
    def __init__(self, decls: ModuleDecls, table: ModuleTable) -> None:
        self.decls = decls
        self.table = table
        self.resolver = TypeResolver(decls)
        self.collector = Collector(decls, table)
        self.scope = Scope("module")
        self.specs: list = []            # hoisted spec assignments
        self.spec_index: dict = {}
        self.meta_stack: list = []
        self.functions_meta: dict = {}
        self.classes_meta: dict = {}
        self.inline_cache: dict = {}
        self.qual_stack: list = []
        self.temp_counter = 0

    # --- errors ------------------------------------------------------------------------
    def err(self, node, msg: str):
        raise self.decls.error(node, msg)

    # --- scopes ------------------------------------------------------------------------
    def push_scope(self, kind: str, info=None) -> Scope:
        self.scope = Scope(kind, self.scope, info)
        return self.scope

    def pop_scope(self) -> None:
        self.scope = self.scope.parent

    def _resolve_scope(self, name: str):
        """The scope that binds `name` (None: module level / builtins)."""
        s = self.scope
        first = True
        while s is not None and s.kind != "module":
            if s.kind == "class" and not first:
                s = s.parent
                continue
            if name in s.globals:
                return None
            if name in s.nonlocals:
                s = s.parent
                first = False
                continue
            if name in s.locals or name in s.types:
                return s
            s = s.parent
            first = False
        return None

    def name_is_global(self, name: str) -> bool:
        return self._resolve_scope(name) is None

    def name_type(self, name: str, node=None) -> T.Type:
        s = self._resolve_scope(name)
        if s is not None:
            if s.kind == "class":
                return T.DYNAMIC
            return s.types.get(name, T.DYNAMIC)
        b = self.decls.bindings.get(name)
        if b is not None:
            return b
        if name in self.decls.finals or name in _module_assigned(self.decls):
            return T.DYNAMIC
        if name in T.BUILTIN_TYPES and name != "None":
            return T.ClassRef(T.BUILTIN_TYPES[name])
        if name in BUILTIN_RESULTS:
            return T.BuiltinFuncRef(name, BUILTIN_RESULTS[name])
        return T.DYNAMIC

    def name_declared_typed(self, name: str) -> bool:
        s = self._resolve_scope(name)
        return s is not None and s.kind == "function" and not s.types.get(name, T.DYNAMIC).is_dynamic

    def check_final_assign(self, name: str, node) -> None:
        if name not in self.decls.finals:
            return
        s = self._resolve_scope(name)
        if s is not None:
            return
        if self.decls.finals[name] is node:
            return
        self.err(node, f"cannot assign to Final variable '{name}'")

    def assign_to_name(self, name: str, value: ast.expr, node):
        s = self._resolve_scope(name)
        if s is None or s.kind in ("class", "module"):
            vt, v = self.expr(value)
            if vt.is_prim:
                self.err(value, f"primitive {vt.name} cannot be stored in a {'class' if s else 'module'}-level "
                                f"variable '{name}'")
            return vt, v
        declared = s.types.get(name)
        if declared is None:
            vt, v = self.expr(value)
            if vt.is_prim:
                declared = vt
            elif s.store_counts.get(name, 0) == 1 and not isinstance(vt, T.SpecialRef) and s is self.scope:
                declared = vt
            elif _is_static_instance(vt) and s is self.scope:
                # several assignments: a static class type from the first one
                # is the local's declared type (later ones are checked)
                declared = vt
            else:
                declared = T.DYNAMIC
            s.types[name] = declared
            self.note_local(name, declared)
            if declared.is_dynamic:
                return vt, v
            return vt, v
        vt, v = self.expr(value, declared if not declared.is_dynamic else None)
        a = T.assignable(vt, declared)
        if a == "error":
            self.err(value, f"type mismatch: {vt.name} cannot be assigned to {declared.name}")
        if a == "check" and not declared.is_dynamic:
            self.note_check(node, "local", declared)
            v = self.check_node(declared, v, f"local '{name}'")
        return declared, v

    def recheck_name(self, name: str, node) -> list:
        s = self._resolve_scope(name)
        if s is None or s.kind != "function":
            return []
        declared = s.types.get(name)
        if declared is None:
            s.types[name] = T.DYNAMIC
            self.note_local(name, T.DYNAMIC)
            return []
        if declared.is_prim:
            self.err(node, f"cannot unpack or iterate into primitive local '{name}'")
        if declared.is_dynamic:
            return []
        self.note_check(node, "local", declared)
        return [ast.Assign([ast.Name(name, ast.Store())],
                           self.check_node(declared, ast.Name(name, ast.Load()), f"local '{name}'"))]

    def temp_name(self) -> str:
        self.temp_counter += 1
        return f"__ember_tmp{self.temp_counter}__"

    def declare_temp(self, name: str, t: T.Type) -> None:
        s = self.scope.function_scope()
        s.locals.add(name)
        s.types[name] = t if not t.is_prim else T.DYNAMIC

    def current_return(self):
        s = self.scope.function_scope()
        if s is None or s.kind != "function" or s.info is None:
            return None
        return s.return_type

    def current_qualname(self) -> str:
        s = self.scope.function_scope()
        return s.info.qualname if s is not None and s.info is not None else "<module>"

    # --- run-time checks ------------------------------------------------------------------
    def type_expr(self, t: T.Type) -> ast.expr:
        """An expression evaluating to the run-time class for `t`."""
        if isinstance(t, T.OptionalType):
            return ast.BinOp(self.type_expr(t.inner), ast.BitOr(), const(None))
        if isinstance(t, T.PrimType):
            return ast.Attribute(ast.Name(STATIC_MOD, ast.Load()), t.name, ast.Load())
        assert isinstance(t, T.ClassType)
        if t.key == "builtins.NoneType":
            return call(bi("type"), const(None))
        if t.key.startswith("builtins."):
            return bi(t.key[9:])
        if t.key.startswith("__static__."):
            base = rt(t.key[11:])
            args = [self.type_expr(a) for a in t.args]
            sl = args[0] if len(args) == 1 else ast.Tuple(args, ast.Load())
            return ast.Subscript(base, sl, ast.Load())
        mod, _, qual = t.key.partition(":")
        if mod == self.decls.name:
            return ast.Name(qual, ast.Load())
        imp = call(bi("__import__"), const(mod), const(None), const(None), ast.Tuple([const(qual)], ast.Load()))
        return ast.Attribute(imp, qual, ast.Load())

    def spec(self, t: T.Type) -> ast.expr | None:
        """A module-level name holding the run-time check spec for `t`
        (None: nothing to check)."""
        if t.is_dynamic or not isinstance(t, (T.ClassType, T.OptionalType, T.PrimType)):
            return None
        if t == T.OBJECT:
            return None
        key = t.name + "|" + getattr(t, "key", "")
        if key not in self.spec_index:
            name = f"__ember_spec{len(self.specs)}__"
            if isinstance(t, T.PrimType):
                value = call(rt("spec"), const(t.kind), const(None), const(False))
            else:
                optional = isinstance(t, T.OptionalType)
                inner = t.inner if optional else t
                if inner.key.startswith("builtins."):
                    target = self.type_expr(inner)
                else:
                    target = ast.Lambda(ast.arguments([], [], None, [], [], None, []), self.type_expr(inner))
                value = call(rt("spec"), const(0), target, const(optional))
            self.specs.append(ast.Assign([ast.Name(name, ast.Store())], value))
            self.spec_index[key] = name
        return ast.Name(self.spec_index[key], ast.Load())

    def check_node(self, t: T.Type, value: ast.expr, where: str) -> ast.expr:
        s = self.spec(t)
        if s is None:
            return value
        return call(rt("check"), s, value, const(where))

    # --- metadata ---------------------------------------------------------------------------
    @property
    def meta(self):
        return self.meta_stack[-1] if self.meta_stack else None

    def note_local(self, name, t):
        if self.meta is not None and self.scope.function_scope() is self.meta["_scope"]:
            self.meta["locals"][name] = t.name

    def note_call(self, node, kind, fi, unproven=()):
        if self.meta is not None:
            target = fi.full_name if fi is not None else None
            self.meta["calls"].append([node.lineno, node.col_offset, kind, target, list(unproven)])

    def note_prim_op(self, node, op):
        if self.meta is not None:
            self.meta["primitive_ops"].append([getattr(node, "lineno", 0), getattr(node, "col_offset", 0), op])

    def note_check(self, node, kind, t):
        if self.meta is not None:
            self.meta["checks"].append([getattr(node, "lineno", 0), getattr(node, "col_offset", 0), kind, t.name])

    def note_field_store(self, node, where, proven):
        if self.meta is not None:
            self.meta["field_stores"].append([getattr(node, "lineno", 0), getattr(node, "col_offset", 0),
                                              where, proven])

    # --- functions -----------------------------------------------------------------------------
    def lower_arguments_defaults(self, a: ast.arguments, fi: FunctionInfo | None) -> ast.arguments:
        positional = list(a.posonlyargs) + list(a.args)
        params = {p.name: p for p in fi.params} if fi is not None else {}
        defaults = []
        first = len(positional) - len(a.defaults)
        for i, d in enumerate(a.defaults):
            p = params.get(positional[first + i].arg)
            defaults.append(self.lower_default(d, p))
        kw_defaults = []
        for arg, d in zip(a.kwonlyargs, a.kw_defaults):
            kw_defaults.append(self.lower_default(d, params.get(arg.arg)) if d is not None else None)
        return ast.arguments(list(a.posonlyargs), list(a.args), a.vararg, list(a.kwonlyargs), kw_defaults,
                             a.kwarg, defaults)

    def lower_default(self, d, p):
        if p is None or p.type.is_dynamic:
            return self.obj_expr(d, "default value")[1]
        t, n = self.expr(d, p.type)
        a = T.assignable(t, p.type)
        if a == "error":
            if t.is_prim and not p.type.is_prim:
                self.err(d, f"a primitive cannot be the default of parameter '{p.name}' of type {p.type.name}")
            self.err(d, f"type mismatch: default {t.name} cannot be assigned to parameter '{p.name}' "
                        f"of type {p.type.name}")
        if a == "check" and not p.type.is_prim:
            n = self.check_node(p.type, n, f"default of '{p.name}'")
        return n

    def lower_function(self, node, fi: FunctionInfo | None, owner: ClassInfo | None,
                       qualname: str | None = None) -> list:
        if fi is None:
            fi = self.collector.function(node, qualname or node.name, owner)
        args = self.lower_arguments_defaults(node.args, fi)
        decorators = [self.obj_expr(d, "decorator")[1] for d in node.decorator_list]
        scope = self.push_scope("function", fi)
        locals_, counts, globals_, nonlocals = collect_locals(node)
        scope.locals, scope.store_counts, scope.globals, scope.nonlocals = locals_, counts, globals_, nonlocals
        is_gen = fi.is_generator or fi.is_async
        scope.return_type = T.DYNAMIC if is_gen else fi.returns
        meta = {"_scope": scope, "args": [], "return": scope.return_type.name, "locals": {}, "calls": [],
                "checks": [], "field_stores": [], "primitive_ops": [], "entry_checks": [],
                "kind": fi.kind, "final": fi.final, "inline": fi.inline}
        self.meta_stack.append(meta)
        try:
            for p in fi.params:
                scope.types[p.name] = p.type
                scope.annotated.add(p.name)
                meta["args"].append([p.name, p.type.name])
            a = node.args
            if a.vararg is not None:
                scope.types[a.vararg.arg] = T.TUPLE
            if a.kwarg is not None:
                scope.types[a.kwarg.arg] = T.DICT
            body = self.stmts(node.body)
            rtype = scope.return_type
            if not rtype.is_dynamic and T.assignable(T.NONE, rtype) == "error" and not _ends_in_exit(node.body):
                body.append(ast.Return(self.check_node(rtype, const(None), f"{fi.qualname}() return value")))
            if not body:
                body = [ast.Pass()]
        finally:
            self.meta_stack.pop()
            self.pop_scope()
        # entry checks for callers that are not proven (dynamic code)
        names, specs, npos = [], [], 0
        for p in fi.params:
            s = self.spec(p.type)
            if p.kind == "kwonly":
                pass
            else:
                npos += 1
            names.append(const(p.name))
            specs.append(s if s is not None else const(None))
            if s is not None:
                meta["entry_checks"].append(p.name)
        if meta["entry_checks"]:
            decorators.append(call(rt("checked_decorator"), ast.Tuple(names, ast.Load()),
                                   ast.Tuple(specs, ast.Load()), const(npos)))
        del meta["_scope"]
        self.functions_meta[fi.qualname] = meta
        cls = ast.AsyncFunctionDef if isinstance(node, ast.AsyncFunctionDef) else ast.FunctionDef
        new = cls(node.name, args, body, decorators, node.returns, None, list(getattr(node, "type_params", [])))
        out = [new]
        if self.has_direct_entry(fi):
            # static callers with proven arguments call the unchecked function
            alias = direct_alias(fi)
            meta["direct_entry"] = alias
            out.append(ast.Assign([ast.Name(alias, ast.Store())],
                                  ast.Attribute(ast.Name(node.name, ast.Load()), "__ember_func__", ast.Load())))
        return out

    def has_direct_entry(self, fi: FunctionInfo) -> bool:
        """Module-level static functions of this module bound once (static
        modules are strict, so nobody rebinds them) with entry checks get an
        unchecked alias `__ember_direct_<name>__` for proven static calls."""
        if fi.owner is not None or fi.module != self.decls.name or fi.other_decorators or fi.inline:
            return False
        if self.decls.functions.get(fi.name) is not fi:
            return False
        return any(self.spec(p.type) is not None for p in fi.params)

    def inline_body(self, fi: FunctionInfo):
        if fi.qualname in self.inline_cache:
            return self.inline_cache[fi.qualname]
        self.inline_cache[fi.qualname] = None  # recursion guard
        body = [s for s in fi.node.body if isinstance(s, ast.Return)]
        saved_scope, saved_meta = self.scope, self.meta_stack
        self.scope, self.meta_stack = Scope("module"), []
        try:
            scope = self.push_scope("function", fi)
            scope.return_type = fi.returns
            for p in fi.params:
                scope.locals.add(p.name)
                scope.types[p.name] = p.type
            t, n = self.expr(body[0].value, fi.returns)
            if any(isinstance(x, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
                                  ast.NamedExpr)) for x in ast.walk(n)):
                n = None
            if n is not None and T.assignable(t, fi.returns) != "ok" and not fi.returns.is_dynamic:
                n = None
        finally:
            self.scope, self.meta_stack = saved_scope, saved_meta
        self.inline_cache[fi.qualname] = n
        return n

    def s_FunctionDef(self, s):
        scope = self.scope
        if scope.kind == "module":
            fi = self.decls.functions.get(s.name)
            if fi is not None and fi.node is s:
                return self.lower_function(s, fi, None)
            return self.lower_function(s, None, None, s.name)
        if scope.kind == "class":
            return self.lower_function(s, None, None, f"{self.class_qual(scope)}.{s.name}")
        outer = self.current_qualname()
        return self.lower_function(s, None, None, f"{outer}.<locals>.{s.name}")

    s_AsyncFunctionDef = s_FunctionDef

    def class_qual(self, scope) -> str:
        return getattr(scope, "qualname", "<class>")

    # --- classes ---------------------------------------------------------------------------
    def s_ClassDef(self, s: ast.ClassDef):
        info = self.decls.classes.get(s.name) if self.scope.kind == "module" else None
        if info is not None and info.node is s:
            return self.lower_static_class(s, info)
        return self.lower_plain_class(s)

    def lower_plain_class(self, s: ast.ClassDef):
        bases = [self.obj_expr(b, "base class")[1] for b in s.bases]
        kws = [ast.keyword(k.arg, self.obj_expr(k.value)[1]) for k in s.keywords]
        decos = [self.obj_expr(d, "decorator")[1] for d in s.decorator_list]
        outer = self.current_qualname() if self.scope.function_scope().kind == "function" else None
        scope = self.push_scope("class")
        scope.locals = _class_body_names(s)
        scope.qualname = f"{outer}.<locals>.{s.name}" if outer else s.name
        try:
            body = self.stmts(s.body) or [ast.Pass()]
        finally:
            self.pop_scope()
        return [ast.ClassDef(s.name, bases, kws, body, decos, list(getattr(s, "type_params", [])))]

    def lower_static_class(self, s: ast.ClassDef, info: ClassInfo):
        bases = [self.obj_expr(b, "base class")[1] for b in s.bases]
        kws = [ast.keyword(k.arg, self.obj_expr(k.value)[1]) for k in s.keywords]
        decos = [self.obj_expr(d, "decorator")[1] for d in s.decorator_list]
        scope = self.push_scope("class")
        scope.locals = _class_body_names(s)
        scope.qualname = info.qualname
        layout = info.static_layout
        body: list = []
        defaults: list = []
        try:
            for stmt in s.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    fi = info.methods.get(stmt.name)
                    if fi is not None and fi.node is stmt:
                        body.extend(self.lower_function(stmt, fi, info))
                    else:
                        body.extend(self.lower_function(stmt, None, info, f"{info.qualname}.{stmt.name}"))
                    continue
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                        and stmt.target.id in info.fields and info.fields[stmt.target.id].node is stmt:
                    f = info.fields[stmt.target.id]
                    if stmt.value is not None:
                        vt, vn = self.expr(stmt.value, f.type if not f.type.is_dynamic else None)
                        if T.assignable(vt, f.type) == "error":
                            self.err(stmt.value, f"type mismatch: {vt.name} cannot be assigned to field "
                                                 f"'{info.qualname}.{f.name}' of type {f.type.name}")
                        if layout:
                            body.append(ast.AnnAssign(ast.Name(f.name, ast.Store()), stmt.annotation, None, 1))
                            body.append(_set_default(f.name, vn))
                            defaults.append(f.name)
                            continue
                        body.append(ast.AnnAssign(ast.Name(f.name, ast.Store()), stmt.annotation, vn, 1))
                        continue
                    body.append(ast.AnnAssign(ast.Name(f.name, ast.Store()), stmt.annotation, None, 1))
                    continue
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    name = stmt.targets[0].id
                    if name == "__slots__" and layout:
                        continue
                    f = info.fields.get(name)
                    if f is not None and f.default is stmt.value and layout:
                        _, vn = self.obj_expr(stmt.value, "field default")
                        body.append(_set_default(name, vn))
                        defaults.append(name)
                        continue
                    if name in info.finals or any(name in c.finals for c in info.mro()[1:]):
                        pass
                body.extend(self.stmts([stmt]))
        finally:
            self.pop_scope()
        field_names = [n for n in info.fields]
        if layout:
            slots = list(info.user_slots or [])
            for n in field_names:
                if n not in slots:
                    slots.append(n)
            if info.allow_weakrefs and "__weakref__" not in slots and not info.has_dynamic_base \
                    and not any(c.allow_weakrefs for c in info.mro()[1:]):
                slots.append("__weakref__")
            emit_slots = not info.has_dynamic_base or bool(field_names) or info.user_slots is not None
            prefix = []
            if emit_slots:
                prefix.append(ast.Assign([ast.Name("__slots__", ast.Store())],
                                         ast.Tuple([const(n) for n in slots], ast.Load())))
            else:
                layout = False
            if defaults:
                prefix.append(ast.Assign([ast.Name("__ember_defaults__", ast.Store())], ast.Dict([], [])))
            body = prefix + body
        if not body:
            body = [ast.Pass()]
        out = [ast.ClassDef(s.name, bases, kws, body, decos, list(getattr(s, "type_params", [])))]
        fields_meta = []
        if layout or info.final:
            rows = []
            for n in (field_names if layout else []):
                f = info.fields[n]
                spec = self.spec(f.type)
                elts = [const(n), spec if spec is not None else const(None)]
                if n in defaults:
                    elts.append(ast.Subscript(ast.Attribute(ast.Name(s.name, ast.Load()), "__ember_defaults__",
                                                            ast.Load()), const(n), ast.Load()))
                rows.append(ast.Tuple(elts, ast.Load()))
            out.append(ast.Expr(call(rt("layout"), ast.Name(s.name, ast.Load()), ast.Tuple(rows, ast.Load()),
                                     const(info.final))))
        final_methods = tuple(n for n, fi in info.methods.items() if fi.final)
        if final_methods and not info.final and "__init_subclass__" not in info.methods:
            out.append(ast.Expr(call(rt("guard_final_methods"), ast.Name(s.name, ast.Load()),
                                     ast.Tuple([const(n) for n in final_methods], ast.Load()))))
        for n, f in info.fields.items():
            fields_meta.append([n, f.type.name, f.type.kind if isinstance(f.type, T.PrimType) else 0])
        self.classes_meta[info.qualname] = {
            "fields": fields_meta, "typed_layout": layout, "final": info.final,
            "bases": [b.name for b in info.bases],
            "methods": {n: fi.full_name for n, fi in info.methods.items()},
            "final_methods": [n for n, fi in info.methods.items() if fi.final],
            "open_attributes": info.open_attrs,
        }
        return out

    # --- the module ---------------------------------------------------------------------------
    def lower_module(self, tree: ast.Module, marker: int, with_metadata: bool = True,
                     errors: list | None = None) -> ast.Module:
        if errors is None:
            body = self.stmts(tree.body[marker + 1:])
        else:
            # collect mode (the check tool): one error per top-level statement
            body = []
            for stmt in tree.body[marker + 1:]:
                try:
                    body.extend(self.stmts([stmt]))
                except TypedSyntaxError as exc:
                    errors.append(exc)
                    self.scope = Scope("module")
                    self.meta_stack = []
        prologue = [
            ast.Import([ast.alias("ember._static", RT)]),
            ast.Import([ast.alias("builtins", BUILTINS)]),
            ast.Import([ast.alias("__static__", STATIC_MOD)]),
        ] + self.specs
        meta = {"version": METADATA_VERSION, "module": self.decls.name, "functions": self.functions_meta,
                "classes": self.classes_meta, "deps": dict(self.decls.deps)}
        epilogue = []
        if with_metadata:
            meta_node = ast.parse(repr(meta), mode="eval").body
            epilogue = [ast.Assign([ast.Name("__ember_static__", ast.Store())], meta_node)]
        new = ast.Module(tree.body[:marker + 1] + prologue + body + epilogue, [])
        self.metadata = meta
        return new


def _class_body_names(cls: ast.ClassDef) -> set:
    """Names a class body binds (its own namespace, not the module's)."""
    out = set()
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for t in targets:
                for n in ast.walk(t):
                    if isinstance(n, ast.Name):
                        out.add(n.id)
    return out


def direct_alias(fi: FunctionInfo) -> str:
    return f"__ember_direct_{fi.name}__"


def _is_static_instance(t: T.Type) -> bool:
    if isinstance(t, T.OptionalType):
        t = t.inner
    return isinstance(t, T.ClassType) and t.info is not None


def _set_default(name: str, value: ast.expr) -> ast.stmt:
    return ast.Assign([ast.Subscript(ast.Name("__ember_defaults__", ast.Load()), const(name), ast.Store())], value)


def _ends_in_exit(body: list) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _ends_in_exit(last.body) and _ends_in_exit(last.orelse)
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) and last.test.value is True:
        return not any(isinstance(n, ast.Break) for n in ast.walk(last))
    if isinstance(last, ast.Try):
        return (_ends_in_exit(last.body) or _ends_in_exit(last.orelse)) and all(
            _ends_in_exit(h.body) for h in last.handlers) or _ends_in_exit(last.finalbody)
    if isinstance(last, ast.With):
        return _ends_in_exit(last.body)
    return False


def _module_assigned(decls: ModuleDecls) -> dict:
    return decls.index.counts if decls.index is not None else {}


def compile_static(source: str | bytes, filename: str, modname: str, table: ModuleTable | None = None,
                   *, tree: ast.Module | None = None, internal_errors: bool = True,
                   compile_code: bool = True, errors: list | None = None) -> CompileResult | None:
    """Type-check and compile a module. Returns None if it is not static.

    By default the first error is raised. With `errors` (a list) and
    `compile_code=False`, errors in separate top-level statements are all
    appended to it and the first one is raised at the end."""
    if isinstance(source, bytes):
        import importlib.util
        source = importlib.util.decode_source(source)
    if tree is None:
        tree = ast.parse(source, filename)
    marker = static_marker_index(tree)
    if marker < 0:
        return None
    table = table or ModuleTable()
    try:
        decls = ModuleDecls(modname, filename, tree, source_hash=source_hash(source), lines=source.splitlines())
        table.cache[modname] = decls
        Collector(decls, table).run()
        comp = Compiler(decls, table)
        collect = errors if (errors is not None and not compile_code) else None
        new_tree = comp.lower_module(tree, marker, with_metadata=compile_code, errors=collect)
        if collect:
            raise collect[0]
        code = None
        if compile_code:
            ast.fix_missing_locations(new_tree)
            try:
                code = compile(new_tree, filename, "exec", dont_inherit=True)
            except SyntaxError:
                # Errors only CPython's compiler detects (misplaced __future__,
                # bad `nonlocal`...) are the user's: report CPython's own.
                compile(source, filename, "exec", dont_inherit=True)
                raise
    except TypedSyntaxError as exc:
        if errors is not None and exc not in errors:
            errors.append(exc)
        raise
    except RecursionError:
        raise TypedSyntaxError("module too deeply nested for the static compiler", filename, 1, 0)
    except Exception as exc:  # a compiler bug: report it in the user's terms
        if not internal_errors:
            raise
        raise TypedSyntaxError(f"internal error in the static compiler: {type(exc).__name__}: {exc}",
                               filename, 1, 0) from exc
    return CompileResult(code, decls, comp.metadata, dict(decls.deps), new_tree)
