"""Dataset tests (a package, so test module basenames may repeat elsewhere)."""
