"""Shared constants and small helpers of the abstract interpreter.

Tables (which methods mutate, which builtins fold, which stub effects map to
which error code), the constant-folding size guard, the argument
generalisation used by call memoisation, and the per-call Frame. Kept apart so
the interpreter's mixins (access.py, calls.py) can share them without cycles.
"""
from __future__ import annotations

import ast
import operator

from .values import Const, FuncVal, Opaque, Val

MAX_CALL_DEPTH = 24
CONTAINER_KINDS = frozenset({"list", "dict", "set", "tuple", "frozenset"})
MUTATING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update",
    "setdefault", "popitem", "add", "discard", "difference_update", "intersection_update",
    "symmetric_difference_update", "__setitem__", "__delitem__", "__iadd__", "__ior__",
    "appendleft", "extendleft", "popleft", "rotate", "move_to_end", "subtract", "write",
    "writelines", "register",
})
SPECIAL_MODULE_NAMES = frozenset({"__builtins__", "__name__", "__spec__", "__loader__",
                                  "__file__", "__cached__", "__package__"})
EFFECT_CODES = {"io": "ST103", "dynamic": "ST109", "state": "ST110"}
FOLDABLE_BUILTINS = {
    "builtins.len": len, "builtins.str": str, "builtins.int": int, "builtins.float": float,
    "builtins.bool": bool, "builtins.repr": repr, "builtins.abs": abs, "builtins.chr": chr,
    "builtins.ord": ord, "builtins.hex": hex, "builtins.oct": oct, "builtins.bin": bin,
    "builtins.round": round, "builtins.min": min, "builtins.max": max, "builtins.tuple": tuple,
    "builtins.frozenset": frozenset, "builtins.sorted": sorted, "builtins.divmod": divmod,
    "builtins.bytes": bytes, "builtins.range": range, "builtins.sum": sum,
}
BIN_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
           ast.Pow: operator.pow, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
           ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.BitAnd: operator.and_,
           ast.MatMult: operator.matmul}
CMP_OPS = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
           ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}
UNARY_OPS = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos,
             ast.Invert: operator.invert}
_MISSING = object()


AFTER_ERROR = Opaque(None, why="after error")   # result of a rejected call: no cascades
STR_VALUE = Opaque(None, why="str")      # some immutable builtin value (str, int, ...)
IMMUTABLE_RESULTS = frozenset("builtins." + n for n in (
    "str", "int", "float", "bool", "repr", "len", "hash", "id", "chr", "ord", "hex", "oct", "bin",
    "format", "ascii", "bytes", "abs", "round", "isinstance", "issubclass", "callable", "hasattr",
    "divmod", "pow", "sum", "complex"))
GENERALIZE_AFTER = 2
_GENERAL = {t: Opaque(None, why="str" if t in (str, bytes) else "") for t in
            (int, float, complex, str, bytes, tuple, frozenset, range)}


def _generalize(value: Val) -> Val:
    """Numbers and strings become "some value of that type"; unknown immutables become one."""
    if isinstance(value, Const):
        general = _GENERAL.get(type(value.value))
        if general is not None:
            return general
    elif isinstance(value, Opaque) and value.owner is None and value.why in ("", "str"):
        return _GENERAL[str] if value.why == "str" else _GENERAL[int]
    return value


def _key_of(value: Val):
    if isinstance(value, Const):
        try:
            hash(value.value)
            return ("c", type(value.value), value.value)
        except TypeError:
            return ("i", id(value))
    return ("i", id(value))


def display(qual: str) -> str:
    return qual[9:] if qual.startswith("builtins.") else qual


def _small(value) -> bool:
    """Guards constant folding against huge results (10**10**10, 'x' * 10**9)."""
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return value.bit_length() <= 256
    if isinstance(value, (str, bytes)):
        return len(value) <= 10_000
    if isinstance(value, (tuple, frozenset)):
        return len(value) <= 1_000 and all(_small(v) for v in value)
    return isinstance(value, (float, complex, type(Ellipsis)))


class Frame:
    __slots__ = ("returns", "func", "self_val")

    def __init__(self, func: FuncVal | None = None, self_val: Val | None = None):
        self.returns: list[Val] = []
        self.func = func
        self.self_val = self_val


