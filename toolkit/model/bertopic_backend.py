"""The toolkit's embedder handed to BERTopic as the ``BaseEmbedder`` BERTopic requires.

BERTopic takes a model object only as a ``bertopic.backend.BaseEmbedder`` (anything else it
replaces by a model it would download). ``toolkit.model.embed`` keeps its backends free of
BERTopic, whose import costs about 10 s; this module, imported only where a BERTopic model is
built or loaded (``toolkit.model.topics``), wraps one.
"""

from __future__ import annotations

from bertopic.backend import BaseEmbedder


class BERTopicBackend(BaseEmbedder):
    """A ``toolkit.model.embed.Embedder`` as a BERTopic ``BaseEmbedder``."""

    def __init__(self, embedder):
        super().__init__()
        self.embedder = embedder

    def embed(self, documents, verbose: bool = False):
        return self.embedder.embed(documents, verbose)


def as_bertopic(embedder):
    """``embedder`` for BERTopic: None stays None (precomputed embeddings only)."""
    if embedder is None or isinstance(embedder, BaseEmbedder):
        return embedder
    return BERTopicBackend(embedder)
