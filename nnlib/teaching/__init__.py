"""What the book's pages use beyond the core. A teaching tool: it imports
nnlib's core, the core never imports it.

- ``source``: ``show_source``, nnlib's own code on the page;
- ``article_mistakes``: the article's bugs that still run, as
  counterexamples;
- ``conv_loops``: convolution by its definition, in slow loops (chapter
  11), the reference that ``Conv2d`` is checked and timed against.
"""

from nnlib.teaching.source import show_source

__all__ = ["show_source"]
