"""How long the static checker takes on a generated 1,000-line module.

The module repeats a block of typed code (a static class with primitive and
object fields, methods, loops over crange, CheckedDict use, calls between
static functions) with fresh names until it has 1,000 lines, then type-checks
it the way ``python -m ember.static check`` does (no bytecode), best of 5.
usage: python bench/static/checker_time.py [LINES]
"""
from __future__ import annotations

import sys
import time

BLOCK = '''
class Item{i}:
    weight: int64
    label: str
    def __init__(self, weight: int64, label: str) -> None:
        self.weight = weight
        self.label = label
        self.seen: int = 0

    def heavier(self, other: Item{i}) -> bool:
        return box(self.weight > other.weight)

    def touch(self) -> int:
        self.seen += 1
        return self.seen


def total{i}(items: CheckedList[Item{i}], limit: int64) -> int64:
    acc: int64 = 0
    for k in crange(limit):
        acc += k * 3 - (k >> 1)
    for it in items:
        acc += it.weight
    return acc


def index{i}(items: CheckedList[Item{i}]) -> CheckedDict[str, int]:
    out = CheckedDict[str, int]()
    for it in items:
        out[it.label] = box(it.weight)
        it.touch()
    return out


def run{i}(n: int) -> int:
    items = CheckedList[Item{i}]()
    for j in range(n):
        items.append(Item{i}(unbox(j), str(j)))
    t = total{i}(items, 10)
    d = index{i}(items)
    return box(t) + len(d)
'''

HEADER = "import __static__\nfrom __static__ import int64, box, unbox, crange, CheckedDict, CheckedList\n"


def make_module(lines: int = 1000) -> str:
    parts = [HEADER]
    i = 0
    while sum(p.count("\n") for p in parts) < lines:
        parts.append(BLOCK.format(i=i))
        i += 1
    text = "".join(parts)
    return "\n".join(text.split("\n")[:lines]) + "\n"


def main(argv: list) -> int:
    from ember.static.compiler import compile_static
    from ember.static.declarations import ModuleTable
    lines = int(argv[0]) if argv else 1000
    src = make_module(lines)
    # the cut may end inside a function: trim to the last complete top-level block
    cut = src.rfind("\n\n\n")
    src = src[:cut + 1]
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        compile_static(src, "gen.py", "gen", ModuleTable(), compile_code=False)
        best = min(best, time.perf_counter() - t)
    print(f"checked a {src.count(chr(10))}-line static module in {best * 1000:.1f} ms (best of 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
