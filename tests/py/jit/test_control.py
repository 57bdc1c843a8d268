"""Control flow: branches, loops, break/continue, for over many iterables."""
from harness import check


def test_if_elif_else():
    src = """
def f(x):
    if x > 10:
        r = "big"
    elif x > 0:
        r = "small"
    elif x == 0:
        r = "zero"
    else:
        r = "neg"
    return r
"""
    check(src, "f", [(v,) for v in (11, 5, 0, -3, 10.5, float("nan"))] + [("a",)])


def test_while_break_continue():
    src = """
def f(n):
    i = 0
    total = 0
    while True:
        i += 1
        if i > n:
            break
        if i % 3 == 0:
            continue
        total += i
    else:
        total = -1
    return total, i
"""
    check(src, "f", [(0,), (1,), (10,), (100,)])


def test_while_else():
    src = """
def f(n):
    i = 0
    while i < n:
        i += 2
    else:
        i = -i
    return i
"""
    check(src, "f", [(0,), (5,), (6,)])


def test_for_over_iterables():
    src = """
def f(it):
    out = []
    for x in it:
        out.append(x)
    else:
        out.append("done")
    return out
"""
    check(src, "f", lambda: [([1, 2, 3],), ((4, 5),), ("abc",), (range(5),), ({1: 2, 3: 4},), ({7},),
                      (iter([1, 2]),), ([],), (5,), (None,)])


def test_for_with_generator_argument():
    src = """
def f(make):
    total = 0
    for x in make():
        total += x
    return total
"""
    def gen():
        yield 1
        yield 2
        raise KeyError("boom")
    check(src, "f", [(lambda: iter(range(10)),), (gen,)])


def test_nested_loops_break():
    src = """
def f(n):
    found = None
    for i in range(n):
        for j in range(n):
            if i * j == 12:
                found = (i, j)
                break
        if found:
            break
    return found
"""
    check(src, "f", [(3,), (5,), (10,)])


def test_ternary_and_short_circuit_stack_values():
    src = """
def f(a, b):
    return [a if b else -a, (a or b) and (b or a), a if a is None else b]
"""
    check(src, "f", [(1, 0), (0, 1), (None, 2), ("", None)])


def test_pop_jump_none():
    src = """
def f(x):
    if x is None:
        return "none"
    if x is not None:
        return "some"
"""
    check(src, "f", [(None,), (0,), ("",)])


def test_long_loop_counts():
    src = """
def f(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
"""
    check(src, "f", [(0,), (1,), (100000,)])


def test_loop_with_stack_value_across_blocks():
    src = """
def f(xs):
    return [x for x in xs if x % 2] + [y * 2 for y in xs]
"""
    check(src, "f", [([1, 2, 3, 4],), ([],), ([1.5, 3],)])
