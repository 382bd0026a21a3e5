"""Arabic news coverage toolkit.

One module per stage, each taking and returning a pandas table with a documented contract
(``toolkit.schema``): load -> segment (lines) -> clean -> segment (paragraphs) -> embed ->
topics -> separate -> figures -> report. ``python -m toolkit --help`` runs it all.
"""

from . import _numba_cache

# Before UMAP/pynndescent are imported (by topics, or by BERTopic through embed).
_numba_cache.enable()

__version__ = "0.1.0"
