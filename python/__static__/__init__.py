"""Static Python marker module (filled in by the Static Python work)."""
