"""ember: a performance runtime for stock CPython 3.12.

Subpackages: ``ember.jit`` (the method JIT), ``ember.static`` (Static Python),
``ember.strict`` (strict modules), ``ember.prefork`` (pre-fork servers).
"""
__version__ = "0.1.0"


def immortalize_heap() -> int:
    """Make the heap immortal before forking workers; see ember.immortal."""
    from ember.immortal import immortalize_heap as run
    return run()


def is_immortal(obj) -> bool:
    """True if obj is immortal (PEP 683); see ember.immortal."""
    from ember._immortal import is_immortal as check
    return check(obj)
