"""Every unary, binary, in-place, comparison, `in` and `is` operation, over
edge values, interpreted versus compiled."""
import itertools

import pytest

from harness import check


class MyInt(int):
    def __add__(self, other):
        return ("MyInt.add", int(self), other)


class MyStr(str):
    pass


class MyFloat(float):
    pass


class BadEq:
    def __eq__(self, other):
        raise ValueError("eq failed")

    __hash__ = None


class BadIndex:
    def __index__(self):
        raise RuntimeError("index failed")


EDGE = [0, -1, 1, 2**63, -2**63, 2**64 + 3, 10**30, 0.0, -0.0, float("nan"), float("inf"),
        -float("inf"), 1.5, True, False, "ab", "", b"x", MyInt(7), MyStr("s"), MyFloat(2.5), None,
        (1, 2), [3], 3 + 4j]

BINARY = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"]
COMPARE = ["<", "<=", "==", "!=", ">", ">=", "is", "is not", "in", "not in"]


def pairs(op=None):
    small = [0, -1, 2**63, 2**30 - 1, -(2**30 - 1), 2**30, 1.5, -0.0, float("nan"), float("inf"),
             "ab", MyInt(7), MyFloat(2.5), None, (1, 2), [3]]
    result = list(itertools.product(small, small))
    if op in ("**", "<<"):
        # 2**63 ** 2**63 and 2**63 << 2**63 try to build a number with ~2**63
        # bits: the interpreter itself runs until memory is gone. Big operands
        # stay on the left, where they are cheap.
        result = [(a, b) for a, b in result if not (isinstance(b, int) and b > 64)]
    if op == "*":
        # A sequence repeated 2**30 times is gigabytes: skip, both orders.
        def huge_repeat(n, seq):
            return isinstance(n, int) and n > 64 and isinstance(seq, (str, bytes, tuple, list))
        result = [(a, b) for a, b in result if not (huge_repeat(a, b) or huge_repeat(b, a))]
    return result


@pytest.mark.parametrize("op", BINARY)
def test_binary(op):
    src = f"def f(a, b):\n    return a {op} b\n"
    check(src, "f", pairs(op))


@pytest.mark.parametrize("op", BINARY)
def test_inplace(op):
    src = f"def f(a, b):\n    a {op}= b\n    return a\n"
    check(src, "f", pairs(op))


@pytest.mark.parametrize("op", COMPARE)
def test_compare(op):
    src = f"def f(a, b):\n    return a {op} b\n"
    calls = [(a, b) for a, b in pairs() if not isinstance(b, (int, float)) or op not in ("in", "not in")]
    check(src, "f", calls + [(1, "abc"), ("a", "abc"), (1, [1, 2]), (BadEq(), [1])])


@pytest.mark.parametrize("op", ["-", "+", "~", "not "])
def test_unary(op):
    src = f"def f(a):\n    return {op}a\n"
    check(src, "f", [(v,) for v in EDGE])


def test_chained_compare_and_bool_ops():
    src = """
def f(a, b, c):
    x = a < b < c
    y = a and b or c
    z = not (a or b)
    return x, y, z
"""
    check(src, "f", [(1, 2, 3), (3, 2, 1), (0, "", None), (float("nan"), 1, 2), ("a", "b", "c")])


def test_index_errors():
    src = """
def f(seq, i):
    return seq[i]
"""
    check(src, "f", [([1, 2, 3], 1), ([1, 2], 5), ({}, "k"), ("abc", -1), ([1], BadIndex()),
                      ([1], 2**63), (None, 0)])


def test_eq_raises_in_contains():
    src = """
def f(x, items):
    return x in items
"""
    check(src, "f", [(BadEq(), [1, 2]), (1, [BadEq()]), (1, {1: 2}), (BadEq(), {})])
