"""Helpers for the Static Python tests: compile a static module from a
string (with optional sibling static modules) and run it, or expect a
TypedSyntaxError from it."""
from __future__ import annotations

import itertools
import sys
import textwrap
import types

import pytest

from ember.static.compiler import compile_static
from ember.static.declarations import ModuleTable
from ember.static.errors import TypedSyntaxError

_counter = itertools.count()


class StaticEnv:
    def __init__(self) -> None:
        self.names: list = []

    def modname(self, base: str = "m") -> str:
        return f"_sp_{base}_{next(_counter)}"

    def load(self, source: str, name: str | None = None, others: dict | None = None):
        """Compile and execute `source` as a static module; `others` maps
        module names to sources of static modules it may import (they are
        compiled and executed first, in order)."""
        others = others or {}
        sources = {n: (f"{n}.py", textwrap.dedent(s)) for n, s in others.items()}
        name = name or self.modname()
        sources[name] = (f"{name}.py", textwrap.dedent(source))
        table = ModuleTable(sources)
        for n, (fn, src) in sources.items():
            if n in sys.modules:
                continue
            res = compile_static(src, fn, n, table)
            assert res is not None, f"{n} is not a static module"
            mod = types.ModuleType(n)
            mod.__file__ = fn
            sys.modules[n] = mod
            self.names.append(n)
            exec(res.code, mod.__dict__)
        return sys.modules[name]

    def error(self, source: str, others: dict | None = None) -> TypedSyntaxError:
        with pytest.raises(TypedSyntaxError) as info:
            self.load(source, others=others)
        return info.value

    def cleanup(self) -> None:
        for n in self.names:
            sys.modules.pop(n, None)


@pytest.fixture
def sp():
    env = StaticEnv()
    yield env
    env.cleanup()
