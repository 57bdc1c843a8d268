"""An object-oriented scheduler workload in the spirit of Martin Richards' benchmark.

What: a tiny operating-system kernel simulation. Six tasks (one idle task, one
worker, two handlers, two devices) exchange packets through a priority
scheduler. Each task is an object whose ``step`` method is called with the
packet it was woken with and answers which task control block the scheduler
should look at next. The run ends when the idle task has used up its budget;
the result is the number of packets queued and the number of times a task
was put on hold, plus a checksum over the characters the devices received.

Why: this is the classic shape of "object-oriented Python" that a method JIT
must make fast -- small methods, attribute loads and stores on instances,
virtual dispatch through a method call on a base-class reference, linked lists
walked through attributes, and many short calls. Nothing here is numeric.

Invariants: fully deterministic (the idle task's pseudo-random choice is a
fixed linear-feedback shift); ``main(n)`` runs the whole simulation ``n`` times
from scratch and returns the counts of the last run, which must be identical
in every run and on every implementation (stock, JIT, Static Python variant).
This is an independent implementation written for ember, not a port.
"""
from __future__ import annotations

# Task identifiers double as indexes into the scheduler's task table.
IDLE, WORKER, HANDLER_A, HANDLER_B, DEVICE_A, DEVICE_B = range(6)
TASK_COUNT = 6

# Packet kinds.
KIND_DEVICE = 0
KIND_WORK = 1

PAYLOAD = 4          # characters carried by a work packet
IDLE_BUDGET = 10000  # idle-task activations per simulation run


class Packet:
    """A message. ``link`` chains packets into a task's input queue."""

    def __init__(self, link, kind):
        self.link = link
        self.kind = kind
        self.sender = -1        # id of the task that sent it last
        self.count = 0          # work packet: characters consumed; device packet: the character
        self.payload = [0] * PAYLOAD

    def append_to(self, queue):
        """Appends self to the end of ``queue``; returns the (possibly new) head."""
        self.link = None
        if queue is None:
            return self
        tail = queue
        while tail.link is not None:
            tail = tail.link
        tail.link = self
        return queue


class Tcb:
    """Task control block: scheduling state shared by every kind of task."""

    def __init__(self, link, ident, priority, queue, task):
        self.link = link            # next block in priority order
        self.ident = ident
        self.priority = priority
        self.queue = queue          # input packets
        self.task = task            # the behaviour (a Task subclass instance)
        self.has_packet = queue is not None
        self.waiting = False
        self.held = False

    def runnable(self):
        return not self.held and (self.has_packet or not self.waiting)

    def take_packet(self):
        """Removes the first queued packet if the task is waiting for one."""
        if self.waiting and self.has_packet:
            packet = self.queue
            self.queue = packet.link
            self.has_packet = self.queue is not None
            self.waiting = False
            return packet
        return None

    def deliver(self, packet, current):
        """Queues ``packet`` here; returns the block that should run next."""
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
    """Base behaviour; ``step`` is the virtual method the scheduler calls."""

    def step(self, kernel, packet):
        raise NotImplementedError


class IdleTask(Task):
    def __init__(self, seed, budget):
        self.seed = seed
        self.budget = budget

    def step(self, kernel, packet):
        self.budget -= 1
        if self.budget == 0:
            return kernel.hold_current()
        # A 16-bit Galois shift register picks which device to nudge.
        if self.seed & 1:
            self.seed = (self.seed >> 1) ^ 0xB400
            return kernel.release(DEVICE_B)
        self.seed >>= 1
        return kernel.release(DEVICE_A)


class WorkerTask(Task):
    def __init__(self):
        self.target = HANDLER_A
        self.letter = 0

    def step(self, kernel, packet):
        if packet is None:
            return kernel.wait()
        self.target = HANDLER_B if self.target == HANDLER_A else HANDLER_A
        packet.count = 0
        payload = packet.payload
        for i in range(PAYLOAD):
            self.letter = (self.letter + 1) % 26
            payload[i] = 65 + self.letter
        return kernel.send(packet, self.target)


class HandlerTask(Task):
    def __init__(self, device):
        self.device = device  # id of the device this handler drives
        self.work = None      # queue of work packets
        self.devices = None   # queue of idle device packets

    def step(self, kernel, packet):
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
    def __init__(self, handler):
        self.handler = handler  # id of the handler that owns our packets
        self.pending = None

    def step(self, kernel, packet):
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
    """The scheduler: walks blocks in priority order and runs the runnable ones."""

    def __init__(self):
        self.table = [None] * TASK_COUNT
        self.chain = None        # highest priority first
        self.current = None
        self.queue_count = 0
        self.hold_count = 0
        self.checksum = 0

    def add(self, ident, priority, queue, task):
        block = Tcb(None, ident, priority, queue, task)
        # Keep the chain sorted by descending priority.
        if self.chain is None or priority > self.chain.priority:
            block.link = self.chain
            self.chain = block
        else:
            prev = self.chain
            while prev.link is not None and prev.link.priority >= priority:
                prev = prev.link
            block.link = prev.link
            prev.link = block
        self.table[ident] = block
        return block

    # Services the tasks call; each returns the block to consider next.
    def wait(self):
        self.current.waiting = True
        return self.current

    def hold_current(self):
        self.hold_count += 1
        self.current.held = True
        return self.current.link

    def release(self, ident):
        block = self.table[ident]
        block.held = False
        if block.priority > self.current.priority:
            return block
        return self.current

    def send(self, packet, ident):
        self.queue_count += 1
        packet.sender = self.current.ident
        return self.table[ident].deliver(packet, self.current)

    def record(self, value):
        self.checksum = (self.checksum * 31 + value) & 0xFFFFFF

    def dispatch(self, block):
        """One scheduling decision: runs ``block`` if it can run, else skips it."""
        if block.runnable():
            self.current = block
            return block.task.step(self, block.take_packet())
        return block.link

    def run(self):
        # The loop body is one call, so the hot path (dispatch and everything
        # it calls) is compiled by ember's auto mode after 1000 decisions even
        # though run() itself is entered only once per simulation.
        block = self.chain
        while block is not None:
            block = self.dispatch(block)


def simulate(budget):
    kernel = Kernel()
    kernel.add(IDLE, 0, None, IdleTask(1, budget))

    work = Packet(Packet(None, KIND_WORK), KIND_WORK)
    worker = kernel.add(WORKER, 1000, work, WorkerTask())
    worker.waiting = True

    for handler, device, priority in ((HANDLER_A, DEVICE_A, 2000),
                                      (HANDLER_B, DEVICE_B, 3000)):
        packets = Packet(Packet(Packet(None, KIND_DEVICE), KIND_DEVICE), KIND_DEVICE)
        block = kernel.add(handler, priority, packets, HandlerTask(device))
        block.waiting = True
        block = kernel.add(device, priority + 2000, None, DeviceTask(handler))
        block.waiting = True

    kernel.run()
    return kernel.queue_count, kernel.hold_count, kernel.checksum


def main(n):
    result = None
    for _ in range(n):
        result = simulate(IDLE_BUDGET)
    return result


def report(result):
    queued, held, checksum = result
    return f"queue_count={queued} hold_count={held} checksum={checksum}"


if __name__ == "__main__":
    from _common import BENCHMARKS, standalone
    standalone("richards", main, report, BENCHMARKS["richards"][0])
