"""The metadata the JIT consumes (format in docs/static-python.md)."""
import pytest

import ember.static as st

SRC = """
import __static__
from __static__ import int64, box, cast
from typing import final

class Shape:
    def __init__(self, n: int64) -> None:
        self.n: int64 = n
        self.name: str = "s"

    def area(self) -> int64:
        return self.n * self.n

    @final
    def sides(self) -> int64:
        return self.n

class Square(Shape):
    def area(self) -> int64:
        return self.n * 2

def measure(s: Shape, k: int64) -> int64:
    t: int64 = s.area() + s.sides()
    s.n = k
    return t + k

def from_dynamic(x) -> int:
    y: int = x
    s = Shape(3)
    s.name = x
    return y

def helper(a: int, b: str = "b") -> str:
    return b * a

def caller() -> str:
    return helper(2)
"""


@pytest.fixture
def m(sp):
    return sp.load(SRC)


def test_module_table(m):
    meta = m.__ember_static__
    assert meta["version"] == 1 and meta["module"] == m.__name__
    assert {"Shape", "Square"} <= set(meta["classes"]) and "Shape.area" in meta["functions"]


def test_function_types(m):
    f = m.__ember_static__["functions"]["measure"]
    assert f["args"] == [["s", f"{m.__name__}.Shape"], ["k", "int64"]]
    assert f["return"] == "int64" and f["locals"]["t"] == "int64"
    assert f["entry_checks"] == ["s", "k"] and f["kind"] == "function"
    assert f["primitive_ops"] and all(op[2].startswith("int64_") for op in f["primitive_ops"])


def test_call_targets(m):
    calls = {c[3]: c for c in m.__ember_static__["functions"]["measure"]["calls"]}
    name = m.__name__
    assert calls[f"{name}.Shape.area"][2] == "virtual"   # overridden in Square
    assert calls[f"{name}.Shape.sides"][2] == "direct"   # @final: exact target
    assert calls[f"{name}.Shape.area"][4] == []          # arguments proven
    caller = m.__ember_static__["functions"]["caller"]["calls"][0]
    assert caller[2:] == ["direct", f"{name}.helper", []]


def test_checks_and_field_stores(m):
    fs = m.__ember_static__["functions"]
    assert [c[2:] for c in fs["from_dynamic"]["checks"]] == [["local", "int"]]
    stores = {s[2]: s[3] for s in fs["measure"]["field_stores"]}
    assert stores == {"Shape.n": True}
    stores = {s[2]: s[3] for s in fs["from_dynamic"]["field_stores"]}
    assert stores == {"Shape.name": False}  # dynamic value: the field checks at run time


def test_class_entries_and_layout(m):
    meta = st.metadata(m.Shape)
    assert [f[:3] for f in meta["fields"]] == [["n", "int64", 4], ["name", "str", 0]]
    assert meta["final_methods"] == ["sides"] and meta["typed_layout"]
    layout = {row[0]: row for row in meta["layout"]}
    assert layout["n"][2] == 4 and layout["name"][2] == 0
    assert m.Shape.n.offset == layout["n"][1] and m.Shape.name.offset == layout["name"][1]
    assert st.metadata(m.measure)["return"] == "int64"
    assert st.metadata(m.Shape.area)["kind"] == "method"


def test_primitive_field_memory_layout(m):
    import ctypes
    s = m.Shape(0)
    s.n = -2
    off = m.Shape.n.offset
    raw = ctypes.c_int64.from_address(id(s) + off).value
    assert raw == -2  # unboxed at the documented offset, natural width
