"""Fixtures for the strict-module tests.

``strict_tree`` writes modules into a temporary directory, puts it on
sys.path, installs the strict loader, and on teardown removes every module
imported from there and restores the import system, so tests never see each
other's modules. The strict environment variables are cleared for each test.
"""
from __future__ import annotations

import importlib
import sys

import pytest
from strict_support import StrictTree


@pytest.fixture
def strict_tree(tmp_path, monkeypatch):
    import ember.strict as strict
    from ember.strict import cache
    monkeypatch.delenv("EMBERSTRICTALLOWLIST", raising=False)
    monkeypatch.delenv("EMBERSTRICTPATCHING", raising=False)
    was_installed = strict.installed()
    before = set(sys.modules)
    sys.path.insert(0, str(tmp_path))
    strict.install()
    cache.clear()
    try:
        yield StrictTree(tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
        if not was_installed:
            strict.uninstall()
        for name in set(sys.modules) - before:
            mod = sys.modules.get(name)
            if str(tmp_path) in str(getattr(mod, "__file__", "") or ""):
                del sys.modules[name]
        importlib.invalidate_caches()
