"""ember.jit's Python API, activation options and the runtime behaviour that
needs a process of its own (signals, threads, start-up options)."""
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

import ember.jit
from ember import _jit


def run_py(code, *xopts, env=None, timeout=120):
    cmd = [sys.executable]
    for x in xopts:
        cmd += ["-X", x]
    cmd += ["-c", textwrap.dedent(code)]
    full_env = dict(os.environ)
    for k in list(full_env):
        if k.startswith("PYTHONJIT"):
            del full_env[k]
    full_env.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env)


def test_force_compile_and_is_compiled():
    def add(a, b):
        return a + b
    assert not ember.jit.is_jit_compiled(add)
    assert ember.jit.force_compile(add)
    assert ember.jit.is_jit_compiled(add)
    assert add(2, 3) == 5
    assert add in ember.jit.get_compiled_functions()
    st = ember.jit.stats()
    assert st["compiled"] >= 1 and st["code_bytes"] > 0
    assert "compile_failures" in st and "total_compile_ms" in st


def test_generator_falls_back_with_reason():
    def gen():
        yield 1
    before = ember.jit.stats()["compile_failures"].get("generator-or-coroutine", 0)
    assert ember.jit.force_compile(gen) is False
    assert not ember.jit.is_jit_compiled(gen)
    assert list(gen()) == [1]
    assert ember.jit.stats()["compile_failures"]["generator-or-coroutine"] == before + 1


def test_force_compile_rejects_non_functions():
    with pytest.raises(TypeError):
        ember.jit.force_compile(len)


def test_jit_suppress():
    @ember.jit.jit_suppress
    def f(x):
        return x * 2
    assert ember.jit.force_compile(f) is False
    assert f(4) == 8


@pytest.mark.parametrize("stage", ember.jit.DUMP_STAGES)
def test_dump_stages(stage):
    def f(a, b):
        if a:
            return a + b
        return [a, b]
    text = ember.jit.dump(f, stage)
    assert isinstance(text, str) and text.strip()
    if stage == "hir-final":
        assert "Return" in text and "Decref" in text
    if stage == "lir":
        assert "Call" in text


def test_dump_unknown_stage():
    with pytest.raises(ValueError):
        ember.jit.dump(lambda: 1, "nope")


def test_jit_list_parsing_warns_with_file_and_line(tmp_path):
    p = tmp_path / "jitlist.txt"
    p.write_text("# comment\n\nmod:func\nmod.sub:C.method  # trailing\nbad line here\nnocolon\n:x\n")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        entries = ember.jit.read_jit_list(str(p))
    assert entries == ["mod:func", "mod.sub:C.method"]
    assert ember.jit.get_jit_list() == entries
    msgs = [str(x.message) for x in w]
    assert any(f"{p}:5:" in m for m in msgs)
    assert any(f"{p}:6:" in m for m in msgs)
    assert any(f"{p}:7:" in m for m in msgs)
    assert len(msgs) == 3


def test_jit_list_missing_file_warns(tmp_path):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        assert ember.jit.read_jit_list(str(tmp_path / "missing.txt")) == []
    assert w and "cannot read JIT list" in str(w[0].message)


def test_jit_help_lists_options():
    r = run_py("print('not reached')", "jit-help")
    assert r.returncode == 0
    assert "jit-all" in r.stdout and "PYTHONJITAUTO" in r.stdout and "not reached" not in r.stdout


def test_x_jit_all_compiles_at_first_call():
    r = run_py("""
        import ember.jit
        def f(x):
            return x + 1
        f(1)
        print(ember.jit.is_jit_compiled(f), ember.jit.is_enabled())
    """, "jit-all")
    assert r.stdout.split() == ["True", "True"], r.stderr


def test_env_auto_threshold():
    r = run_py("""
        import ember.jit
        def f(x):
            return x + 1
        for i in range(4):
            f(i)
        a = ember.jit.is_jit_compiled(f)
        f(0)
        print(a, ember.jit.is_jit_compiled(f))
    """, env={"PYTHONJIT": "1", "PYTHONJITAUTO": "5"})
    assert r.stdout.split() == ["False", "True"], r.stderr


def test_list_file_option(tmp_path):
    p = tmp_path / "list.txt"
    p.write_text("__main__:f\nthis is malformed\n")
    r = run_py("""
        import ember.jit
        def f(x):
            return x + 1
        def g(x):
            return x + 2
        f(1); g(1)
        print(ember.jit.is_jit_compiled(f), ember.jit.is_jit_compiled(g))
    """, f"jit-list-file={p}")
    assert r.stdout.split() == ["True", "False"], r.stderr
    assert f"{p}:2:" in r.stderr


def test_no_option_means_no_import():
    r = run_py("import sys; print('ember' in sys.modules, 'ember._jit' in sys.modules)")
    assert r.stdout.split() == ["False", "False"]


def test_python_m_ember_run(tmp_path):
    prog = tmp_path / "prog.py"
    prog.write_text(textwrap.dedent("""
        import sys, ember.jit
        def f(x):
            return x * 2
        for i in range(2000):
            f(i)
        print(ember.jit.is_enabled(), ember.jit.is_jit_compiled(f), sys.argv[1:])
    """))
    r = subprocess.run([sys.executable, "-m", "ember", "run", str(prog), "a", "b"],
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == ["True", "True", "['a',", "'b']"], r.stderr


def test_sigint_interrupts_compiled_infinite_loop():
    # The child installs Python's SIGINT handler itself: started from a
    # background job of a non-interactive shell (as CI may run us), it would
    # inherit SIGINT ignored, and Python then leaves it ignored.
    code = """
        import signal, sys, ember.jit
        signal.signal(signal.SIGINT, signal.default_int_handler)
        def spin():
            n = 0
            while True:
                n += 1
        assert ember.jit.force_compile(spin)
        print("ready", flush=True)
        try:
            spin()
        except KeyboardInterrupt:
            print("interrupted", flush=True)
    """
    p = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert "interrupted" in out, err


def test_threads_keep_running_beside_compiled_loop():
    r = run_py("""
        import threading, ember.jit
        def loop(n):
            s = 0
            for i in range(n):
                s += i
            return s
        assert ember.jit.force_compile(loop)
        ticks = []
        def other():
            for _ in range(5):
                ticks.append(1)
        t = threading.Thread(target=other)
        t.start()
        r = loop(3_000_000)
        t.join()
        print(r == sum(range(3_000_000)), len(ticks))
    """)
    assert r.stdout.split() == ["True", "5"], r.stderr


def test_enable_after_compile_all_keeps_the_auto_threshold():
    ember.jit.auto(250)
    ember.jit.compile_all()
    ember.jit.enable()
    assert _jit.threshold() == 250
    assert _jit.mode() == "auto"
    ember.jit.auto(1000)


def test_disable_pass_names_are_checked():
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _jit.configure(mode="auto", disabled_passes="dce,refcount_insertion,no_such_pass")
    messages = sorted(str(w.message) for w in caught)
    assert messages == [
        "ember: no HIR pass named 'no_such_pass' (passes: simplify, cfg_cleanup, dce)",
        "ember: pass 'refcount_insertion' is needed for correct reference counts; it stays enabled",
    ]
    _jit.configure(mode="off", disabled_passes="")
