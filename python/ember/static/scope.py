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
    Name, Store, Del = ast.Name, ast.Store, ast.Del
    funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
    comps = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
    while stack:
        n = stack.pop()
        t = type(n)
        if t is Name:
            ct = type(n.ctx)
            if ct is Store:
                bump(n.id)
            elif ct is Del:
                bump(n.id)
                counts[n.id] += 1
            continue
        if t in funcs or t is ast.ClassDef:
            bump(n.name)
            stack.extend(n.decorator_list)
            if t is ast.ClassDef:
                stack.extend(n.bases)
            else:
                stack.extend(n.args.defaults)
                stack.extend(d for d in n.args.kw_defaults if d is not None)
            continue
        if t is ast.Lambda:
            stack.extend(n.args.defaults)
            continue
        if t in comps:
            for sub in ast.walk(n):
                if type(sub) is ast.NamedExpr and type(sub.target) is Name:
                    bump(sub.target.id)
            continue
        if t is ast.Global:
            globals_.update(n.names)
            continue
        if t is ast.Nonlocal:
            nonlocals.update(n.names)
            continue
        if t is ast.Import or t is ast.ImportFrom:
            for al in n.names:
                if al.name != "*":
                    bump((al.asname or al.name).partition(".")[0])
            continue
        if t is ast.ExceptHandler and n.name:
            bump(n.name)
            counts[n.name] += 1
        elif (t is ast.MatchAs or t is ast.MatchStar) and n.name:
            bump(n.name)
            counts[n.name] += 1
        elif t is ast.MatchMapping and n.rest:
            bump(n.rest)
            counts[n.rest] += 1
        elif t is ast.For or t is ast.AsyncFor:
            for x in ast.walk(n.target):
                if type(x) is Name:
                    bump(x.id)
                    counts[x.id] += 1  # loop targets are assigned many times
            stack.extend(n.body)
            stack.extend(n.orelse)
            stack.append(n.iter)
            continue
        elif t is ast.AugAssign and type(n.target) is Name:
            bump(n.target.id)
            counts[n.target.id] += 1
            stack.append(n.value)
            continue
        for f in n._fields:
            v = getattr(n, f, None)
            if type(v) is list:
                stack.extend(x for x in v if isinstance(x, ast.AST))
            elif isinstance(v, ast.AST):
                stack.append(v)
    for g in globals_ | nonlocals:
        locals_.discard(g)
    return locals_, counts, globals_, nonlocals

