"""Call semantics of the abstract interpreter (a mixin of Interpreter).

Calling is where import-time effects happen, so this is where most rules
live: following user functions and classes (``follow``, ``instantiate``),
applying stub effects (``call_stub``: io/dynamic/state are errors, mutates
and modifies check ownership, identity decorators return their argument),
the builtins the analyser models precisely (globals, setattr, super, ...),
and methods of containers, constants and the namespace.

Following is bounded: recursion returns an unknown owned value, the call
depth is limited (ST002), and repeated calls of one function are memoised on
generalised arguments (see ``follow``).
"""
from __future__ import annotations

import ast

from .stubs import Stub
from .values import (BoundMethod, ClassVal, Const, Container, FuncVal, GlobalsVal, InstanceVal,
                     MethodOf, ModuleVal, Opaque, Scope, StubVal,
                     SuperVal, Union, Val, Wrapped, from_python, options, union)

from .interpreter_base import (CONTAINER_KINDS, EFFECT_CODES, FOLDABLE_BUILTINS, GENERALIZE_AFTER,
                               AFTER_ERROR, IMMUTABLE_RESULTS, MAX_CALL_DEPTH, MUTATING_METHODS, STR_VALUE, Frame,
                               _generalize, _key_of, _small, display)


DUNDER_BUILTINS = {
    "builtins.str": ("__str__", "__repr__"), "builtins.repr": ("__repr__",),
    "builtins.format": ("__format__", "__str__", "__repr__"), "builtins.len": ("__len__",),
    "builtins.bool": ("__bool__", "__len__"), "builtins.hash": ("__hash__",),
    "builtins.int": ("__int__", "__index__"), "builtins.float": ("__float__",),
    "builtins.abs": ("__abs__",), "builtins.round": ("__round__",), "builtins.iter": ("__iter__",),
    "builtins.next": ("__next__",), "builtins.reversed": ("__reversed__", "__len__"),
    "builtins.list": ("__iter__",), "builtins.tuple": ("__iter__",), "builtins.set": ("__iter__",),
    "builtins.frozenset": ("__iter__",), "builtins.sorted": ("__iter__",), "builtins.sum": ("__iter__",),
    "builtins.dict": ("keys", "__iter__"), "builtins.enumerate": ("__iter__",),
}


