"""Loading the effect stubs: what the analyser knows about code it cannot see.

The data lives in ``stubs/*.stubs`` (shipped with the package; the format is
described at the top of ``builtins.stubs``). A ``StubTable`` maps a dotted
qualified name (``builtins.len``, ``json.dumps``) to a ``Stub`` (effect and
optional result), with ``NAME.*`` wildcards for whole modules. User allowlist
entries are added as ``pure`` on top, so they win over unknown names but a
user cannot silently turn, say, ``builtins.print`` from io into pure without
naming it explicitly (explicit names do override: the user asked).

Look-ups are hot (one per attribute of a foreign module), so results are
memoised per table; tables are immutable after construction.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

EFFECTS = frozenset({"pure", "class", "hof", "identity", "modifies", "factory",
                     "mutates", "io", "dynamic", "state", "module"})
_STUB_DIR = os.path.join(os.path.dirname(__file__), "stubs")


@dataclass(frozen=True)
class Stub:
    effect: str
    result: str = ""     # "", dict/list/set/tuple/frozenset, class, or a qualname


class StubFormatError(ValueError):
    pass


def parse_stub_text(text: str, origin: str) -> dict[str, Stub]:
    entries: dict[str, Stub] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        result = ""
        if "->" in line:
            line, result = (part.strip() for part in line.split("->", 1))
        parts = line.split()
        if len(parts) != 2 or parts[1] not in EFFECTS:
            raise StubFormatError(f"{origin}:{number}: expected 'QUALNAME EFFECT [-> RESULT]', got {raw!r}")
        entries[parts[0]] = Stub(parts[1], result)
    return entries


_BASE: dict[str, Stub] | None = None


def base_entries() -> dict[str, Stub]:
    """The shipped stubs, read once per process."""
    global _BASE
    if _BASE is None:
        merged: dict[str, Stub] = {}
        for name in sorted(os.listdir(_STUB_DIR)):
            if name.endswith(".stubs"):
                path = os.path.join(_STUB_DIR, name)
                with open(path, encoding="utf-8") as f:
                    merged.update(parse_stub_text(f.read(), path))
        _BASE = merged
    return _BASE


class StubTable:
    def __init__(self, allowlist: tuple[str, ...] = ()):
        entries = dict(base_entries())
        for name in allowlist:
            entries[name] = Stub("pure")
        self.allowlist = tuple(allowlist)
        self._exact = {k: v for k, v in entries.items() if not k.endswith(".*")}
        self._wild = {k[:-2]: v for k, v in entries.items() if k.endswith(".*")}
        self._memo: dict[str, Stub | None] = {}

    def lookup(self, qual: str) -> Stub | None:
        try:
            return self._memo[qual]
        except KeyError:
            pass
        stub = self._exact.get(qual)
        if stub is None and self._wild:
            prefix = qual
            while "." in prefix:
                prefix = prefix.rsplit(".", 1)[0]
                stub = self._wild.get(prefix)
                if stub is not None:
                    break
        self._memo[qual] = stub
        return stub

    def is_module(self, qual: str) -> bool:
        stub = self._exact.get(qual)
        return stub is not None and stub.effect == "module"

    def fully_known(self, module: str) -> bool:
        """True when every attribute of `module` is covered by a wildcard."""
        return module in self._wild


_TABLES: dict[tuple[str, ...], StubTable] = {}


def table_for(allowlist: tuple[str, ...]) -> StubTable:
    table = _TABLES.get(allowlist)
    if table is None:
        if len(_TABLES) > 32:
            _TABLES.clear()
        table = _TABLES[allowlist] = StubTable(allowlist)
    return table
