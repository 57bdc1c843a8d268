"""The Static Python type lattice, as the checker sees it.

Gradual typing: every expression gets a ``Type``. ``DYNAMIC`` is the type of
anything the checker does not understand; it is compatible with every object
type in both directions (a run-time check is inserted where a dynamic value
enters a typed place) but never with a primitive, which has to be produced
explicitly (``unbox``, ``int64(x)``, a literal in a primitive context).

Kinds of types:
  * ``DynamicType``   -- the unknown;
  * ``ClassType``     -- instances of a class: a builtin (int, str, list, ...),
    a checked container (CheckedDict[K, V], CheckedList[T], Array[T]) or a
    class defined in a static module (``info`` holds its declarations);
  * ``OptionalType``  -- ``T | None``;
  * ``PrimType``      -- an unboxed primitive (int8..uint64, double, cbool);
  * reference types for things that can be called or looked into: a known
    static function, a static class object, a bound method, a static module,
    one of ``__static__``'s special forms.

Invariants: types are immutable values compared with ``==``; ``name`` is the
canonical spelling used in error messages and in the JIT metadata.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Primitive kinds: numbering shared with src/ember/static/primitives.h.
PRIM_KINDS = {
    "int8": (1, 8, True), "int16": (2, 16, True), "int32": (3, 32, True), "int64": (4, 64, True),
    "uint8": (5, 8, False), "uint16": (6, 16, False), "uint32": (7, 32, False), "uint64": (8, 64, False),
    "double": (9, 64, True), "cbool": (10, 8, False),
}
PRIM_ALIASES = {"ssize_t": "int64", "size_t": "uint64"}


class Type:
    is_prim = False
    is_dynamic = False

    def __str__(self) -> str:
        return self.name


class DynamicType(Type):
    name = "dynamic"
    is_dynamic = True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DynamicType)

    def __hash__(self) -> int:
        return 1


DYNAMIC = DynamicType()


@dataclass(frozen=True, eq=True)
class PrimType(Type):
    name: str
    kind: int
    bits: int
    signed: bool
    is_prim = True

    @property
    def is_int(self) -> bool:
        return self.kind <= 8

    @property
    def min(self) -> int:
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1

    def fits(self, value: int) -> bool:
        return self.min <= value <= self.max

    def __str__(self) -> str:
        return self.name


PRIMS = {n: PrimType(n, k, b, s) for n, (k, b, s) in PRIM_KINDS.items()}
INT64 = PRIMS["int64"]
DOUBLE = PRIMS["double"]
CBOOL = PRIMS["cbool"]


@dataclass(frozen=True, eq=True)
class ClassType(Type):
    """Instances of a class. ``key`` identifies it: a builtin name or
    'module:qualname' for a static class; ``args`` are type parameters."""
    name: str
    key: str
    args: tuple = ()
    info: Any = field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, eq=True)
class OptionalType(Type):
    inner: Type

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"Optional[{self.inner.name}]"

    def __str__(self) -> str:
        return self.name


def _builtin(name: str) -> ClassType:
    return ClassType(name, "builtins." + name)


BUILTIN_TYPES = {n: _builtin(n) for n in (
    "object", "int", "float", "str", "bytes", "bool", "complex", "list", "dict",
    "tuple", "set", "frozenset", "bytearray", "type", "slice", "range")}
BUILTIN_TYPES["None"] = ClassType("None", "builtins.NoneType")
OBJECT = BUILTIN_TYPES["object"]
INT = BUILTIN_TYPES["int"]
FLOAT = BUILTIN_TYPES["float"]
STR = BUILTIN_TYPES["str"]
BOOL = BUILTIN_TYPES["bool"]
NONE = BUILTIN_TYPES["None"]
LIST = BUILTIN_TYPES["list"]
DICT = BUILTIN_TYPES["dict"]
TUPLE = BUILTIN_TYPES["tuple"]
SET = BUILTIN_TYPES["set"]
COMPLEX = BUILTIN_TYPES["complex"]
BYTES = BUILTIN_TYPES["bytes"]

# Builtins a value of which may stand where another is expected (PEP 484's
# numeric tower; bool is an int subclass at run time).
_IMPLICIT = {("bool", "int"), ("bool", "float"), ("int", "float"), ("bool", "complex"),
             ("int", "complex"), ("float", "complex")}


def checked_dict(k: Type, v: Type) -> ClassType:
    return ClassType(f"CheckedDict[{k.name}, {v.name}]", "__static__.CheckedDict", (k, v))


def checked_list(t: Type) -> ClassType:
    return ClassType(f"CheckedList[{t.name}]", "__static__.CheckedList", (t,))


def array_of(t: PrimType) -> ClassType:
    return ClassType(f"Array[{t.name}]", "__static__.Array", (t,))


# --- reference types (values the checker can see into) ------------------------

@dataclass(frozen=True, eq=False)
class FunctionRef(Type):
    """A known static function (module-level def, or a method looked up on a
    class object); ``info`` is a declarations.FunctionInfo."""
    info: Any

    @property
    def name(self) -> str:  # type: ignore[override]
        return "function " + self.info.qualname


@dataclass(frozen=True, eq=False)
class BoundMethodRef(Type):
    info: Any
    receiver: Type

    @property
    def name(self) -> str:  # type: ignore[override]
        return "method " + self.info.qualname


@dataclass(frozen=True, eq=False)
class ClassRef(Type):
    """A class object; ``instance`` is the ClassType of its instances."""
    instance: ClassType

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"type[{self.instance.name}]"


@dataclass(frozen=True, eq=False)
class ModuleRef(Type):
    decls: Any

    @property
    def name(self) -> str:  # type: ignore[override]
        return "module " + self.decls.name


@dataclass(frozen=True, eq=False)
class SpecialRef(Type):
    """A name from __static__ or typing with compile-time meaning:
    'box', 'unbox', 'cast', 'clen', 'crange', 'prim:int64', 'CheckedDict',
    'Optional', 'Final', 'inline', ..."""
    what: str

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.what


@dataclass(frozen=True, eq=False)
class BuiltinFuncRef(Type):
    """A builtin function with a known result type (len, isinstance, ...)."""
    fname: str
    result: Type

    @property
    def name(self) -> str:  # type: ignore[override]
        return "builtin " + self.fname


# --- relations -------------------------------------------------------------------

def is_subclass(src: ClassType, dst: ClassType) -> bool:
    if src == dst or dst.key == "builtins.object":
        return True
    if src.args or dst.args:
        # Parameterised containers are invariant; an unparameterised target
        # (dict, list) accepts any parameterisation of its builtin base.
        if src.key == dst.key:
            return src.args == dst.args or not dst.args
        if not dst.args and (src.key, dst.key) in {("__static__.CheckedDict", "builtins.dict"),
                                                   ("__static__.CheckedList", "builtins.list")}:
            return True
        return False
    if src.key.startswith("builtins.") and dst.key.startswith("builtins."):
        return (src.name, dst.name) in _IMPLICIT
    if src.info is not None:
        return any(is_subclass(b, dst) for b in src.info.base_types())
    return False


def assignable(src: Type, dst: Type) -> str:
    """'ok' (statically proven), 'check' (needs a run-time check: src is
    dynamic or may be None), or 'error'."""
    if dst.is_dynamic:
        return "error" if src.is_prim else "ok"
    if dst.is_prim:
        if src.is_prim and src == dst:
            return "ok"
        return "error"
    if src.is_prim:
        return "error"
    if src.is_dynamic:
        return "check"
    if isinstance(src, (FunctionRef, BoundMethodRef, ClassRef, ModuleRef, SpecialRef, BuiltinFuncRef)):
        if isinstance(dst, ClassType) and dst.key == "builtins.object":
            return "ok"
        if isinstance(src, ClassRef) and isinstance(dst, ClassType) and dst.key == "builtins.type":
            return "ok"
        return "check"
    if isinstance(dst, OptionalType):
        if src == NONE:
            return "ok"
        if isinstance(src, OptionalType):
            return assignable(src.inner, dst.inner)
        return assignable(src, dst.inner)
    if isinstance(src, OptionalType):
        if dst == NONE:
            return "check"
        r = assignable(src.inner, dst)
        return "check" if r == "ok" else r
    if isinstance(src, ClassType) and isinstance(dst, ClassType):
        if is_subclass(src, dst):
            return "ok"
        # A builtin value where a static class is wanted (or the reverse)
        # can only be a subclass if the static class derives from it.
        if dst.info is not None and src.info is None and not src.key.startswith("builtins."):
            return "check"
        if dst.info is not None and dst.info.has_dynamic_base and src.info is None:
            return "check"
        if src.info is not None and any(c.has_dynamic_base for c in src.info.mro()):
            return "check"  # a dynamic base may itself derive from dst
        return "error"
    return "check"


def join(a: Type, b: Type) -> Type:
    """The type of a value that is either an `a` or a `b` (if/else, and/or)."""
    if a == b:
        return a
    if a == NONE and not b.is_prim and not b.is_dynamic and not isinstance(b, OptionalType):
        return OptionalType(b)
    if b == NONE and not a.is_prim and not a.is_dynamic and not isinstance(a, OptionalType):
        return OptionalType(a)
    if isinstance(a, ClassType) and isinstance(b, ClassType):
        if is_subclass(a, b):
            return b
        if is_subclass(b, a):
            return a
    return DYNAMIC
