"""Pure-Python stand-ins for __static__'s run-time types.

Used when ember's C++ extension is not available (or EMBER_STATIC_PURE=1):
the same checks as the C++ versions, slower. CheckedDict/CheckedList are
dict/list subclasses parameterised with ``[...]``; Array is a fixed-size,
bounds-checked sequence of ints/floats/bools.
"""
from __future__ import annotations

import types as _types
import typing as _typing


def _spec(t):
    """(types to accept, optional?, name) for a type argument."""
    if t is None or t is type(None):
        return (type(None),), False, "None"
    if isinstance(t, type):
        kind = getattr(t, "__ember_kind__", None)
        if kind is not None:
            return ((float, int) if kind == 9 else bool if kind == 10 else int,), False, t.__name__
        accept = (float, int) if t is float else (t,)
        return accept, False, t.__qualname__
    args = getattr(t, "__args__", None)
    if isinstance(t, (_types.UnionType, type(_typing.Optional[int]))) and args and len(args) == 2 \
            and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        accept, _, name = _spec(inner)
        return accept, True, f"Optional[{name}]"
    raise TypeError(f"expected a type, a primitive or Optional[type], got {t!r}")


def _check(spec, value, where):
    accept, optional, name = spec
    if (optional and value is None) or object in accept or isinstance(value, accept):
        return value
    raise TypeError(f"{where}: expected '{name}', got '{type(value).__name__}'")


def cast(t, value):
    return _check(_spec(t), value, "cast")


class CheckedDict(dict):
    __slots__ = ()
    _cache: dict = {}
    _params = None

    def __class_getitem__(cls, params):
        if not isinstance(params, tuple) or len(params) != 2:
            raise TypeError("CheckedDict takes 2 type parameter(s)")
        hit = CheckedDict._cache.get(params)
        if hit is None:
            specs = (_spec(params[0]), _spec(params[1]))
            name = f"CheckedDict[{specs[0][2]}, {specs[1][2]}]"
            hit = type(name, (CheckedDict,), {"__slots__": (), "_params": params, "_specs": specs,
                                               "__module__": "__static__", "__qualname__": name})
            CheckedDict._cache[params] = hit
        return hit

    def _chk(self, k, v):
        if self._params is None:
            raise TypeError("CheckedDict must be parameterized before use (e.g. CheckedDict[int, str])")
        n = type(self).__qualname__
        _check(self._specs[0], k, f"{n} key")
        _check(self._specs[1], v, f"{n} value")

    def __init__(self, *args, **kwargs):
        if self._params is None:
            raise TypeError("CheckedDict must be parameterized before use (e.g. CheckedDict[int, str])")
        self.update(*args, **kwargs)

    def __setitem__(self, k, v):
        self._chk(k, v)
        dict.__setitem__(self, k, v)

    def update(self, *args, **kwargs):
        tmp = dict(*args, **kwargs)
        for k, v in tmp.items():
            self._chk(k, v)
        dict.update(self, tmp)

    def setdefault(self, k, v=None):
        if k in self:
            return self[k]
        self._chk(k, v)
        return dict.setdefault(self, k, v)

    def copy(self):
        return type(self)(self)

    def __ior__(self, other):
        self.update(other)
        return self

    def __or__(self, other):
        if not isinstance(other, dict):
            return NotImplemented
        n = self.copy()
        n.update(other)
        return n

    def __reduce__(self):
        return (_rebuild_dict, (self._params, dict(self)))


def _rebuild_dict(params, items):
    return CheckedDict[params](items)


