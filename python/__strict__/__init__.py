"""Strict-module marker: ``import __strict__`` as a module's first statement opts it in.

Importing this module does nothing by itself, so strict modules run unchanged
on a Python without ember. When ember's strict loader is installed it reads
the marker from the source before the module runs (see ember.strict).

``mutable`` is the per-class opt-out from freezing: classes of strict modules
are frozen after the module body runs unless decorated with ``@mutable``.
"""


def mutable(cls):
    """Keeps a class of a strict module mutable (it is not frozen)."""
    cls.__strict_mutable__ = True
    return cls
