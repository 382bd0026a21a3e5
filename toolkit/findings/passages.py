"""Shared passages: near-duplicate sentences that two outlets both carry (wire copy, quotes).

Contract in: the coverage lines (``doc``, ``line``, ``text``) and each document's outlet. Out:
``schema.SHARED_PASSAGES``, one row per pair of sentences from different outlets.

Method: sentences of at least ``min_words`` words are cut into word 3-grams of their matching key
(``normalize.match_key``: orthography folded, punctuation dropped). MinHash signatures
(``n_permutations`` seeded hash functions) and locality-sensitive hashing (bands of rows) find
candidate pairs without comparing every sentence with every other; each candidate's exact
Jaccard similarity of 3-grams is then computed and pairs at or above ``threshold`` are kept. A
sentence shared by many documents yields, for each other outlet, its best match only, so a wire
sentence in 500 articles does not become 125,000 rows.

Banding: with ``b`` bands of ``r`` rows, two sentences at Jaccard ``s`` share at least one band
(become a candidate) with probability ``1 - (1 - s**r)**b`` (``lsh_recall``). The default 64
hash functions in 32 bands of 2 rows give, at Jaccard 0.5, ``1 - (1 - 0.5**2)**32`` ≈ 0.9999
(0.999999 at 0.6); 16 bands of 4 rows, the earlier default, gave only ≈ 0.64 at 0.5 (0.89 at
0.6). The price is more false candidates — about 0.73 of pairs at Jaccard 0.2 and 0.28 at 0.1
become candidates — but pairs with no 3-gram in common (nearly all pairs of sentences)
practically never do, and every candidate is checked by its exact Jaccard, so a false candidate costs one set intersection and never
becomes a row.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
import pandas as pd

from ..corpus.normalize import match_key
from ..schema import SHARED_PASSAGES

_PRIME = np.uint64((1 << 31) - 1)  # a, b < 2^31 and x < 2^32: a*x + b fits in 64 bits
N_PERMUTATIONS = 64  # MinHash size
BANDS = 32  # LSH bands: N_PERMUTATIONS // BANDS = 2 rows per band
CLOSEST_MAX_SENTENCES = 5000  # closest_ compares every pair: small corpora only


def lsh_recall(jaccard: float, n_permutations: int = N_PERMUTATIONS, bands: int = BANDS) -> float:
    """Probability that a pair at this Jaccard similarity becomes a candidate: 1 - (1 - s^r)^b,
    with ``r = n_permutations // bands`` rows in each of ``bands`` bands."""
    rows = n_permutations // bands
    return 1.0 - (1.0 - jaccard ** rows) ** bands


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line: cut after . ! ? ؟ ؛ followed by a space."""
    spans, start = [], 0
    for m in re.finditer(r"(?<!\.)[.!?؟؛;](?!\.)\s+", text):
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def shingles(key: str, k: int = 3) -> set[int]:
    """Word ``k``-grams of a matching key, hashed to stable 32-bit integers (crc32)."""
    words = key.split()
    if len(words) < k:
        return {zlib.crc32(key.encode())} if words else set()
    return {zlib.crc32(" ".join(words[i:i + k]).encode()) for i in range(len(words) - k + 1)}


class SharedPassageFinder:
    """Find near-duplicate sentences across outlets (scikit-learn style).

    Parameters
    ----------
    threshold : minimum Jaccard similarity of the two sentences' word 3-grams.
    min_words : shorter sentences (datelines, captions, "قال:") are not compared.
    n_permutations, bands : MinHash size and LSH bands (rows per band = n_permutations // bands);
        64 / 32 (2 rows) makes a pair at Jaccard 0.5 a candidate with probability
        1 - (1 - 0.5**2)**32 ≈ 0.9999 (``lsh_recall``); candidates are then kept only at an exact
        Jaccard of at least ``threshold``.
    random_state : seed of the hash functions.

    Attributes: ``pairs_`` (``schema.SHARED_PASSAGES``), ``n_sentences_``, ``n_candidates_``,
    ``closest_`` (the most similar cross-outlet pair whatever its similarity, on corpora of at
    most 5,000 sentences; None otherwise).
    """

    def __init__(self, threshold=0.5, min_words=8, n_permutations=N_PERMUTATIONS, bands=BANDS,
                 random_state=0):
        if min_words < 1:
            raise ValueError(f"min_words must be at least 1 (a sentence without words has no signature), got {min_words}")
        if not 1 <= bands <= n_permutations:
            raise ValueError(f"bands must be between 1 and n_permutations ({n_permutations}), got {bands}")
        self.threshold = threshold
        self.min_words = min_words
        self.n_permutations = n_permutations
        self.bands = bands
        self.random_state = random_state

    def sentences(self, lines: pd.DataFrame, outlet: pd.Series) -> pd.DataFrame:
        """The sentences compared (doc, line, text, key, outlet), in line order."""
        rows = []
        for doc, line, text in lines[["doc", "line", "text"]].itertuples(index=False):
            for s, e in split_sentences(text):
                sentence = text[s:e].strip()
                key = match_key(sentence)
                if len(key.split()) >= self.min_words:
                    rows.append((doc, int(line), sentence, key))
        table = pd.DataFrame(rows, columns=["doc", "line", "text", "key"])
        table["outlet"] = table["doc"].map(outlet).fillna(table["doc"]).astype(str)
        return table

    def fit(self, lines: pd.DataFrame, outlet: pd.Series) -> "SharedPassageFinder":
        """``lines``: coverage lines (doc, line, text); ``outlet``: doc -> outlet.

        The steps are those a run takes over the partitions of a corpus
        (``toolkit.study.findings_stages``), here over one: sentences and their band keys,
        the buckets two sentences share, their candidate pairs, the exact comparison."""
        sentences = self.sentences(lines, outlet)
        sets = [shingles(k) for k in sentences["key"]]
        keys = self.band_keys(self.signatures(sets))
        buckets: dict[str, list[int]] = {}
        for band in keys:
            for i, key in enumerate(band):
                buckets.setdefault(key, []).append(i)
        rows = sentences.to_dict("records")
        self.compare(self.candidates(buckets.values()), dict(enumerate(sets)), dict(enumerate(rows)), len(rows))
        if len(rows) <= CLOSEST_MAX_SENTENCES:
            self.find_closest(sets, rows)
        return self

    def signatures(self, sets: list[set[int]]) -> np.ndarray:
        """The MinHash signature of each sentence's 3-grams, (n, ``n_permutations``)."""
        n = len(sets)
        signatures = np.empty((n, self.n_permutations), dtype=np.uint64)
        if not n:
            return signatures
        rng = np.random.default_rng(self.random_state)
        a = rng.integers(1, int(_PRIME), size=self.n_permutations, dtype=np.uint64)
        b = rng.integers(0, int(_PRIME), size=self.n_permutations, dtype=np.uint64)
        lengths = np.array([len(s) for s in sets])
        values = np.fromiter((v for s in sets for v in s), dtype=np.uint64, count=int(lengths.sum()))
        owner_start = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        for p in range(self.n_permutations):
            h = (a[p] * values + b[p]) % _PRIME
            signatures[:, p] = np.minimum.reduceat(h, owner_start)
        return signatures

    def band_keys(self, signatures: np.ndarray, bands=None) -> list[list[str]]:
        """Per band (all, or those listed), each sentence's LSH bucket: the band number and its
        rows of the signature."""
        rows = self.n_permutations // self.bands
        out = []
        for band in range(self.bands) if bands is None else bands:
            block = np.ascontiguousarray(signatures[:, band * rows:(band + 1) * rows])
            out.append([f"{band}:{r.tobytes().hex()}" for r in block])
        return out

    @staticmethod
    def candidates(buckets) -> set[tuple[int, int]]:
        """Pairs of sentence numbers sharing a bucket; each bucket's members in sentence order."""
        pairs: set[tuple[int, int]] = set()
        for members in buckets:
            if len(members) > 1:
                # Large buckets (one sentence repeated across hundreds of documents) are
                # linked as a chain plus the first member: enough for "best per outlet".
                if len(members) > 50:
                    pairs.update((members[0], m) for m in members[1:])
                    pairs.update(zip(members[:-1], members[1:]))
                else:
                    pairs.update((x, y) for k, x in enumerate(members) for y in members[k + 1:])
        return pairs

    def compare(self, candidates: set[tuple[int, int]], sets: dict, rows: dict, n_sentences: int) -> None:
        """``pairs_`` from the candidates: exact Jaccard, each sentence's best match per other
        outlet. ``sets``, ``rows``: the 3-grams and the sentence (doc, line, text, outlet) of
        at least every sentence in a candidate, by sentence number."""
        self.n_sentences_ = n_sentences
        self.n_candidates_ = len(candidates)
        best: dict[tuple[int, str], tuple[float, int]] = {}
        for a, b in candidates:
            outlet_a, outlet_b = rows[a]["outlet"], rows[b]["outlet"]
            if outlet_a == outlet_b:
                continue
            union = len(sets[a] | sets[b])
            sim = len(sets[a] & sets[b]) / union if union else 0.0
            if sim < self.threshold:
                continue
            # Keep, for each sentence, its best match in each other outlet.
            for x, y, other in ((a, b, outlet_b), (b, a, outlet_a)):
                key = (x, other)
                if key not in best or (sim, -y) > (best[key][0], -best[key][1]):
                    best[key] = (sim, y)
        pairs = {}
        for (x, _), (sim, y) in best.items():
            pairs[(min(x, y), max(x, y))] = sim
        table = pd.DataFrame([{"doc_a": rows[a]["doc"], "line_a": int(rows[a]["line"]), "doc_b": rows[b]["doc"],
                               "line_b": int(rows[b]["line"]), "similarity": round(sim, 4), "text_a": rows[a]["text"],
                               "text_b": rows[b]["text"], "outlet_a": rows[a]["outlet"], "outlet_b": rows[b]["outlet"]}
                              for (a, b), sim in sorted(pairs.items())], columns=list(SHARED_PASSAGES.columns))
        table = table.sort_values(["similarity", "doc_a", "line_a", "doc_b", "line_b"],
                                  ascending=[False, True, True, True, True], kind="stable")
        self.pairs_ = SHARED_PASSAGES.check(table.astype({"line_a": "int64", "line_b": "int64",
                                                          "similarity": "float64"}), "passages.fit")
        self.closest_ = None

    def find_closest(self, sets: list[set[int]], rows: list[dict]) -> None:
        """``closest_`` over every sentence (a corpus of at most ``CLOSEST_MAX_SENTENCES``)."""
        closest = self._closest(sets, np.array([r["outlet"] for r in rows], dtype=object))
        self.closest_ = None if closest is None else {
            "doc_a": rows[closest[0]]["doc"], "line_a": int(rows[closest[0]]["line"]),
            "doc_b": rows[closest[1]]["doc"], "line_b": int(rows[closest[1]]["line"]),
            "similarity": round(closest[2], 4), "text_a": rows[closest[0]]["text"],
            "text_b": rows[closest[1]]["text"]}

    def _closest(self, sets, outlets):
        """The most similar pair of sentences from two outlets, by exact Jaccard over all pairs
        (small corpora only): what the report shows when no pair reaches the threshold."""
        from scipy import sparse

        if len(sets) < 2:
            return None
        vocab = {v: k for k, v in enumerate(sorted({v for s in sets for v in s}))}
        rows = np.repeat(np.arange(len(sets)), [len(s) for s in sets])
        cols = np.fromiter((vocab[v] for s in sets for v in sorted(s)), dtype=np.int64, count=len(rows))
        X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(sets), len(vocab)))
        inter = (X @ X.T).toarray()
        sizes = np.asarray(X.sum(axis=1)).ravel()
        jaccard = inter / np.maximum(sizes[:, None] + sizes[None, :] - inter, 1)
        same = outlets[:, None] == outlets[None, :]
        jaccard[same] = -1
        a, b = np.unravel_index(int(np.argmax(jaccard)), jaccard.shape)
        return (int(min(a, b)), int(max(a, b)), float(jaccard[a, b])) if jaccard[a, b] >= 0 else None
