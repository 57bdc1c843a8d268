"""Inline caches (attribute loads and stores, method loads, globals) give the
interpreter's answers while the things they cached change underneath them."""
from harness import check


def test_attribute_cache_follows_class_and_instance_changes():
    src = """
class A:
    def __init__(self, x):
        self.x = x

class B(A):
    pass

def get(o):
    return o.x

def f(n):
    a = A(1)
    out = [get(a) for _ in range(n)]          # cache filled for A
    a.x = 2
    out.append(get(a))
    del a.x
    try:
        get(a)
    except AttributeError as e:
        out.append(str(e))
    A.x = "class attr"                        # type changes: cache must miss
    out.append(get(a))
    out.append(get(A(5)))                     # instance value shadows the class attr
    del A.x
    out.append(get(B(6)))                     # subclass: other type
    b = B(7)
    b.__dict__["x"] = 8                       # materialised dict
    out.append(get(b))
    A.x = property(lambda self: "prop")       # data descriptor wins over the value
    out.append(get(A(9)))
    del A.x
    return out
"""
    check(src, "f", [(3,), (1,)])


def test_attribute_cache_with_getattr_slots_and_many_types():
    src = """
class G:
    def __getattr__(self, name):
        log.append(name)
        return 42

class S:
    __slots__ = ("x",)
    def __init__(self):
        self.x = "slot"

class P:
    x = 1

def get(o):
    return o.x

def f():
    out = []
    objs = [G(), S(), P(), type("T", (), {"x": 3})()]
    for i in range(30):                      # polymorphic site: stops refilling
        k = type("K%d" % i, (), {})()
        k.x = i
        objs.append(k)
    for o in objs:
        out.append(get(o))
    try:
        get(object())
    except AttributeError as e:
        out.append(str(e))
    return out
"""
    check(src, "f", [()])


def test_store_attr_cache():
    src = """
class A:
    def __init__(self):
        self.x = 0

def put(o, v):
    o.x = v

def f(n):
    a = A()
    for i in range(n):
        put(a, i)
    out = [a.x]
    b = A()
    del b.x
    put(b, "new")                             # was absent: generic path
    out.append(b.x)
    A.x = property(lambda self: "ro")         # now a read-only data descriptor
    try:
        put(a, 1)
    except AttributeError as e:
        out.append(str(e))
    del A.x
    put(a, "after")
    out.append((a.x, sorted(vars(a))))
    class Logged:
        def __setattr__(self, name, value):
            log.append((name, value))
    put(Logged(), 5)
    return out
"""
    check(src, "f", [(5,)])


def test_method_cache_and_shadowing():
    src = """
class A:
    def m(self):
        return "A.m"

class B(A):
    def m(self):
        return "B.m"

def call(o):
    return o.m()

def f():
    a = A()
    out = [call(a), call(a), call(B())]
    a.m = lambda: "instance"                  # instance attribute shadows the method
    out.append(call(a))
    c = A()
    out.append(call(c))
    A.m = lambda self: "patched"
    out.append(call(c))
    out.append(call(B()))
    del B.m
    out.append(call(B()))
    return out
"""
    check(src, "f", [()])


def test_global_cache_follows_rebinding_and_builtins():
    src = """
def use():
    return len("abc"), K

K = 1

def f():
    global K, len
    out = [use(), use()]
    K = 2
    out.append(use())
    len = lambda s: -1                        # global shadows the builtin
    out.append(use())
    del len
    out.append(use())
    import builtins
    saved = builtins.len
    builtins.len = lambda s: 99               # builtins change
    try:
        out.append(use())
    finally:
        builtins.len = saved
    out.append(use())
    del K
    try:
        use()
    except NameError as e:
        out.append(str(e))
    K = 1
    return out
"""
    check(src, "f", [(), ()])


def test_slot_cache_loads_and_stores():
    src = """
class S:
    __slots__ = ("x", "y")
    def __init__(self, x):
        self.x = x

class T(S):
    __slots__ = ("z",)

def get(o):
    return o.x

def put(o, v):
    o.x = v

def f(n):
    s = S(1)
    out = []
    for i in range(n):
        put(s, i)
        out.append(get(s))
    del s.x
    try:
        get(s)
    except AttributeError as e:
        out.append(str(e))
    put(s, "back")
    out.append(get(s))
    t = T(5)                                  # subclass: its own type version
    out.append(get(t))
    put(t, 6)
    out.append(get(t))
    S.x = property(lambda self: "prop", lambda self, v: log.append(("set", v)))
    out.append(get(s))
    put(s, 7)
    return out
"""
    check(src, "f", [(4,)])


def test_module_attribute_cache():
    src = """
import types

mod = types.ModuleType("m")
mod.value = 1

def get():
    return mod.value

def f():
    out = [get(), get()]
    mod.value = 2
    out.append(get())
    del mod.value
    try:
        get()
    except AttributeError as e:
        out.append(str(e))
    mod.__getattr__ = lambda name: "via __getattr__ " + name
    out.append(get())
    mod.value = 3
    out.append(get())
    mod.__dict__["value"] = 4
    out.append(get())
    return out
"""
    check(src, "f", [()])
