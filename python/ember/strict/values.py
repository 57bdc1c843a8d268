"""Abstract values of the strict-module analyser.

The abstract interpreter never runs user code; it computes, for each
expression, a ``Val`` that says what is known about the runtime object:

- ``owner``: the module that created the object. The owned-value rule: a value
  may be mutated only while analysing the module that owns it. ``None`` means
  the object is immutable (constants) so mutation is not a question.
- ``qual``: the dotted name it was reached by from a module (``os.environ``),
  used to look effects up in the stubs and to name things in messages.

Kinds: ``Const`` (a known immutable Python value), ``Opaque`` (nothing known),
``ModuleVal``, ``FuncVal`` / ``ClassVal`` / ``InstanceVal`` (user code the
analyser can follow), ``StubVal`` (a builtin/stdlib/allowlisted callable whose
effect is in the stubs), ``Container`` (list/dict/set/tuple with the union of
its element values), ``BoundMethod``, ``Union`` (one of several, after
branches), plus small wrappers for properties, static/class methods, super()
and globals().

Values are plain objects with __slots__; they are created in large numbers.
"""
from __future__ import annotations

import ast

MAX_UNION = 8
# The top-level statement being interpreted (incremented by Interpreter.run_module):
# mutable values record when they were born, so writes to values created by the
# current statement can be told apart from writes to older, shared state.
STAMP = [0]


class Val:
    __slots__ = ("owner", "qual")

    def __init__(self, owner: str | None, qual: str = ""):
        self.owner = owner
        self.qual = qual

    def describe(self) -> str:
        return self.qual or type(self).__name__


class Const(Val):
    __slots__ = ("value",)

    def __init__(self, value, qual: str = ""):
        super().__init__(None, qual)
        self.value = value

    def describe(self) -> str:
        if self.qual:
            return self.qual
        text = repr(self.value)
        return text if len(text) < 40 else text[:37] + "..."


class Opaque(Val):
    """Nothing is known about it. Calling it at import time is an error."""
    __slots__ = ("why",)

    def __init__(self, owner: str | None, qual: str = "", why: str = ""):
        super().__init__(owner, qual)
        self.why = why


class ModuleVal(Val):
    __slots__ = ("name", "record", "namespace", "strict")

    def __init__(self, name: str, record=None, strict: bool = False):
        super().__init__(name, name)
        self.name = name
        self.record = record          # modules.ModuleRecord of a strict module's source
        self.strict = strict          # opted in (strict or static): its namespace can be analysed
        self.namespace = None         # filled lazily for strict modules


class Scope:
    """A namespace: module globals, a class body, or a function's locals."""
    __slots__ = ("vars", "parent", "kind", "module", "global_names", "nonlocal_names", "star_sources")

    def __init__(self, kind: str, parent: "Scope | None", module: "ModuleContext"):
        self.vars: dict[str, Val] = {}
        self.parent = parent          # enclosing function scope (closures), never a class
        self.kind = kind              # "module" | "class" | "function"
        self.module = module
        self.global_names: set[str] = set()
        self.nonlocal_names: set[str] = set()
        self.star_sources: list[Val] = []


class ModuleContext:
    """What code running in one module needs: its name, file, package, globals."""
    __slots__ = ("name", "filename", "package", "scope", "future_annotations", "owner")

    def __init__(self, name: str, filename: str, package: str, owner: str):
        self.name = name
        self.filename = filename
        self.package = package
        self.owner = owner
        self.future_annotations = False
        self.scope = Scope("module", None, self)


class FuncVal(Val):
    __slots__ = ("node", "closure", "module", "name", "defaults", "kw_defaults", "_is_gen", "is_async")

    def __init__(self, node, closure: Scope | None, module: ModuleContext, owner: str,
                 name: str, defaults: list[Val], kw_defaults: list[Val | None]):
        super().__init__(owner, f"{module.name}.{name}")
        self.node = node
        self.closure = closure
        self.module = module
        self.name = name
        self.defaults = defaults
        self.kw_defaults = kw_defaults
        self.is_async = isinstance(node, ast.AsyncFunctionDef)
        self._is_gen: bool | None = None

    @property
    def is_gen(self) -> bool:
        """Computed on first call only: most functions are never called at import time."""
        if self._is_gen is None:
            node = self.node
            self._is_gen = (not isinstance(node, ast.Lambda)) and _contains_yield(node.body)
        return self._is_gen


def _contains_yield(body) -> bool:
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


class ClassVal(Val):
    __slots__ = ("name", "ns", "bases", "module", "metaclass")

    def __init__(self, name: str, ns: dict, bases: list[Val], module: ModuleContext,
                 owner: str, metaclass: Val | None):
        super().__init__(owner, f"{module.name}.{name}")
        self.name = name
        self.ns = ns
        self.bases = bases
        self.module = module
        self.metaclass = metaclass


