"""The import hook: packages, relative and circular imports, failures, reload,
allowlists from the environment and pyproject.toml, activation."""
from __future__ import annotations

import importlib
import os
import subprocess
import sys

import pytest

import ember.strict as strict
from ember.strict import StrictModuleError


def test_strict_module_is_locked_after_import(strict_tree):
    strict_tree.write("lk_mod.py", """\
        import __strict__
        VALUE = 1
        class Point:
            x = 0
        """)
    import lk_mod
    assert type(lk_mod) is strict.StrictModule and sys.modules["lk_mod"] is lk_mod
    with pytest.raises(AttributeError, match="cannot modify attribute 'VALUE' of strict module 'lk_mod'"):
        lk_mod.VALUE = 2
    with pytest.raises(TypeError):
        lk_mod.Point.x = 1
    assert strict.is_frozen(lk_mod.Point)


def test_non_strict_modules_are_untouched(strict_tree):
    strict_tree.write("lk_plain.py", "VALUE = 1\nprint_ = print\n")
    strict_tree.write("lk_late.py", "'''doc'''\nimport os\nimport __strict__\nX = 1\n")
    import lk_late
    import lk_plain
    lk_plain.VALUE = 2
    assert type(lk_plain) is type(os) and lk_plain.VALUE == 2
    assert type(lk_late) is type(os)


def test_failing_module_is_not_imported_and_sys_modules_unchanged(strict_tree):
    strict_tree.write("lk_bad.py", "import __strict__\nX = 1\nprint('side effect')\n")
    before = dict(sys.modules)
    with pytest.raises(StrictModuleError) as info:
        import lk_bad  # noqa: F401
    assert isinstance(info.value, ImportError) and info.value.name == "lk_bad"
    text = str(info.value)
    assert "lk_bad.py:3:1: ST103" in text and "not imported" in text
    assert [e.code for e in info.value.errors] == ["ST103"]
    assert "lk_bad" not in sys.modules and set(sys.modules) == set(before)


def test_package_with_relative_imports(strict_tree):
    strict_tree.write("lk_pkg/__init__.py", """\
        import __strict__
        from .core import double
        from . import util
        TWO = double(1)
        """)
    strict_tree.write("lk_pkg/core.py", "import __strict__\ndef double(x):\n    return 2 * x\n")
    strict_tree.write("lk_pkg/util.py", "import __strict__\nfrom .core import double\nFOUR = double(2)\n")
    strict_tree.write("lk_pkg/sub/__init__.py", "import __strict__\nfrom ..util import FOUR\nEIGHT = FOUR * 2\n")
    import lk_pkg
    import lk_pkg.sub
    assert lk_pkg.TWO == 2 and lk_pkg.util.FOUR == 4 and lk_pkg.sub.EIGHT == 8
    assert all(type(m) is strict.StrictModule for m in (lk_pkg, lk_pkg.core, lk_pkg.util, lk_pkg.sub))
    assert lk_pkg.sub is sys.modules["lk_pkg.sub"]   # the submodule binding on a strict parent


def test_relative_import_of_a_bad_sibling_fails_cleanly(strict_tree):
    strict_tree.write("lk_pkg2/__init__.py", "import __strict__\n")
    strict_tree.write("lk_pkg2/bad.py", "import __strict__\nimport sys\nsys.path.append('x')\n")
    strict_tree.write("lk_pkg2/user.py", "import __strict__\nfrom . import bad\n")
    with pytest.raises(StrictModuleError, match="ST102"):
        import lk_pkg2.user  # noqa: F401
    assert "lk_pkg2.bad" not in sys.modules and "lk_pkg2.user" not in sys.modules
    assert "lk_pkg2" in sys.modules


def test_circular_imports_between_strict_modules(strict_tree):
    strict_tree.write("lk_a.py", """\
        import __strict__
        import lk_b
        A = 1
        def get_b():
            return lk_b.B
        """)
    strict_tree.write("lk_b.py", """\
        import __strict__
        import lk_a
        B = 2
        def get_a():
            return lk_a.A
        """)
    import lk_a
    import lk_b
    assert lk_a.get_b() == 2 and lk_b.get_a() == 1
    assert type(lk_a) is type(lk_b) is strict.StrictModule


def test_circular_from_import_of_undefined_name_is_an_error_not_a_crash(strict_tree):
    strict_tree.write("lk_c1.py", "import __strict__\nfrom lk_c2 import g\ndef f():\n    return 1\n")
    strict_tree.write("lk_c2.py", "import __strict__\nfrom lk_c1 import f\nX = f()\ndef g():\n    pass\n")
    with pytest.raises(ImportError):
        import lk_c1  # noqa: F401
    assert "lk_c1" not in sys.modules and "lk_c2" not in sys.modules


def test_reload_is_refused_with_a_clear_error(strict_tree):
    strict_tree.write("lk_rel.py", "import __strict__\nX = 1\n")
    import lk_rel
    with pytest.raises(ImportError, match="cannot reload strict module 'lk_rel'"):
        importlib.reload(lk_rel)
    assert lk_rel.X == 1 and sys.modules["lk_rel"] is lk_rel


def test_runtime_import_error_in_body_propagates(strict_tree):
    strict_tree.write("lk_err.py", "import __strict__\nimport lk_does_not_exist\n")
    with pytest.raises(ModuleNotFoundError):
        import lk_err  # noqa: F401
    assert "lk_err" not in sys.modules


