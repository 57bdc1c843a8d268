"""Module-level declarations of a static module: what other code may rely on.

Before any function body is checked, ``collect()`` walks a module's top level
and records what is statically known: the names bound by imports (including
other static modules and ``__static__``'s special forms), the classes (bases,
fields, methods, finality) and functions (parameter and return types) defined
exactly once at module level, and the module's ``Final`` names. The same
record serves the module's own checking and every static module importing
it, through ``ModuleTable`` which finds, parses and caches other static
modules by name without importing them.

Invariants:
  * a name bound more than once at module level (or rebound through
    ``global``) is dynamic: nothing about it can be promised;
  * classes and functions inside ``if``/``try`` blocks are dynamic;
  * nothing here raises anything but TypedSyntaxError, whatever the input.
"""
from __future__ import annotations

import ast
import importlib.util
import os
import sys
from dataclasses import dataclass, field
from typing import Optional

from . import types as T
from .errors import TypedSyntaxError
from .markers import looks_static, source_hash, static_marker_index  # noqa: F401 (re-exported)

STATIC_SPECIALS = {
    "box", "unbox", "cast", "clen", "crange", "inline", "dynamic_return", "allow_weakrefs",
    "CheckedDict", "CheckedList", "Array", "final", "Final", "TypedSyntaxError",
}
TYPING_SPECIALS = {"Optional", "Final", "final", "ClassVar", "Union", "List", "Dict", "Tuple",
                   "Set", "FrozenSet", "Callable", "Any"}


@dataclass
class Param:
    name: str
    type: T.Type
    kind: str  # 'posonly' | 'normal' | 'kwonly'
    has_default: bool
    node: ast.arg


@dataclass
class FunctionInfo:
    name: str
    qualname: str
    module: str
    node: ast.AST
    params: list = field(default_factory=list)
    vararg: bool = False
    kwarg: bool = False
    returns: T.Type = T.DYNAMIC
    owner: Optional["ClassInfo"] = None
    kind: str = "function"  # function | method | staticmethod | classmethod | property
    final: bool = False
    inline: bool = False
    dynamic_return: bool = False
    other_decorators: bool = False
    is_async: bool = False
    is_generator: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.qualname}"

    def call_params(self, bound: bool) -> list:
        return self.params[1:] if bound and self.params else self.params

    @property
    def visible_return(self) -> T.Type:
        if self.dynamic_return or self.is_async or self.is_generator:
            return T.DYNAMIC
        return self.returns



@dataclass
class FieldInfo:
    name: str
    type: T.Type
    node: ast.AST
    default: Optional[ast.expr] = None  # class-level default value
    owner: Optional["ClassInfo"] = None


@dataclass
class ClassInfo:
    name: str
    qualname: str
    module: str
    node: ast.ClassDef
    bases: list = field(default_factory=list)       # Types
    fields: dict = field(default_factory=dict)      # name -> FieldInfo (declared here)
    methods: dict = field(default_factory=dict)     # name -> FunctionInfo
    attrs: dict = field(default_factory=dict)       # other class-level names -> Type
    finals: dict = field(default_factory=dict)      # Final class attributes -> Type
    final: bool = False
    has_dynamic_base: bool = False
    dynamic_attrs: bool = False                     # __getattr__ & co.
    static_layout: bool = True
    allow_weakrefs: bool = False
    user_slots: Optional[list] = None
    instance: Optional[T.ClassType] = None
    is_metaclass: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.module}.{self.qualname}"

    def base_types(self) -> list:
        return [b for b in self.bases if isinstance(b, T.ClassType)]

    def static_bases(self) -> list:
        return [b.info for b in self.bases if isinstance(b, T.ClassType) and b.info is not None]

    def mro(self) -> list:
        out: list = []
        stack = [self]
        while stack:
            c = stack.pop(0)
            if c in out:
                continue
            out.append(c)
            stack.extend(c.static_bases())
        return out

    def lookup(self, name: str):
        """('field'|'method'|'attr'|'final', info-or-type, owner) or None."""
        for c in self.mro():
            if name in c.fields:
                return ("field", c.fields[name], c)
            if name in c.methods:
                return ("method", c.methods[name], c)
            if name in c.finals:
                return ("final", c.finals[name], c)
            if name in c.attrs:
                return ("attr", c.attrs[name], c)
        return None

    def all_fields(self) -> dict:
        out: dict = {}
        for c in reversed(self.mro()):
            out.update(c.fields)
        return out

    @property
    def open_attrs(self) -> bool:
        """Attributes not declared may still exist (dynamic base, __getattr__)."""
        return any(c.has_dynamic_base or c.dynamic_attrs for c in self.mro())


