"""Typing and lowering of expressions.

``ExprLowering.expr(node, expected)`` returns ``(type, new_node)``: the type
the checker proved for the expression and the AST that computes it in the
plain interpreter. ``expected`` is the type the context wants; it only
influences literals (an int literal becomes a primitive when a primitive is
wanted, after checking it fits) -- assignability is checked by the caller.

Lowering rules (the interpreter semantics of Static Python):
  * primitive values are Python ints (float for double, bool for cbool)
    always within range; every integer operation that could leave the range
    is a call to ember._static (``int32_add``...), whose C++ templates are the
    one definition of the arithmetic (primitives.h);
  * ``box(p)`` is the value itself; ``unbox(o)``/``int8(o)`` are checked
    conversions; ``int8(p)`` of another primitive wraps;
  * a primitive may not flow where an object is expected (dynamic calls,
    containers, attributes of dynamic objects): compile error.
"""
from __future__ import annotations

import ast
import copy

from . import types as T
from .declarations import FunctionInfo, TypeResolver, special_member
from .scope import bi, call, const, copy_loc, rt

BIN_OPS = {ast.Add: ("add", "+"), ast.Sub: ("sub", "-"), ast.Mult: ("mul", "*"),
           ast.FloorDiv: ("floordiv", "//"), ast.Mod: ("mod", "%"), ast.LShift: ("lshift", "<<"),
           ast.RShift: ("rshift", ">>"), ast.BitAnd: ("and", "&"), ast.BitOr: ("or", "|"),
           ast.BitXor: ("xor", "^"), ast.Div: ("truediv", "/"), ast.Pow: ("pow", "**"),
           ast.MatMult: ("matmul", "@")}

BUILTIN_RESULTS = {
    "len": T.INT, "isinstance": T.BOOL, "issubclass": T.BOOL, "repr": T.STR, "hash": T.INT,
    "ord": T.INT, "chr": T.STR, "callable": T.BOOL, "id": T.INT, "print": T.NONE, "format": T.STR,
    "sorted": T.LIST, "hex": T.STR, "oct": T.STR, "bin": T.STR, "ascii": T.STR, "any": T.BOOL,
    "all": T.BOOL, "hasattr": T.BOOL,
}

OBJECT_ATTRS = set(dir(object)) | {"__dict__", "__weakref__", "__module__", "__slots__", "__annotations__",
                                   "__ember_layout__", "__qualname__", "__name__", "__mro__", "__bases__"}

_SPECIAL_CALLS = {"box", "unbox", "cast", "clen", "crange"}


def _container_method_result(t: T.ClassType, attr: str):
    """Result types of the checked containers' methods the checker knows."""
    if t.key == "__static__.CheckedList":
        return {"pop": t.args[0], "copy": t, "index": T.INT, "count": T.INT, "append": T.NONE,
                "insert": T.NONE, "extend": T.NONE, "clear": T.NONE, "reverse": T.NONE, "sort": T.NONE,
                "remove": T.NONE}.get(attr)
    return {"pop": t.args[1], "setdefault": t.args[1], "copy": t, "update": T.NONE,
            "clear": T.NONE}.get(attr)


