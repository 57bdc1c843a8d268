"""Building and unpacking containers, subscripts, slices, comprehensions,
f-strings, attributes, globals, del."""
from harness import check


def test_build_and_unpack():
    src = """
def f(xs):
    a, b, *rest = xs
    (c, d), e = (a, b), rest
    t = (a, *rest, b)
    l = [*xs, *t]
    s = {a, b, *rest}
    d2 = {"a": a, **{"b": b}, "n": len(l)}
    k = {a: b}
    return a, b, rest, c, d, e, t, l, sorted(s, key=repr), d2, k
"""
    check(src, "f", [([1, 2, 3, 4],), ((1, 2),), ("xyz",), ([1],), (None,), ([1, [2]],)])


def test_unpack_errors():
    src = """
def f(v):
    a, b = v
    return a, b
"""
    check(src, "f", lambda: [((1, 2),), ((1,),), ((1, 2, 3),), (5,), ("ab",), (iter([1, 2]),)])


def test_subscripts_and_slices():
    src = """
def f(xs, i, j):
    out = [xs[i], xs[i:j], xs[:j], xs[i:], xs[::2], xs[i:j:-1]]
    ys = list(xs)
    ys[i] = "set"
    ys[i:j] = ["s1", "s2"]
    del ys[0]
    del ys[0:1]
    d = {}
    d[i] = j
    d[i] += 1
    return out, ys, d
"""
    check(src, "f", [([1, 2, 3, 4, 5], 1, 3), ("abcdef", 0, 4), ([1, 2], 5, 9), ((1, 2, 3), -1, 1)])


def test_comprehensions():
    src = """
def f(n):
    a = [i * i for i in range(n) if i % 2]
    b = {i: str(i) for i in range(n)}
    c = {i % 3 for i in range(n)}
    d = sum(i for i in range(n))
    e = [[j for j in range(i)] for i in range(3)]
    return a, b, c, d, e
"""
    check(src, "f", [(0,), (7,)])


def test_fstrings():
    src = """
def f(x, w):
    return f"{x}|{x!r}|{x!s}|{x!a}|{x:>{w}}|{'lit'}|{x:{'^'}{w}}"
"""
    check(src, "f", [(1, 5), ("é", 3), (3.25, 8), (None, 2), ([1], 0)])


def test_attributes():
    src = """
class C:
    cls_attr = 5
    def __init__(self):
        self.x = 1
    def m(self, k):
        return self.x + k
    @property
    def p(self):
        return self.x * 2

def f(o):
    o.y = 3
    r = (o.x, o.y, o.cls_attr, o.m(4), o.p)
    del o.y
    try:
        o.y
    except AttributeError as e:
        r += (str(e),)
    return r
"""
    src2 = src + """
def g():
    return f(C())
"""
    check(src2, "g", [()])


def test_globals_and_del():
    src = """
G = 10

def f(v):
    global G
    old = G
    G = v
    x = 1
    del x
    try:
        print(x)
    except UnboundLocalError as e:
        msg = str(e)
    try:
        return undefined_name
    except NameError as e:
        msg2 = str(e)
    G2 = G
    G = old
    return old, G2, msg, msg2
"""
    check(src, "f", [(5,), ("s",)])


def test_delete_global():
    src = """
H = 1

def f():
    global H
    del H
    try:
        del H
    except NameError as e:
        return str(e)
"""
    check(src, "f", [()])
