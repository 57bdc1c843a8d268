"""ember.strict.patch: temporary replacement of a strict module's (or frozen class's) attribute.

Tests need to monkeypatch; strict modules forbid it. ``patch`` is the one
sanctioned door, and it is locked unless patching was enabled explicitly for
the process (``-X strict-patching`` or ``EMBERSTRICTPATCHING=1``, read when
patch() is called). The original value (or its absence) is restored when the
``with`` block exits, whatever happens inside it. Writes go through
``ember._strict.force_setattr``, which edits the module dict directly (so the
module's own functions see the patched value) or lifts a class's freeze for
one write.
"""
from __future__ import annotations

import contextlib

from .. import _flags, _strict

_ABSENT = object()


def patching_enabled() -> bool:
    return bool(_flags.read()["strict-patching"])


@contextlib.contextmanager
def patch(target, name: str, value):
    """Context manager: ``with patch(mod, "f", fake): ...`` restores mod.f afterwards."""
    if not patching_enabled():
        raise RuntimeError("ember.strict.patch() is disabled: enable it for tests with "
                           "-X strict-patching or EMBERSTRICTPATCHING=1")
    if not isinstance(name, str):
        raise TypeError("patch() attribute name must be a string")
    if isinstance(target, type):
        original = target.__dict__.get(name, _ABSENT)
    else:
        original = getattr(target, "__dict__", {}).get(name, _ABSENT)
    _strict.force_setattr(target, name, value)
    try:
        yield value
    finally:
        if original is _ABSENT:
            _strict.force_setattr(target, name, None, True)
        else:
            _strict.force_setattr(target, name, original)
