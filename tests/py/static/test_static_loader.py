"""The import hook, its cache (with stale-cache invalidation across modules),
the command-line tools and activation."""
import importlib
import os
import subprocess
import sys
import textwrap

import pytest

import ember.static as st
from ember.static import loader

PY = sys.executable
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


@pytest.fixture(autouse=True)
def restore_loader_state():
    """Leave the process as found: other suites run in the same pytest."""
    was = st.installed()
    yield
    if not was:
        st.uninstall()


@pytest.fixture
def pkgdir(tmp_path, monkeypatch):
    st.install()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.syspath_prepend(str(tmp_path))
    created = []

    def write(name, src):
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(src))
        created.append(name)
        importlib.invalidate_caches()
        return path

    yield write
    for n in created:
        sys.modules.pop(n, None)


def test_install_is_idempotent():
    import runpy
    original = runpy._get_code_from_file
    st.install()
    st.install()
    assert sum(isinstance(f, loader.StaticFinder) for f in sys.meta_path) == 1
    assert st.installed()
    st.uninstall()
    assert not st.installed() and not any(isinstance(f, loader.StaticFinder) for f in sys.meta_path)
    assert runpy._get_code_from_file is (getattr(original, "__ember_original__", original))


def test_static_module_is_compiled(pkgdir):
    pkgdir("ld_static1", """
        import __static__
        from __static__ import int8
        class C:
            x: int
        def f(a: int8) -> int8:
            return a + 1
    """)
    import ld_static1
    assert ld_static1.f(127) == -128
    assert "__ember_static__" in vars(ld_static1)
    assert ld_static1.C.__ember_layout__[0][0] == "x"
    assert isinstance(ld_static1.__spec__.loader, loader.StaticLoader)


def test_plain_module_untouched(pkgdir):
    pkgdir("ld_plain1", "X = '__static__ is mentioned but not imported first'\nimport os\n")
    import ld_plain1
    assert not isinstance(ld_plain1.__spec__.loader, loader.StaticLoader)
    assert "__ember_static__" not in vars(ld_plain1)


def test_error_module_not_imported(pkgdir):
    pkgdir("ld_bad1", "import __static__\nx: int = 'a'\n")
    before = set(sys.modules)
    with pytest.raises(st.TypedSyntaxError) as info:
        import ld_bad1  # noqa: F401
    assert info.value.lineno == 2 and info.value.filename.endswith("ld_bad1.py")
    assert "ld_bad1" not in sys.modules and set(sys.modules) == before


def test_cache_is_used_on_second_import(pkgdir, monkeypatch):
    path = pkgdir("ld_cached1", "import __static__\ndef f(x: int) -> int:\n    return x\n")
    import ld_cached1
    assert os.path.exists(loader.cache_path(str(path)))
    del sys.modules["ld_cached1"]

    def boom(*a, **k):
        raise AssertionError("type-checked again despite a valid cache")

    from ember.static import compiler as static_compiler  # the loader imports it on first use
    monkeypatch.setattr(static_compiler, "compile_static", boom)
    import ld_cached1 as again
    assert again.f(3) == 3
    with pytest.raises(TypeError):
        again.f("x")


def test_stale_cache_across_two_modules(pkgdir, monkeypatch):
    pkgdir("ld_dep2", "import __static__\ndef f(x: int) -> int:\n    return x + 1\n")
    pkgdir("ld_user2", "import __static__\nfrom ld_dep2 import f\ndef g() -> int:\n    return f(1)\n")
    import ld_user2
    assert ld_user2.g() == 2
    for n in ("ld_user2", "ld_dep2"):
        del sys.modules[n]
    # the dependency changes its signature: the user's cached code is stale
    pkgdir("ld_dep2", "import __static__\ndef f(x: str) -> str:\n    return x\n")
    with pytest.raises(st.TypedSyntaxError, match="argument 'x' of f\\(\\) expects str, found int"):
        import ld_user2  # noqa: F401
    assert "ld_user2" not in sys.modules
    # and fixing the dependency back makes the user importable again
    sys.modules.pop("ld_dep2", None)
    pkgdir("ld_dep2", "import __static__\ndef f(x: int) -> int:\n    return x + 2\n")
    import ld_user2 as again
    assert again.g() == 3


