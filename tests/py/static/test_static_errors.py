"""Every kind of compile-time error: message and line."""
import pytest

from ember.static.errors import TypedSyntaxError


def err(sp, body):
    src = "import __static__\nfrom __static__ import *\nfrom typing import Final, final, Optional\n" + body
    e = sp.error(src)
    return e.msg, e.lineno - 3  # line numbers relative to `body`


def test_is_syntax_error_with_location(sp):
    e = sp.error("import __static__\nx: int = 'a'\n")
    assert isinstance(e, SyntaxError)
    assert e.lineno == 2 and e.offset == 10
    assert e.filename.endswith(".py")
    assert e.format().endswith(":2:10: type mismatch: str cannot be assigned to int")


def test_wrong_type_to_annotated_local(sp):
    msg, line = err(sp, "def f() -> None:\n    x: int = 1\n    x = 'no'\n")
    assert msg == "type mismatch: str cannot be assigned to int" and line == 3


def test_wrong_type_to_field(sp):
    msg, line = err(sp, "class C:\n    x: int\n\ndef f(c: C) -> None:\n    c.x = 'a'\n")
    assert msg == "type mismatch: str cannot be assigned to field 'C.x' of type int" and line == 5


def test_wrong_type_to_self_field(sp):
    msg, line = err(sp, "class C:\n    def __init__(self) -> None:\n        self.x: str = 'a'\n"
                        "    def g(self) -> None:\n        self.x = 3\n")
    assert msg == "type mismatch: int cannot be assigned to field 'C.x' of type str" and line == 5


def test_wrong_return_type(sp):
    msg, line = err(sp, "def f() -> int:\n    return 'a'\n")
    assert msg == "type mismatch: str cannot be returned from a function declared to return int"
    assert line == 2


def test_bare_return_in_typed_function(sp):
    msg, line = err(sp, "def f() -> int:\n    return\n")
    assert "None cannot be returned" in msg and line == 2


def test_too_many_arguments(sp):
    msg, line = err(sp, "def f(a: int) -> int:\n    return a\n\nf(1, 2)\n")
    assert msg == "f() takes 1 positional argument but 2 were given" and line == 4


def test_missing_argument(sp):
    msg, line = err(sp, "def f(a: int, b: str) -> int:\n    return a\n\nf(1)\n")
    assert msg == "f() missing required argument 'b'" and line == 4


def test_wrong_argument_type(sp):
    msg, line = err(sp, "def f(a: int) -> int:\n    return a\n\nf('x')\n")
    assert msg == "type mismatch: argument 'a' of f() expects int, found str" and line == 4


def test_unexpected_keyword(sp):
    msg, line = err(sp, "def f(a: int) -> int:\n    return a\n\nf(a=1, z=2)\n")
    assert msg == "f() got an unexpected keyword argument 'z'" and line == 4


def test_method_argument_checked(sp):
    msg, line = err(sp, "class C:\n    def m(self, x: int) -> int:\n        return x\n\n"
                        "def g(c: C) -> int:\n    return c.m('s')\n")
    assert msg == "type mismatch: argument 'x' of C.m() expects int, found str" and line == 6


def test_constructor_arguments_checked(sp):
    msg, line = err(sp, "class C:\n    def __init__(self, x: int) -> None:\n        self.x = x\n\nC()\n")
    assert msg == "C.__init__() missing required argument 'x'" and line == 5


def test_attribute_not_found(sp):
    msg, line = err(sp, "class C:\n    x: int\n\ndef f(c: C) -> int:\n    return c.y\n")
    assert msg == "attribute 'y' not found on static class 'C'" and line == 5


def test_attribute_store_not_found(sp):
    msg, line = err(sp, "class C:\n    x: int\n\ndef f(c: C) -> None:\n    c.y = 1\n")
    assert msg == "attribute 'y' not found on static class 'C'" and line == 5


def test_primitive_object_mixing(sp):
    msg, line = err(sp, "def f(a: int64, b: int) -> None:\n    c = a + b\n")
    assert msg == "cannot mix primitive int64 and object int in '+' (use box() or unbox())" and line == 2


