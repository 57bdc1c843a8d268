"""Differential testing: run the same source interpreted and compiled, compare.

Each case is Python source defining a function (and whatever it needs). The
source is executed twice into two fresh namespaces, so the two copies have
distinct code objects: one copy is only ever interpreted, the other runs with
the JIT in jit-all mode and its entry function is force-compiled (the test
fails if it does not compile, unless the case says it may fall back). Both are
called with the same arguments, and these must agree exactly:

- the result (compared with ==, and by type and repr so that 0 / -0.0 / nan
  are told apart);
- or the exception: type, args, and the traceback as (function name, line)
  pairs for frames in the case's source;
- the namespace's `log` list, where cases record side effects in order.
"""
from __future__ import annotations

import contextlib
import math
import sys
import traceback

import ember.jit
from ember import _jit

FILENAME = "<jit-case>"


DEPTH_SOURCE = """
def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)
"""

DOWN_SOURCE = """
def down(n):
    return down(n + 1)
"""


@contextlib.contextmanager
def recursion_limit(limit: int):
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) and math.isnan(b):
            return True
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    try:
        if a == b:
            return repr(a) == repr(b) or not isinstance(a, (int, str, bytes, tuple, list, dict))
    except Exception:
        pass
    return repr(a) == repr(b)


def outcome(fn, args, kwargs):
    try:
        return ("ok", fn(*args, **kwargs))
    except BaseException as exc:  # noqa: BLE001 - we compare every exception
        frames = [(f.name, f.lineno) for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename == FILENAME]
        # By name: a case's own exception classes are distinct objects in the
        # interpreted and compiled namespaces.
        kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
        return ("exc", kind, repr(exc.args), frames)


def _namespace(source: str, extra: dict | None):
    ns = {"__name__": "jitcase", "log": []}
    if extra:
        ns.update(extra)
    exec(compile(source, FILENAME, "exec"), ns)
    return ns


def check(source: str, name: str, calls, extra: dict | None = None, may_fall_back: bool = False):
    """calls: list of args tuples, or (args, kwargs) pairs; or a function that
    returns such a list, called once per run, for arguments that a call
    consumes (iterators, mutable inputs)."""
    make_calls = calls if callable(calls) else (lambda: calls)

    def normalized():
        return [c if (isinstance(c, tuple) and len(c) == 2 and isinstance(c[1], dict)) else (c, {})
                for c in make_calls()]

    calls = normalized()
    ns_i = _namespace(source, extra)
    expected = [outcome(ns_i[name], a, k) for a, k in calls]
    _jit.configure(mode="all")
    try:
        ns_j = _namespace(source, extra)
        fn = ns_j[name]
        compiled = ember.jit.force_compile(fn)
        if not may_fall_back:
            assert compiled, f"{name} did not compile: {ember.jit.stats()['failure_examples']}"
            assert ember.jit.is_jit_compiled(fn)
        got = [outcome(fn, a, k) for a, k in normalized()]
    finally:
        _jit.configure(mode="off")
    for (a, k), e, g in zip(calls, expected, got):
        if e[0] == "ok" and g[0] == "ok":
            assert _same(e[1], g[1]), f"{name}{a}{k}: interpreted {e[1]!r}, compiled {g[1]!r}"
        else:
            assert e == g, f"{name}{a}{k}: interpreted {e}, compiled {g}"
    assert ns_i["log"] == ns_j["log"], f"side effects differ: {ns_i['log']} vs {ns_j['log']}"
    return got
