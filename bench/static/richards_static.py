"""Static Python variant of bench/richards.py (the same simulation, typed).

What: the scheduler workload of bench/richards.py written for Static Python:
every class is static (typed fields at fixed offsets, no __dict__), counters
and identifiers are int64 primitives, a work packet's payload is an
Array[int64], and the task behaviours override one typed ``step`` method.

Why: the typed variant must print exactly the line the untyped program
prints for the same n (tests/py/static/test_bench.py checks it), under the
static compiler (``python -m __static__ bench/static/richards_static.py``)
and as plain Python with the __static__ stand-ins.

Invariants: the same operations in the same order as bench/richards.py;
all int64 arithmetic stays far from the 64-bit limits, so wrapping never
changes a result.
"""
from __future__ import annotations

import __static__
from __static__ import Array, box, int64
from typing import Final, Optional
import sys

IDLE: Final = 0
WORKER: Final = 1
HANDLER_A: Final = 2
HANDLER_B: Final = 3
DEVICE_A: Final = 4
DEVICE_B: Final = 5
TASK_COUNT: Final = 6
KIND_DEVICE: Final = 0
KIND_WORK: Final = 1
PAYLOAD: Final = 4
IDLE_BUDGET: Final = 10000


class Packet:
    def __init__(self, link: Optional[Packet], kind: int64) -> None:
        self.link: Optional[Packet] = link
        self.kind: int64 = kind
        self.sender: int64 = -1
        self.count: int64 = 0
        self.payload: Array[int64] = Array[int64](PAYLOAD)

    def append_to(self, queue: Optional[Packet]) -> Packet:
        self.link = None
        if queue is None:
            return self
        tail: Packet = queue
        nxt = tail.link
        while nxt is not None:
            tail = nxt
            nxt = tail.link
        tail.link = self
        return queue


class Tcb:
    def __init__(self, link: Optional[Tcb], ident: int64, priority: int64, queue: Optional[Packet],
                 task: Task) -> None:
        self.link: Optional[Tcb] = link
        self.ident: int64 = ident
        self.priority: int64 = priority
        self.queue: Optional[Packet] = queue
        self.task: Task = task
        self.has_packet: bool = queue is not None
        self.waiting: bool = False
        self.held: bool = False

    def runnable(self) -> bool:
        return not self.held and (self.has_packet or not self.waiting)

    def take_packet(self) -> Optional[Packet]:
        if self.waiting and self.has_packet:
            packet = self.queue
            if packet is None:
                return None
            self.queue = packet.link
            self.has_packet = self.queue is not None
            self.waiting = False
            return packet
        return None

    def deliver(self, packet: Packet, current: Tcb) -> Tcb:
        if self.queue is None:
            self.queue = packet
            self.has_packet = True
            packet.link = None
            if self.priority > current.priority:
                return self
            return current
        self.queue = packet.append_to(self.queue)
        return current


class Task:
    def step(self, kernel: Kernel, packet: Optional[Packet]) -> Optional[Tcb]:
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, seed: int64, budget: int64) -> None:
        self.seed: int64 = seed
        self.budget: int64 = budget

    def step(self, kernel: Kernel, packet: Optional[Packet]) -> Optional[Tcb]:
        self.budget -= 1
        if self.budget == 0:
            return kernel.hold_current()
        if self.seed & 1:
            self.seed = (self.seed >> 1) ^ 0xB400
            return kernel.release(DEVICE_B)
        self.seed >>= 1
        return kernel.release(DEVICE_A)


class WorkerTask(Task):
    def __init__(self) -> None:
        self.target: int64 = HANDLER_A
        self.letter: int64 = 0

    def step(self, kernel: Kernel, packet: Optional[Packet]) -> Optional[Tcb]:
        if packet is None:
            return kernel.wait()
        if self.target == HANDLER_A:
            self.target = HANDLER_B
        else:
            self.target = HANDLER_A
        packet.count = 0
        payload = packet.payload
        i: int64 = 0
        while i < PAYLOAD:
            self.letter = (self.letter + 1) % 26
            payload[i] = 65 + self.letter
            i += 1
        return kernel.send(packet, self.target)


