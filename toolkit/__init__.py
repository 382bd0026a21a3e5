"""Arabic news coverage toolkit.

One module per stage, each taking and returning a pandas table with a documented contract
(``toolkit.schema``), grouped by layer; a layer imports only the layers above it in this list
(one exception: ``corpus.load`` asks ``study.workspace`` which folders a run wrote, to skip them):

- ``toolkit.corpus``: load -> segment (lines) -> clean -> segment (paragraphs), normalize;
- ``toolkit.model``: embed (encoder) -> topics -> coverage -> separate (lexical, splice);
- ``toolkit.findings``: actors, claims, passages, quotations, framing;
- ``toolkit.study``: params, pipeline (on an engine), report, figures, cli.

``toolkit.schema`` (the tables' contracts), ``toolkit.errors`` and ``toolkit/resources/``
(word lists and patterns, data) serve them all. ``python -m toolkit --help`` runs it all.
"""

from . import _numba_cache

# Before UMAP/pynndescent are imported (by topics, or by BERTopic through embed).
_numba_cache.enable()

__version__ = "0.1.0"
