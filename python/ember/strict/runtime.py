"""Python face of the C++ runtime (ember._strict): StrictModule and frozen classes.

The logic lives in C++ (src/ember/strict/) so it cannot be bypassed from
Python; this module only re-exports it with docstrings and argument checks.
"""
from __future__ import annotations

from .. import _strict

StrictModule = _strict.StrictModule


def make_strict_module(module) -> StrictModule:
    """Locks a plain module in place (same object, now a StrictModule); idempotent."""
    return _strict.make_strict_module(module)


def freeze_classes(module) -> int:
    """Freezes every class defined in `module` (nested ones too); returns how many."""
    return _strict.freeze_classes(module)


def is_strict_module(obj) -> bool:
    return _strict.is_strict_module(obj)


def is_frozen(cls) -> bool:
    return _strict.is_frozen(cls)
