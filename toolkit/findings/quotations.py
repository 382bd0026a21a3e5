"""Shared quotations: one statement that two outlets carry in different words.

Contract in: the coverage lines (``doc``, ``line``, ``start``, ``text``), each document's outlet
and an embedder (``toolkit.model.embed``). Out: ``schema.SHARED_QUOTATIONS``, one row per pair of
quotations from different outlets.

Word 3-grams (``toolkit.findings.passages``) find the sentences two outlets share word for word; a
statement translated twice, or retold in each outlet's words (the US account of what Russia
trained North Korean troops in, Kim's order to support Russia), shares almost no 3-gram. Such
quotations are found by meaning:

1. **Quotations**: text in quotation marks («…», “…”, "…") of at least ``min_words`` words, and
   reported speech: what follows an attribution verb and its أن/إن (``resources/attribution.yml``)
   up to the sentence's end.
2. **Embedding**: each quotation is embedded; for every pair of outlets, a quotation's nearest
   quotation in the other outlet is its candidate, and a pair is kept when each is the other's
   nearest (mutual), their cosine reaches ``threshold`` (on the scale of the toolkit's
   USE-multilingual encoder) and
3. **shared rare words**: they have at least ``min_rare_shared`` content words in common that are
   rare in the corpus (in at most √N of its N documents, at least 2): two outlets
   covering one story say "10,000 North Korean soldiers in Russia" in many statements, which
   embed alike; the same statement keeps its particulars (المدفعية، الخنادق; أوعز، بتقديم).

At most ``max_quotations`` quotations are compared (a seeded sample beyond; ``n_quotations_``
and ``n_compared_`` say how many).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..model.lexical import content_terms
from ..schema import SHARED_QUOTATIONS

_QUOTED = re.compile(r"[«“\"]([^«»“”\"\n]+?)[»”\"]")
_SENTENCE_END = re.compile(r"[.!?؟؛](?:\s|$)|$")


def extract_quotations(lines: pd.DataFrame, min_words: int = 5) -> pd.DataFrame:
    """Quotations of the lines: ``doc, line, start, end`` (offsets in the document), ``kind``
    (quoted / reported) and ``text``; one per text and document."""
    from ..corpus.normalize import normalize_arabic
    from ..resources import load_yaml
    from .words import is_speech_verb, speech_verbs, tokenize

    verbs = speech_verbs()
    complementizers = {normalize_arabic(w) for w in load_yaml("attribution.yml").get("complementizers", [])}
    rows = []
    for doc, line, offset, text in lines[["doc", "line", "start", "text"]].itertuples(index=False):
        for m in _QUOTED.finditer(text):
            if len(m.group(1).split()) >= min_words:
                rows.append((doc, int(line), int(offset) + m.start(1), int(offset) + m.end(1), "quoted",
                             m.group(1).strip()))
        toks = tokenize(text)
        for i, tok in enumerate(toks):
            if not is_speech_verb(tok.key, verbs):
                continue
            for j in range(i + 1, min(i + 8, len(toks))):
                if toks[j].key in complementizers:
                    start = toks[j].end
                    end = _SENTENCE_END.search(text, start).start()
                    clause = text[start:end].strip(" \t،,:«»“”\"")
                    if len(clause.split()) >= min_words:
                        lead = len(text[start:end]) - len(text[start:end].lstrip(" \t،,:«»“”\""))
                        rows.append((doc, int(line), int(offset) + start + lead,
                                     int(offset) + start + lead + len(clause), "reported", clause))
                    break
    table = pd.DataFrame(rows, columns=["doc", "line", "start", "end", "kind", "text"])
    return table.drop_duplicates(["doc", "text"]).sort_values(["doc", "start"], kind="stable").reset_index(drop=True)


class SharedQuotationFinder:
    """Pairs of quotations two outlets share by meaning (see the module docstring).

    Parameters: ``min_words``, ``threshold`` (cosine), ``min_rare_shared``, ``max_quotations``,
    ``random_state`` (the sample beyond ``max_quotations``).

    Attributes (after ``fit``): ``quotations_`` (every quotation found), ``pairs_``
    (``schema.SHARED_QUOTATIONS``), ``n_quotations_``, ``n_compared_``.
    """

    def __init__(self, min_words=5, threshold=0.65, min_rare_shared=2, max_quotations=20000, random_state=0):
        self.min_words = min_words
        self.threshold = threshold
        self.min_rare_shared = min_rare_shared
        self.max_quotations = max_quotations
        self.random_state = random_state

    def fit(self, lines: pd.DataFrame, outlet: pd.Series, embedder, cache=None) -> "SharedQuotationFinder":
        """The steps are those a run takes over the partitions of a corpus
        (``toolkit.study.findings_stages``), here over one: the quotations, the ones compared,
        how many documents use each of their words, the comparison."""
        self.choose(extract_quotations(lines, self.min_words), outlet)
        frequencies, n_documents = self.document_frequencies(lines, self.words_compared())
        self.compare(embedder, cache, frequencies, n_documents)
        return self

    def choose(self, quotations: pd.DataFrame, outlet: pd.Series) -> None:
        """``quotations_`` (``extract_quotations``' table of the corpus) and the ones compared:
        all, or a seeded sample of ``max_quotations``."""
        self.quotations_ = quotations
        self.n_quotations_ = len(quotations)
        quotes = quotations
        if len(quotes) > self.max_quotations:
            keep = np.sort(np.random.default_rng(self.random_state).choice(len(quotes), self.max_quotations,
                                                                           replace=False))
            quotes = quotes.iloc[keep].reset_index(drop=True)
        self._compared = quotes
        self.n_compared_ = len(quotes)
        self._outlets = quotes["doc"].map(outlet).fillna(quotes["doc"]).astype(str).to_numpy(dtype=object)
        self._terms = [set(content_terms(t)) for t in quotes["text"]]

    def words_compared(self) -> set[str]:
        """The content words of the quotations compared (the only ones whose rarity is asked)."""
        return set().union(*self._terms) if self._terms else set()

    @staticmethod
    def document_frequencies(lines: pd.DataFrame, words: set[str]) -> tuple[dict[str, int], int]:
        """In how many documents of ``lines`` each of ``words`` occurs, and how many documents
        there are (summed over partitions: a document lies in one)."""
        by_doc: dict[str, set[str]] = {}
        for doc, text in lines[["doc", "text"]].itertuples(index=False):
            by_doc.setdefault(doc, set()).update(w for w in content_terms(text) if w in words)
        counts: dict[str, int] = {}
        for found in by_doc.values():
            for w in found:
                counts[w] = counts.get(w, 0) + 1
        return counts, len(by_doc)

    def compare(self, embedder, cache, frequencies: dict[str, int], n_documents: int) -> None:
        """``pairs_``: mutual nearest quotations of two outlets that share rare words. A word is
        rare in at most √N of the corpus's N documents (2 at the least, so that a pair can
        share them): 2 of 5 documents, 122 of 15,000. A fixed share would let the words of a
        whole story (سوريا، الأسد on 2 % of a month of news) pass for particulars."""
        from ..model.embed import embed_texts

        quotes, outlets = self._compared, self._outlets
        rows = []
        if len(quotes) >= 2 and len(set(outlets)) >= 2:
            vectors, _ = embed_texts(quotes["text"].tolist(), embedder, cache)
            limit = max(2, int(round(np.sqrt(n_documents))))
            rare = {w for w, n in frequencies.items() if n <= limit}
            terms = [t & rare for t in self._terms]
            for a, b, similarity in self._mutual_pairs(np.asarray(vectors, dtype=np.float32), outlets):
                shared = sorted(terms[a] & terms[b])
                if len(shared) >= self.min_rare_shared:
                    qa, qb = quotes.iloc[a], quotes.iloc[b]
                    rows.append({"doc_a": qa["doc"], "line_a": int(qa["line"]), "doc_b": qb["doc"],
                                 "line_b": int(qb["line"]), "similarity": round(float(similarity), 4),
                                 "shared_words": " ".join(shared), "kind_a": qa["kind"], "kind_b": qb["kind"],
                                 "text_a": qa["text"], "text_b": qb["text"], "outlet_a": outlets[a],
                                 "outlet_b": outlets[b]})
        table = pd.DataFrame(rows, columns=list(SHARED_QUOTATIONS.columns))
        table = table.sort_values(["similarity", "doc_a", "line_a", "doc_b", "line_b"],
                                  ascending=[False, True, True, True, True], kind="stable").reset_index(drop=True)
        self.pairs_ = SHARED_QUOTATIONS.check(table.astype({"line_a": "int64", "line_b": "int64",
                                                            "similarity": "float64"}), "quotations.fit")
        del self._compared, self._outlets, self._terms

    def _mutual_pairs(self, vectors: np.ndarray, outlets: np.ndarray, block: int = 1024):
        """(a, b, cosine) with a < b in different outlets, each the other's nearest quotation in
        its outlet and at or above ``threshold``; computed in blocks of rows."""
        names = sorted(set(outlets))
        index = {name: np.flatnonzero(outlets == name) for name in names}
        nearest: dict[tuple[int, str], tuple[int, float]] = {}
        for lo in range(0, len(vectors), block):
            sims = vectors[lo:lo + block] @ vectors.T
            for name in names:
                cols = index[name]
                part = sims[:, cols]
                best = np.argmax(part, axis=1)  # first of equal maxima: the same on every machine
                for r in range(len(part)):
                    a = lo + r
                    if outlets[a] != name:
                        nearest[(a, name)] = (int(cols[best[r]]), float(part[r, best[r]]))
        for (a, name), (b, similarity) in sorted(nearest.items()):
            if a < b and similarity >= self.threshold and nearest.get((b, outlets[a]), (-1, 0.0))[0] == a:
                yield a, b, similarity