class InstanceVal(Val):
    """An instance of a class: a ClassVal (followed) or a stub class (by qualname)."""
    __slots__ = ("cls", "attrs", "born")

    def __init__(self, cls, owner: str | None):
        super().__init__(owner, "")
        self.cls = cls                # ClassVal | StubVal
        self.attrs: dict[str, Val] = {}
        self.born = STAMP[0]

    def describe(self) -> str:
        return f"{self.cls.describe()} instance"


class StubVal(Val):
    """A callable or class known from the stubs."""
    __slots__ = ("stub",)

    def __init__(self, qual: str, stub, owner: str | None):
        super().__init__(owner, qual)
        self.stub = stub


class Container(Val):
    __slots__ = ("kind", "elems", "keys", "seq", "born")

    def __init__(self, kind: str, owner: str | None, elems=(), qual: str = "", seq=None):
        super().__init__(owner, qual)
        self.born = STAMP[0]
        self.kind = kind              # list, dict, set, tuple, frozenset
        self.elems: list[Val] = []
        self.keys: list[Val] = []
        self.seq: list[Val] | None = seq   # exact items of a tuple, when known (for unpacking)
        for e in elems:
            self.add(e)

    def add(self, value: Val) -> None:
        add_to_union(self.elems, value)

    def add_key(self, value: Val) -> None:
        add_to_union(self.keys, value)

    def describe(self) -> str:
        return self.qual or f"{self.kind} object"


def add_to_union(items: list, value: Val) -> None:
    if isinstance(value, Union):
        for v in value.options:
            add_to_union(items, v)
        return
    for existing in items:
        if existing is value or (isinstance(existing, Const) and isinstance(value, Const)
                                 and type(existing.value) is type(value.value)):
            return
    if len(items) < MAX_UNION:
        items.append(value)


class BoundMethod(Val):
    __slots__ = ("self_val", "func")

    def __init__(self, self_val: Val, func: Val, owner: str | None):
        super().__init__(owner, func.qual)
        self.self_val = self_val
        self.func = func


class MethodOf(Val):
    """A method of a container or constant: ``lst.append``, ``"x".join``."""
    __slots__ = ("target", "name")

    def __init__(self, target: Val, name: str):
        super().__init__(None, f"{target.describe()}.{name}")
        self.target = target
        self.name = name


class Wrapped(Val):
    """staticmethod/classmethod/property around a function."""
    __slots__ = ("how", "func")

    def __init__(self, how: str, func: Val, owner: str | None):
        super().__init__(owner, func.qual)
        self.how = how
        self.func = func


class SuperVal(Val):
    __slots__ = ("cls", "self_val")

    def __init__(self, cls: Val, self_val: Val):
        super().__init__(None, "super()")
        self.cls = cls
        self.self_val = self_val


class GlobalsVal(Val):
    """The result of globals()/locals() at module level: the namespace itself."""
    __slots__ = ("scope",)

    def __init__(self, scope: Scope, owner: str):
        super().__init__(owner, "globals()")
        self.scope = scope


class Union(Val):
    __slots__ = ("options",)

    def __init__(self, options: list[Val]):
        super().__init__(None, "")
        self.options = options

    def describe(self) -> str:
        return " or ".join(o.describe() for o in self.options[:3])


def union(values: list[Val]) -> Val:
    items: list[Val] = []
    for v in values:
        add_to_union(items, v)
    if not items:
        return Opaque(None)
    if len(items) == 1:
        return items[0]
    return Union(items)


def options(value: Val) -> list[Val]:
    return value.options if isinstance(value, Union) else [value]


IMMUTABLE_TYPES = (int, float, complex, str, bytes, bool, type(None), type(Ellipsis), range)


def from_python(value, owner: str | None) -> Val:
    """Wraps a concrete Python result (of constant folding)."""
    if isinstance(value, IMMUTABLE_TYPES):
        return Const(value)
    if isinstance(value, tuple) and all(isinstance(v, IMMUTABLE_TYPES) for v in value):
        return Const(value)
    if isinstance(value, frozenset) and all(isinstance(v, IMMUTABLE_TYPES) for v in value):
        return Const(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        kind = {list: "list", tuple: "tuple", set: "set", frozenset: "frozenset"}.get(type(value), "list")
        return Container(kind, owner, [from_python(v, owner) for v in list(value)[:MAX_UNION]])
    if isinstance(value, dict):
        c = Container("dict", owner, [from_python(v, owner) for v in list(value.values())[:MAX_UNION]])
        for k in list(value)[:MAX_UNION]:
            c.add_key(from_python(k, owner))
        return c
    return Opaque(owner)