class HandlerTask(Task):
    def __init__(self, device: int64) -> None:
        self.device: int64 = device
        self.work: Optional[Packet] = None
        self.devices: Optional[Packet] = None

    def step(self, kernel: Kernel, packet: Optional[Packet]) -> Optional[Tcb]:
        if packet is not None:
            if packet.kind == KIND_WORK:
                self.work = packet.append_to(self.work)
            else:
                self.devices = packet.append_to(self.devices)
        work = self.work
        if work is None:
            return kernel.wait()
        if work.count >= PAYLOAD:
            self.work = work.link
            return kernel.send(work, WORKER)
        device = self.devices
        if device is None:
            return kernel.wait()
        self.devices = device.link
        device.count = work.payload[work.count]
        work.count += 1
        return kernel.send(device, self.device)


class DeviceTask(Task):
    def __init__(self, handler: int64) -> None:
        self.handler: int64 = handler
        self.pending: Optional[Packet] = None

    def step(self, kernel: Kernel, packet: Optional[Packet]) -> Optional[Tcb]:
        if packet is None:
            pending = self.pending
            if pending is None:
                return kernel.wait()
            self.pending = None
            return kernel.send(pending, self.handler)
        self.pending = packet
        kernel.record(packet.count)
        return kernel.hold_current()


class Kernel:
    def __init__(self) -> None:
        self.table: list = [None] * TASK_COUNT
        self.chain: Optional[Tcb] = None
        self.current: Optional[Tcb] = None
        self.queue_count: int64 = 0
        self.hold_count: int64 = 0
        self.checksum: int64 = 0

    def add(self, ident: int64, priority: int64, queue: Optional[Packet], task: Task) -> Tcb:
        block = Tcb(None, ident, priority, queue, task)
        chain = self.chain
        if chain is None or priority > chain.priority:
            block.link = chain
            self.chain = block
        else:
            prev: Tcb = chain
            nxt = prev.link
            while nxt is not None and nxt.priority >= priority:
                prev = nxt
                nxt = prev.link
            block.link = prev.link
            prev.link = block
        self.table[box(ident)] = block
        return block

    def cur(self) -> Tcb:
        current = self.current
        if current is None:
            raise RuntimeError("no current task")
        return current

    def wait(self) -> Tcb:
        current = self.cur()
        current.waiting = True
        return current

    def hold_current(self) -> Optional[Tcb]:
        self.hold_count += 1
        current = self.cur()
        current.held = True
        return current.link

    def release(self, ident: int64) -> Tcb:
        block: Tcb = self.table[box(ident)]
        block.held = False
        current = self.cur()
        if block.priority > current.priority:
            return block
        return current

    def send(self, packet: Packet, ident: int64) -> Tcb:
        self.queue_count += 1
        current = self.cur()
        packet.sender = current.ident
        target: Tcb = self.table[box(ident)]
        return target.deliver(packet, current)

    def record(self, value: int64) -> None:
        self.checksum = (self.checksum * 31 + value) & 0xFFFFFF

    def dispatch(self, block: Tcb) -> Optional[Tcb]:
        if block.runnable():
            self.current = block
            return block.task.step(self, block.take_packet())
        return block.link

    def run(self) -> None:
        block = self.chain
        while block is not None:
            block = self.dispatch(block)


def simulate(budget: int64) -> tuple:
    kernel = Kernel()
    kernel.add(IDLE, 0, None, IdleTask(1, budget))

    work = Packet(Packet(None, KIND_WORK), KIND_WORK)
    worker = kernel.add(WORKER, 1000, work, WorkerTask())
    worker.waiting = True

    for handler, device, priority in ((HANDLER_A, DEVICE_A, 2000), (HANDLER_B, DEVICE_B, 3000)):
        packets = Packet(Packet(Packet(None, KIND_DEVICE), KIND_DEVICE), KIND_DEVICE)
        block = kernel.add(int64(handler), int64(priority), packets, HandlerTask(int64(device)))
        block.waiting = True
        block = kernel.add(int64(device), int64(priority) + 2000, None, DeviceTask(int64(handler)))
        block.waiting = True

    kernel.run()
    return box(kernel.queue_count), box(kernel.hold_count), box(kernel.checksum)


def main(n: int) -> tuple:
    result: tuple = ()
    for _ in range(n):
        result = simulate(IDLE_BUDGET)
    return result


def report(result: tuple) -> str:
    queued, held, checksum = result
    return f"queue_count={queued} hold_count={held} checksum={checksum}"


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    print(f"richards n={n}: {report(main(n))}")
