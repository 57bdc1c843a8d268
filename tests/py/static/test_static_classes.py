"""Typed class layouts, inheritance in both directions, final."""
import copy
import pickle
import sys

import pytest


SRC = """
import __static__
from __static__ import int64, int8, double, cbool, box, allow_weakrefs
from typing import Final, final, Optional

class Point:
    x: int
    y: int
    tag: str = "p"
    hits: int64 = 0
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y
        self.scale: double = 1.5
        self.small: int8 = -3

    def norm(self) -> int:
        return abs(self.x) + abs(self.y)

    def bump(self) -> int64:
        self.hits += 1
        return self.hits

class Point3(Point):
    def __init__(self, x: int, y: int, z: int) -> None:
        super().__init__(x, y)
        self.z: int = z

    def norm(self) -> int:
        return super().norm() + abs(self.z)

def total(p: Point) -> int:
    return p.norm()

@final
class Leaf:
    v: Optional[str] = None

class Counter:
    count = 0
    def inc(self) -> None:
        self.count += 1

@allow_weakrefs
class Weak:
    pass

class WithDict:
    __slots__ = ("__dict__",)
    x: int
"""


@pytest.fixture
def m(sp):
    return sp.load(SRC)


def test_fields_are_typed_slots_without_dict(m):
    p = m.Point(1, -2)
    assert (p.x, p.y, p.tag, p.hits, p.scale, p.small) == (1, -2, "p", 0, 1.5, -3)
    assert not hasattr(p, "__dict__")
    with pytest.raises(AttributeError):
        p.other = 1
    layout = {row[0]: row for row in m.Point.__ember_layout__}
    assert layout["hits"][2] == 4 and layout["scale"][2] == 9 and layout["small"][2] == 1
    offsets = [row[1] for row in m.Point.__ember_layout__]
    assert len(set(offsets)) == len(offsets)


def test_wrong_typed_assignment_raises(m):
    p = m.Point(1, 2)
    with pytest.raises(TypeError, match=r"Point.x: expected 'int', got 'str'"):
        p.x = "a"
    with pytest.raises(TypeError, match=r"Point.__init__\(\) argument 'x'"):
        m.Point("a", 2)
    with pytest.raises(OverflowError, match=r"Point.small: value 200 out of range for int8"):
        p.small = 200
    with pytest.raises(TypeError):
        p.hits = 1.5
    p.small = 127
    assert p.small == 127


def test_primitive_fields_unboxed_and_wrapping(m):
    p = m.Point(0, 0)
    assert [p.bump() for _ in range(3)] == [1, 2, 3]
    p.hits = 2**63 - 1
    assert p.bump() == -(2**63)
    with pytest.raises(AttributeError):
        del p.hits


def test_static_subclass_and_override(m):
    q = m.Point3(1, 2, -3)
    assert q.norm() == 6 and m.total(q) == 6
    assert isinstance(q, m.Point)
    with pytest.raises(TypeError, match="Point3.z"):
        q.z = "x"


def test_dynamic_subclass_of_static_class(m):
    class Dyn(m.Point):
        def norm(self):
            return 100
    d = Dyn(1, 1)
    assert m.total(d) == 100  # overriding honoured for static callers
    d.extra = 5  # plain subclasses get a __dict__
    assert d.extra == 5
    with pytest.raises(TypeError):
        d.x = "bad"  # inherited typed fields still check


def test_static_subclass_of_dynamic_base(sp):
    m = sp.load("""
        import __static__
        class MyError(ValueError):
            def __init__(self, code: int) -> None:
                super().__init__("code")
                self.code: int = code
        def make(c: int) -> MyError:
            return MyError(c)
    """)
    e = m.make(3)
    assert isinstance(e, ValueError) and e.code == 3 and e.args == ("code",)
    with pytest.raises(TypeError):
        e.code = "x"


def test_final_class_cannot_be_subclassed_at_runtime(m):
    with pytest.raises(TypeError, match="not an acceptable base type"):
        type("Sub", (m.Leaf,), {})
    assert m.Leaf().v is None


def test_class_attribute_default_becomes_field(m):
    c = m.Counter()
    c.inc()
    c.inc()
    assert c.count == 2 and m.Counter.__dict__["count"].__class__.__name__ == "TypedSlot"


