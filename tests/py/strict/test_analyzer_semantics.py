"""How the analyser follows import-time execution: calls, branches, classes,
ownership across strict modules, and robustness on odd input."""
from __future__ import annotations

from strict_support import check, codes


def test_follows_calls_into_own_functions_and_reports_inside():
    errors = check("""\
        import __strict__
        def helper():
            print("side effect")
        def outer():
            helper()
        outer()
        """)
    assert [(e.code, e.lineno) for e in errors] == [("ST103", 3)]
    assert "reached from the call at m.py:6" in errors[0].message


def test_function_defined_but_not_called_is_not_analysed():
    assert codes("import __strict__\ndef f():\n    print('x')\n    import os\n    os.sep = 'y'\n") == []


def test_if_main_block_is_skipped_but_unknown_condition_checks_both_branches():
    assert codes("import __strict__\nif __name__ == '__main__':\n    print(1)\n") == []
    src = "import __strict__\nimport os\nif os.cpu_count():\n    pass\nelse:\n    print(1)\n"
    assert codes(src) == ["ST103"]


def test_union_after_branches_is_checked_on_call():
    src = """\
        import __strict__
        import os
        import json
        if os.cpu_count():
            f = len
        else:
            f = json.load
        f([])
        """
    assert codes(src) == ["ST101"]


def test_class_body_runs_at_import_but_methods_do_not():
    src = """\
        import __strict__
        class C:
            X = print("in body")
            def m(self):
                print("later")
        """
    assert [(e.code, e.lineno) for e in check(src)] == [("ST103", 3)]


def test_instantiation_follows_init_and_ownership_of_self():
    src = """\
        import __strict__
        import sys
        class Good:
            def __init__(self, v):
                self.v = v
                self.items = []
                self.items.append(v)
        class Bad:
            def __init__(self):
                sys.modules["x"] = self
        G = Good(1)
        B = Bad()
        """
    errors = check(src)
    assert [(e.code, e.lineno) for e in errors] == [("ST102", 10)]


def test_decorator_registering_into_own_registry_is_fine_but_foreign_registry_is_not():
    ok = """\
        import __strict__
        HANDLERS = {}
        def handler(name):
            def deco(f):
                HANDLERS[name] = f
                return f
            return deco
        @handler("a")
        def a():
            pass
        """
    assert codes(ok) == []
    bad = "import __strict__\nimport copyreg\ncopyreg.dispatch_table[int] = len\n"
    assert codes(bad) == ["ST102"]


def test_property_read_at_import_runs_the_getter():
    src = """\
        import __strict__
        class C:
            @property
            def p(self):
                print("getter")
                return 1
        V = C().p
        """
    assert [(e.code, e.lineno) for e in check(src)] == [("ST103", 5)]


def test_init_subclass_of_own_base_is_followed():
    src = """\
        import __strict__
        class Base:
            def __init_subclass__(cls, **kw):
                print(cls)
        class Child(Base):
            pass
        """
    assert [(e.code, e.lineno) for e in check(src)] == [("ST103", 4)]


def test_recursion_terminates():
    src = """\
        import __strict__
        def fact(n):
            return 1 if n <= 1 else n * fact(n - 1)
        X = fact(10)
        def ping(n):
            return pong(n)
        def pong(n):
            return ping(n)
        Y = ping(3)
        """
    assert codes(src) == []


def test_lambda_and_comprehension_calls_are_followed():
    src = "import __strict__\nf = lambda: print(1)\nX = [f() for _ in range(3)]\n"
    assert codes(src) == ["ST103"]


def test_global_rebinding_of_own_module_is_allowed():
    src = "import __strict__\nCOUNT = 0\ndef bump():\n    global COUNT\n    COUNT += 1\nbump()\n"
    assert codes(src) == []


def test_constant_folding_of_strings_and_tuples():
    src = """\
        import __strict__
        __all__ = "a b c".split()
        PARTS = ("x", "y") + ("z",)
        if len(PARTS) == 2 or "x,y".count(",") != 1:
            print("never")
        """
    assert codes(src) == []


