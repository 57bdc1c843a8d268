"""Calls: positional, keyword, *args, **kwargs, defaults, methods, builtins,
closures, nonlocal, and binding errors."""
from harness import DEPTH_SOURCE, DOWN_SOURCE, check, recursion_limit


def test_call_shapes():
    src = """
def g(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))

def f(mode):
    if mode == 0:
        return g(1, c=3)
    if mode == 1:
        return g(1, 2, 3, 4, c=5, e=6)
    if mode == 2:
        args = (1, 2, 3)
        kw = {"c": 9, "z": 1}
        return g(*args, **kw)
    if mode == 3:
        return g(*[1], **{"c": 1}, d=7)
    if mode == 4:
        return g()
    if mode == 5:
        return g(1, c=1, **{"c": 2})
    if mode == 6:
        return g(1, *5)
    if mode == 7:
        return g(1, c=1, **[1])
    if mode == 8:
        return g(1, 2, c=3, b=4)
"""
    check(src, "f", [(m,) for m in range(9)])


def test_compiled_callee_binding():
    # The callee itself is compiled too (jit-all): argument binding in ember.
    src = """
def g(a, b=2, /, c=3, *args, d, e=5, **kw):
    return a, b, c, args, d, e, kw

def f(n):
    out = []
    out.append(g(1, d=4))
    out.append(g(1, 2, 3, 4, 5, d=6, z=7))
    out.append(g(*range(n), d=1))
    try:
        g(d=1)
    except TypeError as e:
        out.append(str(e))
    try:
        g(1, a=2, d=1)
    except TypeError as e:
        out.append(str(e))
    try:
        g(1, 2, 3)
    except TypeError as e:
        out.append(str(e))
    try:
        g(1, d=1, d2=3, **{"e": 1, "c": 9})
    except TypeError as e:
        out.append(str(e))
    return out
"""
    check(src, "f", [(1,), (5,), (0,)])


def test_methods_and_builtins():
    src = """
def f(xs):
    ys = list(xs)
    ys.append(len(ys))
    ys.sort(key=lambda v: -v)
    s = " ".join(str(y) for y in ys)
    return s.upper().split(), max(ys), min(ys, default=0), sorted(set(ys)), abs(-3), divmod(7, 2)
"""
    check(src, "f", [([3, 1, 2],), ([],), ((5,),)])


def test_closures_and_nonlocal():
    src = """
def f(n):
    count = 0
    def inc(k=1):
        nonlocal count
        count += k
        return count
    for i in range(n):
        inc()
    inc(10)
    fs = [lambda x, i=i: x + i for i in range(3)]
    return count, [g(100) for g in fs], inc.__closure__ is not None
"""
    check(src, "f", [(0,), (5,)])


def test_unbound_free_variable():
    src = """
def f(flag):
    def inner():
        return x
    if flag:
        x = 1
    return inner()
"""
    check(src, "f", [(True,), (False,)])


def test_recursion():
    src = """
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
"""
    check(src, "fib", [(0,), (1,), (10,), (20,)])


def test_recursion_limit_gives_recursion_error():
    got = check(DOWN_SOURCE, "down", [(0,)])
    assert got[0][0] == "exc" and got[0][1] == "builtins.RecursionError"


def test_deep_recursion_within_limit():
    with recursion_limit(20000):
        check(DEPTH_SOURCE, "depth", [(100,), (5000,), (15000,)])


def test_call_non_callable_and_kwargs_errors():
    src = """
def f(x):
    return x(1, key=2)
"""
    check(src, "f", [(None,), (len,), (dict,), (lambda a, key: a + key,)])
