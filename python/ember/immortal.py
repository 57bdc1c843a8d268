"""Immortal heap: make a pre-fork parent's objects immortal (PEP 683).

A forked worker shares its parent's memory until it writes to a page. In
CPython every ``Py_INCREF``/``Py_DECREF`` writes the object's refcount, so
merely *reading* shared objects un-shares their pages. CPython 3.12 skips
those writes for immortal objects; :func:`immortalize_heap` turns the
parent's whole heap immortal just before forking (see docs/immortal.md).

The work is done in C++ (``ember._immortal``) because it must run without
executing any Python code between freezing the collector and the end of the
walk; this module is the documented Python surface.

Trade-off: immortal objects are never freed. Call this once, when the parent
has loaded everything workers share, not in a long-running process that
keeps creating and dropping objects.
"""
from __future__ import annotations

from ember import _immortal

__all__ = ["immortalize_heap", "is_immortal", "last_report", "mortal_reason"]


def immortalize_heap() -> int:
    """Collect garbage, ``gc.freeze()``, and make the frozen heap immortal.

    Every object reachable from the frozen generation is made immortal,
    including objects reachable only through code objects (constants and
    names), dict keys and values, and instance attribute names. String and
    bytes hashes, type version tags, function versions and dict keys versions
    are computed now so workers do not write them later.

    Objects that must still run code when they die stay mortal: instances of
    types with a finalizer (``__del__``, generators, open files, sockets),
    objects watched by a weak reference with a callback, and frames.

    Idempotent and thread-safe (it holds the GIL for the whole walk). Returns
    the number of objects this call made immortal (0 on a repeated call when
    nothing new was created).
    """
    return _immortal.immortalize_heap()


def is_immortal(obj: object) -> bool:
    """True if ``obj`` is immortal (its refcount is never changed)."""
    return _immortal.is_immortal(obj)


def mortal_reason(obj: object) -> str | None:
    """Why :func:`immortalize_heap` would leave ``obj`` mortal, or None.

    One of ``"finalizer"``, ``"weakref-callback"``, ``"frame"``.
    """
    return _immortal.mortal_reason(obj)


def last_report() -> dict | None:
    """Counters of the last :func:`immortalize_heap` walk, or None.

    Keys: roots, visited, made_immortal, already_immortal, mortal_finalizer,
    mortal_weakref_callback, mortal_frame, strings_hashed, types_tagged,
    type_tag_failures, functions_versioned, dict_keys_versioned.
    """
    return _immortal.last_report()
