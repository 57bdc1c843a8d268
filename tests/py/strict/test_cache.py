"""Analysis results are cached per source hash and invalidated by every input."""
from __future__ import annotations

import json
import os
import sys

import pytest

from ember.strict import cache


@pytest.fixture
def fresh_cache(monkeypatch):
    # the disk half follows sys.dont_write_bytecode (PYTHONDONTWRITEBYTECODE may be set)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache.clear()
    yield cache
    cache.clear()


def analyse(path, name, **kw):
    source = path.read_text()
    return cache.analyze_cached(source, str(path), name, search_path=[str(path.parent)],
                                allowlist=kw.pop("allowlist", ()), **kw)


def test_second_analysis_is_a_memory_hit(tmp_path, fresh_cache):
    p = tmp_path / "c_one.py"
    p.write_text("import __strict__\nX = 1\n")
    first = analyse(p, "c_one")
    second = analyse(p, "c_one")
    assert first.errors == second.errors == []
    assert cache.stats() == {"hits": 1, "disk_hits": 0, "misses": 1}


def test_disk_entry_survives_memory_clear_and_keeps_errors(tmp_path, fresh_cache):
    p = tmp_path / "c_disk.py"
    p.write_text("import __strict__\nprint(1)\n")
    errors = analyse(p, "c_disk").errors
    disk = cache.cache_file_for(str(p))
    assert os.path.exists(disk) and json.load(open(disk))["errors"][0][0] == "ST103"
    cache.clear()
    again = analyse(p, "c_disk").errors
    assert again == errors and cache.stats()["disk_hits"] == 1


def test_editing_the_source_invalidates(tmp_path, fresh_cache):
    p = tmp_path / "c_edit.py"
    p.write_text("import __strict__\nX = 1\n")
    assert analyse(p, "c_edit").errors == []
    p.write_text("import __strict__\nX = 1\nprint(X)\n")
    assert [e.code for e in analyse(p, "c_edit").errors] == ["ST103"]
    assert cache.stats()["misses"] == 2


def test_editing_a_strict_dependency_invalidates(tmp_path, fresh_cache):
    dep = tmp_path / "c_dep.py"
    dep.write_text("import __strict__\ndef f():\n    return 1\n")
    user = tmp_path / "c_user.py"
    user.write_text("import __strict__\nimport c_dep\nX = c_dep.f()\n")
    assert analyse(user, "c_user").errors == []
    assert analyse(user, "c_user").errors == [] and cache.stats()["hits"] == 1
    dep.write_text("import __strict__\ndef f():\n    print('now impure')\n")
    errors = analyse(user, "c_user").errors
    assert [e.code for e in errors] == ["ST103"] and errors[0].filename == str(dep)
    assert cache.stats()["misses"] == 2
    cache.clear()                       # the disk entry is validated against the dependency too
    assert [e.code for e in analyse(user, "c_user").errors] == ["ST103"]


def test_allowlist_change_invalidates(tmp_path, fresh_cache):
    p = tmp_path / "c_allow.py"
    p.write_text("import __strict__\nimport mylib\nmylib.go()\n")
    assert [e.code for e in analyse(p, "c_allow").errors] == ["ST101"]
    assert analyse(p, "c_allow", allowlist=("mylib.go",)).errors == []
    assert cache.stats()["misses"] == 2


def test_corrupt_cache_file_is_a_miss(tmp_path, fresh_cache):
    p = tmp_path / "c_bad.py"
    p.write_text("import __strict__\nX = 1\n")
    analyse(p, "c_bad")
    with open(cache.cache_file_for(str(p)), "w") as f:
        f.write("{not json")
    cache.clear()
    assert analyse(p, "c_bad").errors == [] and cache.stats()["misses"] == 1


def test_dont_write_bytecode_skips_the_disk(tmp_path, fresh_cache, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    p = tmp_path / "c_nowrite.py"
    p.write_text("import __strict__\nX = 1\n")
    analyse(p, "c_nowrite")
    assert not os.path.exists(cache.cache_file_for(str(p)))


def test_loader_uses_the_cache(strict_tree, fresh_cache):
    strict_tree.write("c_loaded.py", "import __strict__\nX = 1\n")
    import c_loaded
    assert c_loaded.X == 1 and cache.stats()["misses"] == 1
