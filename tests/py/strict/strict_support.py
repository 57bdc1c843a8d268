"""Helpers shared by the strict-module tests (imported by name: tests/py/strict is on sys.path).

``check(src)`` analyses a source string with an empty allowlist (so the
environment never changes verdicts). ``StrictTree`` writes module files.
"""
from __future__ import annotations

import textwrap

from ember.strict import analyze_source


def check(src: str, modname: str = "m", filename: str = "m.py", allowlist=()):
    return analyze_source(textwrap.dedent(src), filename, modname, allowlist=tuple(allowlist))


def codes(src: str, **kw) -> list[str]:
    return [e.code for e in check(src, **kw)]


class StrictTree:
    def __init__(self, root):
        self.root = root

    def write(self, relpath: str, src: str):
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(src))
        return path