def test_source_change_invalidates(pkgdir):
    pkgdir("ld_src3", "import __static__\ndef f() -> int:\n    return 1\n")
    import ld_src3
    assert ld_src3.f() == 1
    del sys.modules["ld_src3"]
    pkgdir("ld_src3", "import __static__\ndef f() -> int:\n    return 2 \n")
    import ld_src3 as again
    assert again.f() == 2


def run(args, cwd=None, env=None):
    e = dict(os.environ)
    e.pop("PYTHONJIT", None)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    e.update(env or {})
    return subprocess.run([PY] + args, capture_output=True, text=True, cwd=cwd, env=e, timeout=120)


def test_check_cli(tmp_path):
    good = tmp_path / "good.py"
    good.write_text("import __static__\ndef f(x: int) -> int:\n    return x\n")
    bad = tmp_path / "bad.py"
    bad.write_text("import __static__\n\ndef f(x: int) -> str:\n    return x\n")
    r = run(["-m", "ember.static", "check", str(good)])
    assert r.returncode == 0 and r.stdout == ""
    r = run(["-m", "ember.static", "check", str(tmp_path)])
    assert r.returncode == 1
    assert r.stdout.strip() == f"{bad}:4:12: type mismatch: int cannot be returned from a function declared " \
                               f"to return str"
    assert run(["-m", "ember.static"]).returncode == 2


