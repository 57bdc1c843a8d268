"""A generator workload: lazy pipelines, recursive ``yield from`` and coroutines.

What: each round of ``main(n)`` drives three kinds of generator code:
  * a pipeline of small generator stages -- a number source, a filter, a
    mapping stage, a sliding-window sum and a run-length grouping -- consumed
    by a plain for loop;
  * an in-order walk of a binary search tree written as a recursive
    generator with ``yield from`` (one generator frame per tree level);
  * a generator used as a coroutine through ``send()``: a running-statistics
    accumulator fed a stream of values, plus a generator expression folded
    with ``sum``.
The result combines checksums of all three.

Why: generators are where a JIT's frame handling is tested -- every ``next``
resumes a suspended frame, ``yield from`` delegates through a chain of them,
and ``send`` passes values in. A JIT that compiles only plain functions will
show ratios near 1.0 here; that is a fact worth seeing in the table, not a
bug in the benchmark. The stage functions are called many times per round
(one round builds 100 short pipelines, 20 coroutines and a tree walk with a
generator per node), so ember's auto mode sees them all as hot within a
timed call.

Invariants: deterministic integer arithmetic only; results printed as
integers.
"""
from __future__ import annotations


def numbers(count, seed):
    state = seed
    for _ in range(count):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        yield state >> 16


def only_odd(values):
    for v in values:
        if v & 1:
            yield v


def scaled(values, factor):
    for v in values:
        yield (v * factor) % 10007


def window_sums(values, width):
    window = []
    total = 0
    for v in values:
        window.append(v)
        total += v
        if len(window) > width:
            total -= window.pop(0)
        if len(window) == width:
            yield total


def runs(values):
    """Run-length groups of equal (value mod 4): yields (key, length)."""
    current = None
    length = 0
    for v in values:
        key = v % 4
        if key == current:
            length += 1
        else:
            if current is not None:
                yield current, length
            current = key
            length = 1
    if current is not None:
        yield current, length


def pipeline(chunks, size, seed):
    """Builds ``chunks`` short pipelines (so each stage function is called often)."""
    checksum = 0
    for chunk in range(chunks):
        source = numbers(size, seed + chunk)
        for key, length in runs(window_sums(scaled(only_odd(source), 31), 5)):
            checksum = (checksum * 7 + key * 13 + length) % 1000000007
    return checksum


class Node:
    __slots__ = ("key", "left", "right")

    def __init__(self, key):
        self.key = key
        self.left = None
        self.right = None


def insert(root, key):
    if root is None:
        return Node(key)
    node = root
    while True:
        if key < node.key:
            if node.left is None:
                node.left = Node(key)
                return root
            node = node.left
        else:
            if node.right is None:
                node.right = Node(key)
                return root
            node = node.right


def in_order(node):
    if node is not None:
        yield from in_order(node.left)
        yield node.key
        yield from in_order(node.right)


def tree_walk(count, seed):
    root = None
    for v in numbers(count, seed):
        root = insert(root, v)
    checksum = 0
    previous = -1
    for key in in_order(root):
        assert key >= previous
        previous = key
        checksum = (checksum * 31 + key) % 1000000007
    return checksum


def running_stats():
    """Coroutine: send values, receive (count, total, max) after each."""
    count = total = 0
    largest = None
    while True:
        value = yield count, total, largest
        count += 1
        total += value
        if largest is None or value > largest:
            largest = value


def coroutine_feed(streams, size, seed):
    checksum = 0
    for stream in range(streams):
        stats = running_stats()
        next(stats)
        result = (0, 0, 0)
        for v in numbers(size, seed + stream):
            result = stats.send(v)
        stats.close()
        squares = sum(x * x % 97 for x in range(stream, stream + size))
        checksum = (checksum * 5 + result[0] + result[1] + result[2] + squares) % 1000000007
    return checksum


def one_round(seed):
    return (pipeline(100, 40, seed), tree_walk(800, seed + 1), coroutine_feed(20, 100, seed + 2))


def main(n):
    a = b = c = 0
    for i in range(n):
        x, y, z = one_round(1000 + i)
        a = (a * 3 + x) % 1000000007
        b = (b * 3 + y) % 1000000007
        c = (c * 3 + z) % 1000000007
    return a, b, c


def report(result):
    a, b, c = result
    return f"pipeline={a} tree={b} coroutine={c}"


if __name__ == "__main__":
    from _common import BENCHMARKS, standalone
    standalone("generators", main, report, BENCHMARKS["generators"][0])