def test_future_annotations_are_not_evaluated():
    src = "from __future__ import annotations\nimport __strict__\ndef f(x: print()) -> None:\n    pass\n"
    assert codes(src) == []
    src2 = "import __strict__\ndef f(x: print()) -> None:\n    pass\n"
    assert codes(src2) == ["ST103"]


def test_with_statement_context_managers():
    ok = "import __strict__\nimport contextlib\nwith contextlib.suppress(ImportError):\n    import foo\n"
    assert codes(ok) == []
    bad = "import __strict__\nimport threading\nwith open('x') as f:\n    pass\n"
    assert codes(bad) == ["ST103"]


def test_no_cascade_after_first_error_on_a_value():
    assert codes("import __strict__\nDATA = open('x').read().split()\n") == ["ST103"]


def test_errors_sorted_by_position():
    errors = check("import __strict__\nprint(1)\nexec('2')\nprint(3)\n")
    assert [(e.lineno, e.code) for e in errors] == [(2, "ST103"), (3, "ST109"), (4, "ST103")]


def test_odd_input_never_crashes():
    weird = [
        "",
        "import __strict__\n",
        "import __strict__\nmatch x:\n    case [a, *rest] if a: print(a)\n    case {'k': v}: pass\n",
        "import __strict__\ntype Alias = list[int]\n",
        "import __strict__\nasync def f():\n    await g()\nX = f()\n",
        "import __strict__\nx = y = z = [*range(3), *'ab']\na, *b = x\n",
        "import __strict__\nclass M(type):\n    def __new__(m, n, b, ns):\n        return super().__new__(m, n, b, ns)\n"
        "class C(metaclass=M):\n    pass\n",
        "import __strict__\nx = 10 ** 10 ** 10\ny = 'a' * 10 ** 9\n",
        "import __strict__\n" + "x = 1 + " * 3000 + "1\n",
        "import __strict__\ntry:\n    pass\nexcept* ValueError:\n    pass\n",
        "import __strict__\nfrom . import sibling\nfrom .. import far\n",
        "import __strict__\ndef g():\n    yield 1\nL = list(g())\n",
        "\x00\x01",
    ]
    for src in weird:
        errors = check(src)
        assert all(e.code != "ST000" for e in errors), (src[:40], [e.format() for e in errors])


def test_cross_module_ownership_with_strict_dependency(tmp_path):
    (tmp_path / "reg.py").write_text(
        "import __strict__\nITEMS = []\ndef add(x):\n    ITEMS.append(x)\n    return x\n"
        "def pure(x):\n    return [x]\n")
    src = "import __strict__\nimport reg\nreg.pure(1)\nreg.add(2)\n"
    from ember.strict.analyzer import analyze
    result = analyze(src, str(tmp_path / "user.py"), "user", search_path=[str(tmp_path)], allowlist=())
    assert [(e.code, e.filename.endswith("reg.py"), e.lineno) for e in result.errors] == [("ST102", True, 4)]
    assert "owned by module 'reg'" in result.errors[0].message
    assert str(tmp_path / "reg.py") in result.deps


def test_non_strict_dependency_is_unknown(tmp_path):
    (tmp_path / "loose.py").write_text("def f():\n    return 1\n")
    from ember.strict.analyzer import analyze
    result = analyze("import __strict__\nimport loose\nloose.f()\n", str(tmp_path / "u.py"), "u",
                     search_path=[str(tmp_path)], allowlist=())
    assert [e.code for e in result.errors] == ["ST101"]
    assert "'loose.f()'" in result.errors[0].message


