"""What a run takes as the coverage under study when no focus is given.

A corpus gathered by a query (the seed articles, a month of one subject) has a dominant
coverage: most of its articles are about one subject, split into a few topics (its facets).
A month of a newspaper collection is a mixed collection: every section, no subject holding
most of the articles, and its largest topic (oil prices, say, at 2 % of the paragraphs) is
not "the coverage". ``CoverageFinder`` tells the two apart from the corpus itself and says
which, with the numbers, for the report and the manifest:

- ``dominant``: the separation runs as with a focus, the focus vector derived from the corpus
  (``focus_vector_``);
- ``mixed``: there is no coverage under study; every article is kept and the separation only
  sets aside what does not belong to its own article (``separate.FocusSeparator.set_without_focus``).

How it decides (on the topic model's sample of paragraphs, in the driving process):

1. **Candidate.** The corpus's own centre of gravity: the mean of the documents' centroids
   (each document counts once, however long). In a query corpus that is the subject the
   articles share; in a mixed collection it is "Arabic news in general".
2. **Reach.** Which documents are about the candidate, judged by what distinguishes a subject
   from news in general: its words. The candidate's lexical profile is built as the
   separation builds a focus profile (TF-IDF over the paragraphs closest to the candidate,
   document frequencies from the sample); a document is *on* the candidate when at least
   ``min_shared_terms`` (3) of the profile's ``profile_terms`` (10) leading terms occur in it:
   one shared word is chance, several of a subject's distinctive words are the subject. Reach
   is the share of documents on the candidate. Measured: 69-88 % on twelve query-like corpora
   of the separation benchmark (40 on-theme articles and 12 others each) and 100 % on the seed
   articles; 22 % on the dev split (a month of every section) and 32 % on one day of it.
   On corpora larger than ``topic_sample_size`` paragraphs the decision is made on the topic
   model's sample, so a document counts the words of its sampled paragraphs only.
3. **Decision.** A dominant coverage holds most of the documents: reach at least
   ``dominant_share``. Otherwise the collection is mixed.
4. **The focus of a dominant coverage.** The separation's focus vector is the candidate; its
   lexical profile is built from every document on the candidate (their paragraphs closest to
   it, ``profile_paragraphs_``), so that all the coverage's facets count, not only the one
   nearest the centre (a researcher's focus sentence names the facets; the corpus must show
   them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KINDS = ("focus", "dominant", "mixed")


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n else v


class CoverageFinder:
    """Decide whether a corpus without a focus has a dominant coverage (scikit-learn style).

    Parameters
    ----------
    dominant_share : share of documents on the candidate coverage from which it is dominant.
    seed_share : share of the sample's paragraphs closest to the candidate that give its
        lexical profile (as ``separate.FocusSeparator.seed_share``).
    profile_terms : leading terms of the candidate's profile a document is checked for.
    min_shared_terms : a document on the candidate uses at least this many of them.
    random_state : kept for the estimator interface; the decision is deterministic.

    Attributes (after ``fit``)
    --------------------------
    kind_ : "dominant" or "mixed".
    focus_vector_ : unit vector of the candidate (the focus of a dominant coverage; kept for a
        mixed collection too, for the record).
    reach_ : share of documents on the candidate; documents_ : documents judged.
    terms_ : the profile's leading terms.
    profile_paragraphs_ : sample positions the dominant coverage's lexical profile is built from.
    statement_ : one sentence for the report: what the run took as the coverage, and why.
    evidence_ : the numbers behind it, for the manifest.
    """

    def __init__(self, dominant_share=0.5, seed_share=0.3, profile_terms=10, min_shared_terms=3, random_state=0):
        self.dominant_share = dominant_share
        self.seed_share = seed_share
        self.profile_terms = profile_terms
        self.min_shared_terms = min_shared_terms
        self.random_state = random_state

    def fit(self, segments: pd.DataFrame, embeddings: np.ndarray, topic_sizes: dict[int, int] | None = None,
            topic_words: dict[int, list[str]] | None = None) -> "CoverageFinder":
        """``segments``/``embeddings``: the topic model's sample (``schema.SEGMENTS`` rows and
        their vectors); ``topic_sizes``/``topic_words``: for the statement only."""
        from .lexical import Lexicon, content_terms, document_terms

        E = np.asarray(embeddings, dtype=np.float64)
        by_doc = {doc: np.sort(idx) for doc, idx in segments.groupby("doc", sort=True).indices.items()}
        self.documents_ = len(by_doc)
        if not by_doc:
            self.kind_, self.focus_vector_, self.reach_, self.terms_ = "mixed", None, 0.0, []
            self.profile_paragraphs_ = np.zeros(0, dtype=np.int64)
            self.evidence_ = {"documents": 0}
            self.statement_ = "No focus given and no paragraph to judge: nothing is taken as the coverage."
            return self
        self.focus_vector_ = self._candidate(E, by_doc)
        terms = [content_terms(t) for t in segments["text"]]
        doc_terms = {doc: document_terms(terms[i] for i in idx) for doc, idx in by_doc.items()}
        df: dict[str, int] = {}
        for found in doc_terms.values():
            for t in found:
                df[t] = df.get(t, 0) + 1
        lexicon = Lexicon(df, len(by_doc))
        closest = self._closest(E)
        profile = lexicon.profile(terms[i] for i in closest)
        self.terms_ = [t for t, _ in sorted(profile.items(), key=lambda kv: (-kv[1], kv[0]))[:self.profile_terms]]
        wanted = set(self.terms_)
        on = [len(wanted & set(found)) >= self.min_shared_terms for found in doc_terms.values()]
        self.reach_ = float(np.mean(on))
        self.profile_paragraphs_ = self._profile_paragraphs(E, [idx for idx, o in zip(by_doc.values(), on) if o])
        self.kind_ = "dominant" if self.reach_ >= self.dominant_share else "mixed"
        self.evidence_ = self._evidence(topic_sizes)
        self.statement_ = self._statement(topic_sizes, topic_words)
        return self

    # ------------------------------------------------------------------ steps
    @staticmethod
    def _candidate(E: np.ndarray, by_doc: dict) -> np.ndarray:
        """The mean of the documents' unit centroids: each document counts once."""
        centroids = np.stack([_unit(E[idx].mean(axis=0)) for idx in by_doc.values()])
        return _unit(centroids.mean(axis=0))

    def _closest(self, E: np.ndarray) -> np.ndarray:
        """The ``seed_share`` of paragraphs closest to the candidate (stable order)."""
        k = max(1, int(round(self.seed_share * len(E))))
        return np.sort(np.argsort(-(E @ self.focus_vector_), kind="stable")[:k])

    def _profile_paragraphs(self, E: np.ndarray, on_documents: list[np.ndarray]) -> np.ndarray:
        """Sample positions that give a dominant coverage its lexical profile: in each document
        on the candidate, its ``seed_share`` of paragraphs closest to the candidate (at least
        one). Every facet of the coverage is in the profile, not only the one nearest the
        centre, and the pieces glued into those documents (far from the candidate) are not."""
        picked = []
        for idx in on_documents:
            k = max(1, int(np.ceil(self.seed_share * len(idx))))
            picked.append(idx[np.argsort(-(E[idx] @ self.focus_vector_), kind="stable")[:k]])
        return np.sort(np.concatenate(picked)) if picked else np.zeros(0, dtype=np.int64)

    def _evidence(self, topic_sizes) -> dict:
        sizes = {int(t): int(c) for t, c in (topic_sizes or {}).items()}
        paragraphs = sum(sizes.values())
        largest = max((c for t, c in sizes.items() if t >= 0), default=0)
        return {"kind": self.kind_, "documents": self.documents_, "reach": round(self.reach_, 4),
                "dominant_share": self.dominant_share, "profile_terms": self.terms_,
                "min_shared_terms": self.min_shared_terms,
                "largest_topic_share": round(largest / paragraphs, 4) if paragraphs else None}

    def _statement(self, topic_sizes, topic_words) -> str:
        on = int(round(self.reach_ * self.documents_))
        words = "، ".join(self.terms_[:6])
        if self.kind_ == "dominant":
            return (f"No focus given: the corpus has a dominant coverage — {on} of {self.documents_} documents "
                    f"({self.reach_:.0%}, at least {self.dominant_share:.0%} needed) share its words ({words}); "
                    f"it is separated as if that coverage were the focus.")
        largest = self.evidence_.get("largest_topic_share")
        topic_note = f"; its largest topic holds {largest:.0%} of the paragraphs" if largest and largest < 1 else ""
        return (f"No focus given: a mixed collection — no subject holds most of the documents (the corpus's "
                f"centre, {words}, reaches {on} of {self.documents_} documents, {self.reach_:.0%}, under "
                f"{self.dominant_share:.0%}{topic_note}). There is no coverage under study: every article is "
                f"kept, and a line is set aside only when it does not belong to its own article (site chrome, "
                f"repeats, related-articles blocks and a separate article after one; runs that look glued in "
                f"are listed for reading); topics, outlets, days and findings describe the whole collection.")


