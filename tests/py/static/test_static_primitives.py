"""Fixed-width primitive semantics at edge values, for every width.

The oracle below is an independent model of the rules in static-python.md
(two's complement wrap, truncating division, shift rules). Each operation is
checked three ways: the ember._static op directly, a compiled static
function doing the operation on typed parameters, and (for literals) the
compile-time range check.
"""
import itertools

import pytest

import ember._static as rt

KINDS = {"int8": (8, True), "int16": (16, True), "int32": (32, True), "int64": (64, True),
         "uint8": (8, False), "uint16": (16, False), "uint32": (32, False), "uint64": (64, False)}


def bounds(kind):
    bits, signed = KINDS[kind]
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def wrap(kind, v):
    bits, signed = KINDS[kind]
    v &= (1 << bits) - 1
    if signed and v >= 1 << (bits - 1):
        v -= 1 << bits
    return v


def trunc_div(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def oracle(kind, op, a, b):
    bits, signed = KINDS[kind]
    if op == "add":
        return wrap(kind, a + b)
    if op == "sub":
        return wrap(kind, a - b)
    if op == "mul":
        return wrap(kind, a * b)
    if op == "floordiv":
        if b == 0:
            return ZeroDivisionError
        return wrap(kind, trunc_div(a, b))
    if op == "mod":
        if b == 0:
            return ZeroDivisionError
        return wrap(kind, a - trunc_div(a, b) * b)
    if op in ("and", "or", "xor"):
        ua, ub = a & ((1 << bits) - 1), b & ((1 << bits) - 1)
        r = {"and": ua & ub, "or": ua | ub, "xor": ua ^ ub}[op]
        return wrap(kind, r)
    count = b & ((1 << bits) - 1)  # shift counts read as unsigned
    if op == "lshift":
        return 0 if count >= bits else wrap(kind, a << count)
    if op == "rshift":
        if count >= bits:
            return -1 if a < 0 else 0
        return a >> count
    raise AssertionError(op)


def edge_values(kind):
    lo, hi = bounds(kind)
    vals = {0, 1, -1, lo, hi, lo + 1, hi - 1, 2, 7, 3}
    if KINDS[kind][0] > 8:
        vals |= {100, -100}
    return sorted(v for v in vals if lo <= v <= hi)


OPS = ["add", "sub", "mul", "floordiv", "mod", "and", "or", "xor", "lshift", "rshift"]
SYMS = {"add": "+", "sub": "-", "mul": "*", "floordiv": "//", "mod": "%", "and": "&", "or": "|",
        "xor": "^", "lshift": "<<", "rshift": ">>"}


@pytest.fixture(scope="module")
def compiled():
    from ember.static.compiler import compile_static
    import types
    lines = ["import __static__", "from __static__ import *"]
    for kind in KINDS:
        for op in OPS:
            lines.append(f"def {kind}_{op}(a: {kind}, b: {kind}) -> {kind}:\n    return a {SYMS[op]} b")
        lines.append(f"def {kind}_neg(a: {kind}) -> {kind}:\n    return -a")
        lines.append(f"def {kind}_inv(a: {kind}) -> {kind}:\n    return ~a")
        lines.append(f"def {kind}_aug(a: {kind}, b: {kind}) -> {kind}:\n    x: {kind} = a\n    x += b\n    x *= b\n"
                     f"    return x")
        lines.append(f"def {kind}_lt(a: {kind}, b: {kind}) -> bool:\n    return box(a < b)")
    res = compile_static("\n".join(lines) + "\n", "prims.py", "_sp_prims")
    mod = types.ModuleType("_sp_prims")
    exec(res.code, mod.__dict__)
    return mod


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("op", OPS)
def test_binary_ops_at_edges(kind, op, compiled):
    direct = getattr(rt, f"{kind}_{op}")
    static_fn = getattr(compiled, f"{kind}_{op}")
    for a, b in itertools.product(edge_values(kind), repeat=2):
        want = oracle(kind, op, a, b)
        for fn in (direct, static_fn):
            if want is ZeroDivisionError:
                with pytest.raises(ZeroDivisionError):
                    fn(a, b)
            else:
                got = fn(a, b)
                assert got == want, (fn, kind, op, a, b, got, want)
                lo, hi = bounds(kind)
                assert lo <= got <= hi


@pytest.mark.parametrize("kind", list(KINDS))
def test_unary_and_augmented(kind, compiled):
    for a in edge_values(kind):
        assert compiled.__dict__[f"{kind}_neg"](a) == wrap(kind, -a) == getattr(rt, f"{kind}_neg")(a)
        assert compiled.__dict__[f"{kind}_inv"](a) == wrap(kind, ~a) == getattr(rt, f"{kind}_invert")(a)
        for b in edge_values(kind):
            assert compiled.__dict__[f"{kind}_aug"](a, b) == wrap(kind, wrap(kind, a + b) * b)
            assert compiled.__dict__[f"{kind}_lt"](a, b) is (a < b)


@pytest.mark.parametrize("kind", list(KINDS))
def test_entry_check_rejects_out_of_range(kind, compiled):
    lo, hi = bounds(kind)
    fn = compiled.__dict__[f"{kind}_add"]
    for bad in (lo - 1, hi + 1):
        with pytest.raises(OverflowError, match=f"{kind}_add\\(\\) argument 'a': value {bad} out of range for {kind}"):
            fn(bad, 0)
    with pytest.raises(TypeError, match=f"argument 'b': expected '{kind}', got 'str'"):
        fn(0, "x")


@pytest.mark.parametrize("kind", list(KINDS))
def test_unbox_edges(kind):
    lo, hi = bounds(kind)
    unbox = getattr(rt, f"{kind}_unbox")
    for v in (0, lo, hi):
        assert unbox(v) == v
    for v in (lo - 1, hi + 1):
        with pytest.raises(OverflowError):
            unbox(v)
    with pytest.raises(TypeError):
        unbox(1.5)
    with pytest.raises(TypeError):
        unbox("1")


@pytest.mark.parametrize("kind", list(KINDS))
def test_wrap_conversion(kind):
    lo, hi = bounds(kind)
    conv = getattr(rt, f"{kind}_wrap")
    for v in (0, -1, lo, hi, lo - 1, hi + 1, 2**64 + 5, -(2**70) - 3, 12345678901234567):
        assert conv(v) == wrap(kind, v)
    assert conv(-3.9) == wrap(kind, -3)
    with pytest.raises(ValueError):
        conv(float("nan"))


def test_conversions_in_static_code(sp):
    m = sp.load("""
        import __static__
        from __static__ import int8, uint8, int64, uint64, double, cbool, box, unbox
        def narrow(x: int64) -> int8:
            return int8(x)
        def to_unsigned(x: int8) -> uint8:
            return uint8(x)
        def widen(x: uint8) -> int64:
            return int64(x)
        def from_obj(x: int) -> int8:
            return int8(x)
        def to_double(x: int64) -> double:
            return double(x)
        def from_double(d: double) -> int64:
            return int64(d)
        def unbox_default(x: int) -> int:
            y = unbox(x)
            return box(y + 1)
        def flag(x: int64) -> bool:
            c: cbool = x > 0
            return box(c)
        def big() -> uint64:
            return 18446744073709551615
    """)
    assert m.narrow(300) == 44 and m.narrow(-129) == 127 and m.narrow(-1) == -1
    assert m.to_unsigned(-1) == 255 and m.to_unsigned(-128) == 128
    assert m.widen(255) == 255
    assert m.from_obj(127) == 127
    with pytest.raises(OverflowError, match="unbox to int8"):
        m.from_obj(128)
    assert m.to_double(2**53 + 1) == float(2**53)
    assert m.from_double(-2.7) == -2
    assert m.unbox_default(9223372036854775806) == 9223372036854775807
    assert m.flag(3) is True and m.flag(-3) is False
    assert m.big() == 2**64 - 1


def test_double_arithmetic(sp):
    m = sp.load("""
        import __static__
        from __static__ import double, box
        def f(a: double, b: double) -> double:
            c: double = a * b + 1
            return c / 2
        def g(a: double) -> float:
            return box(-a)
    """)
    assert m.f(3, 4) == 6.5 and isinstance(m.f(3, 4), float)
    assert m.g(2.5) == -2.5
    assert m.f(float("inf"), 0.0) != m.f(float("inf"), 0.0)  # inf * 0 is nan, as for float


def test_int_true_division_and_power(sp):
    m = sp.load("""
        import __static__
        from __static__ import int8, int64, double
        def div(a: int64, b: int64) -> int64:
            return a / b
        def p(a: int8, b: int8) -> double:
            return a ** b
    """)
    assert m.div(-7, 2) == -3 and m.div(7, -2) == -3 and m.div(-2**63, -1) == -2**63
    with pytest.raises(ZeroDivisionError):
        m.div(1, 0)
    assert m.p(2, 10) == 1024.0 and isinstance(m.p(2, 10), float) and m.p(2, -1) == 0.5


def test_literals_adopt_primitive_type(sp):
    m = sp.load("""
        import __static__
        from __static__ import int8, uint16, box
        def f(a: int8) -> int8:
            return 1 + a * 2 - (-3)
        def g() -> int:
            x: uint16 = 65535
            x += 1
            return box(x)
    """)
    assert m.f(100) == -52  # 1 + (200 wraps to -56) + 3
    assert m.g() == 0


def test_crange_loop_and_clen(sp):
    m = sp.load("""
        import __static__
        from __static__ import int64, crange, clen, box
        def s(n: int64) -> int64:
            t: int64 = 0
            for i in crange(n):
                t += i
            for i in crange(2, 5):
                t += i
            return t
        def n(xs: list) -> int:
            return box(clen(xs))
    """)
    assert m.s(10) == 45 + 9
    assert m.n([1, 2, 3]) == 3


def test_inline(sp):
    m = sp.load("""
        import __static__
        from __static__ import inline, int64
        @inline
        def sq(x: int64) -> int64:
            return x * x
        def f(a: int64) -> int64:
            return sq(a) + 1
    """)
    assert m.f(3) == 10
    assert m.f(-3037000500) == (-3037000500) ** 2 - 2**64 + 1  # wraps like the call would
    names = m.f.__code__.co_names
    assert "sq" not in names and "int64_mul" in names  # the body was substituted


def test_inline_methods_and_repeated_imports(sp):
    m = sp.load("""
        from __future__ import annotations
        import __static__
        from __static__ import cbool, inline, box
        from typing import Optional
        from typing import Optional

        class State:
            def __init__(self) -> None:
                self.a: cbool = True
                self.b: cbool = False
            @inline
            def both(self) -> cbool:
                return self.a and not self.b

        def check(s: Optional[State]) -> bool:
            if State.both(s):
                return True
            return False
    """)
    assert m.check(m.State()) is True
    names = m.check.__code__.co_names
    assert "both" not in names and "a" in names  # substituted through the class
    with pytest.raises(TypeError, match=r"check\(\) argument 's': expected 'Optional\[State\]'"):
        m.check(3)


def test_type_alias_and_double_pow(sp):
    m = sp.load("""
        import __static__
        from __static__ import Array, int64, double, box
        Ints = Array[int64]
        def fill(n: int) -> Ints:
            a: Ints = Ints(n)
            i: int64 = 0
            while i < int64(n):
                a[i] = i * i
                i += 1
            return a
        def rotate(a: Ints) -> Ints:
            b: Ints = a[1:] + a[:1]
            b[-1] = a[0] * 10
            return b
        def norm(x: double, y: double) -> double:
            return (x * x + y * y) ** 0.5
        def inv(x: double) -> double:
            return x ** double(-1.5)
    """)
    assert list(m.fill(4)) == [0, 1, 4, 9]
    assert list(m.rotate(m.fill(3))) == [1, 4, 0]
    assert m.__ember_static__["functions"]["rotate"]["args"] == [["a", "Array[int64]"]]
    assert m.norm(3, 4) == 5.0 and m.inv(4.0) == 0.125
    with pytest.raises(TypeError, match="unbox to double"):
        m.inv(-4.0)  # a complex result cannot be a double
