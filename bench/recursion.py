"""A recursive-call workload: many small, deeply nested Python calls.

What: four classic recursive shapes, each computed from scratch:
  * ``fib`` -- doubly recursive Fibonacci (two calls per frame, int adds);
  * ``tak`` -- the Takeuchi function (three-argument calls, comparisons);
  * ``queens`` -- counts n-queens placements by recursive backtracking with
    bitmasks (a loop inside each frame, bit operations);
  * ``tree`` -- builds a complete binary tree of tuples recursively and folds
    it recursively (allocation plus calls).
``main(n)`` sizes all four from ``n`` and returns their results combined.

Why: the cost of a Python-to-Python call (frame set-up, argument passing,
return) dominates here, which is exactly what a method JIT's calling
convention and inlining decisions change. Every function is called far more
than 1000 times per run, so ember's auto mode compiles them all early.

Invariants: pure integer work, deterministic, recursion depth stays below
about 40 (well under the default recursion limit), results printed as plain
integers.
"""
from __future__ import annotations


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def tak(x, y, z):
    if y >= x:
        return z
    return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y))


def queens(size, row, cols, diag1, diag2):
    """Number of ways to complete a board whose first ``row`` rows are placed."""
    if row == size:
        return 1
    total = 0
    free = ~(cols | diag1 | diag2) & ((1 << size) - 1)
    while free:
        bit = free & -free
        free ^= bit
        total += queens(size, row + 1, cols | bit,
                        ((diag1 | bit) << 1) & ((1 << size) - 1), (diag2 | bit) >> 1)
    return total


def build(depth, label):
    if depth == 0:
        return (label, None, None)
    return (label, build(depth - 1, 2 * label), build(depth - 1, 2 * label + 1))


def fold(node):
    label, left, right = node
    if left is None:
        return label % 7
    return (label + 3 * fold(left) + fold(right)) % 1000003


def main(n):
    f = fib(n + 4)
    t = tak(n // 2 + 8, n // 4 + 4, n // 8)
    q = queens(6 + n // 8, 0, 0, 0, 0)
    tr = fold(build(10 + n // 8, 1))
    return f, t, q, tr


def report(result):
    f, t, q, tr = result
    return f"fib={f} tak={t} queens={q} tree={tr}"


if __name__ == "__main__":
    from _common import BENCHMARKS, standalone
    standalone("recursion", main, report, BENCHMARKS["recursion"][0])