DUNDER_CASES = [
    ("__add__", "x = A() + 1"),
    ("__radd__", "x = 1 + A()"),
    ("__iadd__", "x = A()\nx += 1"),
    ("__eq__", "x = A() == 1"),
    ("__lt__", "x = A() < A()"),
    ("__contains__", "x = 1 in A()"),
    ("__bool__", "if A():\n    pass"),
    ("__len__", "x = len(A())"),
    ("__iter__", "for i in A():\n    pass"),
    ("__str__", "x = str(A())"),
    ("__format__", "x = f'{A()}'"),
    ("__repr__", "x = f'{A()!r}'"),
    ("__hash__", "x = {A(): 1}"),
    ("__neg__", "x = -A()"),
    ("__getattr__", "x = A().missing"),
    ("__call__", "x = A()()"),
    ("__getitem__", "x = A()[0]"),
    ("__setitem__", "a = A()\na[0] = 1"),
    ("__delattr__", "a = A()\ndel a.y"),
    ("__class_getitem__", "x = A[int]"),
]


def test_implicit_dunder_calls_on_user_instances_are_followed():
    for dunder, use in DUNDER_CASES:
        deco = "    @classmethod\n" if dunder == "__class_getitem__" else ""
        src = (f"import __strict__\nclass A:\n{deco}    def {dunder}(self, *args):\n"
               f"        print('effect')\n        return 1\n{use}\n")
        got = [(e.code, e.lineno) for e in check(src)]
        assert got == [("ST103", 4 + bool(deco))], (dunder, got)
        quiet = src.replace("print('effect')", "pass")
        assert codes(quiet) == [], (dunder, [e.format() for e in check(quiet)])


def test_descriptor_and_metaclass_call_are_followed():
    src = """\
        import __strict__
        class D:
            def __get__(self, obj, owner):
                print("get")
        class C:
            d = D()
        v = C().d
        """
    assert [(e.code, e.lineno) for e in check(src)] == [("ST103", 4)]
    meta = """\
        import __strict__
        class Meta(type):
            def __call__(cls, *a):
                print("creating")
        class C(metaclass=Meta):
            pass
        obj = C()
        """
    assert [(e.code, e.lineno) for e in check(meta)] == [("ST103", 4)]


def test_higher_order_builtins_call_what_they_are_given():
    assert codes("import __strict__\nX = list(map(print, [1, 2]))\n") == ["ST103"]
    assert codes("import __strict__\nX = sorted(['b', 'A'], key=str.lower)\n") == []
    assert codes("import __strict__\ndef k(x):\n    return -x\nX = sorted([1, 2], key=k)\n") == []
    assert codes("import __strict__\nimport json\nX = list(map(json.load, []))\n") == ["ST101"]
    assert codes("import __strict__\nimport sys\nlist.append(sys.path, 'x')\n") == ["ST102"]


def test_property_setter_decorator_keeps_the_getter():
    src = """\
        import __strict__
        class C:
            @property
            def v(self):
                print("get")
            @v.setter
            def v(self, value):
                pass
        """
    assert codes(src) == []
    assert [(e.code, e.lineno) for e in check(src + "x = C().v\n")] == [("ST103", 5)]


def test_unknown_base_is_named_by_its_source_text():
    [error] = check("import __strict__\nBase = type(len)\nclass C(Base):\n    pass\n")
    assert error.code == "ST101" and "'Base'" in error.message


def test_values_imported_from_strict_modules_keep_their_owner(tmp_path):
    (tmp_path / "cfg.py").write_text(
        "import __strict__\nCONFIG = {'debug': False}\nclass Klass:\n    level = 1\n"
        "    def __init__(self):\n        self.items = []\n")
    from ember.strict.analyzer import analyze
    src = ("import __strict__\nfrom cfg import CONFIG, Klass\nCONFIG['debug'] = True\n"
           "Klass.level = 2\nobj = Klass()\nobj.extra = 1\nobj.items.append(1)\nmine = dict(CONFIG)\n"
           "mine['debug'] = True\n")
    result = analyze(src, str(tmp_path / "user.py"), "user", search_path=[str(tmp_path)], allowlist=())
    assert [(e.code, e.lineno) for e in result.errors] == [("ST102", 3), ("ST108", 4)]
    assert "owned by module 'cfg'" in result.errors[0].message