class CheckedList(list):
    __slots__ = ()
    _cache: dict = {}
    _param = None

    def __class_getitem__(cls, param):
        hit = CheckedList._cache.get(param)
        if hit is None:
            spec = _spec(param)
            name = f"CheckedList[{spec[2]}]"
            hit = type(name, (CheckedList,), {"__slots__": (), "_param": param, "_spec": spec,
                                               "__module__": "__static__", "__qualname__": name})
            CheckedList._cache[param] = hit
        return hit

    def _chk(self, items):
        if self._param is None:
            raise TypeError("CheckedList must be parameterized before use (e.g. CheckedList[int])")
        where = f"{type(self).__qualname__} item"
        for v in items:
            _check(self._spec, v, where)
        return items

    def __init__(self, items=()):
        list.__init__(self, self._chk(list(items)))

    def __setitem__(self, i, v):
        if isinstance(i, slice):
            v = self._chk(list(v))
        else:
            self._chk([v])
        list.__setitem__(self, i, v)

    def __getitem__(self, i):
        r = list.__getitem__(self, i)
        return type(self)(r) if isinstance(i, slice) else r

    def append(self, v):
        self._chk([v])
        list.append(self, v)

    def insert(self, i, v):
        self._chk([v])
        list.insert(self, i, v)

    def extend(self, items):
        list.extend(self, self._chk(list(items)))

    def __iadd__(self, items):
        self.extend(items)
        return self

    def __add__(self, other):
        if not isinstance(other, list):
            return NotImplemented
        return type(self)(list(self) + self._chk(list(other)))

    def copy(self):
        return type(self)(self)

    def __reduce__(self):
        return (_rebuild_list, (self._param, list(self)))


def _rebuild_list(param, items):
    return CheckedList[param](items)


_RANGES = {1: (-2**7, 2**7 - 1), 2: (-2**15, 2**15 - 1), 3: (-2**31, 2**31 - 1), 4: (-2**63, 2**63 - 1),
           5: (0, 2**8 - 1), 6: (0, 2**16 - 1), 7: (0, 2**32 - 1), 8: (0, 2**64 - 1)}


class Array:
    __slots__ = ("_items",)
    _kind = None
    _cache: dict = {}

    def __class_getitem__(cls, t):
        kind = getattr(t, "__ember_kind__", None)
        if kind is None:
            raise TypeError(f"Array[T] needs a primitive element type, got {t!r}")
        hit = Array._cache.get(kind)
        if hit is None:
            hit = type(f"Array[{t.__name__}]", (Array,), {"__slots__": (), "_kind": kind, "_kname": t.__name__,
                                                          "__module__": "__static__"})
            Array._cache[kind] = hit
        return hit

    def __init__(self, arg):
        if self._kind is None:
            raise TypeError("Array must be parameterized with a primitive type, e.g. Array[int64]")
        if isinstance(arg, int):
            zero = 0.0 if self._kind == 9 else False if self._kind == 10 else 0
            self._items = [zero] * arg
        else:
            self._items = [self._conv(v) for v in arg]

    def _conv(self, v):
        k = self._kind
        if k == 9:
            if not isinstance(v, (int, float)):
                raise TypeError(f"Array[double] element: expected float, got '{type(v).__name__}'")
            return float(v)
        if k == 10:
            if not isinstance(v, bool):
                raise TypeError(f"Array[cbool] element: expected bool, got '{type(v).__name__}'")
            return v
        if not isinstance(v, int):
            raise TypeError(f"Array[{self._kname}] element: expected int, got '{type(v).__name__}'")
        lo, hi = _RANGES[k]
        if not lo <= v <= hi:
            raise OverflowError(f"Array[{self._kname}] element: value {v} out of range")
        return int(v)

    def _index(self, i):
        i = i.__index__()
        j = i + len(self._items) if i < 0 else i
        if not 0 <= j < len(self._items):
            raise IndexError(f"Array index {i} out of range (size {len(self._items)})")
        return j

    def __len__(self):
        return len(self._items)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return type(self)(self._items[i])
        return self._items[self._index(i)]

    def __setitem__(self, i, v):
        if isinstance(i, slice):
            values = [self._conv(x) for x in v]
            if len(values) != len(range(*i.indices(len(self._items)))):
                raise ValueError("Array slice assignment must keep the size")
            self._items[i] = values
            return
        self._items[self._index(i)] = self._conv(v)

    def __add__(self, other):
        if not isinstance(other, Array) or other._kind != self._kind:
            raise TypeError("can only concatenate an Array of the same element type")
        return type(self)(self._items + other._items)

    def __iter__(self):
        return iter(list(self._items))

    def __eq__(self, other):
        if not isinstance(other, Array):
            return NotImplemented
        return self._kind == other._kind and self._items == other._items

    __hash__ = None

    def __repr__(self):
        return f"Array[{self._kname}]({self._items!r})"
