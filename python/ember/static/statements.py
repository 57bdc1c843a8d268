"""Typing and lowering of statements (everything but def and class).

Each ``s_<Node>`` returns the list of statements replacing one statement.
Assignments are where types are enforced: a value of a known wrong type is a
compile error; a dynamic value entering a typed local, return value or
argument-less place is wrapped in a run-time check (Cinder's CAST) --
``__ember_rt__.check(spec, value, where)``; typed fields check themselves
(their descriptors are C++ TypedSlots), so stores to them need no wrapper.
``for x in crange(...)`` becomes a loop over ``range`` with ``x: int64``.
"""
from __future__ import annotations

import ast

from . import types as T
from .scope import bi, call, const, copy_loc, rt


class StmtLowering:
    def stmts(self, body: list) -> list:
        out: list = []
        for s in body:
            m = getattr(self, "s_" + type(s).__name__, None)
            new = m(s) if m is not None else self.generic_stmt(s)
            for n in new:
                copy_loc(n, s)
            out.extend(new)
        return out

    def generic_stmt(self, s):
        new = type(s)()
        for name, value in ast.iter_fields(s):
            if isinstance(value, ast.expr):
                value = self.obj_expr(value)[1]
            elif isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                value = self.stmts(value)
            setattr(new, name, value)
        return [new]

    # --- simple statements -------------------------------------------------------------------
    def s_Expr(self, s):
        _, v = self.expr(s.value)
        return [ast.Expr(v)]

    def s_TypeAlias(self, s):
        # `type X = ...` (3.12): evaluated lazily, names only; nothing to type
        return [s]

    def s_Pass(self, s):
        return [ast.Pass()]

    def s_Break(self, s):
        return [ast.Break()]

    def s_Continue(self, s):
        return [ast.Continue()]

    def s_Global(self, s):
        return [ast.Global(list(s.names))]

    def s_Nonlocal(self, s):
        return [ast.Nonlocal(list(s.names))]

    def s_Import(self, s):
        return [ast.Import([ast.alias(a.name, a.asname) for a in s.names])]

    def s_ImportFrom(self, s):
        return [ast.ImportFrom(s.module, [ast.alias(a.name, a.asname) for a in s.names], s.level)]

    def s_Raise(self, s):
        return [ast.Raise(self.obj_expr(s.exc)[1] if s.exc else None,
                          self.obj_expr(s.cause)[1] if s.cause else None)]

    def s_Assert(self, s):
        return [ast.Assert(self.expr(s.test)[1], self.obj_expr(s.msg)[1] if s.msg else None)]

    def s_Delete(self, s):
        targets = []
        for t in s.targets:
            if isinstance(t, ast.Name):
                targets.append(ast.Name(t.id, ast.Del()))
            else:
                targets.append(self.target_expr(t, ast.Del()))
        return [ast.Delete(targets)]

    def s_Return(self, s):
        rtype = self.current_return()
        if s.value is None:
            if rtype is not None and not rtype.is_dynamic and T.assignable(T.NONE, rtype) == "error":
                self.err(s, f"type mismatch: None cannot be returned from a function declared to return "
                            f"{rtype.name}")
            return [ast.Return(None)]
        if rtype is None:
            t, v = self.obj_expr(s.value, "module-level value")
            return [ast.Return(v)]
        t, v = self.expr(s.value, rtype)
        a = T.assignable(t, rtype)
        if a == "error":
            self.err(s.value, f"type mismatch: {t.name} cannot be returned from a function declared to "
                              f"return {rtype.name}")
        if a == "check":
            self.note_check(s, "return", rtype)
            v = self.check_node(rtype, v, f"{self.current_qualname()}() return value")
        return [ast.Return(v)]

    # --- assignment -------------------------------------------------------------------------------
    def s_Assign(self, s: ast.Assign):
        if len(s.targets) == 1:
            tgt = s.targets[0]
            if isinstance(tgt, ast.Name):
                self.check_final_assign(tgt.id, s)
                _, v = self.assign_to_name(tgt.id, s.value, s)
                return [ast.Assign([ast.Name(tgt.id, ast.Store())], v)]
            if isinstance(tgt, ast.Attribute):
                return [self.store_attr(tgt, s.value, s)]
            if isinstance(tgt, ast.Subscript):
                return [self.store_subscript(tgt, s.value, s)]
        # several targets or unpacking: the value is an object; typed names are checked after
        _, v = self.obj_expr(s.value, "assigned value")
        targets = [self.target_expr(t) for t in s.targets]
        out = [ast.Assign(targets, v)]
        for t in s.targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                    self.check_final_assign(n.id, s)
                    out.extend(self.recheck_name(n.id, s))
        return out

    def s_AnnAssign(self, s: ast.AnnAssign):
        tgt = s.target
        if isinstance(tgt, ast.Name):
            scope = self.scope.function_scope()
            t, is_final = self.resolver.resolve_final(s.annotation)
            if scope.kind in ("module", "class"):
                if t.is_prim and scope.kind == "module":
                    self.err(s, f"primitive {t.name} cannot be a module-level variable")
                if s.value is None:
                    return [ast.AnnAssign(ast.Name(tgt.id, ast.Store()), s.annotation, None, s.simple)]
                if not is_final:
                    self.check_final_assign(tgt.id, s)
                want = t if not t.is_dynamic else None
                vt, v = self.expr(s.value, want)
                if vt.is_prim and scope.kind == "module":
                    self.err(s.value, "a primitive cannot be stored in a module-level variable")
                if want is not None:
                    a = T.assignable(vt, t)
                    if a == "error":
                        self.err(s.value, f"type mismatch: {vt.name} cannot be assigned to {t.name}")
                    if a == "check" and not t.is_prim:
                        v = self.check_node(t, v, f"'{tgt.id}'")
                return [ast.AnnAssign(ast.Name(tgt.id, ast.Store()), s.annotation, v, s.simple)]
            name = tgt.id
            if is_final:
                self.err(s, "Final is only allowed for module and class attributes")
            prev = scope.types.get(name)
            if prev is not None and prev != t and name in scope.annotated:
                self.err(s, f"local '{name}' redeclared as {t.name}, previously {prev.name}")
            scope.types[name] = t
            scope.annotated.add(name)
            self.note_local(name, t)
            if s.value is None:
                return []
            _, v = self.assign_to_name(name, s.value, s)
            return [ast.Assign([ast.Name(name, ast.Store())], v)]
        if isinstance(tgt, ast.Attribute):
            if s.value is None:
                return []
            return [self.store_attr(tgt, s.value, s)]
        if isinstance(tgt, ast.Subscript):
            if s.value is None:
                return []
            return [self.store_subscript(tgt, s.value, s)]
        return self.generic_stmt(s)

    def s_AugAssign(self, s: ast.AugAssign):
        tgt = s.target
        binop = ast.BinOp(copy_loc(_as_load(tgt), tgt), s.op, s.value)
        copy_loc(binop, s)
        if isinstance(tgt, ast.Name):
            self.check_final_assign(tgt.id, s)
            t = self.name_type(tgt.id, tgt)
            if t.is_prim or self.name_declared_typed(tgt.id):
                _, v = self.assign_to_name(tgt.id, binop, s)
                return [ast.Assign([ast.Name(tgt.id, ast.Store())], v)]
            _, v = self.obj_expr(s.value, "operand")
            return [ast.AugAssign(ast.Name(tgt.id, ast.Store()), s.op, v)]
        if isinstance(tgt, ast.Attribute):
            # evaluate the receiver once: bind it to a temporary when it is not a name
            if isinstance(tgt.value, ast.Name):
                return [self.store_attr(tgt, binop, s)]
            tmp = self.temp_name()
            pre = ast.Assign([ast.Name(tmp, ast.Store())], self.obj_expr(tgt.value)[1])
            self.declare_temp(tmp, self.expr(tgt.value)[0])
            new_tgt = copy_loc(ast.Attribute(ast.Name(tmp, ast.Load()), tgt.attr, ast.Store()), tgt)
            new_bin = copy_loc(ast.BinOp(copy_loc(ast.Attribute(ast.Name(tmp, ast.Load()), tgt.attr, ast.Load()),
                                                  tgt), s.op, s.value), s)
            return [pre, self.store_attr(new_tgt, new_bin, s)]
        if isinstance(tgt, ast.Subscript):
            vt, _ = self.expr(tgt.value)
            if isinstance(vt, T.ClassType) and vt.key in ("__static__.Array", "__static__.CheckedList",
                                                          "__static__.CheckedDict") \
                    and isinstance(tgt.value, ast.Name) and self._simple_index(tgt.slice):
                return [self.store_subscript(tgt, binop, s)]
            _, v = self.obj_expr(s.value, "operand")
            return [ast.AugAssign(self.target_expr(tgt), s.op, v)]
        return self.generic_stmt(s)

    def _simple_index(self, node) -> bool:
        return isinstance(node, (ast.Name, ast.Constant))

    def store_attr(self, tgt: ast.Attribute, value: ast.expr, s):
        bt, bn = self.expr(tgt.value)
        attr = tgt.attr
        if bt.is_prim:
            self.err(tgt, f"primitive {bt.name} has no attribute '{attr}'")
        want = None
        where = None
        if isinstance(bt, T.OptionalType):
            bt = bt.inner  # None has no attributes: the store raises AttributeError at run time
        info = bt.info if isinstance(bt, T.ClassType) else None
        if isinstance(bt, T.ClassRef) and bt.instance.info is not None:
            found = bt.instance.info.lookup(attr)
            if found and found[0] == "final":
                self.err(tgt, f"cannot assign to Final attribute '{attr}' of '{bt.instance.info.qualname}'")
        if info is not None:
            found = info.lookup(attr)
            if found is None:
                if not (info.open_attrs or attr in ("__class__",) or self.subclass_defines(info, attr)):
                    self.err(tgt, f"attribute '{attr}' not found on static class '{info.qualname}'")
            else:
                kind, what, owner = found
                if kind == "field":
                    want = what.type
                    where = f"{owner.qualname}.{attr}"
                elif kind == "final":
                    self.err(tgt, f"cannot assign to Final attribute '{attr}' of '{owner.qualname}'")
                elif kind == "method" and not info.open_attrs:
                    self.err(tgt, f"cannot assign to method '{attr}' of static class '{owner.qualname}'")
        if want is not None and not want.is_dynamic:
            vt, v = self.expr(value, want)
            a = T.assignable(vt, want)
            if a == "error":
                self.err(value, f"type mismatch: {vt.name} cannot be assigned to field '{where}' of type "
                                f"{want.name}")
            self.note_field_store(s, where, a == "ok")
        else:
            vt, v = self.obj_expr(value, "value stored in an attribute")
        return ast.Assign([ast.Attribute(bn, attr, ast.Store())], v)

    def store_subscript(self, tgt: ast.Subscript, value: ast.expr, s):
        vt, vn = self.expr(tgt.value)
        if vt.is_prim:
            self.err(tgt, f"primitive {vt.name} does not support item assignment")
        if isinstance(vt, T.ClassType) and vt.key == "__static__.Array" and not isinstance(tgt.slice, ast.Slice):
            _, idx = self.index_expr(tgt.slice)
            et = vt.args[0]
            t, v = self.expr(value, et)
            if t != et:
                self.err(value, f"type mismatch: {t.name} cannot be stored in {vt.name}")
            return ast.Assign([ast.Subscript(vn, idx, ast.Store())], v)
        if isinstance(vt, T.ClassType) and vt.key == "__static__.CheckedList" and not isinstance(tgt.slice, ast.Slice):
            _, idx = self.index_expr(tgt.slice)
            t, v = self.obj_expr(value, "list element")
            if T.assignable(t, vt.args[0]) == "error":
                self.err(value, f"type mismatch: {t.name} cannot be stored in {vt.name}")
            return ast.Assign([ast.Subscript(vn, idx, ast.Store())], v)
        if isinstance(vt, T.ClassType) and vt.key == "__static__.CheckedDict":
            kt, kn = self.obj_expr(tgt.slice, "dict key")
            if T.assignable(kt, vt.args[0]) == "error":
                self.err(tgt.slice, f"type mismatch: {kt.name} cannot be used as a key of {vt.name}")
            t, v = self.obj_expr(value, "dict value")
            if T.assignable(t, vt.args[1]) == "error":
                self.err(value, f"type mismatch: {t.name} cannot be stored as a value of {vt.name}")
            return ast.Assign([ast.Subscript(vn, kn, ast.Store())], v)
        _, idx = self.index_expr(tgt.slice)
        _, v = self.obj_expr(value, "stored value")
        return ast.Assign([ast.Subscript(vn, idx, ast.Store())], v)

    def target_expr(self, t, ctx=None):
        """Lower an assignment target without type checks (values are dynamic)."""
        ctx = ctx or ast.Store()
        if isinstance(t, ast.Name):
            fs = self.scope.function_scope()
            if fs.kind == "function" and fs.types.get(t.id, T.DYNAMIC).is_prim and self.scope.kind != "comp":
                self.err(t, f"cannot unpack or iterate into primitive local '{t.id}'")
            if self.scope.kind in ("function", "lambda") and t.id not in self.scope.types:
                self.scope.types[t.id] = T.DYNAMIC
            return ast.Name(t.id, ctx)
        if isinstance(t, ast.Attribute):
            bt, bn = self.expr(t.value)
            if isinstance(bt, T.ClassType) and bt.info is not None and isinstance(ctx, ast.Store):
                found = bt.info.lookup(t.attr)
                if found is None and not bt.info.open_attrs and not self.subclass_defines(bt.info, t.attr):
                    self.err(t, f"attribute '{t.attr}' not found on static class '{bt.info.qualname}'")
                if found and found[0] == "field" and found[1].type.is_prim:
                    self.err(t, f"cannot unpack into primitive field '{t.attr}'")
            return ast.Attribute(bn, t.attr, ctx)
        if isinstance(t, ast.Subscript):
            _, vn = self.obj_expr(t.value)
            return ast.Subscript(vn, self.index_expr(t.slice)[1], ctx)
        if isinstance(t, ast.Starred):
            return ast.Starred(self.target_expr(t.value, ctx), ctx)
        if isinstance(t, (ast.Tuple, ast.List)):
            return type(t)([self.target_expr(e, ctx) for e in t.elts], ctx)
        return self.obj_expr(t)[1]

    # --- control flow ---------------------------------------------------------------------------
    def s_If(self, s):
        return [ast.If(self.expr(s.test)[1], self.stmts(s.body), self.stmts(s.orelse))]

    def s_While(self, s):
        return [ast.While(self.expr(s.test)[1], self.stmts(s.body), self.stmts(s.orelse))]

    def s_For(self, s, node_type=ast.For):
        it = s.iter
        if isinstance(it, ast.Call) and node_type is ast.For:
            ft, _ = self.expr(it.func)
            if isinstance(ft, T.SpecialRef) and ft.what == "crange":
                return self.crange_loop(s)
        itype, inode = self.obj_expr(it, "iterable")
        if isinstance(itype, T.ClassType) and itype.key in ("__static__.Array", "__static__.CheckedList") \
                and isinstance(s.target, ast.Name) and not itype.args[0].is_dynamic:
            et = itype.args[0]
            self.declare_loop_var(s.target, et)
            return [node_type(ast.Name(s.target.id, ast.Store()), inode, self.stmts(s.body),
                              self.stmts(s.orelse))]
        target = self.target_expr(s.target)
        prologue = []
        for n in ast.walk(s.target):
            if isinstance(n, ast.Name):
                self.check_final_assign(n.id, s)
                prologue.extend(self.recheck_name(n.id, s))
        return [node_type(target, inode, prologue + self.stmts(s.body), self.stmts(s.orelse))]

    def s_AsyncFor(self, s):
        return self.s_For(s, ast.AsyncFor)

    def crange_loop(self, s):
        c = s.iter
        if c.keywords or not 1 <= len(c.args) <= 3:
            self.err(c, "crange() takes 1 to 3 positional arguments")
        args = []
        for a in c.args:
            t, n = self.expr(a, T.INT64)
            if t != T.INT64:
                self.err(a, f"type mismatch: crange() arguments must be int64, found {t.name}")
            args.append(n)
        if not isinstance(s.target, ast.Name):
            self.err(s.target, "the target of a crange() loop must be a simple name")
        self.declare_loop_var(s.target, T.INT64)
        return [ast.For(ast.Name(s.target.id, ast.Store()), call(bi("range"), *args), self.stmts(s.body),
                        self.stmts(s.orelse))]

    def declare_loop_var(self, target: ast.Name, t: T.Type):
        scope = self.scope.function_scope()
        if scope.kind != "function":
            if t.is_prim:
                self.err(target, "primitive loops must be inside a function")
            return
        prev = scope.types.get(target.id)
        if prev is not None and prev != t and (prev.is_prim or target.id in scope.annotated):
            self.err(target, f"type mismatch: {t.name} cannot be assigned to {prev.name}")
        if prev is None:
            scope.types[target.id] = t
            self.note_local(target.id, t)

    def s_With(self, s, node_type=ast.With):
        items = []
        for it in s.items:
            _, ce = self.obj_expr(it.context_expr, "context manager")
            items.append(ast.withitem(ce, self.target_expr(it.optional_vars) if it.optional_vars else None))
        return [node_type(items, self.stmts(s.body))]

    def s_AsyncWith(self, s):
        return self.s_With(s, ast.AsyncWith)

    def s_Try(self, s, node_type=ast.Try):
        handlers = []
        for h in s.handlers:
            if h.name:
                fs = self.scope.function_scope()
                if fs.kind == "function" and h.name not in fs.types:
                    fs.types[h.name] = T.DYNAMIC
            handlers.append(ast.ExceptHandler(self.obj_expr(h.type)[1] if h.type else None, h.name,
                                              self.stmts(h.body)))
            copy_loc(handlers[-1], h)
        return [node_type(self.stmts(s.body), handlers, self.stmts(s.orelse), self.stmts(s.finalbody))]

    def s_TryStar(self, s):
        return self.s_Try(s, ast.TryStar)

    def s_Match(self, s):
        _, subject = self.obj_expr(s.subject, "match subject")
        cases = []
        for c in s.cases:
            for n in ast.walk(c.pattern):
                name = getattr(n, "name", None) or getattr(n, "rest", None)
                if isinstance(name, str):
                    fs = self.scope.function_scope()
                    if fs.kind == "function":
                        if fs.types.get(name, T.DYNAMIC).is_prim:
                            self.err(n, f"a match pattern cannot bind primitive local '{name}'")
                        fs.types.setdefault(name, T.DYNAMIC)
            guard = self.expr(c.guard)[1] if c.guard is not None else None
            cases.append(ast.match_case(c.pattern, guard, self.stmts(c.body)))
        return [ast.Match(subject, cases)]


def _as_load(t):
    if isinstance(t, ast.Name):
        return ast.Name(t.id, ast.Load())
    if isinstance(t, ast.Attribute):
        return ast.Attribute(t.value, t.attr, ast.Load())
    if isinstance(t, ast.Subscript):
        return ast.Subscript(t.value, t.slice, ast.Load())
    return t