@dataclass
class ModuleDecls:
    name: str
    filename: str
    tree: ast.Module
    bindings: dict = field(default_factory=dict)    # name -> Type (refs, Final types)
    classes: dict = field(default_factory=dict)     # qualname -> ClassInfo
    functions: dict = field(default_factory=dict)   # name -> FunctionInfo
    finals: dict = field(default_factory=dict)      # module-level Final name -> node
    deps: dict = field(default_factory=dict)        # static module name -> source hash
    source_hash: str = ""
    lines: list = field(default_factory=list)
    index: "TreeIndex | None" = None

    def error(self, node, msg: str) -> TypedSyntaxError:
        return TypedSyntaxError.at(node, msg, self.filename, self.lines)


# --- annotations -------------------------------------------------------------------

class TypeResolver:
    """Turns annotation expressions into Types; anything unknown is DYNAMIC."""

    def __init__(self, decls: ModuleDecls) -> None:
        self.decls = decls

    def ref(self, node: ast.expr) -> T.Type | None:
        """The compile-time meaning of a Name/Attribute in an annotation."""
        if isinstance(node, ast.Name):
            b = self.decls.bindings.get(node.id)
            if b is not None:
                return b
            if node.id in T.BUILTIN_TYPES and node.id != "None":
                return T.ClassRef(T.BUILTIN_TYPES[node.id])
            return None
        if isinstance(node, ast.Attribute):
            base = self.ref(node.value)
            if isinstance(base, T.ModuleRef):
                return base.decls.bindings.get(node.attr)
            if isinstance(base, T.SpecialRef) and base.what in ("module:__static__", "module:typing"):
                return special_member(base.what, node.attr)
        return None

    def resolve(self, node: ast.expr | None, *, allow_final: bool = False) -> T.Type:
        t, _ = self.resolve_final(node)
        return t

    def resolve_final(self, node: ast.expr | None) -> tuple:
        """(type, is_final) for an annotation that may be Final / Final[T]."""
        if node is None:
            return T.DYNAMIC, False
        try:
            return self._resolve(node, 0)
        except RecursionError:
            return T.DYNAMIC, False

    def _resolve(self, node: ast.expr, depth: int) -> tuple:
        if depth > 20:
            return T.DYNAMIC, False
        if isinstance(node, ast.Constant):
            if node.value is None:
                return T.NONE, False
            if isinstance(node.value, str):
                try:
                    inner = ast.parse(node.value, mode="eval").body
                except (SyntaxError, ValueError):
                    return T.DYNAMIC, False
                return self._resolve(inner, depth + 1)
            return T.DYNAMIC, False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            a, _ = self._resolve(node.left, depth + 1)
            b, _ = self._resolve(node.right, depth + 1)
            return _optional_of(a, b), False
        if isinstance(node, (ast.Name, ast.Attribute)):
            r = self.ref(node)
            if isinstance(r, T.ClassRef):
                return r.instance, False
            if isinstance(r, T.SpecialRef):
                if r.what.startswith("prim:"):
                    return T.PRIMS[r.what[5:]], False
                if r.what == "Final":
                    return T.DYNAMIC, True
            return T.DYNAMIC, False
        if isinstance(node, ast.Subscript):
            r = self.ref(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else None
            args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if isinstance(r, T.SpecialRef):
                w = r.what
                if w == "Final" and len(args) == 1:
                    t, _ = self._resolve(args[0], depth + 1)
                    return t, True
                if w == "ClassVar" and len(args) == 1:
                    return self._resolve(args[0], depth + 1)
                if w == "Optional" and len(args) == 1:
                    t, _ = self._resolve(args[0], depth + 1)
                    return _optional_of(t, T.NONE), False
                if w == "Union" and len(args) == 2:
                    a, _ = self._resolve(args[0], depth + 1)
                    b, _ = self._resolve(args[1], depth + 1)
                    return _optional_of(a, b), False
                if w in ("CheckedDict",) and len(args) == 2:
                    k, _ = self._resolve(args[0], depth + 1)
                    v, _ = self._resolve(args[1], depth + 1)
                    if k.is_prim or v.is_prim:
                        raise self.decls.error(node, "CheckedDict cannot hold primitives; box them or use Array")
                    return T.checked_dict(k, v), False
                if w == "CheckedList" and len(args) == 1:
                    t, _ = self._resolve(args[0], depth + 1)
                    if t.is_prim:
                        raise self.decls.error(node, "CheckedList cannot hold primitives; use Array")
                    return T.checked_list(t), False
                if w == "Array" and len(args) == 1:
                    t, _ = self._resolve(args[0], depth + 1)
                    if not isinstance(t, T.PrimType):
                        raise self.decls.error(node, f"Array element type must be a primitive, found {t.name}")
                    return T.array_of(t), False
                if w in ("List", "Dict", "Tuple", "Set", "FrozenSet"):
                    return T.BUILTIN_TYPES[w.lower()], False
                return T.DYNAMIC, False
            if isinstance(r, T.ClassRef) and r.instance.key.startswith("builtins."):
                return r.instance, False  # list[int] -> list (element types are not tracked)
            return T.DYNAMIC, False
        return T.DYNAMIC, False


def _optional_of(a: T.Type, b: T.Type) -> T.Type:
    if b == T.NONE and a != T.NONE and not a.is_prim and not a.is_dynamic:
        return a if isinstance(a, T.OptionalType) else T.OptionalType(a)
    if a == T.NONE and b != T.NONE and not b.is_prim and not b.is_dynamic:
        return b if isinstance(b, T.OptionalType) else T.OptionalType(b)
    return T.DYNAMIC


def special_member(module: str, attr: str) -> T.Type | None:
    if module == "module:__static__":
        name = T.PRIM_ALIASES.get(attr, attr)
        if name in T.PRIMS:
            return T.SpecialRef("prim:" + name)
        if attr in STATIC_SPECIALS:
            return T.SpecialRef(attr)
        return None
    if module == "module:typing":
        if attr in TYPING_SPECIALS:
            return T.SpecialRef(attr)
    return None


# --- collection ----------------------------------------------------------------------

def _decorator_name(d: ast.expr) -> str | None:
    if isinstance(d, ast.Name):
        return d.id
    if isinstance(d, ast.Attribute):
        return d.attr
    return None


class Collector:
    def __init__(self, decls: ModuleDecls, table: "ModuleTable") -> None:
        self.decls = decls
        self.table = table
        self.resolver = TypeResolver(decls)

    def run(self) -> ModuleDecls:
        d = self.decls
        if d.index is None:
            d.index = TreeIndex(d.tree)
        counts = d.index.counts
        rebound = d.index.globals
        pending_classes: list = []
        pending_funcs: list = []
        for stmt in d.tree.body:
            if isinstance(stmt, ast.Import):
                for a in stmt.names:
                    self._bind_import(a.asname or a.name.partition(".")[0], a.name if a.asname else
                                      a.name.partition(".")[0], counts, stmt)
            elif isinstance(stmt, ast.ImportFrom):
                self._bind_from(stmt, counts)
            elif isinstance(stmt, ast.ClassDef) and counts.get(stmt.name, 0) == 1 and stmt.name not in rebound:
                info = ClassInfo(stmt.name, stmt.name, d.name, stmt)
                info.instance = T.ClassType(stmt.name if d.name in ("__main__", "") else f"{d.name}.{stmt.name}",
                                            f"{d.name}:{stmt.name}", (), info)
                d.classes[stmt.name] = info
                d.bindings[stmt.name] = T.ClassRef(info.instance)
                pending_classes.append(info)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and counts.get(stmt.name, 0) == 1 \
                    and stmt.name not in rebound:
                pending_funcs.append(stmt)
        # type aliases: `Ints = Array[int64]` bound once at module level
        for stmt in d.tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                    and counts.get(stmt.targets[0].id, 0) == 1 and stmt.targets[0].id not in rebound \
                    and isinstance(stmt.value, (ast.Subscript, ast.Attribute, ast.Name)):
                t = self.resolver.resolve(stmt.value) if isinstance(stmt.value, ast.Subscript) else None
                if t is None:
                    r = self.resolver.ref(stmt.value)
                    t = r.instance if isinstance(r, T.ClassRef) else None
                if isinstance(t, T.ClassType) and (t.info is not None or t.key.startswith("__static__.")):
                    d.bindings[stmt.targets[0].id] = T.ClassRef(t)
        for stmt in pending_funcs:
            fi = self.function(stmt, stmt.name, None)
            d.functions[stmt.name] = fi
            if not fi.other_decorators:
                d.bindings[stmt.name] = T.FunctionRef(fi)
        for info in pending_classes:
            self.class_header(info)
        for info in pending_classes:
            self.class_body(info)
        for stmt in d.tree.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                t, is_final = self.resolver.resolve_final(stmt.annotation)
                if is_final:
                    if t.is_dynamic and stmt.value is not None:
                        t = _literal_type(stmt.value)
                    d.finals[stmt.target.id] = stmt
                    if counts.get(stmt.target.id, 0) == 1:
                        d.bindings.setdefault(stmt.target.id, t if not t.is_prim else T.DYNAMIC)
        return d

    # imports
    def _bind_import(self, local: str, modname: str, counts: dict, node) -> None:
        if counts.get(local, 0) != 1:
            return
        if modname == "__static__":
            self.decls.bindings[local] = T.SpecialRef("module:__static__")
        elif modname == "typing":
            self.decls.bindings[local] = T.SpecialRef("module:typing")
        else:
            other = self.table.get(modname)
            if other is not None:
                self.decls.deps[other.name] = other.source_hash
                self.decls.bindings[local] = T.ModuleRef(other)

    def _bind_from(self, stmt: ast.ImportFrom, counts: dict) -> None:
        mod = stmt.module or ""
        if stmt.level:
            pkg = self.decls.name if self._is_package() else self.decls.name.rpartition(".")[0]
            for _ in range(stmt.level - 1):
                pkg = pkg.rpartition(".")[0]
            mod = f"{pkg}.{mod}" if mod else pkg
        for a in stmt.names:
            local = a.asname or a.name
            if a.name == "*" and mod == "__static__":
                for name in list(T.PRIM_KINDS) + list(T.PRIM_ALIASES) + sorted(STATIC_SPECIALS):
                    r = special_member("module:__static__", name)
                    if r is not None and counts.get(name, 0) == 0:
                        self.decls.bindings[name] = r
                continue
            if a.name == "*" or counts.get(local, 0) != 1:
                continue
            if mod == "__static__":
                r = special_member("module:__static__", a.name)
                if r is not None:
                    self.decls.bindings[local] = r
            elif mod in ("typing", "typing_extensions"):
                r = special_member("module:typing", a.name)
                if r is not None:
                    self.decls.bindings[local] = r
            elif mod:
                other = self.table.get(mod)
                r = other.bindings.get(a.name) if other is not None else None
                if other is not None:
                    self.decls.deps[other.name] = other.source_hash
                if isinstance(r, (T.ClassRef, T.FunctionRef)):
                    self.decls.bindings[local] = r
                elif r is None:
                    sub = self.table.get(f"{mod}.{a.name}")
                    if sub is not None:
                        self.decls.deps[sub.name] = sub.source_hash
                        self.decls.bindings[local] = T.ModuleRef(sub)

    def _is_package(self) -> bool:
        return os.path.basename(self.decls.filename) == "__init__.py"

    # functions
    def function(self, node, qualname: str, owner: Optional[ClassInfo]) -> FunctionInfo:
        d = self.decls
        fi = FunctionInfo(node.name, qualname, d.name, node, owner=owner,
                          is_async=isinstance(node, ast.AsyncFunctionDef),
                          is_generator=d.index is not None and id(node) in d.index.yields)
        for dec in node.decorator_list:
            r = self.resolver.ref(dec) if isinstance(dec, (ast.Name, ast.Attribute)) else None
            n = _decorator_name(dec)
            if isinstance(r, T.SpecialRef) and r.what in ("final", "inline", "dynamic_return"):
                setattr(fi, r.what, True)
            elif n in ("staticmethod", "classmethod", "property") and isinstance(dec, ast.Name) and owner:
                fi.kind = n
            else:
                fi.other_decorators = True
        if owner is not None and fi.kind == "function":
            fi.kind = {"__new__": "staticmethod", "__init_subclass__": "classmethod",
                       "__class_getitem__": "classmethod"}.get(node.name, "method")
        a = node.args
        positional = list(a.posonlyargs) + list(a.args)
        ndefaults = len(a.defaults)
        first_default = len(positional) - ndefaults
        for i, p in enumerate(positional):
            t = self.resolver.resolve(p.annotation)
            if i == 0 and owner is not None and fi.kind in ("method", "property") and p.annotation is None:
                t = owner.instance
            elif i == 0 and owner is not None and fi.kind == "classmethod" and p.annotation is None:
                t = T.DYNAMIC
            fi.params.append(Param(p.arg, t, "posonly" if i < len(a.posonlyargs) else "normal",
                                   i >= first_default, p))
        for p, dflt in zip(a.kwonlyargs, a.kw_defaults):
            fi.params.append(Param(p.arg, self.resolver.resolve(p.annotation), "kwonly", dflt is not None, p))
        fi.vararg = a.vararg is not None
        fi.kwarg = a.kwarg is not None
        fi.returns = self.resolver.resolve(node.returns) if node.returns is not None else T.DYNAMIC
        if fi.inline:
            body = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
            if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None \
                    or fi.vararg or fi.kwarg or fi.kind in ("classmethod", "property"):
                raise d.error(node, "@inline function must be a function or method whose body is one "
                                    "'return <expr>'")
        return fi

    # classes
    def class_header(self, info: ClassInfo) -> None:
        node = info.node
        for b in node.bases:
            r = self.resolver.ref(b) if isinstance(b, (ast.Name, ast.Attribute)) else None
            if isinstance(r, T.ClassRef):
                bi = r.instance
                if bi.key == "builtins.type" or (bi.info is not None and bi.info.dynamic_attrs
                                                 and bi.info.is_metaclass):
                    # instances are classes: their attributes come from their own MRO
                    info.is_metaclass = True
                    info.dynamic_attrs = True
                if bi.info is not None and bi.info.final:
                    raise self.decls.error(b, f"cannot subclass final class '{bi.info.qualname}'")
                info.bases.append(bi)
                if bi.info is None and bi.key != "builtins.object":
                    info.has_dynamic_base = True
            else:
                info.bases.append(T.DYNAMIC)
                info.has_dynamic_base = True
        if node.keywords:
            info.has_dynamic_base = True
        for dec in node.decorator_list:
            r = self.resolver.ref(dec) if isinstance(dec, (ast.Name, ast.Attribute)) else None
            if isinstance(r, T.SpecialRef) and r.what == "final":
                info.final = True
            elif isinstance(r, T.SpecialRef) and r.what == "allow_weakrefs":
                info.allow_weakrefs = True
            else:
                # an unknown decorator may add attributes or replace the class:
                # no layout, attributes open, and the name is not a known class
                info.static_layout = False
                info.dynamic_attrs = True
                self.decls.bindings.pop(info.name, None)
        statics = [b for b in info.static_bases()]
        with_fields = [b for b in statics if any(c.fields for c in b.mro())]
        if len(with_fields) > 1:
            raise self.decls.error(node, "multiple static bases with fields have incompatible layouts: "
                                         + ", ".join(b.qualname for b in with_fields))
        if any(b in (T.INT, T.STR, T.BYTES, T.TUPLE) for b in info.bases):
            info.static_layout = False

    def class_body(self, info: ClassInfo) -> None:
        d = self.decls
        r = self.resolver
        for stmt in info.node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if stmt.name in info.methods:  # e.g. property setter: keep the first (getter)
                    info.attrs[stmt.name] = T.DYNAMIC
                    continue
                fi = self.function(stmt, f"{info.qualname}.{stmt.name}", info)
                info.methods[stmt.name] = fi
                if stmt.name in ("__getattr__", "__getattribute__"):
                    info.dynamic_attrs = True
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                t, is_final = r.resolve_final(stmt.annotation)
                is_classvar = _is_classvar(stmt.annotation, r)
                if is_final:
                    if t.is_dynamic and stmt.value is not None:
                        t = _literal_type(stmt.value)
                    info.finals[name] = t
                elif is_classvar:
                    info.attrs[name] = t
                elif info.static_layout or True:
                    info.fields[name] = FieldInfo(name, t, stmt, stmt.value, info)
            elif isinstance(stmt, ast.Assign):
                for tgt in stmt.targets:
                    for n in _target_names(tgt):
                        if n == "__slots__":
                            info.user_slots = _literal_strs(stmt.value)
                            if info.user_slots is None:
                                info.static_layout = False
                        elif n != "__slots__":
                            info.attrs[n] = T.DYNAMIC
            elif isinstance(stmt, ast.ClassDef):
                info.attrs[stmt.name] = T.DYNAMIC
            else:
                for n in _stmt_bound_names(stmt):
                    info.attrs[n] = T.DYNAMIC
        if info.user_slots and "__dict__" in info.user_slots:
            info.dynamic_attrs = True
        for slot in info.user_slots or ():
            if slot not in ("__dict__", "__weakref__") and slot not in info.fields and slot not in info.methods:
                info.fields[slot] = FieldInfo(slot, T.DYNAMIC, info.node, None, info)
                info.attrs.pop(slot, None)
        # fields declared through `self.x: T = ...` / `self.x = ...` in methods
        inherited = {}
        for c in info.mro()[1:]:
            inherited.update(c.fields)
        for fi in list(info.methods.values()):
            if fi.kind not in ("method",) or not fi.params:
                continue
            selfname = fi.params[0].name
            stores = d.index.stores.get(id(fi.node), ()) if d.index is not None else ()
            for n in stores:
                if isinstance(n, ast.AnnAssign) and _is_self_attr(n.target, selfname):
                    name = n.target.attr
                    t = r.resolve(n.annotation)
                    prev = info.fields.get(name) or inherited.get(name)
                    if prev is not None and prev.type != t:
                        raise d.error(n, f"field '{name}' redeclared as {t.name}, previously {prev.type.name}")
                    if prev is None and name not in info.methods:
                        info.fields[name] = FieldInfo(name, t, n, None, info)
                    if name in info.attrs:
                        info.fields[name].default = _class_default(info.node, name)
                        del info.attrs[name]
            for n in stores:
                targets = []
                if isinstance(n, ast.Assign):
                    targets = [x for t in n.targets for x in _flatten_targets(t)]
                elif isinstance(n, ast.AugAssign):
                    targets = [n.target]
                for tgt in targets:
                    if _is_self_attr(tgt, selfname):
                        name = tgt.attr
                        if name in info.fields or name in inherited or name in info.methods \
                                or name in info.finals or info.lookup(name) is not None and \
                                info.lookup(name)[0] != "attr":
                            continue
                        if name in info.attrs:
                            if not isinstance(info.attrs.get(name), T.DynamicType):
                                continue
                            default = _class_default(info.node, name)
                            if default is None:
                                continue
                            del info.attrs[name]
                            info.fields[name] = FieldInfo(name, T.DYNAMIC, tgt, default, info)
                        else:
                            info.fields[name] = FieldInfo(name, T.DYNAMIC, tgt, None, info)
        # finality and overrides
        for c in info.mro()[1:]:
            for name, fi in c.methods.items():
                if fi.final and (name in info.methods or name in info.attrs or name in info.fields):
                    node = info.methods[name].node if name in info.methods else info.node
                    raise d.error(node, f"cannot override final method '{name}' of '{c.qualname}'")
            for name in c.finals:
                if name in info.methods or name in info.attrs or name in info.fields or name in info.finals:
                    raise d.error(_member_node(info.node, name) or info.node,
                                  f"cannot override Final attribute '{name}' of '{c.qualname}'")
            for name, f in c.fields.items():
                mine = info.fields.get(name)
                if mine is not None and mine.type != f.type:
                    raise d.error(mine.node, f"field '{name}' redeclared as {mine.type.name}, "
                                             f"previously {f.type.name} in '{c.qualname}'")
                if mine is not None:
                    del info.fields[name]


def _member_node(cls: ast.ClassDef, name: str):
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == name:
            return stmt
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and name in _stmt_bound_names(stmt):
            return stmt
    return None


def _class_default(cls: ast.ClassDef, name: str):
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
                and stmt.targets[0].id == name:
            return stmt.value
    return None


def _is_classvar(ann: ast.expr, r: TypeResolver) -> bool:
    node = ann.value if isinstance(ann, ast.Subscript) else ann
    if isinstance(node, (ast.Name, ast.Attribute)):
        ref = r.ref(node)
        return isinstance(ref, T.SpecialRef) and ref.what == "ClassVar"
    return False


def _is_self_attr(node, selfname: str) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == selfname


def _flatten_targets(t):
    if isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts:
            yield from _flatten_targets(e)
    elif isinstance(t, ast.Starred):
        yield from _flatten_targets(t.value)
    else:
        yield t


def _target_names(t) -> list:
    return [x.id for x in _flatten_targets(t) if isinstance(x, ast.Name)]


def _literal_strs(node) -> list | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                       for e in node.elts):
        return [e.value for e in node.elts]
    return None


