"""Scopes and the small AST builders shared by the lowering passes.

A ``Scope`` records the declared type of each local of one function (or the
module, a class body, a comprehension). A local's type is fixed when it is
declared -- by an annotation, a parameter, or its first assignment -- and
every later assignment is checked against it, so a local's type is a fact
that holds at every use (the JIT relies on this). Unannotated locals are
dynamic unless they are assigned exactly once (then the value's type is the
local's type) or first assigned a primitive (primitives are never dynamic).

The builders (``rt``, ``bi``, ``call``) make the AST of calls into the
run-time module ``ember._static`` (bound as ``__ember_rt__`` in every static
module) and to builtins (``__ember_builtins__``), so user code shadowing
``len`` or ``range`` cannot change what the compiler emitted.
"""
from __future__ import annotations

import ast
from typing import Optional

from . import types as T

RT = "__ember_rt__"
BUILTINS = "__ember_builtins__"
STATIC_MOD = "__ember_static__mod__"


def rt(name: str, node: ast.AST | None = None) -> ast.expr:
    return ast.Attribute(ast.Name(RT, ast.Load()), name, ast.Load())


def bi(name: str) -> ast.expr:
    return ast.Attribute(ast.Name(BUILTINS, ast.Load()), name, ast.Load())


def call(func: ast.expr, *args: ast.expr, keywords=()) -> ast.Call:
    return ast.Call(func, list(args), list(keywords))


def const(v) -> ast.Constant:
    return ast.Constant(v)


def copy_loc(new: ast.AST, old: ast.AST) -> ast.AST:
    if old is not None and hasattr(old, "lineno"):
        ast.copy_location(new, old)
    return new


class Scope:
    def __init__(self, kind: str, parent: Optional["Scope"] = None, info=None) -> None:
        self.kind = kind                 # 'module' | 'function' | 'class' | 'comp' | 'lambda'
        self.parent = parent
        self.info = info                 # FunctionInfo for functions
        self.types: dict = {}            # declared types
        self.locals: set = set()         # names local to this scope
        self.store_counts: dict = {}     # name -> number of stores (functions)
        self.globals: set = set()
        self.nonlocals: set = set()
        self.annotated: set = set()

    def function_scope(self) -> Optional["Scope"]:
        s: Optional[Scope] = self
        while s is not None and s.kind == "comp":
            s = s.parent
        return s


def collect_locals(func_node: ast.AST) -> tuple:
    """(locals, store_counts, globals, nonlocals) of a function body, not
    looking into nested functions, lambdas, classes or comprehensions."""
    locals_: set = set()
    counts: dict = {}
    globals_: set = set()
    nonlocals: set = set()

    def bump(n: str) -> None:
        locals_.add(n)
        counts[n] = counts.get(n, 0) + 1

    a = getattr(func_node, "args", None)
    if a is not None:
        for p in list(a.posonlyargs) + list(a.args) + list(a.kwonlyargs):
            bump(p.arg)
            counts[p.arg] += 1  # parameters are never "assigned once"
        for p in (a.vararg, a.kwarg):
            if p is not None:
                bump(p.arg)
                counts[p.arg] += 1

    stack = list(func_node.body) if isinstance(func_node.body, list) else [func_node.body]
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bump(n.name)
            stack.extend(n.decorator_list)
            if not isinstance(n, ast.ClassDef):
                stack.extend(d for d in n.args.defaults)
                stack.extend(d for d in n.args.kw_defaults if d is not None)
            else:
                stack.extend(n.bases)
            continue
        if isinstance(n, ast.Lambda):
            stack.extend(n.args.defaults)
            continue
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            # only walrus targets inside comprehensions leak into the function
            for sub in ast.walk(n):
                if isinstance(sub, ast.NamedExpr) and isinstance(sub.target, ast.Name):
                    bump(sub.target.id)
            continue
        if isinstance(n, ast.Global):
            globals_.update(n.names)
            continue
        if isinstance(n, ast.Nonlocal):
            nonlocals.update(n.names)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            bump(n.id)
            if isinstance(n.ctx, ast.Del):
                counts[n.id] += 1
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            for al in n.names:
                if al.name != "*":
                    bump((al.asname or al.name).partition(".")[0])
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bump(n.name)
            counts[n.name] += 1
        elif isinstance(n, (ast.MatchAs, ast.MatchStar)) and n.name:
            bump(n.name)
            counts[n.name] += 1
        elif isinstance(n, ast.MatchMapping) and n.rest:
            bump(n.rest)
            counts[n.rest] += 1
        elif isinstance(n, (ast.For, ast.AsyncFor)):
            for t in ast.walk(n.target):
                if isinstance(t, ast.Name):
                    bump(t.id)
                    counts[t.id] += 1  # loop targets are assigned many times
            stack.extend(n.body)
            stack.extend(n.orelse)
            stack.append(n.iter)
            continue
        elif isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            bump(n.target.id)
            counts[n.target.id] += 1
            stack.append(n.value)
            continue
        stack.extend(ast.iter_child_nodes(n))
    for g in globals_ | nonlocals:
        locals_.discard(g)
    return locals_, counts, globals_, nonlocals


def type_name(t: T.Type) -> str:
    return t.name
