"""ember: a performance runtime for stock CPython 3.12.

Subpackages: ``ember.jit`` (the method JIT), ``ember.static`` (Static Python),
``ember.strict`` (strict modules), ``ember.prefork`` (pre-fork servers).
"""
__version__ = "0.1.0"
