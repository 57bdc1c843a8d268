"""Reading values: truth, iteration, attributes, subscripts (a mixin of Interpreter).

Reading is allowed everywhere (only calls and writes can have effects), so
these functions never report errors; they compute what is known about the
result: module attributes come from strict namespaces, the stubs or (for
already-imported stdlib modules) immutable real constants such as
``sys.version_info``; class attributes follow the bases; instance attributes
bind methods and run properties (a property read is a call).
"""
from __future__ import annotations

import sys

from .stubs import Stub
from .values import (BoundMethod, ClassVal, Const, Container, FuncVal, GlobalsVal, InstanceVal,
                     IMMUTABLE_TYPES, MethodOf, ModuleVal, Opaque, StubVal,
                     SuperVal, Union, Val, Wrapped, from_python, options, union)

from .interpreter_base import MUTATING_METHODS, _MISSING, _small


BUILTIN_TYPES = {f"builtins.{t.__name__}": t for t in (
    str, bytes, int, float, complex, bool, tuple, frozenset, range, list, dict, set, bytearray, object)}


class ValueAccess:
    # ---- values: truth, iteration, attributes, subscripts ------------------------------

    def truth(self, value: Val, node=None) -> bool | None:
        """Known truth value, or None. With a node, follows __bool__/__len__ of user instances."""
        if node is not None:
            self.dunder(value, ("__bool__", "__len__"), [], node)
        if isinstance(value, Const):
            try:
                return bool(value.value)
            except Exception:
                return None
        if isinstance(value, (ModuleVal, FuncVal, ClassVal)):
            return True
        return None

    def iter_elems(self, value: Val, node=None) -> Val:
        """What iterating `value` yields. With a node, follows __iter__ of user instances."""
        results = []
        if node is not None:
            produced = self.dunder(value, ("__iter__",), [], node)
            if produced is not None:
                results.append(self.iter_elems(produced))
        for v in options(value):
            if isinstance(v, GlobalsVal):
                results.append(Opaque(None, why="str"))
            elif isinstance(v, Container):
                results.extend(v.keys if v.kind == "dict" else v.elems)
                if not (v.keys if v.kind == "dict" else v.elems):
                    results.append(Opaque(v.owner))
            elif isinstance(v, Const) and isinstance(v.value, (tuple, frozenset, str, bytes, range)):
                seq = v.value
                items = list(seq)[:16] if isinstance(seq, frozenset) else list(seq[:16])
                if items:
                    results.extend(from_python(x, self.owner) for x in items)
                else:
                    results.append(Opaque(None))
            else:
                results.append(Opaque(v.owner))
        return union(results)

    def getattr_(self, obj: Val, name: str, node) -> Val:
        if isinstance(obj, Union):
            return union([self.getattr_(o, name, node) for o in obj.options])
        if isinstance(obj, ModuleVal):
            return self.module_attr(obj, name, node)
        if isinstance(obj, Const):
            if callable(getattr(type(obj.value), name, None)):
                return MethodOf(obj, name)
            try:
                real = getattr(obj.value, name)
            except Exception:
                return Opaque(None)
            return from_python(real, None) if isinstance(real, IMMUTABLE_TYPES) else Opaque(None)
        if isinstance(obj, Opaque):
            if obj.qual:
                qual = f"{obj.qual}.{name}"
                stub = self.stubs.lookup(qual)
                if stub is not None:
                    return self.stub_value(qual, stub, obj.owner)
                if name in MUTATING_METHODS:
                    return MethodOf(obj, name)
                return Opaque(obj.owner, qual)
            if name in MUTATING_METHODS or (obj.owner is None and obj.why != "undefined name"):
                return MethodOf(obj, name)     # owner None: an immutable builtin value (str, int)
            return Opaque(obj.owner)
        if isinstance(obj, ClassVal):
            found = self.class_lookup(obj, name)
            if found is None:
                if name in ("__name__", "__qualname__"):
                    return Const(obj.name)
                if name == "register":        # ABC virtual subclass registration
                    return MethodOf(obj, name)
                return Opaque(obj.owner, f"{obj.qual}.{name}")
            if isinstance(found, Wrapped):
                if found.how == "classmethod":
                    return BoundMethod(obj, found.func, obj.owner)
                if found.how == "staticmethod":
                    return found.func
            return found
        if isinstance(obj, InstanceVal):
            return self.instance_attr(obj, name, node)
        if isinstance(obj, StubVal):
            if name == "register" and obj.stub.effect == "class":
                return MethodOf(obj, name)    # ABC registration mutates the ABC
            qual = f"{obj.qual}.{name}"
            stub = self.stubs.lookup(qual)
            if stub is not None:
                return self.stub_value(qual, stub, obj.owner)
            if obj.stub.effect == "class" and name in ("__init__", "__new__", "__init_subclass__"):
                return StubVal(qual, Stub("pure"), obj.owner)
            real_type = BUILTIN_TYPES.get(obj.qual)
            if real_type is not None and hasattr(real_type, name):
                # unbound methods of builtin types: str.lower, list.append, dict.get
                return StubVal(qual, Stub("mutates" if name in MUTATING_METHODS else "pure"), obj.owner)
            return Opaque(obj.owner, qual)
        if isinstance(obj, (Container, GlobalsVal)):
            return MethodOf(obj, name)
        if isinstance(obj, SuperVal):
            return self.super_attr(obj, name)
        if isinstance(obj, Wrapped) and obj.how == "property" and name in ("setter", "getter", "deleter"):
            return MethodOf(obj, name)
        if isinstance(obj, Wrapped) and obj.how == "dispatch":
            if name == "register":
                return MethodOf(obj, name)
            return Opaque(obj.owner, f"{obj.qual}.{name}")
        if isinstance(obj, FuncVal):
            if name in ("__name__", "__qualname__"):
                return Const(obj.name)
            if name == "__module__":
                return Const(obj.module.name)
            return Opaque(obj.owner, f"{obj.qual}.{name}")
        return Opaque(obj.owner)

    def stub_value(self, qual: str, stub: Stub, owner: str | None) -> Val:
        if stub.effect == "module":
            return self.session.module_val(qual)
        return StubVal(qual, stub, owner)

    def module_attr(self, mv: ModuleVal, name: str, node) -> Val:
        full = f"{mv.name}.{name}"
        if name == "__name__":
            return Const(mv.name)
        if self.session.is_strict(mv):
            ns = self.session.namespace_of(mv)
            if ns is not None and name in ns.vars:
                return ns.vars[name]
            if full in self.session.imported or self.session.resolver.resolve(full) is not None:
                return self.session.module_val(full)
            return Opaque(mv.name, full, why=f"not (yet) defined in strict module '{mv.name}'")
        top = mv.name.split(".", 1)[0]
        if top in sys.stdlib_module_names or top == "builtins":
            real_module = sys.modules.get(mv.name)
            if real_module is not None:
                real = getattr(real_module, name, _MISSING)
                if real is not _MISSING and (isinstance(real, IMMUTABLE_TYPES) or (
                        isinstance(real, tuple) and all(isinstance(x, IMMUTABLE_TYPES) for x in real))):
                    return Const(real, full)
        stub = self.stubs.lookup(full)
        if stub is not None:
            return self.stub_value(full, stub, mv.name)
        if full in self.session.imported or self.stubs.is_module(full):
            return self.session.module_val(full)
        if top not in sys.stdlib_module_names and self.session.resolver.resolve(full) is not None:
            return self.session.module_val(full)
        return Opaque(mv.name, full)

    def class_lookup(self, cls: Val, name: str, _depth: int = 0) -> Val | None:
        if _depth > 32:
            return None
        if isinstance(cls, ClassVal):
            if name in cls.ns:
                return cls.ns[name]
            for base in cls.bases:
                for b in options(base):
                    found = self.class_lookup(b, name, _depth + 1)
                    if found is not None:
                        return found
            return None
        if isinstance(cls, StubVal):
            qual = f"{cls.qual}.{name}"
            stub = self.stubs.lookup(qual)
            if stub is not None:
                return StubVal(qual, stub, cls.owner)
            if name in ("__init__", "__new__", "__init_subclass__"):
                return StubVal(qual, Stub("pure"), cls.owner)
        return None

    def instance_attr(self, inst: InstanceVal, name: str, node) -> Val:
        if name in inst.attrs:
            return inst.attrs[name]
        found = self.class_lookup(inst.cls, name)
        if found is None:
            if name == "__class__":
                return inst.cls
            if node is not None and isinstance(inst.cls, ClassVal):
                dynamic = self.dunder(inst, ("__getattr__",), [Const(name)], node)
                if dynamic is not None:
                    return dynamic
            if name in MUTATING_METHODS or isinstance(inst.cls, ClassVal):
                return MethodOf(inst, name)
            return Opaque(inst.owner, f"{inst.cls.qual}().{name}")
        results = []
        for f in options(found):
            got = self.dunder(f, ("__get__",), [inst, inst.cls], node) \
                if isinstance(f, InstanceVal) and node is not None else None
            if got is not None:
                results.append(got)
            elif isinstance(f, (FuncVal, StubVal)):
                results.append(BoundMethod(inst, f, inst.owner))
            elif isinstance(f, Wrapped):
                if f.how == "property":
                    results.append(self.call(f.func, [inst], {}, node) if node is not None else Opaque(self.owner))
                elif f.how == "classmethod":
                    results.append(BoundMethod(inst.cls, f.func, inst.owner))
                elif f.how == "dispatch":
                    results.append(BoundMethod(inst, f.func, inst.owner))
                else:
                    results.append(f.func)
            else:
                results.append(f)
        return union(results)

    def super_attr(self, sup: SuperVal, name: str) -> Val:
        cls = sup.cls
        if isinstance(cls, ClassVal):
            for base in cls.bases:
                for b in options(base):
                    found = self.class_lookup(b, name)
                    if found is not None:
                        if isinstance(found, (FuncVal, StubVal)) and name != "__new__":
                            return BoundMethod(sup.self_val, found, None)
                        if isinstance(found, Wrapped) and found.how == "classmethod":
                            return BoundMethod(cls, found.func, None)
                        return found
        qual = f"builtins.object.{name}"
        stub = self.stubs.lookup(qual) or self.stubs.lookup(f"builtins.type.{name}")
        if stub is not None:
            fn = StubVal(qual, stub, "builtins")
            return fn if name == "__new__" else BoundMethod(sup.self_val, fn, None)
        return Opaque(None, f"super().{name}")

    def subscript(self, obj: Val, index: Val, node) -> Val:
        results = []
        for v in options(obj):
            if isinstance(v, Container):
                results.extend(v.elems or [Opaque(v.owner)])
            elif isinstance(v, Const):
                if isinstance(index, Const) and _small(v.value):
                    try:
                        results.append(from_python(v.value[index.value], self.owner))
                        continue
                    except Exception:
                        pass
                results.append(Opaque(None))
            elif isinstance(v, ClassVal):
                hook = self.class_lookup(v, "__class_getitem__")
                if isinstance(hook, (FuncVal, Wrapped)):
                    self.follow(hook.func if isinstance(hook, Wrapped) else hook, [v, index], {}, node)
                results.append(v)        # generic alias: MyGeneric[T]
            elif isinstance(v, StubVal):
                results.append(v)        # generic alias: List[int]
            elif isinstance(v, GlobalsVal):
                if isinstance(index, Const) and isinstance(index.value, str):
                    results.append(self.lookup(index.value, v.scope))
                else:
                    results.append(Opaque(v.owner))
            elif isinstance(v, InstanceVal) and isinstance(v.cls, ClassVal):
                hook = self.class_lookup(v.cls, "__getitem__")
                if isinstance(hook, FuncVal):
                    results.append(self.follow(hook, [v, index], {}, node))
                else:
                    results.append(Opaque(v.owner))
            elif isinstance(v, Opaque) and v.qual:
                results.append(Opaque(v.owner, v.qual + "[]"))
            else:
                results.append(Opaque(v.owner))
        return union(results)