def _literal_type(node) -> T.Type:
    if isinstance(node, ast.Constant):
        v = node.value
        for py, t in ((bool, T.BOOL), (int, T.INT), (float, T.FLOAT), (str, T.STR), (bytes, T.BYTES)):
            if type(v) is py:
                return t
        if v is None:
            return T.NONE
    return T.DYNAMIC


def _stmt_bound_names(stmt) -> list:
    out = []
    for n in ast.walk(stmt):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.append(n.id)
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.append(stmt.name)
    return out


_NESTING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Try, ast.TryStar, ast.With, ast.AsyncWith,
            ast.Match, ast.match_case, ast.ExceptHandler)


class TreeIndex:
    """Facts gathered in one walk over a module (the checker must stay fast):
      counts   name -> how often it is bound at module level; a binding
               inside if/try/for/while/with counts 2 (conditional = dynamic)
      globals  names declared `global` anywhere
      yields   ids of function nodes that contain yield (generators)
      stores   id(function node) -> its Assign/AnnAssign/AugAssign nodes
               (not those of nested functions)"""

    def __init__(self, tree: ast.Module) -> None:
        counts: dict = {}
        globals_: set = set()
        yields: set = set()
        stores: dict = {}
        stack = [(s, None, False, 1) for s in tree.body]
        imports: dict = {}  # name -> set of what top-level, unconditional imports bound it to
        Name, Store, Del = ast.Name, ast.Store, ast.Del
        funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
        while stack:
            n, func, in_class, w = stack.pop()
            t = type(n)
            top = func is None and not in_class
            if t in funcs:
                if top:
                    counts[n.name] = counts.get(n.name, 0) + w
                a = n.args
                for x in n.decorator_list + a.defaults + [d for d in a.kw_defaults if d is not None]:
                    stack.append((x, func, in_class, w))
                stores[id(n)] = []
                for x in n.body:
                    stack.append((x, n, False, w))
                continue
            if t is ast.ClassDef:
                if top:
                    counts[n.name] = counts.get(n.name, 0) + w
                for x in n.bases + [k.value for k in n.keywords] + n.decorator_list:
                    stack.append((x, func, in_class, w))
                for x in n.body:
                    stack.append((x, func, True, w))
                continue
            if t is ast.Lambda:
                stack.append((n.body, n, False, w))
                continue
            if t is Name:
                if top and type(n.ctx) in (Store, Del):
                    counts[n.id] = counts.get(n.id, 0) + w
                continue
            if t is ast.Global:
                globals_.update(n.names)
            elif t is ast.Yield or t is ast.YieldFrom:
                if func is not None:
                    yields.add(id(func))
            elif t is ast.Assign or t is ast.AnnAssign or t is ast.AugAssign:
                if func is not None and type(func) in funcs:
                    stores[id(func)].append(n)
            elif t is ast.Import or t is ast.ImportFrom:
                if top:
                    for al in n.names:
                        if al.name != "*":
                            k = (al.asname or al.name).partition(".")[0]
                            counts[k] = counts.get(k, 0) + w
                            what = (getattr(n, "module", None), getattr(n, "level", 0), al.name)
                            imports.setdefault(k, []).append((w, what))
                continue
            elif t is ast.ExceptHandler and n.name and top:
                counts[n.name] = counts.get(n.name, 0) + 2
            cw = 2 if t in _NESTING else w
            for f in n._fields:
                v = getattr(n, f, None)
                if type(v) is list:
                    for x in v:
                        if isinstance(x, ast.AST):
                            stack.append((x, func, in_class, cw))
                elif isinstance(v, ast.AST):
                    stack.append((v, func, in_class, cw))
        for lst in stores.values():
            lst.sort(key=lambda n: (n.lineno, n.col_offset))
        # `from typing import Optional` twice binds the same thing: one binding
        for k, binds in imports.items():
            if len(binds) > 1 and counts.get(k) == sum(w for w, _ in binds) \
                    and all(w == 1 for w, _ in binds) and len({what for _, what in binds}) == 1:
                counts[k] = 1
        self.counts = counts
        self.globals = globals_
        self.yields = yields
        self.stores = stores


