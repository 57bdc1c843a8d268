"""A float workload: a small gravitational n-body simulation.

What: one heavy central mass and four lighter bodies on roughly circular,
slightly inclined orbits (positions and speeds come from a fixed integer
generator, so no table of constants is needed). ``advance`` moves the system
one time step with a symplectic (kick-then-drift) Euler scheme over all
pairs; ``energy`` computes the total energy. ``main(n)`` takes ``n`` steps and
returns the energy before and after plus a checksum of the final positions.

Why: this is the float-heavy inner loop a JIT should turn into unboxed double
arithmetic -- attribute loads/stores of floats on small objects, products,
sums and one square root per pair, in a doubly nested loop over a short list.
The hot function (``advance``) is called once per step, i.e. thousands of
times per run, so ember's auto mode (compile after 1000 calls) compiles it
early in a run.

Invariants: deterministic; every floating-point operation happens in a fixed
order (the same order the Static Python variant must use), and the result is
printed with 11 significant digits, so stock CPython, the JIT and the static variant
print the same line. The simulation stays bounded for any ``n`` used here
(energy drift is tiny at this step size).
"""
from __future__ import annotations

import math

DT = 0.001


class Body:
    __slots__ = ("x", "y", "z", "vx", "vy", "vz", "mass")

    def __init__(self, x, y, z, vx, vy, vz, mass):
        self.x = x
        self.y = y
        self.z = z
        self.vx = vx
        self.vy = vy
        self.vz = vz
        self.mass = mass


def _uniform(state):
    """One step of a 31-bit LCG; returns (new_state, value in [0, 1))."""
    state = (state * 1103515245 + 12345) & 0x7FFFFFFF
    return state, state / 2147483648.0


def make_system(count=4, seed=20260101):
    """A central mass of 1.0 and ``count`` light bodies on near-circular orbits."""
    bodies = [Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0)]
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
        bodies.append(Body(radius * c, radius * s, radius * tilt,
                           -speed * s, speed * c, 0.0, mass))
    # Move to the centre-of-momentum frame so the system does not drift.
    px = py = pz = 0.0
    for b in bodies:
        px += b.vx * b.mass
        py += b.vy * b.mass
        pz += b.vz * b.mass
    sun = bodies[0]
    sun.vx = -px / sun.mass
    sun.vy = -py / sun.mass
    sun.vz = -pz / sun.mass
    return bodies


def advance(bodies, dt):
    """One step: pairwise velocity kicks, then position drifts."""
    count = len(bodies)
    for i in range(count):
        a = bodies[i]
        ax = a.x
        ay = a.y
        az = a.z
        amass = a.mass
        for j in range(i + 1, count):
            b = bodies[j]
            dx = ax - b.x
            dy = ay - b.y
            dz = az - b.z
            d2 = dx * dx + dy * dy + dz * dz
            mag = dt / (d2 * math.sqrt(d2))
            bm = b.mass * mag
            am = amass * mag
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


def energy(bodies):
    total = 0.0
    count = len(bodies)
    for i in range(count):
        a = bodies[i]
        total += 0.5 * a.mass * (a.vx * a.vx + a.vy * a.vy + a.vz * a.vz)
        for j in range(i + 1, count):
            b = bodies[j]
            dx = a.x - b.x
            dy = a.y - b.y
            dz = a.z - b.z
            total -= a.mass * b.mass / math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


def main(n):
    bodies = make_system()
    before = energy(bodies)
    for _ in range(n):
        advance(bodies, DT)
    after = energy(bodies)
    checksum = 0.0
    for b in bodies:
        checksum += b.x + 2.0 * b.y + 3.0 * b.z
    return before, after, checksum


def report(result):
    before, after, checksum = result
    return f"energy_before={before:.10e} energy_after={after:.10e} positions={checksum:.10e}"


if __name__ == "__main__":
    from _common import BENCHMARKS, standalone
    standalone("nbody", main, report, BENCHMARKS["nbody"][0])