class ExprLowering:
    """Mixin: needs self.decls, self.scope, self.err(node, msg), self.resolver,
    self.meta (current function metadata or None), self.inline_cache."""

    resolver: TypeResolver

    # --- entry --------------------------------------------------------------------
    def expr(self, node: ast.expr, expected: T.Type | None = None):
        m = getattr(self, "e_" + type(node).__name__, None)
        if m is None:
            return self.generic_expr(node)
        t, new = m(node, expected)
        return t, copy_loc(new, node)

    def obj_expr(self, node: ast.expr, what: str = "value"):
        """An expression used where an object is required."""
        t, new = self.expr(node)
        if t.is_prim:
            self.err(node, f"{what} cannot be a primitive ({t.name}); box() it first")
        return t, new

    def generic_expr(self, node: ast.expr):
        """Any expression without special typing: lower children, which must
        be objects; the result is dynamic."""
        new = copy.copy(node)
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                setattr(new, name, self.obj_expr(value)[1])
            elif isinstance(value, list):
                setattr(new, name, [self.obj_expr(v)[1] if isinstance(v, ast.expr) else v for v in value])
        return T.DYNAMIC, new

    # --- leaves -------------------------------------------------------------------------
    def e_Constant(self, node: ast.Constant, expected):
        v = node.value
        if isinstance(expected, T.PrimType) and type(v) in (int, float, bool):
            return self.prim_literal(node, v, expected)
        if v is None:
            return T.NONE, node
        for py, t in ((bool, T.BOOL), (int, T.INT), (float, T.FLOAT), (str, T.STR), (bytes, T.BYTES),
                      (complex, T.COMPLEX)):
            if type(v) is py:
                return t, node
        return T.DYNAMIC, node

    def prim_literal(self, node, v, expected: T.PrimType):
        if expected.name == "double":
            if type(v) is bool:
                self.err(node, f"type mismatch: bool cannot be assigned to double")
            return expected, const(float(v))
        if expected.name == "cbool":
            if type(v) is not bool:
                self.err(node, f"type mismatch: {type(v).__name__} literal cannot be assigned to cbool")
            return expected, const(v)
        if type(v) is not int:
            self.err(node, f"type mismatch: {type(v).__name__} literal cannot be assigned to {expected.name}")
        if not expected.fits(v):
            self.err(node, f"literal {v} does not fit in {expected.name} "
                           f"(range {expected.min}..{expected.max})")
        return expected, const(v)

    def e_Name(self, node: ast.Name, expected):
        if isinstance(expected, T.PrimType):
            v = self.final_constant(node.id)
            if v is not None:
                return self.prim_literal(node, v, expected)
        return self.name_type(node.id, node), ast.Name(node.id, ast.Load())

    def final_constant(self, name: str):
        """The literal value of a module-level `NAME: Final = <number>`, which
        (like a literal) may be used where a primitive is expected."""
        stmt = self.decls.finals.get(name)
        if stmt is None or not self.name_is_global(name):
            return None
        v = stmt.value
        if isinstance(v, ast.UnaryOp) and isinstance(v.op, ast.USub) and isinstance(v.operand, ast.Constant) \
                and type(v.operand.value) in (int, float):
            return -v.operand.value
        if isinstance(v, ast.Constant) and type(v.value) in (int, float, bool):
            return v.value
        return None

    def e_JoinedStr(self, node, expected):
        values = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                _, inner = self.expr(v.value)  # primitives format as their value
                fs = self.expr(v.format_spec)[1] if v.format_spec is not None else None
                values.append(ast.FormattedValue(inner, v.conversion, fs))
            else:
                values.append(v)
        return T.STR, ast.JoinedStr(values)

    # --- containers -----------------------------------------------------------------------
    def _elts(self, elts, what):
        out = []
        for e in elts:
            if isinstance(e, ast.Starred):
                out.append(ast.Starred(self.obj_expr(e.value, f"{what} element")[1], ast.Load()))
            else:
                out.append(self.obj_expr(e, f"{what} element")[1])
        return out

    def e_Tuple(self, node, expected):
        return T.TUPLE, ast.Tuple(self._elts(node.elts, "tuple"), ast.Load())

    def _checked_target(self, expected, key: str):
        """The checked container type a display should build (Cinder: a list
        display where a CheckedList[T] is expected builds one)."""
        if isinstance(expected, T.OptionalType):
            expected = expected.inner
        if isinstance(expected, T.ClassType) and expected.key == key:
            return expected
        return None

    def _check_elements(self, nodes, elem_t, what, container):
        for n in nodes:
            if isinstance(n, ast.Starred):
                continue
            t, _ = self.expr(n)
            if T.assignable(t, elem_t) == "error":
                self.err(n, f"type mismatch: {t.name} cannot be stored in {container.name}")

    def e_List(self, node, expected):
        target = self._checked_target(expected, "__static__.CheckedList")
        if target is not None:
            self._check_elements(node.elts, target.args[0], "list element", target)
            lst = ast.List(self._elts(node.elts, "list"), ast.Load())
            return target, call(self.type_expr(target), lst)
        return T.LIST, ast.List(self._elts(node.elts, "list"), ast.Load())

    def e_Set(self, node, expected):
        return T.SET, ast.Set(self._elts(node.elts, "set"))

    def e_Dict(self, node, expected):
        target = self._checked_target(expected, "__static__.CheckedDict")
        if target is not None:
            self._check_elements([k for k in node.keys if k is not None], target.args[0], "dict key", target)
            self._check_elements([v for k, v in zip(node.keys, node.values) if k is not None], target.args[1],
                                 "dict value", target)
        keys = [self.obj_expr(k, "dict key")[1] if k is not None else None for k in node.keys]
        values = [self.obj_expr(v, "dict value")[1] for v in node.values]
        if target is not None:
            return target, call(self.type_expr(target), ast.Dict(keys, values))
        return T.DICT, ast.Dict(keys, values)

    # --- operators --------------------------------------------------------------------------
    def _is_int_literal(self, node) -> bool:
        if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
            return True
        if isinstance(node, ast.Name) and self.final_constant(node.id) is not None:
            return True
        return isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Invert)) \
            and self._is_int_literal(node.operand)

    def _operands(self, left, right, expected=None):
        """Type two operands, letting a literal adopt the other side's primitive type."""
        want = expected if isinstance(expected, T.PrimType) and self._is_int_literal(left) \
            and self._is_int_literal(right) else None
        lt, ln = self.expr(left, want)
        rt_, rn = self.expr(right, lt if lt.is_prim else want)
        if rt_.is_prim and not lt.is_prim and self._is_int_literal(left):
            lt, ln = self.expr(left, rt_)
        return lt, ln, rt_, rn

    def e_BinOp(self, node: ast.BinOp, expected):
        opname, sym = BIN_OPS[type(node.op)]
        lt, ln, rtt, rn = self._operands(node.left, node.right, expected)
        if lt.is_prim or rtt.is_prim:
            return self.prim_binop(node, opname, sym, lt, ln, rtt, rn)
        return self.object_binop_type(node.op, lt, rtt), ast.BinOp(ln, node.op, rn)

    def prim_binop(self, node, opname, sym, lt, ln, rtt, rn):
        if not (lt.is_prim and rtt.is_prim):
            p, o = (lt, rtt) if lt.is_prim else (rtt, lt)
            self.err(node, f"cannot mix primitive {p.name} and object {o.name} in '{sym}' "
                           f"(use box() or unbox())")
        if lt != rtt:
            self.err(node, f"mixed primitive types in '{sym}': {lt.name} and {rtt.name} "
                           f"(convert one explicitly, e.g. {lt.name}(x))")
        t: T.PrimType = lt
        if t.name == "cbool":
            self.err(node, f"operator '{sym}' is not supported for cbool")
        if t.name == "double":
            if opname in ("lshift", "rshift", "and", "or", "xor", "matmul"):
                self.err(node, f"operator '{sym}' is not supported for double")
            if opname == "pow":
                # float ** float may be complex (negative base): keep the
                # result a double by going through the checked unbox
                return t, call(rt("double_unbox"), ast.BinOp(ln, ast.Pow(), rn))
            return t, ast.BinOp(ln, {"add": ast.Add, "sub": ast.Sub, "mul": ast.Mult, "truediv": ast.Div,
                                     "floordiv": ast.FloorDiv, "mod": ast.Mod}[opname](), rn)
        if opname == "truediv":
            opname = "floordiv"  # as in Cinder: `/` on integer primitives is C division
        if opname == "pow":
            # as in Cinder: integer ** integer is a double
            self.note_prim_op(node, "double_pow")
            return T.DOUBLE, call(rt("double_unbox"), ast.BinOp(call(bi("float"), ln), ast.Pow(),
                                                                call(bi("float"), rn)))
        if opname == "matmul":
            self.err(node, f"operator '{sym}' is not supported for primitive {t.name}")
        self.note_prim_op(node, f"{t.name}_{opname}")
        return t, call(rt(f"{t.name}_{opname}"), ln, rn)

    def object_binop_type(self, op, lt: T.Type, rtt: T.Type) -> T.Type:
        nums = (T.INT, T.BOOL)
        if isinstance(op, ast.Div) and lt in nums + (T.FLOAT,) and rtt in nums + (T.FLOAT,):
            return T.FLOAT
        if isinstance(op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
            if lt in nums and rtt in nums:
                return T.INT
            if lt in nums + (T.FLOAT,) and rtt in nums + (T.FLOAT,):
                return T.FLOAT
        if isinstance(op, (ast.BitAnd, ast.BitOr, ast.BitXor, ast.LShift, ast.RShift)) \
                and lt in nums and rtt in nums:
            return T.BOOL if lt == rtt == T.BOOL and not isinstance(op, (ast.LShift, ast.RShift)) else T.INT
        if isinstance(op, ast.Add) and lt == rtt and (lt in (T.STR, T.BYTES, T.LIST, T.TUPLE) or (
                isinstance(lt, T.ClassType) and lt.key in ("__static__.Array", "__static__.CheckedList"))):
            return lt
        if isinstance(op, ast.Mod) and lt == T.STR:
            return T.STR
        return T.DYNAMIC

    def e_UnaryOp(self, node: ast.UnaryOp, expected):
        if isinstance(node.op, ast.Not):
            t, n = self.expr(node.operand)
            return (T.CBOOL if t == T.CBOOL else T.BOOL), ast.UnaryOp(ast.Not(), n)
        if isinstance(expected, T.PrimType) and isinstance(node.operand, ast.Constant) \
                and type(node.operand.value) in (int, float) and not isinstance(node.op, ast.Invert):
            v = node.operand.value
            v = -v if isinstance(node.op, ast.USub) else v
            return self.prim_literal(node, v, expected)
        t, n = self.expr(node.operand, expected)
        if t.is_prim:
            if t.name == "cbool":
                self.err(node, "unary arithmetic is not supported for cbool")
            if isinstance(node.op, ast.UAdd):
                return t, n
            if t.name == "double":
                if isinstance(node.op, ast.Invert):
                    self.err(node, "operator '~' is not supported for double")
                return t, ast.UnaryOp(ast.USub(), n)
            opn = "neg" if isinstance(node.op, ast.USub) else "invert"
            self.note_prim_op(node, f"{t.name}_{opn}")
            return t, call(rt(f"{t.name}_{opn}"), n)
        rt_ = T.INT if t in (T.INT, T.BOOL) else (T.FLOAT if t == T.FLOAT else T.DYNAMIC)
        return rt_, ast.UnaryOp(node.op, n)

    def e_BoolOp(self, node: ast.BoolOp, expected):
        types, nodes = [], []
        for v in node.values:
            t, n = self.expr(v, expected)
            types.append(t)
            nodes.append(n)
        if any(t.is_prim for t in types):
            if all(t == T.CBOOL or not t.is_prim for t in types) and not all(t == T.CBOOL for t in types):
                # a cbool is a bool at run time, so mixing it with objects only
                # yields an object (`x is None or a < b`)
                return (T.BOOL if all(t in (T.CBOOL, T.BOOL) for t in types) else T.DYNAMIC), \
                    ast.BoolOp(node.op, nodes)
            if not all(t == types[0] for t in types):
                self.err(node, "cannot mix " + " and ".join(sorted({t.name for t in types}))
                         + " in a boolean operation")
            return types[0], ast.BoolOp(node.op, nodes)
        result = types[0]
        for t in types[1:]:
            result = T.join(result, t)
        return result, ast.BoolOp(node.op, nodes)

    def e_Compare(self, node: ast.Compare, expected):
        operands = [node.left] + list(node.comparators)
        types, nodes = [], []
        lt, ln = self.expr(operands[0])
        types.append(lt)
        nodes.append(ln)
        for i, (op, right) in enumerate(zip(node.ops, node.comparators)):
            prev_t, prev_node = types[-1], operands[i]
            rt_, rn = self.expr(right, prev_t if prev_t.is_prim else None)
            if rt_.is_prim and not prev_t.is_prim and self._is_int_literal(prev_node):
                prev_t, pn = self.expr(prev_node, rt_)
                types[-1], nodes[-1] = prev_t, pn
            if prev_t.is_prim or rt_.is_prim:
                sym = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
                       ast.GtE: ">="}.get(type(op))
                if sym is None:
                    self.err(node, "'is' / 'in' cannot be used with primitives; box() first")
                if not (prev_t.is_prim and rt_.is_prim):
                    p, o = (prev_t, rt_) if prev_t.is_prim else (rt_, prev_t)
                    self.err(node, f"cannot mix primitive {p.name} and object {o.name} in '{sym}' "
                                   f"(use box() or unbox())")
                if prev_t != rt_:
                    self.err(node, f"mixed primitive types in '{sym}': {prev_t.name} and {rt_.name} "
                                   f"(convert one explicitly)")
            types.append(rt_)
            nodes.append(rn)
        new = ast.Compare(nodes[0], list(node.ops), nodes[1:])
        if all(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops):
            return T.BOOL, new
        return (T.CBOOL if types[0].is_prim else T.BOOL if all(
            t in (T.INT, T.BOOL, T.FLOAT, T.STR) for t in types) else T.DYNAMIC), new

    def e_IfExp(self, node: ast.IfExp, expected):
        _, test = self.expr(node.test)
        bt, bn = self.expr(node.body, expected)
        ot, on = self.expr(node.orelse, bt if bt.is_prim else expected)
        if bt.is_prim != ot.is_prim or (bt.is_prim and bt != ot):
            if ot.is_prim and not bt.is_prim and self._is_int_literal(node.body):
                bt, bn = self.expr(node.body, ot)
            else:
                self.err(node, f"conditional expression mixes {bt.name} and {ot.name}")
        return (bt if bt.is_prim else T.join(bt, ot)), ast.IfExp(test, bn, on)

    def e_NamedExpr(self, node: ast.NamedExpr, expected):
        name = node.target.id
        t, v = self.assign_to_name(name, node.value, node)
        return t, ast.NamedExpr(ast.Name(name, ast.Store()), v)

    # --- attributes and subscripts -----------------------------------------------------------
    def e_Attribute(self, node: ast.Attribute, expected):
        if isinstance(node.value, (ast.Name, ast.Attribute)):
            r = self.resolver.ref(node) if isinstance(node.value, ast.Name) and \
                self.name_is_global(node.value.id) else None
            if isinstance(r, T.SpecialRef):
                return r, ast.Attribute(self.expr(node.value)[1], node.attr, ast.Load())
        bt, bn = self.expr(node.value)
        return self.attribute_type(node, bt, node.attr), ast.Attribute(bn, node.attr, ast.Load())

    def attribute_type(self, node, bt: T.Type, attr: str) -> T.Type:
        if bt.is_prim:
            self.err(node, f"primitive {bt.name} has no attribute '{attr}' (box() it first)")
        if isinstance(bt, T.OptionalType):
            bt = bt.inner
        if isinstance(bt, T.ClassType) and bt.info is not None:
            info = bt.info
            if any(c.is_metaclass for c in info.mro()):
                return T.DYNAMIC
            found = info.lookup(attr)
            if found is None:
                if info.open_attrs or attr in OBJECT_ATTRS or self.subclass_defines(info, attr):
                    return T.DYNAMIC
                self.err(node, f"attribute '{attr}' not found on static class '{info.qualname}'")
            kind, what, owner = found
            if kind == "field":
                return what.type
            if kind == "method":
                fi: FunctionInfo = what
                if fi.other_decorators:
                    return T.DYNAMIC
                if fi.kind == "property":
                    return fi.visible_return
                if fi.kind == "staticmethod":
                    return T.FunctionRef(fi)
                return T.BoundMethodRef(fi, bt)
            return what if isinstance(what, T.Type) and not what.is_prim else T.DYNAMIC
        if isinstance(bt, T.ClassType) and bt.key in ("__static__.CheckedList", "__static__.CheckedDict"):
            result = _container_method_result(bt, attr)
            return T.BuiltinFuncRef(f"{bt.name}.{attr}", result) if result is not None else T.DYNAMIC
        if isinstance(bt, T.ModuleRef):
            r = bt.decls.bindings.get(attr)
            return r if r is not None else T.DYNAMIC
        if isinstance(bt, T.ClassRef) and bt.instance.info is not None:
            found = bt.instance.info.lookup(attr)
            if found and found[0] == "method" and not found[1].other_decorators:
                fi = found[1]
                if fi.kind == "classmethod":
                    return T.BoundMethodRef(fi, bt)
                if fi.kind in ("method", "staticmethod"):
                    return T.FunctionRef(fi)
            if found and found[0] == "final":
                return found[1] if not found[1].is_prim else T.DYNAMIC
            return T.DYNAMIC
        if isinstance(bt, T.SpecialRef) and bt.what.startswith("module:"):
            return special_member(bt.what, attr) or T.DYNAMIC
        return T.DYNAMIC

    def subclass_defines(self, info, attr: str) -> bool:
        """Whether a static subclass (in this module or the class's own) has
        `attr`: the base then uses it as an abstract member (Cinder accepts
        this; the access is dynamic). A misspelling found nowhere is an error."""
        if info.final:
            return False
        pools = [self.decls.classes.values()]
        own = self.table.cache.get(info.module)
        if own is not None and own is not self.decls:
            pools.append(own.classes.values())
        for pool in pools:
            for other in pool:
                if other is not info and info in other.mro() and other.lookup(attr) is not None:
                    return True
        return False

    def e_Subscript(self, node: ast.Subscript, expected):
        # A type application in an expression: CheckedDict[int, str], Array[int64], ...
        if isinstance(node.value, (ast.Name, ast.Attribute)):
            r = self.resolver.ref(node.value) if self._is_static_ref_expr(node.value) else None
            if isinstance(r, T.SpecialRef) and r.what in ("CheckedDict", "CheckedList", "Array"):
                t = self.resolver.resolve(node)
                if isinstance(t, T.ClassType):
                    return T.ClassRef(t), node
                return T.DYNAMIC, node
        vt, vn = self.expr(node.value)
        if vt.is_prim:
            self.err(node, f"primitive {vt.name} is not subscriptable")
        if isinstance(vt, T.ClassType) and vt.key == "__static__.Array":
            it, inode = self.index_expr(node.slice)
            if isinstance(node.slice, ast.Slice):
                return vt, ast.Subscript(vn, inode, ast.Load())  # a slice is a new Array
            return vt.args[0], ast.Subscript(vn, inode, ast.Load())
        if isinstance(vt, T.ClassType) and vt.key == "__static__.CheckedList" and not isinstance(node.slice, ast.Slice):
            _, inode = self.index_expr(node.slice)
            return vt.args[0], ast.Subscript(vn, inode, ast.Load())
        if isinstance(vt, T.ClassType) and vt.key == "__static__.CheckedDict":
            kt, kn = self.obj_expr(node.slice, "dict key")
            if T.assignable(kt, vt.args[0]) == "error":
                self.err(node.slice, f"type mismatch: {kt.name} cannot be used as a key of {vt.name}")
            return vt.args[1], ast.Subscript(vn, kn, ast.Load())
        _, inode = self.index_expr(node.slice)
        rt_ = vt if isinstance(node.slice, ast.Slice) and vt in (T.LIST, T.STR, T.TUPLE, T.BYTES) else T.DYNAMIC
        if vt == T.STR and not isinstance(node.slice, ast.Slice):
            rt_ = T.STR
        return rt_, ast.Subscript(vn, inode, ast.Load())

    def _is_static_ref_expr(self, node) -> bool:
        while isinstance(node, ast.Attribute):
            node = node.value
        return isinstance(node, ast.Name) and self.name_is_global(node.id)

    def index_expr(self, node):
        """An index may be an integer primitive (it is an int at run time)."""
        if isinstance(node, ast.Slice):
            parts = [self.index_expr(p)[1] if p is not None else None for p in (node.lower, node.upper, node.step)]
            return T.DYNAMIC, ast.Slice(*parts)
        if isinstance(node, ast.Tuple):
            return T.TUPLE, ast.Tuple([self.index_expr(e)[1] for e in node.elts], ast.Load())
        t, n = self.expr(node)
        if t.is_prim and not t.is_int:
            self.err(node, f"index cannot be a {t.name}")
        return t, n

    def e_Starred(self, node, expected):
        return T.DYNAMIC, ast.Starred(self.obj_expr(node.value)[1], ast.Load())

    def e_Slice(self, node, expected):
        return self.index_expr(node)

    # --- calls ---------------------------------------------------------------------------------
    def e_Call(self, node: ast.Call, expected):
        ft, fn = self.expr(node.func)
        if isinstance(ft, T.SpecialRef):
            if ft.what in _SPECIAL_CALLS:
                return getattr(self, "call_" + ft.what)(node, fn, expected)
            if ft.what.startswith("prim:"):
                return self.call_prim_ctor(node, T.PRIMS[ft.what[5:]], fn)
        if isinstance(ft, T.FunctionRef):
            return self.call_static(node, fn, ft.info, bound=False, expected=expected)
        if isinstance(ft, T.BoundMethodRef):
            return self.call_static(node, fn, ft.info, bound=ft.info.kind != "staticmethod", expected=expected)
        if isinstance(ft, T.ClassRef):
            inst = ft.instance
            if inst.info is not None:
                init = inst.info.lookup("__init__")
                has_new = inst.info.lookup("__new__") is not None
                if init and init[0] == "method" and not init[1].other_decorators and not has_new:
                    _, new = self.call_static(node, fn, init[1], bound=True, expected=None, result=inst)
                    return inst, new
                return inst, self.dynamic_call(node, fn)
            if inst.key.startswith("builtins.") and inst.key not in ("builtins.type", "builtins.NoneType"):
                return inst, self.dynamic_call(node, fn)
            if inst.key.startswith("__static__."):
                return inst, self.dynamic_call(node, fn)
            return T.DYNAMIC, self.dynamic_call(node, fn)
        if isinstance(ft, T.BuiltinFuncRef):
            return ft.result, self.dynamic_call(node, fn)
        self.note_call(node, "dynamic", None)
        return T.DYNAMIC, self.dynamic_call(node, fn)

    def dynamic_call(self, node: ast.Call, fn: ast.expr) -> ast.Call:
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                args.append(ast.Starred(self.obj_expr(a.value, "Call argument")[1], ast.Load()))
            else:
                args.append(self.obj_expr(a, "Call argument")[1])
        kws = [ast.keyword(k.arg, self.obj_expr(k.value, "Call argument")[1]) for k in node.keywords]
        return ast.Call(fn, args, kws)

    def call_static(self, node: ast.Call, fn, fi: FunctionInfo, bound: bool, expected, result=None):
        params = fi.call_params(bound)
        fname = fi.qualname + "()"
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self.note_call(node, "unpacked", fi, ["*"])
            return (result or fi.visible_return), self.dynamic_call(node, fn)
        positional = [p for p in params if p.kind != "kwonly"]
        if len(node.args) > len(positional) and not fi.vararg:
            self.err(node, f"{fname} takes {len(positional)} positional argument"
                           f"{'s' if len(positional) != 1 else ''} but {len(node.args)} were given")
        bound_args: dict = {}
        unproven: list = []
        new_args = []
        for i, a in enumerate(node.args):
            if i < len(positional):
                p = positional[i]
                bound_args[p.name] = a
                new_args.append(self.check_arg(a, p, fname, unproven))
            else:
                new_args.append(self.obj_expr(a, "Call argument")[1])
        new_kws = []
        by_name = {p.name: p for p in params if p.kind != "posonly"}
        for k in node.keywords:
            p = by_name.get(k.arg)
            if p is None:
                if fi.kwarg:
                    new_kws.append(ast.keyword(k.arg, self.obj_expr(k.value, "Call argument")[1]))
                    continue
                self.err(k.value if not hasattr(k, "lineno") else k,
                         f"{fname} got an unexpected keyword argument '{k.arg}'")
            if p.name in bound_args:
                self.err(k.value, f"{fname} got multiple values for argument '{p.name}'")
            bound_args[p.name] = k.value
            new_kws.append(ast.keyword(k.arg, self.check_arg(k.value, p, fname, unproven)))
        for p in params:
            if p.name not in bound_args and not p.has_default:
                self.err(node, f"{fname} missing required argument '{p.name}'")
        kind = "direct"
        if bound and fi.kind in ("method", "property") and not fi.final and not (fi.owner and fi.owner.final) \
                and result is None:
            kind = "virtual"
        self.note_call(node, kind, fi, unproven)
        rtype = result or fi.visible_return
        if fi.inline and fi.module == self.decls.name and not node.keywords \
                and (not bound or fi.final or (fi.owner is not None and fi.owner.final)):
            # a bound call substitutes its receiver for `self` (only when no
            # override can exist: final method or class)
            recv = node.func.value if bound and isinstance(node.func, ast.Attribute) else None
            if not bound or isinstance(recv, ast.Name):
                inline_args = ([ast.Name(recv.id, ast.Load())] if bound else []) + new_args
                inlined = self.try_inline(fi, inline_args)
                if inlined is not None:
                    return rtype, inlined
        if kind == "direct" and not unproven and result is None and not bound and isinstance(node.func, ast.Name) \
                and self.name_is_global(node.func.id) and self.has_direct_entry(fi):
            from .compiler import direct_alias
            fn = ast.Name(direct_alias(fi), ast.Load())
        return rtype, ast.Call(fn, new_args, new_kws)

    def check_arg(self, a, p, fname, unproven: list):
        t, n = self.expr(a, p.type)
        r = T.assignable(t, p.type)
        if r == "error":
            self.err(a, f"type mismatch: argument '{p.name}' of {fname} expects {p.type.name}, found {t.name}")
        if r == "check":
            unproven.append(p.name)
        return n

    def try_inline(self, fi: FunctionInfo, args):
        if not all(isinstance(a, (ast.Name, ast.Constant)) for a in args):
            return None
        body = self.inline_body(fi)
        if body is None:
            return None
        mapping = {p.name: a for p, a in zip(fi.params, args)}
        if len(mapping) != len(fi.params):
            return None

        class Subst(ast.NodeTransformer):
            def visit_Name(self, n):
                if isinstance(n.ctx, ast.Load) and n.id in mapping:
                    return copy.deepcopy(mapping[n.id])
                return n

        return Subst().visit(copy.deepcopy(body))

    # --- __static__ specials --------------------------------------------------------------------
    def _one_arg(self, node, what):
        if len(node.args) != 1 or node.keywords:
            self.err(node, f"{what}() takes exactly one argument")
        return node.args[0]

    def call_box(self, node, fn, expected):
        a = self._one_arg(node, "box")
        t, n = self.expr(a)
        if not t.is_prim:
            self.err(a, f"box() expects a primitive, found {t.name}")
        return {"double": T.FLOAT, "cbool": T.BOOL}.get(t.name, T.INT), n

    def call_unbox(self, node, fn, expected):
        a = self._one_arg(node, "unbox")
        t, n = self.expr(a)
        if t.is_prim:
            self.err(a, f"unbox() expects an object, found primitive {t.name}")
        target = expected if isinstance(expected, T.PrimType) else \
            (T.DOUBLE if t == T.FLOAT else T.CBOOL if t == T.BOOL else T.INT64)
        return target, call(rt(f"{target.name}_unbox"), n)

    def call_prim_ctor(self, node, target: T.PrimType, fn):
        a = self._one_arg(node, target.name)
        if self._is_int_literal(a):
            return self.expr(a, target)
        t, n = self.expr(a)
        if t == target:
            return target, n
        if t.is_prim:
            if target.name == "cbool":
                return target, call(rt("cbool_wrap"), n)
            if t.name == "cbool":
                n = call(bi("int"), n)
            self.note_prim_op(node, f"{target.name}_wrap")
            return target, call(rt(f"{target.name}_wrap"), n)
        if target.name == "cbool":
            return target, call(rt("cbool_wrap"), n)
        return target, call(rt(f"{target.name}_unbox"), n)

    def call_cast(self, node, fn, expected):
        if len(node.args) != 2 or node.keywords:
            self.err(node, "cast() takes exactly two arguments: cast(T, value)")
        target = self.resolver.resolve(node.args[0])
        if target.is_prim:
            self.err(node.args[0], "cast() to a primitive: use unbox() or a conversion like int64(x)")
        t, n = self.obj_expr(node.args[1], "cast() argument")
        self.note_check(node, "cast", target)
        if target.is_dynamic:
            return T.DYNAMIC, n
        return target, self.check_node(target, n, "cast")

    def call_clen(self, node, fn, expected):
        a = self._one_arg(node, "clen")
        t, n = self.obj_expr(a, "clen() argument")
        return T.INT64, call(bi("len"), n)

    def call_crange(self, node, fn, expected):
        self.err(node, "crange() must be used as an iterator in a for loop")

    # --- comprehensions and lambdas ----------------------------------------------------------------
    def _comprehension(self, node, make):
        self.push_scope("comp")
        try:
            gens = []
            for g in node.generators:
                _, it = self.obj_expr(g.iter, "iterable")
                for t in ast.walk(g.target):
                    if isinstance(t, ast.Name):
                        self.scope.locals.add(t.id)
                        self.scope.types[t.id] = T.DYNAMIC
                target = self.target_expr(g.target)
                ifs = [self.expr(c)[1] for c in g.ifs]
                gens.append(ast.comprehension(target, it, ifs, g.is_async))
            return make(gens)
        finally:
            self.pop_scope()

    def e_ListComp(self, node, expected):
        target = self._checked_target(expected, "__static__.CheckedList")
        comp = self._comprehension(node, lambda g: ast.ListComp(self.obj_expr(node.elt, "list element")[1], g))
        if target is not None:
            return target, call(self.type_expr(target), comp)
        return T.LIST, comp

    def e_SetComp(self, node, expected):
        return T.SET, self._comprehension(node, lambda g: ast.SetComp(
            self.obj_expr(node.elt, "set element")[1], g))

    def e_GeneratorExp(self, node, expected):
        return T.DYNAMIC, self._comprehension(node, lambda g: ast.GeneratorExp(
            self.obj_expr(node.elt, "generator element")[1], g))

    def e_DictComp(self, node, expected):
        target = self._checked_target(expected, "__static__.CheckedDict")
        comp = self._comprehension(node, lambda g: ast.DictComp(
            self.obj_expr(node.key, "dict key")[1], self.obj_expr(node.value, "dict value")[1], g))
        if target is not None:
            return target, call(self.type_expr(target), comp)
        return T.DICT, comp

    def e_Lambda(self, node: ast.Lambda, expected):
        args = self.lower_arguments_defaults(node.args, None)
        self.push_scope("lambda")
        try:
            a = node.args
            for p in list(a.posonlyargs) + list(a.args) + list(a.kwonlyargs) + [x for x in (a.vararg, a.kwarg) if x]:
                self.scope.locals.add(p.arg)
                self.scope.types[p.arg] = T.DYNAMIC
            _, body = self.obj_expr(node.body, "lambda result")
        finally:
            self.pop_scope()
        return T.DYNAMIC, ast.Lambda(args, body)

    def e_Await(self, node, expected):
        return T.DYNAMIC, ast.Await(self.obj_expr(node.value)[1])

    def e_Yield(self, node, expected):
        return T.DYNAMIC, ast.Yield(self.obj_expr(node.value, "yielded value")[1] if node.value else None)

    def e_YieldFrom(self, node, expected):
        return T.DYNAMIC, ast.YieldFrom(self.obj_expr(node.value)[1])