def test_python_m_static_runs_program(tmp_path):
    (tmp_path / "helper_mod.py").write_text("import __static__\nfrom __static__ import int8\n"
                                            "def inc(x: int8) -> int8:\n    return x + 1\n")
    prog = tmp_path / "prog.py"
    prog.write_text("import __static__\nfrom __static__ import int8, box\nimport helper_mod\n"
                    "def main() -> None:\n    x: int8 = 127\n    print(box(helper_mod.inc(x)), box(x + 1))\n"
                    "main()\nimport sys\nprint(sys.argv[1:], __name__)\n")
    r = run(["-m", "__static__", str(prog), "a"], cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["-128 -128", "['a'] __main__"]
    # without ember activated the same file runs with stand-ins (no wrapping)
    r = run([str(prog), "a"], cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[0] == "128 128"


def jit_works() -> bool:
    return run(["-X", "jit", "-c", "pass"]).returncode == 0


def test_activation_installs_loader():
    # the activation path itself, independent of the JIT's health
    r = run(["-c", "import ember._boot as b, ember.static as s; b._activate_loaders({}); print(s.installed())"])
    assert r.stdout.strip() == "True", r.stderr
    if not jit_works():
        pytest.skip("the JIT crashes at start-up in this build; -X jit activation not testable")
    for args, env in ((["-X", "jit"], {}), ([], {"PYTHONJIT": "1"})):
        r = run(args + ["-c", "import ember.static as s; print(s.installed())"], env=env)
        assert r.stdout.strip().endswith("True"), (args, r.stdout, r.stderr)
    r = run(["-c", "import ember.static as s; print(s.installed())"])
    assert r.stdout.strip() == "False"


def test_ember_run_compiles_static_main(tmp_path):
    if not jit_works():
        pytest.skip("the JIT crashes at start-up in this build")
    prog = tmp_path / "prog2.py"
    prog.write_text("import __static__\nfrom __static__ import uint8, box\n"
                    "def f(x: uint8) -> uint8:\n    return x - 1\nprint(box(f(0)))\n")
    r = run(["-m", "ember", "run", str(prog)])
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "255"


def test_pure_python_fallback_without_ember(tmp_path):
    import shutil
    shutil.copytree(os.path.join(ROOT, "python", "__static__"), tmp_path / "__static__")
    prog = tmp_path / "prog3.py"
    prog.write_text(textwrap.dedent("""
        import __static__
        from __static__ import int8, box, unbox, cast, CheckedDict, CheckedList, Array, int64, crange, clen
        import sys
        assert "ember" not in sys.modules
        def f(x: int8) -> int8:
            return x + 1
        d = CheckedDict[str, int]({"a": 1})
        try:
            d["b"] = "x"
        except TypeError as e:
            print("checked", e)
        a = Array[int64](2)
        a[1] = 5
        t = 0
        for i in crange(3):
            t += i
        print(box(f(127)), unbox(3), cast(int, 4), list(a), t, clen([1]), type(d).__module__)
    """))
    r = subprocess.run([PY, "-S", "-E", "-s", str(prog)], capture_output=True, text=True, cwd=str(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["checked CheckedDict[str, int] value: expected 'int', got 'str'",
                                     "128 3 4 [0, 5] 3 1 __static__"]


def test_pure_flag_selects_fallback():
    r = run(["-c", "import __static__, __static__._fallback as f; print(__static__.CheckedDict is f.CheckedDict)"],
            env={"EMBER_STATIC_PURE": "1"})
    assert r.stdout.strip() == "True"


def test_static_implies_strict(pkgdir):
    strict = pytest.importorskip("ember.strict")
    if not hasattr(strict, "analyze_source") or not hasattr(strict, "make_strict_module"):
        pytest.skip("ember.strict does not offer the analysis hooks")
    pkgdir("ld_strict_ok", "import __static__\nclass C:\n    x: int\ndef f(x: int) -> int:\n    return x\n")
    import ld_strict_ok
    assert strict.is_strict_module(ld_strict_ok)
    if hasattr(strict, "is_frozen"):
        assert strict.is_frozen(ld_strict_ok.C)
    c = ld_strict_ok.C()
    c.x = 3  # instances of frozen static classes keep their typed fields
    assert c.x == 3
    with pytest.raises(AttributeError):
        ld_strict_ok.f = None
    pkgdir("ld_strict_bad", "import __static__\nprint('side effect at import')\n")
    with pytest.raises(strict.StrictModuleError):
        import ld_strict_bad  # noqa: F401
    assert "ld_strict_bad" not in sys.modules


def test_static_package_with_relative_imports(tmp_path, monkeypatch):
    st.install()
    monkeypatch.syspath_prepend(str(tmp_path))
    pkg = tmp_path / "ld_pkg5"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import __static__\nfrom .core import Point\n")
    (pkg / "core.py").write_text("import __static__\nfrom __static__ import int64\n"
                                 "class Point:\n    def __init__(self, x: int64) -> None:\n        self.x: int64 = x\n")
    (pkg / "use.py").write_text("import __static__\nfrom __static__ import int64\nfrom .core import Point\n"
                                "from . import core\ndef make(x: int64) -> Point:\n    return core.Point(x)\n")
    importlib.invalidate_caches()
    try:
        import ld_pkg5.use as use
        p = use.make(3)
        assert p.x == 3 and type(p) is use.Point
        assert {"ld_pkg5", "ld_pkg5.core"} <= set(use.__ember_static__["deps"])
        assert use.__ember_static__["functions"]["make"]["return"] == "ld_pkg5.core.Point"
        assert use.__ember_static__["functions"]["make"]["calls"][0][3] == "ld_pkg5.core.Point.__init__"
        with pytest.raises(TypeError, match=r"make\(\) argument 'x'"):
            use.make("3")
        bad = pkg / "bad.py"
        bad.write_text("import __static__\nfrom .core import Point\ndef f() -> Point:\n    return Point('x')\n")
        importlib.invalidate_caches()
        with pytest.raises(st.TypedSyntaxError, match="argument 'x' of Point.__init__\\(\\) expects int64, found str"):
            import ld_pkg5.bad  # noqa: F401
    finally:
        for n in [n for n in sys.modules if n.startswith("ld_pkg5")]:
            del sys.modules[n]


def test_check_cli_reports_every_failing_statement(tmp_path):
    bad = tmp_path / "two.py"
    bad.write_text("import __static__\ndef f() -> int:\n    return 'a'\n\ndef g(x: int) -> None:\n    x.nope = 1\n"
                   "y: str = 3\n")
    r = run(["-m", "ember.static", "check", str(bad)])
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert [l.split(":")[1] for l in lines] == ["3", "7"], lines  # g is fine: int is a dynamic-attribute builtin
