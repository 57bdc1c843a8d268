"""Odd but valid code never crashes the compiler: each snippet either
compiles (and runs) or fails with a TypedSyntaxError."""
import textwrap

import pytest

from ember.static.compiler import compile_static
from ember.static.errors import TypedSyntaxError

SNIPPETS = {
    "shadowed_specials": """
        from __static__ import box, int64, crange
        box = 3
        def f(crange):
            return crange(2)
        int64 = 5
        x = f(range)
    """,
    "primitives_in_closures": """
        from __static__ import int64, box
        def outer(n: int64) -> int:
            def inner() -> int:
                return box(n + 1)
            return inner()
        r = outer(4)
        assert r == 5
    """,
    "walrus_comprehension_lambda": """
        from __static__ import int64, box
        def f(xs: list) -> list:
            total = 0
            ys = [(total := total + y) for y in xs if (z := y)]
            g = lambda a=1, *b, c=2, **d: a + c
            return ys + [g()]
        assert f([1, 2]) == [1, 3, 3]
    """,
    "match_and_exceptions": """
        def f(v):
            match v:
                case {"k": [1, *rest]} if rest:
                    return rest
                case int(x) | float(x):
                    return x
                case _:
                    pass
            seen = None
            try:
                raise ExceptionGroup("g", [ValueError()])
            except* ValueError as eg:
                seen = eg
            return seen
        assert f({"k": [1, 2]}) == [2] and f(2.5) == 2.5 and f("s") is not None
    """,
    "async_and_generators": """
        from __static__ import int64
        async def a(x: int) -> int:
            return x
        def g(n: int) -> int:
            yield n
            return 3
        async def ag():
            yield 1
        assert list(g(1)) == [1]
    """,
    "classes_in_functions_and_keywords": """
        import abc
        def make():
            class Local(abc.ABC, metaclass=abc.ABCMeta):
                x: int = 1
                def m(self) -> int:
                    return self.x
            return Local
        class K(metaclass=abc.ABCMeta):
            pass
        class Slotted:
            __slots__ = ["a"]
        class Prop:
            @property
            def p(self) -> int:
                return 1
            @p.setter
            def p(self, v: int) -> None:
                pass
        assert make()().m() == 1
    """,
    "type_params_and_alias": """
        type Alias = list[int]
        def first[T](xs: list[T]) -> T:
            return xs[0]
        class Box[T]:
            def __init__(self, v: T) -> None:
                self.v = v
        assert first([3]) == 3 and Box(1).v == 1
    """,
    "global_nonlocal_del": """
        from typing import Final
        counter = 0
        def bump() -> None:
            global counter
            counter += 1
        def outer():
            v = 1
            def inner():
                nonlocal v
                v += 1
                return v
            r = inner()
            del v
            return r
        bump()
        assert counter == 1 and outer() == 2
    """,
    "odd_annotations": """
        import typing
        from typing import Optional, Union, Callable, Any
        def f(a: "int", b: Optional["str"] = None, c: Union[int, str] = 1, d: Callable[..., Any] = print,
              e: "not valid python (" = 0, f: 1 + 2 = 3, *args: int, **kw: str) -> "list[int]":
            return [a]
        assert f(1) == [1]
    """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_odd_code(name):
    src = "import __static__\n" + textwrap.dedent(SNIPPETS[name])
    try:
        res = compile_static(src, f"{name}.py", f"_odd_{name}", internal_errors=False)
    except TypedSyntaxError as exc:
        assert exc.lineno >= 1 and exc.msg
        return
    exec(res.code, {"__name__": f"_odd_{name}"})