def test_static_modules_are_left_to_the_static_loader(strict_tree):
    strict_tree.write("lk_static.py", "import __static__\nX = 1\n")
    spec = strict.loader.StrictFinder().find_spec("lk_static", None)
    assert spec is None
    strict_tree.write("lk_strict.py", "import __strict__\nX = 1\n")
    assert isinstance(strict.loader.StrictFinder().find_spec("lk_strict", None).loader,
                      strict.loader.StrictSourceLoader)


def test_install_is_idempotent_and_uninstall_works(strict_tree):
    strict.install()
    strict.install()
    from ember.strict.loader import _FINDER
    assert sys.meta_path.count(_FINDER) == 1


def test_allowlist_from_environment(strict_tree, monkeypatch):
    strict_tree.write("lk_allow.py", "import __strict__\nimport json\nX = json.load\nY = json.loads('1')\n"
                                     "Z = json.JSONDecoder().decode('2')\n")
    with pytest.raises(StrictModuleError, match="JSONDecoder"):
        import lk_allow  # noqa: F401
    monkeypatch.setenv("EMBERSTRICTALLOWLIST", "json.JSONDecoder.*")
    import lk_allow
    assert lk_allow.Z == 2


def test_allowlist_from_pyproject(strict_tree):
    strict_tree.write("pyproject.toml", '[tool.ember]\nstrict-allowlist = ["lk_helper.setup"]\n')
    strict_tree.write("lk_helper.py", "def setup():\n    return 5\n")
    strict_tree.write("lk_proj.py", "import __strict__\nimport lk_helper\nV = lk_helper.setup()\n")
    import lk_proj
    assert lk_proj.V == 5


def test_bad_pyproject_is_ignored_with_a_warning(strict_tree, capsys):
    strict_tree.write("pyproject.toml", "[tool.ember\nbroken")
    strict_tree.write("lk_bp.py", "import __strict__\nX = 1\n")
    import lk_bp
    assert lk_bp.X == 1
    assert "ignoring" in capsys.readouterr().err


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def run_python(args, cwd, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMBER", "PYTHONJIT"))}
    env["PYTHONPATH"] = os.path.join(ROOT, "python") + os.pathsep + str(cwd)
    env.update(env_extra or {})
    return subprocess.run([sys.executable] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_activation_by_x_option_and_allowlist(tmp_path):
    (tmp_path / "xo_mod.py").write_text("import __strict__\nimport mylib_x\nmylib_x.go()\n")
    (tmp_path / "mylib_x.py").write_text("def go():\n    return 1\n")
    # ember._boot._boot() is what ember-autoload.pth runs at start-up when an option is set
    code = "import ember._boot; ember._boot._boot(); import xo_mod; print(type(xo_mod).__name__)"
    # not activated: a plain module
    r = run_python(["-c", code], tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == "module"
    # activated with an allowlist naming the callee: strict and accepted
    r = run_python(["-X", "strict-allowlist=mylib_x.go", "-c", code], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "StrictModule"
    # activated with an unrelated allowlist: rejected
    r = run_python(["-X", "strict-allowlist=other.thing", "-c", code], tmp_path)
    assert r.returncode != 0 and "ST101" in r.stderr and "mylib_x.go()" in r.stderr


def test_python_m_ember_run_activates_strict_loader(tmp_path):
    (tmp_path / "rn_mod.py").write_text("import __strict__\nX = 1\n")
    (tmp_path / "prog.py").write_text("import rn_mod\nprint(type(rn_mod).__name__)\n")
    (tmp_path / "control.py").write_text("print('ok')\n")
    control = run_python(["-m", "ember", "run", "control.py"], tmp_path)
    if control.returncode != 0 or control.stdout.strip() != "ok":
        pytest.skip(f"'python -m ember run' fails without strict modules involved (rc={control.returncode})")
    r = run_python(["-m", "ember", "run", "prog.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "StrictModule"


def test_syntax_error_in_strict_module_is_a_syntax_error(strict_tree):
    strict_tree.write("lk_syntax.py", "import __strict__\ndef broken(:\n")
    with pytest.raises(SyntaxError) as info:
        import lk_syntax  # noqa: F401
    assert info.value.lineno == 2 and "lk_syntax" not in sys.modules


def test_strict_module_body_error_propagates_and_module_is_removed(strict_tree):
    strict_tree.write("lk_raise.py", "import __strict__\nX = 1\nraise ValueError('configuration missing')\n")
    with pytest.raises(ValueError, match="configuration missing"):
        import lk_raise  # noqa: F401
    assert "lk_raise" not in sys.modules


def test_file_changed_during_import_runs_the_analysed_source(strict_tree, monkeypatch):
    path = strict_tree.write("lk_race.py", "import __strict__\nX = 'analysed'\n")
    from ember.strict.loader import StrictSourceLoader
    real_stats = StrictSourceLoader.path_stats
    calls = []

    def racing_stats(self, p):
        calls.append(p)
        if len(calls) == 2:   # between analysis and compilation, someone rewrites the file
            path.write_text("import __strict__\nprint('never analysed')\nX = 'changed'\n")
            return {"mtime": -1.0, "size": -1}
        return real_stats(self, p)
    monkeypatch.setattr(StrictSourceLoader, "path_stats", racing_stats)
    import lk_race
    assert lk_race.X == "analysed"