class CallSemantics:
    # ---- calls ------------------------------------------------------------------------

    def call(self, func: Val, args: list[Val], kwargs: dict[str, Val], node, context: str = "") -> Val:
        self.step()
        if isinstance(func, Union):
            return union([self.call(f, args, kwargs, node, context) for f in func.options])
        if isinstance(func, FuncVal):
            return self.follow(func, args, kwargs, node)
        if isinstance(func, BoundMethod):
            return self.call(func.func, [func.self_val] + args, kwargs, node, context)
        if isinstance(func, ClassVal):
            meta = self.metaclass_of(func)
            if meta is not None:
                hook = self.class_lookup(meta, "__call__")
                if isinstance(hook, FuncVal):
                    return union([self.follow(hook, [func] + args, kwargs, node),
                                  InstanceVal(func, self.owner)])
            return self.instantiate(func, args, kwargs, node)
        if isinstance(func, StubVal):
            return self.call_stub(func, args, kwargs, node, context)
        if isinstance(func, MethodOf):
            return self.call_method(func.target, func.name, args, kwargs, node)
        if isinstance(func, Wrapped):
            return self.call(func.func, args, kwargs, node, context)
        if isinstance(func, InstanceVal):
            hook = self.class_lookup(func.cls, "__call__")
            if hook is not None:
                return self.call(BoundMethod(func, hook, func.owner), args, kwargs, node, context)
            qual = f"{func.cls.qual}.__call__"
            self.report("ST101", node, f"Module-level call of non-strict value "
                        f"'{self.callee_text(func, node)}()' is prohibited{context}", qual)
            return AFTER_ERROR
        if isinstance(func, Opaque):
            if func.why in ("undefined name", "after error"):
                return AFTER_ERROR        # a NameError at import, or already reported
            why = f" ({func.why})" if func.why and func.why not in ("exception", "str", "after error") else ""
            self.report("ST101", node, f"Module-level call of non-strict value '{self.callee_text(func, node)}()' "
                        f"is prohibited{context}{why}", func.qual or self.callee_text(func, node))
            return AFTER_ERROR
        return Opaque(None)

    def metaclass_of(self, cls: ClassVal) -> ClassVal | None:
        seen = 0
        while isinstance(cls, ClassVal) and seen < 32:
            if isinstance(cls.metaclass, ClassVal):
                return cls.metaclass
            cls = next((b for b in cls.bases if isinstance(b, ClassVal)), None)
            seen += 1
        return None

    def dunder(self, value: Val, names: tuple, args: list[Val], node) -> Val | None:
        """Follows the first of `names` defined by the class of each user instance in `value`.

        Operators, truth tests, iteration, str() and friends call these
        methods implicitly; None when no option of `value` defines one.
        """
        results = []
        for v in options(value):
            if not (isinstance(v, InstanceVal) and isinstance(v.cls, ClassVal)):
                continue
            for name in names:
                hook = self.class_lookup(v.cls, name)
                if hook is None or isinstance(hook, StubVal):
                    continue
                if isinstance(hook, FuncVal):
                    results.append(self.follow(hook, [v] + list(args), {}, node))
                elif isinstance(hook, Wrapped):
                    results.append(self.call(hook.func, ([] if hook.how == "staticmethod" else [v]) + list(args),
                                             {}, node))
                elif not isinstance(hook, Const):       # e.g. __hash__ = None is not a call
                    results.append(self.call(hook, [v] + list(args), {}, node))
                break
        return union(results) if results else None

    @staticmethod
    def callee_text(func: Val, node) -> str:
        if func.qual:
            return display(func.qual)
        target = node.func if isinstance(node, ast.Call) else node
        if not isinstance(target, ast.expr):
            return func.describe()
        try:
            text = ast.unparse(target)
        except Exception:
            return func.describe()
        return text if len(text) <= 60 else text[:57] + "..."

    def follow(self, func: FuncVal, args: list[Val], kwargs: dict[str, Val], node, self_val=None) -> Val:
        """Interprets a function's body for a call made at import time.

        The first GENERALIZE_AFTER calls of a function run with the exact
        argument values. Later calls compute a key with numbers and strings
        generalised to "some value of that type"; the second time a key is
        seen the call runs with the generalised arguments and is memoised on
        that key plus the
        state epoch (bumped by every write to state that existed before the
        current top-level statement, see Interpreter.touch): a widened
        argument only makes more branches reachable and a changed state
        misses, so this stays conservative while bounding the cost of modules
        that call the same constructor many times at import.
        """
        count = self._calls.get(id(func), 0) + 1
        self._calls[id(func)] = count
        if count <= GENERALIZE_AFTER:
            return self._follow(func, args, kwargs, node)
        gargs = [_generalize(a) for a in args]
        gkwargs = {k: _generalize(v) for k, v in kwargs.items()}
        key = (id(func), self.epoch, tuple(_key_of(a) for a in gargs),
               tuple(sorted((k, _key_of(v)) for k, v in gkwargs.items())))
        hit = self._memo.get(key)
        if hit is not None:
            return hit[0]
        if key not in self._seen_keys:
            # first time with this key: stay exact; generalise only if the key repeats
            self._seen_keys[key] = (func, gargs, gkwargs)   # keeps the keyed objects alive
            return self._follow(func, args, kwargs, node)
        result = self._follow(func, gargs, gkwargs, node)
        self._memo[key] = (result, func, gargs, gkwargs)   # keeps the keyed objects alive
        return result

    def _follow(self, func: FuncVal, args: list[Val], kwargs: dict[str, Val], node) -> Val:
        if func.is_async:
            return Opaque(self.owner, why="coroutine")
        if func in self.stack:
            return Opaque(self.owner, why="recursive call")
        if len(self.stack) >= MAX_CALL_DEPTH:
            if not self._depth_reported:
                self._depth_reported = True
                self.report("ST002", node, f"Import-time call chain deeper than {MAX_CALL_DEPTH} "
                            "calls cannot be analysed")
            return Opaque(self.owner)
        scope = Scope("function", func.closure, func.module)
        self.bind_params(func, scope, args, kwargs)
        node_ = func.node
        if isinstance(node_, ast.Lambda):
            body = None
        else:
            decls = self._decls.get(id(node_))
            if decls is None:
                decls = self._scan_decls(node_.body)
                self._decls[id(node_)] = decls
            scope.global_names, scope.nonlocal_names = set(decls[0]), set(decls[1])
            body = node_.body
        saved = (self.cur_module, self.call_site)
        if not self.stack:
            self.call_site = (self.cur_module.filename, getattr(node, "lineno", 0))
        self.cur_module = func.module
        self.stack.append(func)
        frame = Frame(func, args[0] if args else None)
        try:
            if body is None:
                result = self.eval(node_.body, scope)
                return result
            self.exec_block(body, scope, frame)
        finally:
            self.stack.pop()
            self.cur_module, self.call_site = saved
        if func.is_gen:
            return Container("list", self.owner, frame.returns + [Opaque(self.owner)], qual="generator")
        return union(frame.returns) if frame.returns else Const(None)

    @staticmethod
    def _scan_decls(body) -> tuple[set, set]:
        globals_, nonlocals = set(), set()
        stack = list(body)
        while stack:
            n = stack.pop()
            if isinstance(n, ast.Global):
                globals_.update(n.names)
            elif isinstance(n, ast.Nonlocal):
                nonlocals.update(n.names)
            elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            stack.extend(c for c in ast.iter_child_nodes(n) if isinstance(c, ast.stmt))
        return globals_, nonlocals

    def bind_params(self, func: FuncVal, scope: Scope, args: list[Val], kwargs: dict[str, Val]) -> None:
        a = func.node.args
        positional = a.posonlyargs + a.args
        star = "*" in kwargs
        unknown = Opaque(self.owner)
        n_defaults = len(a.defaults)
        first_default = len(positional) - n_defaults
        for i, param in enumerate(positional):
            if i < len(args):
                value = args[i]
            elif param.arg in kwargs:
                value = kwargs[param.arg]
            elif star:
                value = unknown
            elif i >= first_default:
                value = func.defaults[i - first_default]
            else:
                value = unknown
            scope.vars[param.arg] = value
        if a.vararg is not None:
            scope.vars[a.vararg.arg] = Container("tuple", self.owner, args[len(positional):])
        for param, default in zip(a.kwonlyargs, func.kw_defaults):
            if param.arg in kwargs:
                scope.vars[param.arg] = kwargs[param.arg]
            elif default is not None and not star:
                scope.vars[param.arg] = default
            else:
                scope.vars[param.arg] = unknown if default is None else union([default, unknown])
        if a.kwarg is not None:
            names = {p.arg for p in positional + a.kwonlyargs}
            scope.vars[a.kwarg.arg] = Container(
                "dict", self.owner, [v for k, v in kwargs.items() if k not in names and k not in ("*", "**")])

    def instantiate(self, cls: ClassVal, args, kwargs, node) -> Val:
        inst = InstanceVal(cls, self.owner)
        new = self.class_lookup(cls, "__new__")
        if isinstance(new, Wrapped):
            new = new.func
        result: Val = inst
        if isinstance(new, FuncVal):
            made = self.follow(new, [cls] + args, kwargs, node)
            if not isinstance(made, (Opaque, Const)):
                result = made
        init = self.class_lookup(cls, "__init__")
        if isinstance(init, FuncVal):
            self.follow(init, [inst] + args, kwargs, node)
        elif isinstance(init, StubVal):
            self.call_stub(init, [inst] + args, kwargs, node, "")
        return result

    def container_from(self, kind: str, args: list[Val], kwargs: dict[str, Val]) -> Container:
        c = Container(kind, self.owner)
        if args:
            src = args[0]
            for v in options(src):
                if kind == "dict" and isinstance(v, Container) and v.kind == "dict":
                    for e in v.elems:
                        c.add(e)
                    for k in v.keys:
                        c.add_key(k)
                elif kind == "dict":
                    c.add(Opaque(self.owner))
                else:
                    c.add(self.iter_elems(v))
        for key, value in kwargs.items():
            if key not in ("*", "**"):
                c.add(value)
                c.add_key(Const(key))
        return c

    def call_stub(self, sv: StubVal, args, kwargs, node, context: str) -> Val:
        qual, stub = sv.qual, sv.stub
        effect = stub.effect
        hooks = DUNDER_BUILTINS.get(qual)
        if hooks is not None and args:
            self.dunder(args[0], hooks, args[1:2] if qual == "builtins.format" else [], node)
        if qual in ("functools.singledispatch", "functools.singledispatchmethod") and len(args) == 1:
            return Wrapped("dispatch", args[0], self.owner)
        if qual == "functools.partial" and args:
            return Wrapped("partial", args[0], self.owner)    # calling it calls the wrapped function
        special = getattr(self, "b_" + qual[9:], None) if qual.startswith("builtins.") and "." not in qual[9:] else None
        if special is not None:
            return special(args, kwargs, node)
        if effect in EFFECT_CODES:
            code = EFFECT_CODES[effect]
            finding = {
                "ST103": f"Module-level I/O call '{display(qual)}()' is prohibited",
                "ST109": f"Module-level dynamic code execution '{display(qual)}()' is prohibited",
                "ST110": f"Module-level call of '{display(qual)}()', which changes interpreter or "
                         "process state, is prohibited",
            }[code]
            self.report(code, node, finding + context, qual)
            return AFTER_ERROR
        if effect in ("mutates", "modifies") and args:
            self.touch(args[0])
        if effect == "mutates":
            if args:
                self.check_mutation(args[0], node, f"argument of '{display(qual)}()'")
            return Opaque(self.owner)
        if effect in ("identity", "modifies"):
            positional = [a for a in args]
            if len(positional) == 1 and not kwargs:
                if effect == "modifies":
                    self.check_mutation(positional[0], node, f"decorated by '{display(qual)}'")
                return positional[0]
            return StubVal(qual + "()", Stub(effect), self.owner)
        if effect == "factory":
            return StubVal(qual + "()", Stub("identity"), self.owner)
        if effect == "hof":
            for value in list(args) + [v for k, v in kwargs.items() if k not in ("*", "**")]:
                for v in options(value):
                    # the callables it is given run now: user code, stubs (print!), unknowns
                    if isinstance(v, (FuncVal, BoundMethod, ClassVal, Wrapped, StubVal)) or (
                            isinstance(v, Opaque) and v.owner is not None and v.qual):
                        self.call(v, [self.iter_elems(a) for a in args if a is not value][:3] or [Opaque(self.owner)],
                                  {}, node)
        if effect == "module":
            return Opaque(self.owner)
        if stub.result in CONTAINER_KINDS:
            return self.container_from(stub.result, args, kwargs)
        if stub.result == "class":
            return StubVal(qual + "()", Stub("class"), self.owner)
        if stub.result:
            target = self.stubs.lookup(stub.result)
            return InstanceVal(StubVal(stub.result, target or Stub("class"), None), self.owner)
        if effect == "class":
            return InstanceVal(sv, self.owner)
        fold = FOLDABLE_BUILTINS.get(qual)
        if fold is not None and not kwargs and all(isinstance(a, Const) and _small(a.value) for a in args):
            if qual == "builtins.range" or all(not isinstance(a.value, int) or abs(a.value) < 100_000 for a in args):
                try:
                    return from_python(fold(*[a.value for a in args]), self.owner)
                except Exception:
                    return Opaque(None)
        if qual in IMMUTABLE_RESULTS:
            return STR_VALUE
        if effect == "hof" and qual in ("builtins.min", "builtins.max") and args:
            return self.iter_elems(args[0]) if len(args) == 1 else union(args)
        return Opaque(self.owner)

    # builtins the analyser models beyond their stub entry

    def b_globals(self, args, kwargs, node):
        if self.stack:
            return GlobalsVal(self.cur_module.scope, self.cur_module.owner)
        return GlobalsVal(self.ctx.scope, self.owner)

    def b_locals(self, args, kwargs, node):
        if self.stack:
            return Container("dict", self.owner)
        return GlobalsVal(self.ctx.scope, self.owner)

    def b_vars(self, args, kwargs, node):
        if not args:
            return self.b_locals(args, kwargs, node)
        target = args[0]
        if isinstance(target, ModuleVal):
            return GlobalsVal(Scope("module", None, self.ctx), target.name)
        return Container("dict", target.owner, qual=f"vars({target.describe()})")

    def b_setattr(self, args, kwargs, node):
        if len(args) >= 2:
            name = args[1].value if isinstance(args[1], Const) and isinstance(args[1].value, str) else "?"
            self.set_attr(args[0], name, args[2] if len(args) > 2 else Opaque(self.owner), node)
        return Const(None)

    def b_delattr(self, args, kwargs, node):
        if len(args) >= 2:
            name = args[1].value if isinstance(args[1], Const) and isinstance(args[1].value, str) else "?"
            self.set_attr(args[0], name, None, node, delete=True)
        return Const(None)

    def b_getattr(self, args, kwargs, node):
        if len(args) >= 2 and isinstance(args[1], Const) and isinstance(args[1].value, str):
            value = self.getattr_(args[0], args[1].value, node)
            return union([value, args[2]]) if len(args) > 2 else value
        return Opaque(args[0].owner if args else None)

    def b_super(self, args, kwargs, node):
        frame_func = self.stack[-1] if self.stack else None
        if len(args) >= 2:
            return SuperVal(args[0], args[1])
        cls = self._enclosing_class(frame_func)
        return SuperVal(cls if cls is not None else Opaque(None), Opaque(self.owner))

    def _enclosing_class(self, func: FuncVal | None) -> Val | None:
        if func is None:
            return None
        for value in func.module.scope.vars.values():
            for v in options(value):
                if isinstance(v, ClassVal) and any(
                        (f is func) or (isinstance(f, Wrapped) and f.func is func) for f in v.ns.values()):
                    return v
        return None

    def b_type(self, args, kwargs, node):
        if len(args) == 1:
            v = args[0]
            if isinstance(v, InstanceVal):
                return v.cls
            if isinstance(v, Const):
                return self.builtin(type(v.value).__name__)
            return Opaque(v.owner)
        return StubVal("type()", Stub("class"), self.owner)

    def b_staticmethod(self, args, kwargs, node):
        return Wrapped("staticmethod", args[0], self.owner) if args else Opaque(self.owner)

    def b_classmethod(self, args, kwargs, node):
        return Wrapped("classmethod", args[0], self.owner) if args else Opaque(self.owner)

    def b_property(self, args, kwargs, node):
        fget = args[0] if args else kwargs.get("fget")
        if fget is None:
            return Opaque(self.owner)
        return Wrapped("property", fget, self.owner)

    def b_iter(self, args, kwargs, node):
        return Container("list", self.owner, [self.iter_elems(args[0])]) if args else Opaque(self.owner)

    def b_next(self, args, kwargs, node):
        if not args:
            return Opaque(self.owner)
        values = [self.iter_elems(args[0])] + list(args[1:2])
        return union(values)

    def _immutable_method_result(self, name: str) -> Val:
        if name in ("split", "splitlines", "rsplit", "partition", "rpartition"):
            return Container("list", self.owner, [STR_VALUE])
        return STR_VALUE

    def call_method(self, target: Val, name: str, args, kwargs, node) -> Val:
        if isinstance(target, Wrapped) and target.how == "dispatch":
            # f.register(cls) -> decorator; f.register(func): adds to f's registry, which
            # belongs to the module that created f
            self.check_mutation(target, node, f"'{name}()' called on it")
            if args and isinstance(args[0], (FuncVal, Wrapped)) and len(args) == 1:
                return args[0]
            return StubVal(f"{target.qual}.register()", Stub("identity"), self.owner)
        if isinstance(target, Wrapped):       # @prop.setter / .getter / .deleter: a new property
            fget = args[0] if name == "getter" and args else target.func
            return Wrapped("property", fget, self.owner)
        if name == "register" and isinstance(target, (ClassVal, StubVal)):
            self.check_mutation(target, node, "virtual subclass registered")
            return args[0] if args else Opaque(self.owner)
        if isinstance(target, Const):
            if all(isinstance(a, Const) and _small(a.value) for a in args) and not kwargs \
                    and _small(target.value) and all(not isinstance(a.value, int) or abs(a.value) < 10_000
                                                     for a in args):
                method = getattr(target.value, name, None)
                if method is not None and not name.startswith("__"):
                    try:
                        return from_python(method(*[a.value for a in args]), self.owner)
                    except Exception:
                        return Opaque(None)
            return self._immutable_method_result(name)
        if isinstance(target, GlobalsVal):
            if name in ("update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"):
                self.report("ST104", node, f"Modifying the module namespace through "
                            f"'globals().{name}()' is prohibited")
                return Opaque(self.owner)
            if name == "get" and args and isinstance(args[0], Const) and isinstance(args[0].value, str):
                return self.lookup(args[0].value, target.scope)
            if name == "keys":
                return Container("list", self.owner, [STR_VALUE])
            if name == "items":
                pair = Container("tuple", self.owner, [STR_VALUE, Opaque(self.owner)],
                                 seq=[STR_VALUE, Opaque(self.owner)])
                return Container("list", self.owner, [pair])
            return Opaque(self.owner)
        if name in MUTATING_METHODS:
            self.touch(target)
            if self.check_mutation(target, node, f"'{name}()' called on it"):
                for v in options(target):
                    if isinstance(v, Container):
                        if name in ("append", "add", "appendleft") and args:
                            v.add(args[0])
                        elif name in ("extend", "update", "extendleft") and args:
                            if v.kind == "dict" and isinstance(args[0], Container) and args[0].kind == "dict":
                                for e in args[0].elems:
                                    v.add(e)
                            else:
                                v.add(self.iter_elems(args[0]))
                            for key, value in kwargs.items():
                                if key not in ("*", "**"):
                                    v.add(value)
                        elif name in ("insert", "setdefault") and len(args) > 1:
                            v.add(args[1])
                        elif name == "sort" and "key" in kwargs:
                            self.call(kwargs["key"], [self.iter_elems(v)], {}, node)
            if name in ("pop", "popitem", "popleft", "setdefault"):
                return union([self.iter_elems(target) if not isinstance(target, Container) or target.kind != "dict"
                              else union(target.elems or [Opaque(target.owner)])] + list(args[1:2]))
            return Const(None)
        if isinstance(target, Container):
            if name == "copy":
                c = Container(target.kind, self.owner, target.elems)
                for k in target.keys:
                    c.add_key(k)
                return c
            if name == "get":
                return union((target.elems or [Opaque(target.owner)]) + list(args[1:2]) + (
                    [Const(None)] if len(args) < 2 else []))
            if name in ("keys", "values", "items"):
                elems = target.keys if name == "keys" else target.elems
                return Container("list", self.owner, elems or [Opaque(target.owner)])
            return Opaque(self.owner)
        if isinstance(target, InstanceVal):
            return Opaque(self.owner)
        if isinstance(target, Opaque) and target.owner is None:
            return self._immutable_method_result(name)
        self.report("ST101", node, f"Module-level call of non-strict value '{target.describe()}.{name}()' "
                    "is prohibited", f"{target.qual}.{name}" if target.qual else name)
        return AFTER_ERROR
