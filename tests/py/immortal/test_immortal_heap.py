"""ember.immortalize_heap() / is_immortal(): what becomes immortal, and that
immortal objects still behave exactly like mortal ones.

Checks that need an immortal heap run in a subprocess (immortal_support);
checks of the pure predicates run in-process.
"""
from __future__ import annotations

import gc
import sys
import weakref

import pytest

from immortal_support import run_python

import ember
import ember._immortal  # noqa: F401  (built by make build; a missing module is a failure)
import ember.immortal


# --- predicates, in-process (no heap is made immortal here) ------------------

def test_is_immortal_distinguishes_static_and_fresh_objects():
    assert ember.is_immortal(None)
    assert ember.is_immortal(True)
    assert ember.is_immortal(5)  # small ints are static
    assert ember.is_immortal(int)
    fresh = [object()]
    assert not ember.is_immortal(fresh)
    assert not ember.is_immortal(fresh[0])
    assert not ember.is_immortal(10**30)


def test_mortal_reason_policy():
    from ember.immortal import mortal_reason

    class WithDel:
        def __del__(self):
            pass

    class Plain:
        pass

    def gen():
        yield 1

    g = gen()
    assert mortal_reason(WithDel()) == "finalizer"
    assert mortal_reason(g) == "finalizer"
    assert mortal_reason(sys._getframe()) == "frame"
    watched = Plain()
    ref_cb = weakref.ref(watched, lambda r: None)
    assert mortal_reason(watched) == "weakref-callback"
    unwatched = Plain()
    ref_plain = weakref.ref(unwatched)
    assert mortal_reason(unwatched) is None
    assert mortal_reason(Plain) is None
    assert mortal_reason([1]) is None
    del ref_cb, ref_plain


# --- subprocess: what becomes immortal ---------------------------------------

REACH = r'''
import ctypes, gc, sys
import ember

def hash_field(s):
    # PyASCIIObject: ob_refcnt, ob_type, length, hash
    return ctypes.c_ssize_t.from_address(id(s) + 3 * ctypes.sizeof(ctypes.c_ssize_t)).value

class Model:
    kind = "model"
    def __init__(self, n):
        self.n = n
        self.label = "".join(["label ", str(n), " !"])

def function():
    return "a constant string with spaces", 12345678901234567890, 2.5, (1, "two", 3.0)

def outer():
    def inner():
        return "only in the nested code object's constants"
    return inner

KEY = "".join(["dict key ", "not interned"])
TABLE = {KEY: [Model(1), Model(2)], 10**20: "big int key"}
NESTED = [[[{"deep": "".join(["deep", " value"])}]]]
UNHASHED = "".join(["never ", "hashed ", "yet"])
HOLDER = [UNHASHED]
DynType = type("DynType", (Model,), {"extra": 1})
DYN_HAD_TAG = bool(DynType.__flags__ & (1 << 19))
BYTES = b"".join([b"some ", b"bytes"])

assert hash_field(UNHASHED) == -1, "string was hashed before the test"
assert not ember.is_immortal(TABLE)

made = ember.immortalize_heap()
report = ember.immortal.last_report()
assert made > 1000, made
assert report["made_immortal"] == made
assert report["visited"] >= made + report["already_immortal"]
assert gc.get_freeze_count() > 0

# the return value is folded into one constant tuple of the code object
FOLDED = next(c for c in function.__code__.co_consts if isinstance(c, tuple))
INNER = next(c for c in outer.__code__.co_consts if hasattr(c, "co_consts"))
checks = {
    "nested code": INNER,
    "nested code constant": next(c for c in INNER.co_consts if isinstance(c, str) and "nested" in c),
    "module dict": globals(),
    "list": HOLDER,
    "dict": TABLE,
    "dict str key (runtime-built)": next(k for k in TABLE if isinstance(k, str)),
    "dict int key": next(k for k in TABLE if isinstance(k, int)),
    "dict value": TABLE[KEY],
    "instance": TABLE[KEY][0],
    "instance attr value": TABLE[KEY][0].label,
    "class": Model,
    "heap type": DynType,
    "function": function,
    "code": function.__code__,
    "code const tuple": FOLDED,
    "code const str": FOLDED[0],
    "code const int": FOLDED[1],
    "code const float": FOLDED[2],
    "code const nested tuple": FOLDED[3],
    "code const nested str": FOLDED[3][1],
    "method code": Model.__init__.__code__,
    "nested": NESTED[0][0][0]["deep"],
    "bytes": BYTES,
    "module": sys.modules["json"] if "json" in sys.modules else sys,
}
for name, obj in checks.items():
    assert ember.is_immortal(obj), name
# precomputed lazily-written fields
assert hash_field(UNHASHED) != -1, "str hash not precomputed"
assert hash_field(UNHASHED) == hash(UNHASHED)
assert DynType.__flags__ & (1 << 19), "type version tag not assigned"
assert report["strings_hashed"] > 0
# idempotent: a second call finds (almost) nothing new
again = ember.immortalize_heap()
assert 0 <= again < 100, again
print("ok", made, DYN_HAD_TAG)
'''


