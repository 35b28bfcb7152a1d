"""gdviz: see the mathematics of gradient descent."""

__version__ = "0.1.0"
