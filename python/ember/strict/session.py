"""One analysis run: shared state across the modules it touches.

Analysing module A may require the namespaces of the strict modules A imports
(to follow calls into them, to know their classes). A ``Session`` holds what
those sub-analyses share: the stub table, the module resolver, one ModuleVal per
module name (so identity comparisons work), the namespaces computed so far and
those still in progress (circular imports see the partial namespace, exactly as
Python does), the strict dependencies consulted (they key the cache), and the
step budget that bounds the total work.
"""
from __future__ import annotations

import ast

from .modules import ModuleRecord, Resolver
from .stubs import StubTable
from .values import ModuleContext, ModuleVal, Scope

MAX_STEPS = 500_000
MAX_MODULE_DEPTH = 12


class Limit(Exception):
    """The step budget ran out; the analysis stops with ST002."""


def package_of(name: str, is_package: bool) -> str:
    if is_package:
        return name
    return name.rpartition(".")[0]


class Session:
    def __init__(self, stubs: StubTable, resolver: Resolver):
        self.stubs = stubs
        self.resolver = resolver
        self.steps = 0
        self.max_steps = MAX_STEPS
        self.modules: dict[str, ModuleVal] = {}
        self.in_progress: dict[str, ModuleContext] = {}
        self.imported: set[str] = set()
        self.deps: dict[str, str] = {}     # path -> sha256 of strict modules consulted
        self.module_depth = 0

    def module_val(self, name: str) -> ModuleVal:
        mv = self.modules.get(name)
        if mv is None:
            if name in self.in_progress:      # being analysed right now (a cycle, or itself)
                mv = ModuleVal(name, None, strict=True)
                mv.namespace = self.in_progress[name].scope
            else:
                record = self.resolver.resolve(name)
                strict = record is not None and record.marker is not None
                mv = ModuleVal(name, record if strict else None, strict)
            self.modules[name] = mv
        parts = name.split(".")
        for i in range(1, len(parts) + 1):
            self.imported.add(".".join(parts[:i]))
        return mv

    def is_strict(self, mv: ModuleVal) -> bool:
        return mv.strict

    def namespace_of(self, mv: ModuleVal) -> Scope | None:
        """The (possibly partial) namespace of a strict module, computed on demand."""
        if mv.namespace is not None:
            return mv.namespace
        if mv.name in self.in_progress:
            return self.in_progress[mv.name].scope
        record = mv.record
        if not isinstance(record, ModuleRecord) or self.module_depth >= MAX_MODULE_DEPTH:
            return None
        try:
            tree = ast.parse(record.source, record.path)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        from .interpreter import Interpreter
        ctx = ModuleContext(record.name, record.path, package_of(record.name, record.is_package), record.name)
        self.deps[record.path] = record.digest
        self.module_depth += 1
        try:
            Interpreter(self, ctx, None).run_module(tree)
        finally:
            self.module_depth -= 1
        mv.namespace = ctx.scope
        return mv.namespace
