"""Words as evidence: content terms, document frequencies and a lexical profile of the focus.

Embeddings of any two Arabic news paragraphs are fairly similar; their *words* are not. A
football report and a war report share almost no content term, and a piece glued in from
another article names other people and places than its host. This module gives the
separation that second, lexical view:

- ``content_terms``: a paragraph's content words, orthography folded (``normalize.match_key``),
  the article and a few suffixes stripped so that الحوثيين، والحوثي، للحوثيين agree, stop words
  dropped;
- ``Lexicon``: inverse document frequencies counted over the corpus and TF-IDF vectors;
- ``Lexicon.profile``: the TF-IDF centroid of the paragraphs closest to the focus (the lexical
  side of the pseudo-relevance feedback the separation uses for embeddings), and the cosine of
  any text with it.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Iterable

import numpy as np

from ..corpus.normalize import match_key

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
_PREFIXES = ("وبال", "وال", "فال", "بال", "كال", "ولل", "لل", "ال")
_SUFFIXES = ("ين", "ون", "ات", "يه")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from .topics import arabic_stop_words

    return frozenset(arabic_stop_words())


def content_terms(text: str) -> list[str]:
    """Content words of a text: normalized, article and common suffixes stripped, stop words
    and tokens under three letters dropped (order and repeats kept)."""
    terms: list[str] = []
    for token in text.split():
        terms.extend(_terms(token))
    return terms


@lru_cache(maxsize=500_000)
def _terms(token: str) -> tuple[str, ...]:
    """The content terms of one whitespace-delimited token (news vocabulary repeats: each
    distinct token is worked out once per process)."""
    stop = _stop_words()
    out = []
    for word in _WORD.findall(match_key(token)):
        if word in stop:
            continue
        for prefix in _PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix):]
                break
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        if word not in stop:
            out.append(word)
    return tuple(out)


def document_terms(paragraph_terms: Iterable[list[str]]) -> set[str]:
    """The distinct terms of a document (for document frequencies)."""
    return {t for terms in paragraph_terms for t in terms}


class Lexicon:
    """Inverse document frequencies and TF-IDF vectors (sparse, as ``{term: weight}``).

    ``document_frequency``: term -> documents holding it, over ``n_documents`` documents.
    Terms never counted get the largest weight (as if held by no document).
    """

    def __init__(self, document_frequency: dict[str, int], n_documents: int):
        n = max(int(n_documents), 1)
        self.n_documents = n
        self.idf = {t: float(np.log((n + 1) / (c + 1)) + 1) for t, c in document_frequency.items()}
        self.default_idf = float(np.log(n + 1) + 1)

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.default_idf)

    def vector(self, terms: Iterable[str]) -> dict[str, float]:
        """Unit TF-IDF vector (sublinear term frequency)."""
        counts = Counter(terms)
        v = {t: (1 + np.log(c)) * self.weight(t) for t, c in counts.items()}
        norm = float(np.sqrt(sum(w * w for w in v.values())))
        return {t: w / norm for t, w in v.items()} if norm else {}

    def profile(self, paragraphs: Iterable[list[str]]) -> dict[str, float]:
        """Unit TF-IDF centroid of paragraphs (the lexical profile of the focus)."""
        total: Counter = Counter()
        for terms in paragraphs:
            for t, w in self.vector(terms).items():
                total[t] += w
        norm = float(np.sqrt(sum(w * w for w in total.values())))
        return {t: w / norm for t, w in sorted(total.items())} if norm else {}


def cosine(vector: dict[str, float], profile: dict[str, float]) -> float:
    """Cosine of two unit sparse vectors."""
    if len(vector) > len(profile):
        vector, profile = profile, vector
    return float(sum(w * profile.get(t, 0.0) for t, w in vector.items()))
