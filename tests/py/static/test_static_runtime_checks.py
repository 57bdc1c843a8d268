"""Checks at the dynamic boundary: entry checks, cast, locals, returns."""
import inspect
import pickle

import pytest

import ember._static as rt


SRC = """
import __static__
from __static__ import cast, int64
from typing import Optional

class Node:
    def __init__(self, v: int) -> None:
        self.v = v

def f(x: int, name: str, *, flag: bool = False) -> str:
    return name * x

def g(n: Optional[Node]) -> int:
    if n is None:
        return -1
    return n.v

def h(x) -> int:
    return x

def loc(x) -> str:
    s: str = x
    return s

def use_cast(x) -> Node:
    return cast(Node, x)

def floaty(x: float) -> float:
    return x

def ident(x):
    return x
"""


@pytest.fixture
def m(sp):
    return sp.load(SRC)


def test_entry_check_names_function_and_parameter(m):
    assert m.f(2, "ab") == "abab"
    with pytest.raises(TypeError, match=r"^f\(\) argument 'x': expected 'int', got 'str'$"):
        m.f("2", "ab")
    with pytest.raises(TypeError, match=r"argument 'name': expected 'str', got 'int'"):
        m.f(2, name=3)
    with pytest.raises(TypeError, match=r"argument 'flag': expected 'bool', got 'int'"):
        m.f(2, "a", flag=1)


def test_optional_parameter(m):
    assert m.g(None) == -1
    assert m.g(m.Node(5)) == 5
    with pytest.raises(TypeError, match=r"g\(\) argument 'n': expected 'Optional\[Node\]', got 'int'"):
        m.g(3)


def test_return_check_of_dynamic_value(m):
    assert m.h(3) == 3
    with pytest.raises(TypeError, match=r"h\(\) return value: expected 'int', got 'str'"):
        m.h("x")


def test_local_check_of_dynamic_value(m):
    assert m.loc("a") == "a"
    with pytest.raises(TypeError, match=r"local 's': expected 'str', got 'int'"):
        m.loc(1)


def test_cast(m):
    n = m.Node(1)
    assert m.use_cast(n) is n
    with pytest.raises(TypeError, match=r"cast: expected 'Node', got 'int'"):
        m.use_cast(1)
    assert rt.cast(int, True) is True
    assert rt.cast(int | None, None) is None
    with pytest.raises(TypeError):
        rt.cast(str, 1)


def test_float_accepts_int(m):
    assert m.floaty(1) == 1


def test_unchecked_functions_are_plain(m):
    assert inspect.isfunction(m.ident)


def test_wrapper_looks_like_the_function(m):
    assert m.f.__name__ == "f" and m.f.__qualname__ == "f"
    assert list(inspect.signature(m.f).parameters) == ["x", "name", "flag"]
    assert m.f.__ember_checks__ == {"x": "int", "name": "str", "flag": "bool"}
    assert pickle.loads(pickle.dumps(m.f)) is m.f
    assert repr(m.f) == "<static function f>"


def test_method_entry_checks_and_binding(m, sp):
    c = sp.load("""
        import __static__
        class C:
            def m(self, x: int) -> int:
                return x + 1
            @staticmethod
            def s(x: int) -> int:
                return x * 2
            @classmethod
            def k(cls, x: int) -> str:
                return cls.__name__ + str(x)
            @property
            def p(self) -> int:
                return 7
    """)
    o = c.C()
    assert o.m(1) == 2 and c.C.m(o, 1) == 2 and c.C.s(2) == 4 and o.s(3) == 6
    assert c.C.k(1) == "C1" and o.k(2) == "C2" and o.p == 7
    with pytest.raises(TypeError, match=r"C.m\(\) argument 'x'"):
        o.m("a")
    with pytest.raises(TypeError, match=r"C.m\(\) argument 'self': expected 'C', got 'int'"):
        c.C.m(1, 2)
    with pytest.raises(TypeError, match=r"C.s\(\) argument 'x'"):
        c.C.s("a")
    with pytest.raises(TypeError, match=r"C.k\(\) argument 'x'"):
        c.C.k("a")


def test_static_callers_skip_nothing_observable(sp):
    m = sp.load("""
        import __static__
        def inner(x: int) -> int:
            return x + 1
        def outer(x: int) -> int:
            return inner(x) * 2
    """)
    assert m.outer(3) == 8
    meta = m.__ember_static__["functions"]["outer"]
    assert meta["calls"][0][2:] == ["direct", f"{m.__name__}.inner", []]


def test_proven_static_calls_skip_the_entry_check(sp):
    m = sp.load("""
        import __static__
        def inner(x: int) -> int:
            return x + 1
        def outer(x: int) -> int:
            return inner(x)
        def from_dynamic(x) -> int:
            return inner(x)
    """)
    meta = m.__ember_static__["functions"]
    assert meta["inner"]["direct_entry"] == "__ember_direct_inner__"
    assert m.__ember_direct_inner__ is m.inner.__ember_func__
    assert "__ember_direct_inner__" in m.outer.__code__.co_names
    assert "__ember_direct_inner__" not in m.from_dynamic.__code__.co_names
    assert meta["from_dynamic"]["calls"][0][4] == ["x"]
    assert m.outer(1) == 2
    with pytest.raises(TypeError, match=r"inner\(\) argument 'x'"):
        m.from_dynamic("a")


def test_dynamic_values_checked_where_they_enter(sp):
    m = sp.load("""
        import __static__
        from typing import Optional
        class P:
            pass
        def unpack(pair) -> str:
            a: str = ""
            b: int = 0
            a, b = pair
            return a * b
        def loop(items) -> int:
            x: int = 0
            total = 0
            for x in items:
                total += x
            return total
        def opt(p: Optional[P]) -> P:
            q: P = p
            return q
    """)
    assert m.unpack(("ab", 2)) == "abab"
    with pytest.raises(TypeError, match=r"local 'b': expected 'int', got 'str'"):
        m.unpack(("ab", "x"))
    assert m.loop([1, 2]) == 3
    with pytest.raises(TypeError, match=r"local 'x': expected 'int', got 'str'"):
        m.loop([1, "2"])
    p = m.P()
    assert m.opt(p) is p
    with pytest.raises(TypeError, match=r"local 'q': expected 'P', got 'NoneType'"):
        m.opt(None)
