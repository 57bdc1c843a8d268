"""Strict-module marker module: importing it is a no-op without ember."""
