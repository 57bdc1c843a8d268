"""CheckedDict, CheckedList and Array: the C++ versions and the pure-Python
stand-ins must behave the same, so every test runs against both."""
import copy
import pickle

import pytest

import __static__
import __static__._fallback as fb
import ember._static as rt

IMPLS = {"cpp": (rt.CheckedDict, rt.CheckedList, rt.Array),
         "pure": (fb.CheckedDict, fb.CheckedList, fb.Array)}


@pytest.fixture(params=list(IMPLS))
def impl(request):
    return IMPLS[request.param]


def test_static_module_exports_cpp_types():
    assert __static__.CheckedDict is rt.CheckedDict and __static__.Array is rt.Array


def test_checked_dict_checks_every_store(impl):
    CD = impl[0][str, int]
    d = CD({"a": 1}, b=2)
    assert d == {"a": 1, "b": 2} and isinstance(d, dict) and isinstance(d, impl[0])
    d["c"] = 3
    d.update({"d": 4}, e=5)
    d.setdefault("f", 6)
    d |= {"g": 7}
    for bad in (lambda: d.__setitem__(1, 1), lambda: d.__setitem__("x", "y"), lambda: d.update({"z": "z"}),
                lambda: d.update(z="z"), lambda: d.setdefault("h"), lambda: CD({1: 1}), lambda: d.__ior__({1: 2})):
        with pytest.raises(TypeError):
            bad()
    assert "z" not in d and "h" not in d
    with pytest.raises(TypeError, match=r"CheckedDict\[str, int\] key: expected 'str', got 'int'"):
        d[1] = 1
    assert type(d.copy()) is CD and type(d | {"q": 1}) is CD
    with pytest.raises(TypeError):
        d | {"q": "no"}


def test_checked_dict_like_dict(impl):
    CD = impl[0][str, int]
    d = CD({"a": 1, "b": 2})
    assert repr(d) == "{'a': 1, 'b': 2}" and d == {"a": 1, "b": 2} and {"a": 1, "b": 2} == d
    assert list(d.items()) == [("a", 1), ("b", 2)] and d.get("x") is None and len(d) == 2
    del d["a"]
    assert d.pop("b") == 2 and d == {}
    assert impl[0][str, int] is CD  # cached
    assert impl[0][str, int | None]({"a": None})["a"] is None
    assert CD.fromkeys(["x"], 0) == {"x": 0}


def test_checked_dict_pickle_and_copy(impl):
    CD = impl[0][str, int]
    d = CD({"a": 1})
    for e in (pickle.loads(pickle.dumps(d)), copy.copy(d), copy.deepcopy(d)):
        assert e == d and type(e) is CD
        with pytest.raises(TypeError):
            e["b"] = "x"


def test_checked_list_checks_every_store(impl):
    CL = impl[1][int]
    l = CL([1, 2])
    l.append(3)
    l.insert(0, 0)
    l.extend([4])
    l += [5]
    l[0] = -1
    l[1:2] = [10, 11]
    assert l == [-1, 10, 11, 2, 3, 4, 5]
    for bad in (lambda: l.append("x"), lambda: l.insert(0, None), lambda: l.extend([1, "x"]),
                lambda: l.__setitem__(0, "x"), lambda: l.__setitem__(slice(0, 1), ["x"]), lambda: CL(["x"]),
                lambda: l.__iadd__([1.5])):
        with pytest.raises(TypeError):
            bad()
    assert l == [-1, 10, 11, 2, 3, 4, 5]
    with pytest.raises(TypeError, match=r"CheckedList\[int\] item: expected 'int', got 'str'"):
        l.append("x")


def test_checked_list_like_list(impl):
    CL = impl[1][str]
    l = CL(["b", "a"])
    l.sort()
    assert l == ["a", "b"] and repr(l) == "['a', 'b']" and ["a", "b"] == l
    assert type(l[0:1]) is CL and type(l + ["c"]) is CL and type(l.copy()) is CL
    assert l.pop() == "b" and len(l) == 1
    for e in (pickle.loads(pickle.dumps(l)), copy.deepcopy(l)):
        assert e == l and type(e) is CL


def test_unparameterized_containers_refuse(impl):
    with pytest.raises(TypeError):
        impl[0]()
    with pytest.raises(TypeError):
        impl[1]([1])


ARRAY_KINDS = [("int8", -128, 127), ("uint8", 0, 255), ("int16", -32768, 32767), ("uint16", 0, 65535),
               ("int32", -2**31, 2**31 - 1), ("uint32", 0, 2**32 - 1), ("int64", -2**63, 2**63 - 1),
               ("uint64", 0, 2**64 - 1)]


