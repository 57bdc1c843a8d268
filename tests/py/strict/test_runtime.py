"""The C++ runtime: StrictModule immutability, frozen classes, patching."""
from __future__ import annotations

import types

import pytest

import ember.strict as strict
from ember import _strict


def make_module(name="rt_mod"):
    m = types.ModuleType(name)
    m.__dict__["mutable"] = strict.mutable
    exec("class C:\n    x = 1\n    class Inner:\n        pass\n"
         "@mutable\nclass Loose:\n    y = 1\nVALUE = 42\ndef f():\n    return VALUE\n", m.__dict__)
    return m


def test_make_strict_module_locks_attributes_in_place():
    m = make_module()
    same = strict.make_strict_module(m)
    assert same is m and type(m) is strict.StrictModule and strict.is_strict_module(m)
    with pytest.raises(AttributeError, match="cannot modify attribute 'VALUE' of strict module 'rt_mod'"):
        m.VALUE = 1
    with pytest.raises(AttributeError, match="cannot delete attribute 'VALUE' of strict module 'rt_mod'"):
        del m.VALUE
    with pytest.raises(AttributeError, match="'new'"):
        m.new = 1
    with pytest.raises(AttributeError):
        m.__class__ = types.ModuleType
    assert m.VALUE == 42 and m.f() == 42 and isinstance(m, types.ModuleType)
    assert strict.make_strict_module(m) is m   # idempotent


def test_make_strict_module_rejects_non_modules():
    with pytest.raises(TypeError):
        strict.make_strict_module(object())

    class Sub(types.ModuleType):
        pass
    with pytest.raises(TypeError):
        strict.make_strict_module(Sub("x"))


def test_submodule_binding_is_the_one_allowed_write():
    parent = strict.make_strict_module(types.ModuleType("pkgx"))
    child = types.ModuleType("pkgx.child")
    parent.child = child
    assert parent.child is child
    with pytest.raises(AttributeError):
        parent.other = child          # wrong name
    with pytest.raises(AttributeError):
        parent.child = types.ModuleType("elsewhere.child")


def test_freeze_classes_freezes_module_classes_and_nested_but_not_mutable():
    m = make_module("rt_freeze")
    count = strict.freeze_classes(m)
    assert count == 2
    assert strict.is_frozen(m.C) and strict.is_frozen(m.C.Inner) and not strict.is_frozen(m.Loose)
    with pytest.raises(TypeError, match="immutable type"):
        m.C.x = 2
    with pytest.raises(TypeError):
        del m.C.x
    with pytest.raises(TypeError):
        m.C.Inner.z = 1
    m.Loose.y = 5
    assert m.Loose.y == 5
    inst = m.C()
    inst.attr = 3                    # instances stay mutable
    assert inst.attr == 3 and m.C.x == 1
    assert strict.freeze_classes(m) == 0   # idempotent


def test_foreign_classes_are_not_frozen():
    m = types.ModuleType("rt_foreign")

    class Elsewhere:
        pass
    m.Elsewhere = Elsewhere
    m.Int = int
    assert strict.freeze_classes(m) == 0
    Elsewhere.attr = 1
    assert Elsewhere.attr == 1


def test_patch_requires_explicit_enable(monkeypatch):
    monkeypatch.delenv("EMBERSTRICTPATCHING", raising=False)
    m = strict.make_strict_module(make_module("rt_patch0"))
    with pytest.raises(RuntimeError, match="strict-patching"):
        with strict.patch(m, "VALUE", 1):
            pass
    assert m.VALUE == 42


def test_patch_replaces_and_restores_module_attribute(monkeypatch):
    monkeypatch.setenv("EMBERSTRICTPATCHING", "1")
    m = strict.make_strict_module(make_module("rt_patch"))
    with strict.patch(m, "VALUE", 7):
        assert m.VALUE == 7 and m.f() == 7       # the module's own code sees it
    assert m.VALUE == 42 and m.f() == 42
    with pytest.raises(KeyError):
        with strict.patch(m, "VALUE", 8):
            raise KeyError("boom")
    assert m.VALUE == 42
    with strict.patch(m, "ADDED", 1):
        assert m.ADDED == 1
    assert not hasattr(m, "ADDED")
    with pytest.raises(AttributeError):
        m.VALUE = 0                               # still locked afterwards


def test_patch_frozen_class_attribute(monkeypatch):
    monkeypatch.setenv("EMBERSTRICTPATCHING", "1")
    m = make_module("rt_patch_cls")
    strict.freeze_classes(m)
    with strict.patch(m.C, "x", 99):
        assert m.C.x == 99 and m.C().x == 99
    assert m.C.x == 1 and strict.is_frozen(m.C)
    with pytest.raises(TypeError):
        m.C.x = 3


def test_force_setattr_argument_errors():
    with pytest.raises(TypeError):
        _strict.force_setattr(types.ModuleType("q"), 1, 2)
    with pytest.raises(TypeError):
        _strict.force_setattr(1)


def test_marker_module_is_a_noop_with_mutable():
    import __strict__

    @__strict__.mutable
    class K:
        pass
    assert K.__strict_mutable__ is True
    assert strict.mutable is __strict__.mutable


def test_c_api_capsule_for_other_extensions():
    import ctypes
    capsule = _strict._C_API
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    address = get_pointer(capsule, b"ember._strict._C_API")
    assert address
    version = ctypes.c_int.from_address(address).value
    type_pointer = ctypes.c_void_p.from_address(address + 8).value
    assert version == 1 and type_pointer == id(strict.StrictModule)

