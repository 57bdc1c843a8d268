"""__static__: the names a Static Python module imports.

In a module compiled by ember's static compiler most of these names are
compile-time forms (``box(x)`` is lowered, ``int64`` is a type, ``crange`` a
loop); at run time they are what this module exports:

  * primitives ``int8 .. uint64, double, cbool`` (and ``ssize_t``, ``size_t``):
    marker classes; calling one outside static code converts like int/float/
    bool (the pure-Python meaning: no fixed width);
  * ``box``/``unbox`` are the identity, ``clen`` is len, ``crange`` is range;
  * ``cast(T, x)``, ``CheckedDict``, ``CheckedList``, ``Array``: the C++
    implementations from ember._static when the extension is available, else
    the pure-Python stand-ins of _fallback.py (also forced by
    EMBER_STATIC_PURE=1), so a static file runs anywhere;
  * ``inline``, ``dynamic_return``, ``allow_weakrefs``: decorators that are
    no-ops at run time; ``final``/``Final`` re-exported from typing.
"""
from __future__ import annotations

import os as _os
from typing import Final, final  # noqa: F401

try:
    if _os.environ.get("EMBER_STATIC_PURE"):
        raise ImportError("pure-Python stand-ins requested")
    from ember import _static as _rt
except ImportError:
    _rt = None

try:
    from ember.static.errors import TypedSyntaxError  # noqa: F401
except ImportError:  # pragma: no cover - ember is installed with __static__
    class TypedSyntaxError(SyntaxError):
        pass


def _prim(name: str, kind: int, base: type, conv):
    def __new__(cls, value=0):
        return conv(value)
    return type(name, (base,) if base is not bool else (int,), {
        "__new__": __new__, "__ember_kind__": kind, "__module__": __name__,
        "__doc__": f"Static Python primitive {name} (a plain {base.__name__} outside static code)."})


int8 = _prim("int8", 1, int, int)
int16 = _prim("int16", 2, int, int)
int32 = _prim("int32", 3, int, int)
int64 = _prim("int64", 4, int, int)
uint8 = _prim("uint8", 5, int, int)
uint16 = _prim("uint16", 6, int, int)
uint32 = _prim("uint32", 7, int, int)
uint64 = _prim("uint64", 8, int, int)
double = _prim("double", 9, float, float)
cbool = _prim("cbool", 10, bool, bool)
ssize_t = int64
size_t = uint64


def box(value):
    return value


def unbox(value):
    return value


def clen(value) -> int:
    return len(value)


crange = range


def inline(func):
    return func


def dynamic_return(func):
    return func


def allow_weakrefs(cls):
    return cls


if _rt is not None:
    cast = _rt.cast
    CheckedDict = _rt.CheckedDict
    CheckedList = _rt.CheckedList
    Array = _rt.Array
else:
    from ._fallback import Array, CheckedDict, CheckedList, cast  # noqa: F401

chkdict = CheckedDict
chklist = CheckedList

__all__ = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "double", "cbool",
           "ssize_t", "size_t", "box", "unbox", "cast", "clen", "crange", "inline", "dynamic_return",
           "allow_weakrefs", "CheckedDict", "CheckedList", "Array", "final", "Final", "TypedSyntaxError"]