def test_generated_benchmark_module_is_accepted():
    # the 1,000-line module of bench/strict_analysis.py exercises most accepted constructs
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[3] / "bench" / "strict_analysis.py"
    spec = importlib.util.spec_from_file_location("strict_bench_module", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    source = bench.build_module(1000)
    assert source.count("\n") >= 1000
    assert check(source) == []


def test_internal_analyser_error_is_reported_not_accepted(monkeypatch):
    from ember.strict import analyzer
    from ember.strict.interpreter import Interpreter

    def explode(self, tree):
        raise RuntimeError("simulated bug")
    monkeypatch.setattr(Interpreter, "run_module", explode)
    [error] = analyzer.analyze_source("import __strict__\n", "m.py", "m", allowlist=())
    assert error.code == "ST000" and "simulated bug" in error.message


def test_singledispatch_and_abc_registration_follow_ownership():
    ok = """\
        import __strict__
        import abc
        import functools
        @functools.singledispatch
        def show(x):
            return "object"
        @show.register
        def _(x: int):
            return "int"
        @show.register(str)
        def _(x):
            return "str"
        class Shape(abc.ABC):
            pass
        class Square:
            pass
        Shape.register(Square)
        R = show(1)
        """
    assert codes(ok) == []
    foreign = "import __strict__\nimport collections.abc\nclass M:\n    pass\ncollections.abc.Mapping.register(M)\n"
    assert [(e.code, e.lineno) for e in check(foreign)] == [("ST108", 5)]


def test_registering_into_another_modules_dispatcher_is_rejected(tmp_path):
    (tmp_path / "disp.py").write_text(
        "import __strict__\nimport functools\n@functools.singledispatch\ndef show(x):\n    return 1\n")
    from ember.strict.analyzer import analyze
    src = "import __strict__\nimport disp\n@disp.show.register(int)\ndef _(x):\n    return 2\n"
    result = analyze(src, str(tmp_path / "u.py"), "u", search_path=[str(tmp_path)], allowlist=())
    assert [(e.code, e.lineno) for e in result.errors] == [("ST102", 3)]


def test_partial_calls_the_wrapped_function():
    assert codes("import __strict__\nimport functools\nf = functools.partial(print, 'x')\nf()\n") == ["ST103"]
    assert codes("import __strict__\nimport functools\nf = functools.partial(max, 1)\nX = f(2)\n") == []


def test_repeated_calls_see_state_changes_between_them():
    src = """\
        import __strict__
        class Cfg:
            pass
        CFG = Cfg()
        CFG.hook = len
        HOOKS = [len]
        def run(x):
            return CFG.hook(x)
        def run_last(x):
            return HOOKS[-1](x)
        def set_hook():
            CFG.hook = print
        A = [run("a"), run("b"), run("c"), run("d")]
        B = [run_last("a"), run_last("b"), run_last("c")]
        set_hook()
        C = run("e")
        HOOKS.append(print)
        D = run_last("f")
        """
    assert [(e.code, e.lineno) for e in check(src)] == [("ST103", 8), ("ST103", 10)]


def test_pure_call_fan_out_is_memoised_not_exponential():
    # 2**18 calls if every call were re-analysed: the step budget would reject it (ST002)
    src = "import __strict__\n" + "".join(
        f"def f{i}(x):\n    return f{i + 1}(x) + f{i + 1}(x + 1)\n" for i in range(18)) \
        + "def f18(x):\n    return x\nR = f0(1)\n"
    assert codes(src) == []
    impure = src.replace("def f18(x):\n    return x", "def f18(x):\n    print(x)")
    assert codes(impure) == ["ST103"]


def test_logging_configuration_and_output_at_import():
    base = "import __strict__\nimport logging\nlog = logging.getLogger(__name__)\n"
    assert codes(base) == []
    assert codes(base + "log.addHandler(logging.NullHandler())\n") == ["ST110"]
    assert codes(base + "log.info('loaded')\n") == ["ST103"]
    assert codes(base + "def f():\n    log.info('later')\n") == []