def test_reachable_objects_become_immortal_and_caches_are_precomputed():
    proc = run_python(REACH)
    assert proc.stdout.startswith("ok ")


def test_objects_created_afterwards_are_mortal_and_freed():
    run_python(r'''
import gc, weakref, sys
import ember
ember.immortalize_heap()

class Node:
    pass

n = Node()
assert not ember.is_immortal(n)
before = sys.getrefcount(n)
alias = n
assert sys.getrefcount(n) == before + 1
r = weakref.ref(n)
del n, alias
assert r() is None, "new object not freed by refcounting"

a, b = Node(), Node()
a.other, b.other = b, a          # a cycle: needs the collector
ra = weakref.ref(a)
del a, b
gc.collect()
assert ra() is None, "new cycle not collected"
''')


def test_refcount_of_immortal_object_never_changes():
    run_python(r'''
import sys
import ember
SHARED = {"k": [1, 2, 3]}
ember.immortalize_heap()
value = SHARED["k"]
rc = sys.getrefcount(value)
copies = [value] * 1000
assert sys.getrefcount(value) == rc
del copies
assert sys.getrefcount(value) == rc
''')


def test_immortal_containers_and_instances_stay_mutable():
    run_python(r'''
import ember

class Point:
    def __init__(self):
        self.x = 1
    def norm(self):
        return 1

class Slotted:
    __slots__ = ("a",)

L = [1, 2, 3]
D = {"a": 1, "b": [1]}
S = {1, 2}
P = Point()
Q = Slotted(); Q.a = 1
def calls():
    return P.norm()
for _ in range(100):    # let the interpreter specialize on the version tags
    calls()

ember.immortalize_heap()
for o in (L, D, S, P, Q, Point):
    assert ember.is_immortal(o), o

L.append(4); L[0] = "first"; del L[1]
assert L == ["first", 3, 4]
D["c"] = object(); del D["a"]; D["b"].append(2)
assert sorted(D) == ["b", "c"] and D["b"] == [1, 2]
S.add(3); S.discard(1)
assert S == {2, 3}
P.x += 41; P.y = "new"; del P.x
assert not hasattr(P, "x") and P.y == "new"
Q.a = 2
assert Q.a == 2
# class mutation must invalidate the precomputed version tag
Point.norm = lambda self: 2
assert calls() == 2
Point.extra = 7
assert P.extra == 7
''')


def test_weak_references_still_work():
    run_python(r'''
import gc, weakref
import ember

class Obj:
    pass

KEEP = Obj()
REF = weakref.ref(KEEP)
WVD = weakref.WeakValueDictionary()
WATCHED = Obj()
WVD["w"] = WATCHED
fired = []
CALLBACK_REF = weakref.ref(WATCHED, lambda r: fired.append("cb"))

ember.immortalize_heap()
assert ember.is_immortal(KEEP)
assert REF() is KEEP
assert weakref.ref(KEEP) is REF           # the existing basic ref is reused
assert ember.immortal.mortal_reason(WATCHED) == "weakref-callback"
assert not ember.is_immortal(WATCHED)     # a callback must still be able to fire
del WATCHED
gc.collect()
assert fired == ["cb"], fired
assert "w" not in WVD
proxy = weakref.proxy(KEEP)
proxy.attr = 5
assert KEEP.attr == 5
''')


def test_finalizers_still_run():
    proc = run_python(r'''
import ember

class Resource:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("del", self.name, flush=True)

def gen():
    try:
        yield 1
    finally:
        print("gen closed", flush=True)

A = Resource("a")
G = gen(); next(G)
AT_EXIT = Resource("at-exit")
ember.immortalize_heap()
assert not ember.is_immortal(A) and not ember.is_immortal(G)
del A
del G
print("end", flush=True)
''')
    assert proc.stdout.splitlines() == ["del a", "gen closed", "end", "del at-exit"], proc.stdout


def test_repeated_calls_and_threads():
    run_python(r'''
import threading
import ember

stop = threading.Event()
errors = []
counts = []

def mutator(seed):
    data = {}
    i = 0
    try:
        while not stop.is_set() and i < 200000:
            data[i % 500] = [str(i), (i, seed)]
            if i % 7 == 0:
                data.pop((i * 3) % 500, None)
            i += 1
    except BaseException as e:
        errors.append(e)

def immortalizer():
    try:
        for _ in range(3):
            counts.append(ember.immortalize_heap())
    except BaseException as e:
        errors.append(e)

threads = [threading.Thread(target=mutator, args=(k,)) for k in range(3)]
threads += [threading.Thread(target=immortalizer) for _ in range(2)]
for t in threads:
    t.start()
for _ in range(3):
    counts.append(ember.immortalize_heap())
for t in threads[3:]:
    t.join()
stop.set()
for t in threads[:3]:
    t.join()
assert not errors, errors
assert len(counts) == 9 and all(c >= 0 for c in counts), counts
assert counts[0] > 1000 or max(counts) > 1000, counts
''', timeout=180)


