"""A synthetic but realistically shaped application for the pre-fork benchmark.

What a web application's parent process holds after start-up, scaled to tens
of MB: many imported modules (a slice of the standard library plus generated
modules full of classes, methods, functions, constants and docstrings), a
catalog of records (dicts with str keys, strings, ints, floats, lists and
instances of application classes), indexes over it, and configuration
tables. ``handle(i)`` is one request: it looks records up, calls application
code and builds a response string, touching shared state the way request
handlers do. Everything is deterministic (seeded), so every mode of the
benchmark serves exactly the same requests.

``load(scale)`` builds the application; ``scale=1.0`` weighs about 60 MB.
"""
from __future__ import annotations

import importlib
import os
import random
import sys
import tempfile

STDLIB = (
    "argparse asyncio base64 bisect calendar collections contextlib copy csv dataclasses datetime "
    "decimal difflib email email.mime.multipart email.mime.text enum fractions functools gettext "
    "glob gzip hashlib heapq hmac html html.parser http.client http.cookies http.server inspect "
    "ipaddress itertools json logging logging.handlers mimetypes numbers operator pathlib pickle "
    "pprint queue random re shlex shutil socket socketserver sqlite3 statistics string struct "
    "subprocess tarfile textwrap threading tokenize traceback typing unittest urllib.parse "
    "urllib.request uuid uuid warnings weakref xml.dom.minidom xml.etree.ElementTree zipfile zlib"
).split()

_MODULE_TEMPLATE = '''\
"""Generated application module {m}: models, services and tables."""
import functools

TABLE_{m} = {table!r}
MESSAGES_{m} = {messages!r}

{classes}

{functions}

def dispatch_{m}(kind, value):
    """Route a request to one of this module's services."""
    handler = HANDLERS_{m}[kind % len(HANDLERS_{m})]
    return handler(value)

HANDLERS_{m} = [{handler_names}]
'''

_CLASS_TEMPLATE = '''\
class Model{m}_{c}:
    """Model {c} of module {m}: a record with derived fields."""
    kind = "model-{m}-{c}"
    limits = {{"low": {c}, "high": {high}, "name": "limit-{m}-{c}"}}

    def __init__(self, ident, name, price):
        self.ident = ident
        self.name = name
        self.price = price
        self.tags = ["t{m}", "c{c}"]

    def total(self, quantity):
        if quantity > self.limits["high"]:
            quantity = self.limits["high"]
        return round(self.price * quantity * 1.{c}, 2)

    def describe(self):
        return "%s<%s>: %s at %.2f" % (self.kind, self.ident, self.name, self.price)

    def validate(self, value):
        errors = []
        if not isinstance(value, (int, float)):
            errors.append("type")
        elif value < self.limits["low"]:
            errors.append("low")
        return errors
'''

_FUNCTION_TEMPLATE = '''\
def service_{m}_{f}(value):
    """Service {f}: formats, looks up and combines."""
    key = "key-%d" % (value % {n})
    entry = TABLE_{m}.get(key, {{}})
    parts = [MESSAGES_{m}[value % len(MESSAGES_{m})], str(entry.get("weight", 0))]
    for i in range(3):
        parts.append(str((value + i) * {f}))
    return "/".join(parts)
'''


def _module_source(m: int, rng: random.Random) -> str:
    n_classes, n_functions, n_rows = 12, 24, 60
    table = {
        "key-%d" % i: {"weight": rng.randint(0, 1000), "label": "label %d of %d" % (i, m), "flags": [i % 2, i % 3]}
        for i in range(n_rows)
    }
    messages = ["message %d in module %d: %s" % (i, m, "x" * rng.randint(5, 60)) for i in range(40)]
    classes = "\n\n".join(_CLASS_TEMPLATE.format(m=m, c=c, high=100 + c) for c in range(n_classes))
    functions = "\n\n".join(_FUNCTION_TEMPLATE.format(m=m, f=f, n=n_rows) for f in range(n_functions))
    handler_names = ", ".join("service_%d_%d" % (m, f) for f in range(n_functions))
    return _MODULE_TEMPLATE.format(
        m=m, table=table, messages=messages, classes=classes, functions=functions, handler_names=handler_names
    )


class Record:
    """A catalog entry; instances keep their attributes in inline values."""

    def __init__(self, ident, title, owner, price, model):
        self.ident = ident
        self.title = title
        self.owner = owner
        self.price = price
        self.model = model
        self.history = [price, price * 0.9, price * 1.1]


class App:
    """The loaded application: modules, catalog and indexes."""

    def __init__(self, scale: float):
        rng = random.Random(1234)
        for name in STDLIB:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        self.modules = self._generate_modules(int(120 * scale), rng)
        n = int(60000 * scale)
        models = [getattr(mod, "Model%d_%d" % (i, c)) for i, mod in enumerate(self.modules) for c in range(12)]
        self.records = []
        self.by_id = {}
        self.by_owner = {}
        for i in range(n):
            model = models[i % len(models)](i, "item %d" % i, rng.random() * 100)
            rec = Record(i, "Title number %d %s" % (i, "z" * (i % 40)), "owner-%d" % (i % 5000), rng.random() * 500, model)
            self.records.append(rec)
            self.by_id["id-%08d" % i] = rec
            self.by_owner.setdefault(rec.owner, []).append(rec)
        self.config = {
            "section-%d" % s: {"key-%d" % k: "value %d/%d" % (s, k) for k in range(50)} for s in range(int(400 * scale))
        }

    @staticmethod
    def _generate_modules(count: int, rng: random.Random) -> list:
        root = tempfile.mkdtemp(prefix="ember-prefork-app-")
        pkg = os.path.join(root, "benchapp")
        os.mkdir(pkg)
        with open(os.path.join(pkg, "__init__.py"), "w") as f:
            f.write("")
        for m in range(count):
            with open(os.path.join(pkg, "mod%d.py" % m), "w") as f:
                f.write(_module_source(m, rng))
        sys.path.insert(0, root)
        try:
            return [importlib.import_module("benchapp.mod%d" % m) for m in range(count)]
        finally:
            sys.path.remove(root)

    def handle(self, i: int) -> str:
        """One request. Touches about 1/200 of the catalog and a slice of the code."""
        n = len(self.records)
        out = []
        total = 0.0
        step = max(1, n // 300)
        for j in range(300):
            rec = self.by_id["id-%08d" % ((i * 7919 + j * step) % n)]
            total += rec.price + rec.model.total(j % 5)
            if j % 10 == 0:
                out.append(rec.title[:20])
                out.append(rec.model.describe())
            peers = self.by_owner[rec.owner]
            total += len(peers)
        for k in range(40):
            mod = self.modules[(i * 31 + k) % len(self.modules)]
            name = mod.__name__.rpartition("mod")[2]
            out.append(getattr(mod, "dispatch_" + name)(i + k, i * k))
        section = self.config["section-%d" % (i % len(self.config))]
        out.append(",".join(section[key] for key in list(section)[:10]))
        return "%d:%.2f:%s" % (i, total, "|".join(out))


def load(scale: float = 1.0) -> App:
    return App(scale)
