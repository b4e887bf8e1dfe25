"""Show nnlib's own code in a notebook, so the book never copies it."""

import inspect


def show_source(obj):
    """Display the source of a class, method or function of nnlib, highlighted.

    In Jupyter and in the rendered book this is the code that actually runs.
    """
    # imported here: nnlib itself needs no IPython
    from IPython.display import Code

    return Code(inspect.getsource(obj), language="python")