def test_primitive_to_object_local(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    b: int = a\n")
    assert msg == "type mismatch: int64 cannot be assigned to int" and line == 2


def test_object_to_primitive_local(sp):
    msg, line = err(sp, "def f(a: int) -> None:\n    b: int64 = a\n")
    assert msg == "type mismatch: int cannot be assigned to int64" and line == 2


def test_primitive_passed_to_dynamic_call(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    print(a)\n")
    assert msg == "Call argument cannot be a primitive (int64); box() it first" and line == 2


def test_primitive_in_list(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    x = [a]\n")
    assert msg.startswith("list element cannot be a primitive") and line == 2


def test_primitive_attribute(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    a.real\n")
    assert msg == "primitive int64 has no attribute 'real' (box() it first)" and line == 2


def test_primitive_default_for_object_parameter(sp):
    msg, line = err(sp, "def f(a: int = int64(1)) -> None:\n    pass\n")
    assert msg == "a primitive cannot be the default of parameter 'a' of type int" and line == 1


def test_mixed_width(sp):
    msg, line = err(sp, "def f(a: int32, b: int64) -> None:\n    c = a + b\n")
    assert msg.startswith("mixed primitive types in '+': int32 and int64") and line == 2


def test_mixed_sign(sp):
    msg, line = err(sp, "def f(a: int32, b: uint32) -> None:\n    c = a * b\n")
    assert msg.startswith("mixed primitive types in '*': int32 and uint32") and line == 2


def test_mixed_compare(sp):
    msg, line = err(sp, "def f(a: int8, b: uint8) -> None:\n    if a < b:\n        pass\n")
    assert msg.startswith("mixed primitive types in '<': int8 and uint8") and line == 2


def test_literal_does_not_fit(sp):
    msg, line = err(sp, "def f() -> None:\n    x: int8 = 200\n")
    assert msg == "literal 200 does not fit in int8 (range -128..127)" and line == 2


def test_negative_literal_for_unsigned(sp):
    msg, line = err(sp, "def f() -> None:\n    x: uint16 = -1\n")
    assert msg == "literal -1 does not fit in uint16 (range 0..65535)" and line == 2


def test_crange_outside_for(sp):
    msg, line = err(sp, "def f() -> None:\n    r = crange(10)\n")
    assert msg == "crange() must be used as an iterator in a for loop" and line == 2


def test_crange_in_comprehension(sp):
    msg, line = err(sp, "def f() -> None:\n    r = [box(i) for i in crange(3)]\n")
    assert msg == "crange() must be used as an iterator in a for loop" and line == 2


def test_assign_final_module(sp):
    msg, line = err(sp, "X: Final = 1\nX = 2\n")
    assert msg == "cannot assign to Final variable 'X'" and line == 2


def test_assign_final_via_global(sp):
    msg, line = err(sp, "X: Final[int] = 1\ndef f() -> None:\n    global X\n    X += 1\n")
    assert msg == "cannot assign to Final variable 'X'" and line == 4


def test_override_final_attribute(sp):
    msg, line = err(sp, "class A:\n    K: Final = 1\n\nclass B(A):\n    K = 2\n")
    assert msg == "cannot override Final attribute 'K' of 'A'" and line == 5


def test_override_final_method(sp):
    msg, line = err(sp, "class A:\n    @final\n    def m(self) -> int:\n        return 1\n\n"
                        "class B(A):\n    def m(self) -> int:\n        return 2\n")
    assert msg == "cannot override final method 'm' of 'A'" and line == 7


def test_subclass_final_class(sp):
    msg, line = err(sp, "@final\nclass A:\n    pass\n\nclass B(A):\n    pass\n")
    assert msg == "cannot subclass final class 'A'" and line == 5


def test_unbox_of_primitive(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    b: int64 = unbox(a)\n")
    assert msg == "unbox() expects an object, found primitive int64" and line == 2


def test_box_of_object(sp):
    msg, line = err(sp, "def f(a: int) -> None:\n    b = box(a)\n")
    assert msg == "box() expects a primitive, found int" and line == 2


def test_matmul_of_primitives(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    b = a @ a\n")
    assert msg == "operator '@' is not supported for primitive int64" and line == 2


def test_int_pow_is_double(sp):
    msg, line = err(sp, "def f(a: int64) -> None:\n    b: int64 = a ** 2\n")
    assert msg == "type mismatch: double cannot be assigned to int64" and line == 2


def test_field_redeclared_with_other_type(sp):
    msg, line = err(sp, "class A:\n    x: int\n\nclass B(A):\n    x: str\n")
    assert msg == "field 'x' redeclared as str, previously int in 'A'" and line == 5


def test_error_reported_in_imported_module_types(sp):
    e = sp.error("import __static__\nfrom dep import f\nf('x')\n",
                 others={"dep": "import __static__\ndef f(x: int) -> int:\n    return x\n"})
    assert e.msg == "type mismatch: argument 'x' of f() expects int, found str" and e.lineno == 3


def test_not_static_without_marker_first():
    from ember.static import compile_source
    assert compile_source("x = 1\nimport __static__\n") is None
    assert compile_source('"""doc"""\nfrom __future__ import annotations\nimport __static__\n') is not None


def test_unknown_types_are_dynamic(sp):
    m = sp.load("import __static__\nimport collections\n"
                "def f(d: collections.OrderedDict, z: 'Unknown') -> int:\n    return d.anything + z\n")
    assert m.f(type("D", (), {"anything": 1})(), 2) == 3


def test_class_attribute_may_share_a_module_final_name(sp):
    m = sp.load("import __static__\nfrom typing import Final\nX: Final = 1\nclass C:\n    X = 2\n")
    assert m.X == 1 and m.C.X == 2


def test_attribute_defined_by_a_static_subclass_is_dynamic_on_the_base(sp):
    m = sp.load("""
import __static__
class Base:
    def run(self) -> int:
        return self.step() + 1
class Impl(Base):
    def step(self) -> int:
        return 41
""")
    assert m.Impl().run() == 42
    e = sp.error("""
import __static__
from typing import final
@final
class Leaf:
    def run(self) -> int:
        return self.step()
""")
    assert e.msg == "attribute 'step' not found on static class 'Leaf'" and e.lineno == 7


def test_class_with_dynamic_base_may_be_any_subclass(sp):
    m = sp.load("""
import __static__
import collections
class Target:
    pass
class Odd(collections.OrderedDict):
    pass
def take(t: Target) -> int:
    return 1
def give(o: Odd) -> int:
    return take(o)
""")
    with pytest.raises(TypeError, match=r"take\(\) argument 't': expected 'Target', got 'Odd'"):
        m.give(m.Odd())