def test_weakrefs_and_dict_when_asked(m):
    import weakref
    w = m.Weak()
    assert weakref.ref(w)() is w
    with pytest.raises(TypeError):
        weakref.ref(m.Point(1, 1))
    d = m.WithDict()
    d.anything = 1
    d.x = 3
    assert d.anything == 1 and d.x == 3


def test_pickle_and_copy_instances(m, sp):
    p = m.Point(4, 5)
    p.hits = 9
    q = copy.copy(p)
    assert (q.x, q.y, q.hits, q.scale) == (4, 5, 9, 1.5)
    # pickle needs the class importable by name
    sys.modules[m.__name__] = m
    r = pickle.loads(pickle.dumps(p))
    assert (r.x, r.y, r.hits, r.small) == (4, 5, 9, -3)


def test_static_and_dynamic_views_agree(m):
    p = m.Point(1, 2)
    p.hits = 41
    assert p.bump() == 42 and m.Point.hits.__get__(p) == 42


def test_metadata_for_classes(m):
    import ember.static as st
    meta = st.metadata(m.Point)
    names = [f[0] for f in meta["fields"]]
    assert {"x", "y", "tag", "hits", "scale", "small"} <= set(names)
    assert meta["typed_layout"] and not meta["final"]
    assert st.metadata(m.Leaf)["final"]
    assert [r[0] for r in meta["layout"]] == [r[0] for r in m.Point.__ember_layout__]


def test_user_slots_new_and_metaclass(sp):
    m = sp.load("""
        import __static__
        import functools

        class Pair:
            __slots__ = ("a", "b")
            def __new__(cls, a, b):
                self = object.__new__(cls)
                self.a = a
                self.b = b
                return self
            def total(self):
                return self.a + self.b

        class Meta(type):
            def make(cls):
                return cls.__new__(cls)

        @functools.total_ordering
        class Ordered:
            def __init__(self, v: int) -> None:
                self.v = v
            def __eq__(self, other):
                return self.v == other.v
            def __lt__(self, other):
                return self.v < other.v

        def use(o: Ordered) -> bool:
            return o >= o and o.anything_a_decorator_may_add is None
    """)
    p = m.Pair(1, 2)
    assert p.total() == 3 and not hasattr(p, "__dict__")
    assert m.Ordered(1) <= m.Ordered(2)
    o = m.Ordered(3)
    o.anything_a_decorator_may_add = None
    assert m.use(o)


def test_unknown_attribute_on_plain_slots_class_is_an_error(sp):
    e = sp.error("""
import __static__
class Pair:
    __slots__ = ("a",)
    def f(self) -> None:
        self.b = 1
def g(p: Pair) -> None:
    p.c = 2
""")
    assert e.msg == "attribute 'c' not found on static class 'Pair'" and e.lineno == 8


def test_final_method_enforced_for_dynamic_subclasses(sp):
    m = sp.load("""
        import __static__
        from typing import final
        class A:
            @final
            def m(self) -> int:
                return 1
            def n(self) -> int:
                return 2
    """)
    class Ok(m.A):
        def n(self):
            return 3
    assert Ok().n() == 3 and Ok().m() == 1
    with pytest.raises(TypeError, match="cannot override final method 'm' of 'A'"):
        class Bad(m.A):
            def m(self):
                return 5
    with pytest.raises(TypeError, match="cannot override final method 'm'"):
        class Deeper(Ok):
            def m(self):
                return 6


def test_nonzero_primitive_default(sp):
    import ctypes
    m = sp.load("""
        import __static__
        from __static__ import int8, double
        class Cfg:
            level: int8 = 5
            ratio: double = 0.5
    """)
    c = m.Cfg()
    assert c.level == 5 and c.ratio == 0.5
    c.level = -7
    assert c.level == -7 and m.Cfg().level == 5
    row = {r[0]: r for r in m.Cfg.__ember_layout__}["level"]
    raw = ctypes.c_int8.from_address(id(c) + row[1]).value
    assert row[4] == 5 and (raw ^ row[4]) & 0xFF == (-7) & 0xFF  # stored XOR the default's bits


def test_array_memory_layout():
    import ctypes
    import __static__
    a = __static__.Array[__static__.int16]([-2, 7])
    base = ctypes.sizeof(ctypes.c_ssize_t) * 3 + 8  # refcnt, type, size; int kind padded to 8
    assert ctypes.c_int16.from_address(id(a) + base).value == -2
    assert ctypes.c_int16.from_address(id(a) + base + 8).value == 7