# --- the table of static modules ------------------------------------------------------

class ModuleTable:
    """Finds and caches the declarations of static modules by name.

    ``sources`` (name -> (filename, source)) overrides the file system; used by
    tests and by the CLI for files given on the command line."""

    def __init__(self, sources: dict | None = None) -> None:
        self.sources = dict(sources or {})
        self.cache: dict = {}
        self._in_progress: set = set()

    def locate(self, name: str) -> tuple | None:
        if name in self.sources:
            return self.sources[name]
        if name in ("__static__", "typing", "__future__") or name.startswith("ember."):
            return None
        try:
            spec = _find_spec_without_importing(name)
        except Exception:  # a broken finder or package on sys.path: not static
            return None
        origin = getattr(spec, "origin", None) if spec is not None else None
        if not origin or not origin.endswith(".py") or not os.path.isfile(origin):
            return None
        try:
            with open(origin, "rb") as f:
                data = f.read()
        except OSError:
            return None
        if not looks_static(data):
            return None
        try:
            return origin, data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def get(self, name: str) -> ModuleDecls | None:
        if name in self.cache:
            return self.cache[name]
        if name in self._in_progress:
            return None
        found = self.locate(name)
        if found is None:
            self.cache[name] = None
            return None
        filename, source = found
        try:
            tree = ast.parse(source, filename)
        except (SyntaxError, ValueError):
            self.cache[name] = None
            return None
        if static_marker_index(tree) < 0:
            self.cache[name] = None
            return None
        self._in_progress.add(name)
        try:
            decls = self.collect(name, filename, source, tree)
        except TypedSyntaxError:
            decls = None
        finally:
            self._in_progress.discard(name)
        self.cache[name] = decls
        return decls

    def collect(self, name: str, filename: str, source: str, tree: ast.Module) -> ModuleDecls:
        decls = ModuleDecls(name, filename, tree, source_hash=source_hash(source),
                            lines=source.splitlines())
        self.cache[name] = decls  # visible (partially) to cyclic importers
        return Collector(decls, self).run()


def _find_spec_without_importing(name: str):
    """Like importlib.util.find_spec, but never imports parent packages
    (checking must not run anyone's code): walks the path finder level by
    level using already-imported packages' specs where available."""
    import importlib.machinery
    parts = name.split(".")
    path = None
    spec = None
    for i in range(len(parts)):
        sub = ".".join(parts[:i + 1])
        mod = sys.modules.get(sub)
        spec = getattr(mod, "__spec__", None) if mod is not None else None
        if spec is None:
            spec = importlib.machinery.PathFinder.find_spec(sub, path)
        if spec is None:
            return None
        path = spec.submodule_search_locations
        if i < len(parts) - 1 and path is None:
            return None
    return spec