@pytest.mark.parametrize("kind,lo,hi", ARRAY_KINDS)
def test_array_unboxed_bounds_checked(impl, kind, lo, hi):
    A = impl[2][getattr(__static__, kind)]
    a = A(3)
    assert list(a) == [0, 0, 0] and len(a) == 3
    a[0], a[2] = lo, hi
    assert a[0] == lo and a[2] == hi
    for bad in (lo - 1, hi + 1):
        with pytest.raises(OverflowError):
            a[1] = bad
    with pytest.raises(TypeError):
        a[1] = "x"
    for i in (3, -4):
        with pytest.raises(IndexError):
            a[i]
        with pytest.raises(IndexError):
            a[i] = 0
    assert a[-1] == hi and a[-3] == lo  # Python-style negative indexes, as in Cinder
    assert list(a[1:]) == [0, hi] and type(a[1:]) is A and list(a[::-1]) == [hi, 0, lo]
    assert list(a + A([1])) == [lo, 0, hi, 1]
    a[0:2] = [1, 1]
    assert list(a) == [1, 1, hi]
    with pytest.raises(ValueError):
        a[0:2] = [1]
    with pytest.raises(OverflowError):
        a[0:1] = [hi + 1]
    assert list(a) == [1, 1, hi]
    assert A([lo, hi]) == A([lo, hi]) and A([1]) != A([2])
    assert repr(A([1, 2])) == f"Array[{kind}]([1, 2])"


def test_array_double_and_pickle(impl):
    A = impl[2][__static__.double]
    a = A([1, 2.5])
    assert a[0] == 1.0 and isinstance(a[0], float)
    if impl[2] is rt.Array:
        b = pickle.loads(pickle.dumps(a))
        assert b == a
    with pytest.raises(TypeError):
        impl[2][int]


def test_containers_in_static_code(sp):
    m = sp.load("""
        import __static__
        from __static__ import CheckedDict, CheckedList, Array, int64, box
        def build(n: int) -> CheckedDict[str, int]:
            d = CheckedDict[str, int]()
            for i in range(n):
                d[str(i)] = i
            return d
        def squares(n: int64) -> Array[int64]:
            a = Array[int64](box(n))
            i: int64 = 0
            while i < n:
                a[i] = i * i
                i += 1
            return a
        def first(l: CheckedList[str]) -> str:
            return l[0]
    """)
    assert m.build(3) == {"0": 0, "1": 1, "2": 2}
    assert list(m.squares(4)) == [0, 1, 4, 9]
    assert m.first(__static__.CheckedList[str](["x"])) == "x"
    with pytest.raises(TypeError, match=r"first\(\) argument 'l': expected 'CheckedList\[str\]', got 'list'"):
        m.first(["x"])


def test_container_type_errors_at_compile_time(sp):
    e = sp.error("""
import __static__
from __static__ import CheckedDict
def f(d: CheckedDict[str, int]) -> None:
    d["a"] = "b"
""")
    assert e.msg == "type mismatch: str cannot be stored as a value of CheckedDict[str, int]" and e.lineno == 5
    e = sp.error("""
import __static__
from __static__ import Array, int8, int64
def f(a: Array[int8], x: int64) -> None:
    a[0] = x
""")
    assert e.msg == "type mismatch: int64 cannot be stored in Array[int8]" and e.lineno == 5


def test_displays_build_checked_containers_where_expected(sp):
    m = sp.load("""
        import __static__
        from __static__ import CheckedList, CheckedDict, clen
        class Node:
            def __init__(self) -> None:
                self.kids: CheckedList[Node] = []
                self.names: CheckedDict[str, int] = {}
        def first(xs: CheckedList[str]) -> str:
            todo: CheckedList[str] = [x for x in xs]
            out = todo.pop(0)
            return out
        def sizes(n: Node) -> int:
            return len(n.kids) + len(n.names)
    """)
    n = m.Node()
    assert type(n.kids).__name__.startswith("CheckedList[") and type(n.names).__name__ == "CheckedDict[str, int]"
    with pytest.raises(TypeError):
        n.kids.append(1)
    assert m.first(__static__.CheckedList[str](["a", "b"])) == "a"
    assert m.__ember_static__["functions"]["first"]["locals"]["out"] == "str"
    e = sp.error("""
import __static__
from __static__ import CheckedList
def f() -> None:
    xs: CheckedList[int] = [1, "two"]
""")
    assert e.msg == "type mismatch: str cannot be stored in CheckedList[int]" and e.lineno == 5
