"""Static Python variant of bench/nbody.py (the same simulation, typed).

What: the n-body workload of bench/nbody.py with a static ``Body`` class
whose coordinates, velocities and mass are unboxed ``double`` fields, loop
indexes as int64 (``crange``), and the bodies in a ``CheckedList[Body]``.

Why: the typed variant must print exactly the line the untyped program
prints for the same n (tests/py/static/test_bench.py), so every floating-
point operation happens in the same order as in bench/nbody.py; a double is
an IEEE 754 double like a Python float, so the results are bit-identical.
"""
from __future__ import annotations

import __static__
from __static__ import CheckedList, box, crange, clen, double, int64, unbox
from typing import Final
import math
import sys

DT: Final = 0.001


class Body:
    def __init__(self, x: double, y: double, z: double, vx: double, vy: double, vz: double,
                 mass: double) -> None:
        self.x: double = x
        self.y: double = y
        self.z: double = z
        self.vx: double = vx
        self.vy: double = vy
        self.vz: double = vz
        self.mass: double = mass


def _uniform(state: int) -> tuple:
    state = (state * 1103515245 + 12345) & 0x7FFFFFFF
    return state, state / 2147483648.0


def sqrt(x: double) -> double:
    return unbox(math.sqrt(box(x)))


def make_system(count: int = 4, seed: int = 20260101) -> CheckedList[Body]:
    bodies = CheckedList[Body]([Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)])
    state = seed
    for k in range(count):
        state, u = _uniform(state)
        radius = 1.0 + 1.5 * k + 0.5 * u
        state, u = _uniform(state)
        angle = 2.0 * math.pi * u
        state, u = _uniform(state)
        tilt = 0.1 * (u - 0.5)
        state, u = _uniform(state)
        mass = 0.001 + 0.004 * u
        speed = math.sqrt(1.0 / radius)
        c = math.cos(angle)
        s = math.sin(angle)
        bodies.append(Body(unbox(radius * c), unbox(radius * s), unbox(radius * tilt),
                           unbox(-speed * s), unbox(speed * c), 0.0, unbox(mass)))
    px: double = 0.0
    py: double = 0.0
    pz: double = 0.0
    for b in bodies:
        px += b.vx * b.mass
        py += b.vy * b.mass
        pz += b.vz * b.mass
    sun = bodies[0]
    sun.vx = -px / sun.mass
    sun.vy = -py / sun.mass
    sun.vz = -pz / sun.mass
    return bodies


def advance(bodies: CheckedList[Body], dt: double) -> None:
    count: int64 = clen(bodies)
    for i in crange(count):
        a = bodies[box(i)]
        ax: double = a.x
        ay: double = a.y
        az: double = a.z
        amass: double = a.mass
        for j in crange(i + 1, count):
            b = bodies[box(j)]
            dx: double = ax - b.x
            dy: double = ay - b.y
            dz: double = az - b.z
            d2: double = dx * dx + dy * dy + dz * dz
            mag: double = dt / (d2 * sqrt(d2))
            bm: double = b.mass * mag
            am: double = amass * mag
            a.vx -= dx * bm
            a.vy -= dy * bm
            a.vz -= dz * bm
            b.vx += dx * am
            b.vy += dy * am
            b.vz += dz * am
    for b in bodies:
        b.x += dt * b.vx
        b.y += dt * b.vy
        b.z += dt * b.vz


def energy(bodies: CheckedList[Body]) -> float:
    total: double = 0.0
    count: int64 = clen(bodies)
    for i in crange(count):
        a = bodies[box(i)]
        total += 0.5 * a.mass * (a.vx * a.vx + a.vy * a.vy + a.vz * a.vz)
        for j in crange(i + 1, count):
            b = bodies[box(j)]
            dx: double = a.x - b.x
            dy: double = a.y - b.y
            dz: double = a.z - b.z
            total -= a.mass * b.mass / sqrt(dx * dx + dy * dy + dz * dz)
    return box(total)


def main(n: int) -> tuple:
    bodies = make_system()
    before = energy(bodies)
    for _ in range(n):
        advance(bodies, DT)
    after = energy(bodies)
    checksum: double = 0.0
    for b in bodies:
        checksum += b.x + 2.0 * b.y + 3.0 * b.z
    return before, after, box(checksum)


def report(result: tuple) -> str:
    before, after, checksum = result
    return f"energy_before={before:.10e} energy_after={after:.10e} positions={checksum:.10e}"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    print(f"nbody n={n}: {report(main(n))}")