def test_gc_still_works_after_immortalize():
    run_python(r'''
import gc
import ember
ember.immortalize_heap()
frozen = gc.get_freeze_count()
assert frozen > 0
assert gc.isenabled()
import weakref
class C:
    pass
for _ in range(3):
    junk = [C() for _ in range(1000)]
    for j in junk:
        j.self = j
    refs = [weakref.ref(j) for j in junk]
    del junk, j
    gc.collect()
    assert all(r() is None for r in refs), "cycles created after immortalize_heap() leaked"
# unfreeze puts immortal objects back in the collected generations: they
# must survive collection (their refcount never reaches zero)
gc.unfreeze()
assert gc.get_freeze_count() == 0
gc.collect()
import json
assert json.loads(json.dumps({"a": [1]})) == {"a": [1]}
''')


SHUTDOWN = r'''
import argparse, asyncio, collections, csv, dataclasses, datetime, decimal, email.mime.text, enum
import functools, http.client, io, json, logging, pathlib, pickle, re, sqlite3, tempfile
import threading, typing, unittest, urllib.parse, weakref, xml.dom.minidom, sys, os

@dataclasses.dataclass
class Item:
    name: str
    price: decimal.Decimal

class Color(enum.Enum):
    RED = 1
    BLUE = 2

DB = sqlite3.connect(":memory:")
DB.execute("create table t (x)")
ITEMS = [Item("n%d" % i, decimal.Decimal(i) / 3) for i in range(2000)]
TMP = tempfile.NamedTemporaryFile("w", delete=False)
TMP.write("buffered, not flushed yet")
LOG = logging.getLogger("shutdown-test")
logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="%(levelname)s %(message)s")
LOCK = threading.Lock()
PATTERN = re.compile(r"(\w+)-(\d+)")

if os.environ.get("EMBER_IMMORTALIZE") == "1":
    import ember
    assert ember.immortalize_heap() > 1000

async def main():
    await asyncio.sleep(0)
    return sum(i.price for i in ITEMS)

print(asyncio.run(main()))
DB.executemany("insert into t values (?)", [(i,) for i in range(100)])
print(DB.execute("select sum(x) from t").fetchone())
print(json.dumps([dataclasses.asdict(i) for i in ITEMS[:3]], default=str))
print(Color.RED, Color(2), PATTERN.match("ab-12").groups())
LOG.info("logged %d", len(ITEMS))
print(pickle.loads(pickle.dumps(ITEMS[5])))
t = threading.Thread(target=lambda: print("thread", threading.current_thread().name.startswith("Thread")))
t.start(); t.join()
print(xml.dom.minidom.parseString("<a><b>x</b></a>").documentElement.tagName)
name = TMP.name
atexit_msgs = []
import atexit
atexit.register(lambda: print("atexit ran", os.path.getsize(name) if os.path.exists(name) else -1))
'''


def test_program_output_identical_and_shutdown_clean(tmp_path):
    """Same stdout, no stderr, rc 0, with and without immortalize_heap()."""
    without = run_python(SHUTDOWN, env={"EMBER_IMMORTALIZE": "0"}, cwd=tmp_path)
    with_ = run_python(SHUTDOWN, env={"EMBER_IMMORTALIZE": "1"}, cwd=tmp_path)
    assert with_.stdout == without.stdout
    assert "atexit ran" in with_.stdout


def test_shutdown_clean_under_dev_mode(tmp_path):
    """-X dev turns on ResourceWarning and debug hooks: still silent."""
    code = SHUTDOWN.replace('TMP.write("buffered, not flushed yet")', 'TMP.write("x"); TMP.close()')
    code = code.replace('DB = sqlite3.connect(":memory:")', 'DB = sqlite3.connect(":memory:")\natexit_db = DB')
    code += "\nDB.close()\n"
    without = run_python(code, args=("-X", "dev"), env={"EMBER_IMMORTALIZE": "0"}, cwd=tmp_path, check_clean=False)
    with_ = run_python(code, args=("-X", "dev"), env={"EMBER_IMMORTALIZE": "1"}, cwd=tmp_path, check_clean=False)
    assert with_.returncode == without.returncode == 0, with_.stderr
    assert with_.stdout == without.stdout
    assert with_.stderr == without.stderr