class Coverage:
    """What a run takes as the coverage under study: ``kind`` (one of ``KINDS``), the focus
    vector the separation uses (None for a mixed collection), the report's sentence and the
    manifest's numbers."""

    def __init__(self, kind: str, focus_vector: np.ndarray | None, statement: str, evidence: dict,
                 profile_sample: np.ndarray | None = None):
        if kind not in KINDS:
            raise ValueError(f"coverage kind {kind!r} is not one of {KINDS}")
        self.kind = kind
        self.focus_vector = focus_vector
        self.statement = statement
        self.evidence = evidence
        self.profile_sample = profile_sample

    @classmethod
    def given(cls, focus: str, focus_vector: np.ndarray) -> "Coverage":
        return cls("focus", focus_vector, f"Focus given by the focus parameter: «{focus}».", {"kind": "focus"})

    @classmethod
    def found(cls, finder: CoverageFinder) -> "Coverage":
        dominant = finder.kind_ == "dominant"
        return cls(finder.kind_, finder.focus_vector_ if dominant else None, finder.statement_, finder.evidence_,
                   finder.profile_paragraphs_ if dominant else None)

    def record(self) -> dict:
        """For ``run_info.json`` and the manifest."""
        return {"kind": self.kind, "statement": self.statement, **{k: v for k, v in self.evidence.items() if k != "kind"}}
