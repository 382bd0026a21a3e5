"""Runs of paragraphs glued into a document from another article (``SpliceDetector``).

A scraped page often carries a piece of another article: the next article on the page, a
block from another section, a paragraph run pasted by the site. Such a run breaks the
article's continuity: it has its own people, places and vocabulary, and its paragraphs are
closer to each other than to the article around them. Whether a run *belongs* to its
document is judged here without the focus: a paragraph that drifts to another facet of its
own article still shares the article's actors and words, a glued-in run does not.

The detector learns what a foreign run looks like **from the corpus itself**. It takes a
seeded sample of the corpus's documents, glues runs of paragraphs of one into another (at
the end or in the middle, of varied length, half of them from the donor's first line, i.e.
with its headline) and fits a model that tells those glued runs from the documents' own runs
of the same shape (``FeatureVote``: each feature's own logistic vote, averaged, then
calibrated; one logistic regression over all of them leans on whichever feature happens to
separate the corpus's glued examples best, and a piece from a neighbouring subject that
shares a few words with its host then passes, however foreign everything else says it is).
The features compare a run with the rest of its document, so they mean the same for any
embedder and any corpus:

- embedding cohesion: mean similarity of the run's paragraphs to the rest of the document,
  against the similarity within the run and within the rest;
- lexical cohesion: TF-IDF similarity (document frequencies from the sample) and the share
  of the run's weighted terms that the rest of the document also uses;
- continuity at the run's boundaries (similarity of the paragraphs either side);
- the run's length, share of the document and position (at the end or inside).

A document is then searched for its most foreign-looking run (every start after the first
line and every length leaving the host at least ``min_host`` paragraphs); the run is set
aside when its probability reaches the threshold, and the search repeats on what is left,
up to ``max_runs`` runs per document. ``toolkit.model.separate`` uses the search with a high
threshold, and only for runs whose words are also off the focus, and the probability of a
single run to tell an article's own turn to another facet from a glued-in piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .lexical import Lexicon, content_terms, document_terms

FEATURES = (
    "emb_cross", "emb_cross_vs_host", "emb_cross_vs_run", "emb_centroid",
    "lex_cross", "lex_cross_vs_host", "lex_centroid", "term_coverage",
    "boundary_before", "boundary_after", "lex_boundary_before", "lex_boundary_after",
    "log_length", "share", "at_end",
)
#: The features the model weighs: each says "less cohesive = more foreign" on its own, so the
#: learnt weights keep their meaning (the others are recorded as evidence).
MODEL_FEATURES = ("emb_centroid", "lex_centroid", "term_coverage", "boundary_before", "boundary_after")
_MODEL_COLUMNS = [FEATURES.index(f) for f in MODEL_FEATURES]

@dataclass
class Document:
    """One document's paragraphs as the detector sees them."""

    vectors: np.ndarray          # (n, d) unit embeddings
    terms: list[list[str]]       # content terms per paragraph
    headline_like: np.ndarray = field(default=None)  # (n,) bool: short line without a sentence end

    def __len__(self) -> int:
        return len(self.terms)

    def take(self, index: np.ndarray) -> "Document":
        index = np.asarray(index, dtype=int)
        return Document(self.vectors[index], [self.terms[i] for i in index], self.headline_like[index])

    @classmethod
    def from_texts(cls, texts: list[str], vectors: np.ndarray, headline_words: int = 12) -> "Document":
        v = np.asarray(vectors, dtype=np.float64)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        v = np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)
        headline = np.array([len(t.split()) <= headline_words and not t.strip().endswith((".", "؟", "?", "!", ":"))
                             for t in texts], dtype=bool)
        return cls(v, [content_terms(t) for t in texts], headline)


def unit_rows(v: np.ndarray) -> np.ndarray:
    """Each row divided by its norm (a zero row stays zero)."""
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return np.divide(v, norms, out=np.zeros_like(v), where=norms > 0)


def _block_sums(gram: np.ndarray) -> np.ndarray:
    """2-D prefix sums: ``Q[i, j]`` = sum of ``gram[:i, :j]``."""
    n = len(gram)
    q = np.zeros((n + 1, n + 1))
    q[1:, 1:] = gram.cumsum(axis=0).cumsum(axis=1)
    return q


def _block(q: np.ndarray, a, b, c, d):
    return q[b, d] - q[a, d] - q[b, c] + q[a, c]


def _cohesion(gram: np.ndarray, a: np.ndarray, b: np.ndarray, diag: np.ndarray):
    """For runs ``[a, b)`` of a document whose paragraph Gram matrix is ``gram``: the mean
    pairwise similarity across (run x rest), within the run and within the rest, and the cosine
    of the run's sum with the rest's sum."""
    n = len(gram)
    q = _block_sums(gram)
    dsum = np.concatenate([[0.0], np.cumsum(diag)])
    k = (b - a).astype(np.float64)
    m = n - k
    ss = _block(q, a, b, a, b)
    st = _block(q, a, b, 0, n)
    tt = q[n, n]
    sh = st - ss
    hh = tt - 2 * st + ss
    d_run = dsum[b] - dsum[a]
    d_host = dsum[n] - d_run
    cross = sh / np.maximum(k * m, 1)
    within_run = np.where(k > 1, (ss - d_run) / np.maximum(k * (k - 1), 1), np.nan)
    within_host = np.where(m > 1, (hh - d_host) / np.maximum(m * (m - 1), 1), np.nan)
    centroid = sh / np.sqrt(np.maximum(ss, 1e-12) * np.maximum(hh, 1e-12))
    return cross, within_run, within_host, centroid


class _Lexicon:
    """Per-document TF-IDF rows over the document's own vocabulary (weights from a
    ``lexical.Lexicon``)."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon

    def rows(self, doc: Document) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        vocab: dict[str, int] = {}
        for terms in doc.terms:
            for t in terms:
                vocab.setdefault(t, len(vocab))
        counts = np.zeros((len(doc), max(len(vocab), 1)))
        for i, terms in enumerate(doc.terms):
            for t in terms:
                counts[i, vocab[t]] += 1
        weights = np.ones(counts.shape[1])
        for t, j in vocab.items():
            weights[j] = self.lexicon.weight(t)
        tfidf = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0.0) * weights
        norms = np.linalg.norm(tfidf, axis=1, keepdims=True)
        unit = np.divide(tfidf, norms, out=np.zeros_like(tfidf), where=norms > 0)
        return unit, counts > 0, weights


def candidate_runs(n: int, min_host: int, start: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Every run ``[a, b)`` with ``a >= start`` that leaves at least ``min_host`` paragraphs."""
    a, b = np.triu_indices(n + 1, k=1)
    keep = (a >= start) & (n - (b - a) >= min_host)
    return a[keep], b[keep]


#: Cells of a (runs x vocabulary) block in ``_shared_term_share``: a long document (a
#: 500-paragraph Q&A page) has ~10^5 candidate runs and thousands of terms, so the runs are
#: taken in blocks of about 32 MB instead of all at once (gigabytes).
_BLOCK_CELLS = 1 << 22


def _shared_term_share(present: np.ndarray, idf: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each run ``[a, b)``: the share of its weighted terms the rest of the document uses too."""
    n, vocabulary = present.shape
    cum = np.vstack([np.zeros((1, vocabulary)), present.cumsum(axis=0)])
    share = np.zeros(len(a))
    step = max(1, _BLOCK_CELLS // max(vocabulary, 1))
    for lo in range(0, len(a), step):
        ra, rb = a[lo:lo + step], b[lo:lo + step]
        in_run = (cum[rb] - cum[ra]) > 0
        in_host = (cum[ra] + (cum[n] - cum[rb])) > 0
        run_mass = (in_run * idf).sum(axis=1)
        # Row sums, not a matrix product: BLAS may sum a block of few rows in another order.
        shared_mass = ((in_run & in_host) * idf).sum(axis=1)
        share[lo:lo + step] = np.where(run_mass > 0, shared_mass / np.maximum(run_mass, 1e-12), 0.0)
    return share


def run_features(doc: Document, a: np.ndarray, b: np.ndarray, lexicon: _Lexicon) -> np.ndarray:
    """The ``FEATURES`` of the runs ``[a, b)`` of ``doc``, one row per run."""
    n = len(doc)
    a = np.asarray(a, dtype=int)
    b = np.asarray(b, dtype=int)
    E = doc.vectors
    g_emb = E @ E.T
    unit, present, idf = lexicon.rows(doc)
    g_lex = unit @ unit.T
    e_cross, e_run, e_host, e_centroid = _cohesion(g_emb, a, b, np.diag(g_emb))
    l_cross, _, l_host, l_centroid = _cohesion(g_lex, a, b, np.diag(g_lex))
    coverage = _shared_term_share(present, idf, a, b)
    at_end = b == n
    before_e = g_emb[a - 1, a]
    before_l = g_lex[a - 1, a]
    after = np.minimum(b, n - 1)
    after_e = np.where(at_end, before_e, g_emb[b - 1, after])
    after_l = np.where(at_end, before_l, g_lex[b - 1, after])
    k = b - a
    fill = lambda x, y: np.where(np.isnan(x), y, x)  # noqa: E731 - a one-paragraph run has no inner pairs
    X = np.column_stack([
        e_cross, e_cross - fill(e_host, e_cross), e_cross - fill(e_run, e_cross), e_centroid,
        l_cross, l_cross - fill(l_host, l_cross), l_centroid, coverage,
        before_e, after_e, before_l, after_l,
        np.log(k), k / n, at_end.astype(float),
    ])
    return np.nan_to_num(X, nan=0.0, posinf=0.0, neginf=0.0)


class FeatureVote(ClassifierMixin, BaseEstimator):
    """Binary classifier: one logistic regression per feature, their log-odds averaged, the
    average calibrated by a last logistic regression (Platt scaling), so that every feature
    has a say and ``predict_proba`` reads as a probability. Deterministic (lbfgs).

    Each feature of ``MODEL_FEATURES`` says "less cohesive = more foreign" on its own; a run is
    foreign with confidence when most of them agree, not when the one that separates the
    learning examples best does (with glued examples from unrelated donors that is the lexical
    centroid, and a glued piece on a neighbouring subject shares a few words with its host).

    Parameters: ``C``, ``class_weight`` of the logistic regressions.
    Attributes (after ``fit``): ``votes_`` (one fitted regression per column), ``coef_`` (1 x
    features: each vote's slope, on the columns as given), ``weights_`` and ``intercept_`` (the
    mean vote as one linear function), ``calibration_``, ``classes_``.
    """

    def __init__(self, C=1.0, class_weight="balanced"):
        self.C = C
        self.class_weight = class_weight

    def _regression(self):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.C, max_iter=2000, class_weight=self.class_weight)

    def fit(self, X: np.ndarray, y: np.ndarray) -> "FeatureVote":
        X = np.asarray(X, dtype=np.float64)
        self.votes_ = [self._regression().fit(X[:, [j]], y) for j in range(X.shape[1])]
        # Each vote is linear in its feature, so their mean is too: kept as one weight per
        # feature and an intercept, and predicting needs no sklearn call (the search asks for
        # a probability some 10^4 times on a large corpus).
        self.coef_ = np.array([[float(m.coef_[0, 0]) for m in self.votes_]])
        self.weights_ = self.coef_[0] / X.shape[1]
        self.intercept_ = float(np.mean([m.intercept_[0] for m in self.votes_]))
        self.calibration_ = self._regression().fit(self._mean_vote(X)[:, None], y)
        self.classes_ = self.calibration_.classes_
        return self

    def _mean_vote(self, X: np.ndarray) -> np.ndarray:
        # Row sums of products, not a matrix product: the same bits on every machine.
        return (np.asarray(X, dtype=np.float64) * self.weights_).sum(axis=1) + self.intercept_

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = self.calibration_.coef_[0, 0] * self._mean_vote(X) + self.calibration_.intercept_[0]
        p = 1.0 / (1.0 + np.exp(-z))
        return np.column_stack([1.0 - p, p])


@dataclass
class Run:
    """A run of paragraphs set aside as glued in from another article."""

    start: int         # first paragraph (0-based, within the document)
    stop: int          # one past the last
    probability: float
    evidence: dict


class SpliceDetector:
    """Find runs of paragraphs that do not belong to their document (see module docstring).

    Parameters
    ----------
    min_host : paragraphs a document keeps at the least (its first line always stays).
    min_run : paragraphs a run has at the least (one foreign-looking paragraph is too often the
        article's own aside to be cut on its own).
    max_run_share : a run covers at most this share of its document's paragraphs.
    max_runs : runs set aside per document at most.
    threshold : probability from which a run is set aside; None: chosen on held-out glued examples.
    sample_documents : documents sampled to learn from (and to count document frequencies).
    splices_per_document : glued runs made per sampled host document (more on small corpora,
        so that at least ``min_examples`` glued runs are learnt from).
    min_examples : glued runs learnt from at the least.
    max_glued : longest glued run in the training examples (paragraphs).
    random_state : seed of the sample and of the glued examples.

    Attributes (after ``fit``)
    --------------------------
    lexicon_ : ``lexical.Lexicon``, document frequencies of the sample.
    model_ : the fitted ``sklearn`` pipeline (standardization, ``FeatureVote``).
    threshold_ : the probability used.
    training_ : what the model was fitted on and how it did on held-out glued examples.
    """

    def __init__(self, min_host=2, min_run=2, max_run_share=0.8, max_runs=3, threshold=0.5, sample_documents=1500,
                 splices_per_document=2, min_examples=600, max_glued=8, random_state=0):
        self.min_host = min_host
        self.min_run = min_run
        self.max_run_share = max_run_share
        self.max_runs = max_runs
        self.threshold = threshold
        self.sample_documents = sample_documents
        self.splices_per_document = splices_per_document
        self.min_examples = min_examples
        self.max_glued = max_glued
        self.random_state = random_state

    # ------------------------------------------------------------------ learning
    def fit(self, documents: list[Document]) -> "SpliceDetector":
        """Learn from ``documents`` (a sample of the corpus, in a fixed order)."""
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self._fit_idf(documents)
        self.model_ = None
        self.threshold_ = self.threshold if self.threshold is not None else 0.5
        hosts = [i for i, d in enumerate(documents) if len(d) >= self.min_host + 2]
        self.training_ = {"sample_documents": len(documents), "hosts": len(hosts)}
        if len(documents) < 3 or len(hosts) < 2:
            self.training_["note"] = "too few documents to learn from: no run is set aside"
            return self
        rng = np.random.default_rng(self.random_state)
        splices = self._splices(documents, hosts, rng)
        model = make_pipeline(StandardScaler(), FeatureVote())
        if self.threshold is None and len(hosts) >= 10:
            # Threshold for the document search: fitted without a fifth of the glued examples,
            # chosen on those.
            held_out = np.arange(len(splices)) % 5 == 4
            model.fit(*self._examples([s for s, h in zip(splices, held_out) if not h], rng))
            self.model_ = model
            self._calibrate([s for s, h in zip(splices, held_out) if h])
        X, y = self._examples(splices, np.random.default_rng(self.random_state + 1))
        model.fit(X, y)
        self.model_ = model
        self.training_.update({"glued_examples": int(y.sum()), "own_examples": int(len(y) - y.sum()),
                               "threshold": round(float(self.threshold_), 4),
                               "model": "FeatureVote: one logistic vote per feature, averaged, calibrated",
                               "coefficients": {f: round(float(c), 4) for f, c in zip(MODEL_FEATURES, model[-1].coef_[0])}})
        return self

    def _fit_idf(self, documents: list[Document]) -> None:
        df: dict[str, int] = {}
        for doc in documents:
            for t in document_terms(doc.terms):
                df[t] = df.get(t, 0) + 1
        self.lexicon_ = Lexicon(df, len(documents))

    def _lexicon(self) -> _Lexicon:
        return _Lexicon(self.lexicon_)

    def _splices(self, documents: list[Document], hosts: list[int], rng) -> list[tuple]:
        """Glued examples: ``(host document, spliced document, run start, run stop)``, a run of
        1..``max_glued`` paragraphs of another sampled document glued into a host, at its end
        or inside it, half of the time from the donor's first line (its headline)."""
        per_host = max(self.splices_per_document, -(-self.min_examples // len(hosts)))
        centroids = np.vstack([unit_rows(d.vectors.mean(axis=0, keepdims=True))[0] for d in documents])
        similarity = centroids @ centroids.T
        out = []
        for h in hosts:
            host = documents[h]
            n = len(host)
            for _ in range(per_host):
                donor = documents[self._pick_donor(h, similarity, rng)]
                k = int(rng.integers(min(self.min_run, len(donor)), min(len(donor), self.max_glued) + 1))
                s = 0 if rng.random() < 0.5 else int(rng.integers(0, len(donor) - k + 1))
                at = n if rng.random() < 0.5 else int(rng.integers(1, n))
                spliced = Document(
                    np.vstack([host.vectors[:at], donor.vectors[s:s + k], host.vectors[at:]]),
                    host.terms[:at] + donor.terms[s:s + k] + host.terms[at:],
                    np.concatenate([host.headline_like[:at], donor.headline_like[s:s + k], host.headline_like[at:]]))
                out.append((host, spliced, at, at + k))
        return out

    @staticmethod
    def _pick_donor(h: int, similarity: np.ndarray, rng) -> int:
        """Another story: a document less similar to the host than the host's median document."""
        others = np.delete(np.arange(len(similarity)), h)
        s = similarity[h, others]
        far = others[s <= np.median(s)]
        return int(far[rng.integers(len(far))])

    def _candidates(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = candidate_runs(n, self.min_host)
        keep = ((b - a) <= max(1, int(self.max_run_share * n))) & ((b - a) >= self.min_run)
        return a[keep], b[keep]

    def _examples(self, splices: list[tuple], rng, own: int = 3):
        """Per glued example: the glued run (label 1) and ``own`` runs of the host itself, of
        any length and place (label 0)."""
        lexicon = self._lexicon()
        rows, labels = [], []
        for host, spliced, at, stop in splices:
            rows.append(run_features(spliced, np.array([at]), np.array([stop]), lexicon))
            labels.append(1)
            ha, hb = self._candidates(len(host))
            if len(ha):
                pick = rng.choice(len(ha), size=min(own, len(ha)), replace=False)
                rows.append(run_features(host, ha[pick], hb[pick], lexicon))
                labels += [0] * len(pick)
        return np.vstack(rows)[:, _MODEL_COLUMNS], np.array(labels)

    def _calibrate(self, splices: list[tuple]) -> None:
        """Choose the threshold on held-out glued examples: the share of spliced documents whose
        most foreign-looking run is the glued one (half of it at least), minus the share of the
        untouched hosts in which some run reaches the threshold, is largest there."""
        found, false = [], []
        for host, spliced, at, stop in splices:
            p, a, b = self._scores(spliced)
            best = int(np.argmax(p))
            overlap = max(0, min(b[best], stop) - max(a[best], at)) / max(b[best] - a[best], stop - at)
            found.append(p[best] if overlap >= 0.5 else -1.0)
            hp, _, _ = self._scores(host)
            false.append(hp.max() if len(hp) else -1.0)
        found, false = np.array(found), np.array(false)
        grid = np.round(np.arange(0.5, 0.996, 0.01), 2)
        gain = [(found >= t).mean() - (false >= t).mean() for t in grid]
        if self.threshold is None:
            self.threshold_ = float(grid[int(np.argmax(gain))])
        t = self.threshold_
        self.training_.update({"held_out_spliced": len(splices),
                               "held_out_glued_found": round(float((found >= t).mean()), 4),
                               "held_out_hosts_flagged": round(float((false >= t).mean()), 4)})

    def _scores(self, doc: Document):
        a, b = self._candidates(len(doc))
        if not len(a):
            return np.zeros(0), a, b
        return self.model_.predict_proba(run_features(doc, a, b, self._lexicon())[:, _MODEL_COLUMNS])[:, 1], a, b

    # ----------------------------------------------------------------- detection
    def run_probability(self, doc: Document, start: int, stop: int) -> tuple[float, dict]:
        """Probability that paragraphs ``[start, stop)`` of ``doc`` were glued in, and the
        features behind it."""
        X = run_features(doc, np.array([start]), np.array([stop]), self._lexicon())
        p = float(self.model_.predict_proba(X[:, _MODEL_COLUMNS])[0, 1])
        return p, {f: round(float(v), 3) for f, v in zip(FEATURES, X[0])}

    @staticmethod
    def _elsewhere(places: tuple[np.ndarray, list], remaining: np.ndarray, a: np.ndarray,
                   b: np.ndarray) -> np.ndarray:
        """For runs ``[a, b)`` of the paragraphs ``remaining``: the run names other places than
        the focus's, none of which the rest of the document names (a town of the focus's
        country that the article names elsewhere is its own story's place), and none of the
        focus's places, while the rest of the document names one of the focus's."""
        focus_marks, other_places = places
        focus = np.concatenate([[0], np.cumsum(np.asarray(focus_marks, dtype=np.int64)[remaining])])
        run_focus = focus[b] - focus[a]
        named = [other_places[i] for i in remaining]
        vocabulary = sorted({p for ps in named for p in ps})
        out = np.zeros(len(a), dtype=bool)
        if not vocabulary:
            return out
        column = {p: j for j, p in enumerate(vocabulary)}
        present = np.zeros((len(named), len(vocabulary)), dtype=np.int32)
        for i, ps in enumerate(named):
            present[i, [column[p] for p in ps]] = 1
        cum = np.vstack([np.zeros((1, len(vocabulary)), dtype=np.int32), present.cumsum(axis=0, dtype=np.int32)])
        candidate = (run_focus == 0) & (focus[-1] - run_focus > 0)
        # In blocks of runs, as _shared_term_share: a long page has ~10^5 candidate runs.
        step = max(1, _BLOCK_CELLS // len(vocabulary))
        for lo in range(0, len(a), step):
            ra, rb = a[lo:lo + step], b[lo:lo + step]
            in_run = (cum[rb] - cum[ra]) > 0
            in_rest = (cum[ra] + (cum[-1] - cum[rb])) > 0
            out[lo:lo + step] = in_run.any(axis=1) & ~(in_run & in_rest).any(axis=1)
        return out & candidate

    def find_runs(self, doc: Document, focus_evidence: np.ndarray | None = None, below: float = 1.0,
                  threshold: float | None = None, relative_below: float | None = None,
                  relative_threshold: float | None = None, places: tuple[np.ndarray, list] | None = None,
                  place_threshold: float | None = None, about_focus: np.ndarray | None = None,
                  protected: np.ndarray | None = None, foreign_threshold: float | None = None) -> list[Run]:
        """The runs of ``doc`` set aside as foreign, in document order.

        ``focus_evidence`` (one value per paragraph): when given, only a run whose mean is
        under ``below`` is set aside (the separation passes the lexical focus evidence, so a
        part of the article on another facet of the focus, which shares its words, stays).
        ``threshold``: instead of ``threshold_``.
        ``relative_below``, ``relative_threshold``: a run whose mean focus evidence is also at
        most ``relative_below`` times the rest of its document's is set aside from the lower
        probability ``relative_threshold``: a piece far less about the focus than the article
        it sits in, and foreign-looking to it, is another story even when the corpus's words
        of the focus are common enough to reach ``below``.
        ``places``, ``place_threshold``: per paragraph, whether it names one of the focus's places
        and which other places it names (``places.FocusPlaces``). A run that names places, none
        of them the focus's nor named in the rest of the document, in a document whose rest
        names one of the focus's, is set aside from the probability ``place_threshold``,
        whatever its words: another story, happening somewhere else.
        ``about_focus``: per paragraph, whether it names one of the focus's main places; a run
        with such a paragraph is not set aside for its words (it is about the focus; a part
        of the article far from its words is no reason to cut the paragraphs around it either).
        ``foreign_threshold``: with ``focus_evidence``, a run is set aside from this probability on
        whatever its focus evidence (``about_focus`` and ``protected`` still hold): the corpus's
        own glued examples rarely reach it from text that belongs to its article, and sharing
        the focus's words does not make a piece glued in from a neighbouring story the article's.
        ``protected``: per paragraph; a run with such a paragraph is not set aside by any rule
        (the separation marks an interview's questions: a question and its answer are a turn of
        the interview, however far from the rest of it).
        """
        if self.model_ is None:
            return []
        threshold = self.threshold_ if threshold is None else threshold
        relative = focus_evidence is not None and relative_below is not None and relative_threshold is not None
        remaining = np.arange(len(doc))
        runs: list[Run] = []
        for _ in range(self.max_runs):
            part = doc.take(remaining)
            if len(part) < self.min_host + 1:
                break
            p, a, b = self._scores(part)
            accepted = p >= threshold
            # Which rule set each run aside, for its reason: "splice" (the threshold, its words off
            # the focus), "relative" (far less on the focus than its article), "elsewhere" (places).
            rule = np.full(len(p), "splice", dtype=object)
            run_mean = host_mean = None
            if focus_evidence is not None and len(p):
                z = np.minimum(np.asarray(focus_evidence, dtype=np.float64)[remaining], 1e6)
                cum = np.concatenate([[0.0], np.cumsum(z)])
                run_sum = cum[b] - cum[a]
                run_mean = run_sum / (b - a)
                host_mean = (cum[-1] - run_sum) / np.maximum(len(z) - (b - a), 1)
                off = run_mean < below
                by_relative = (relative & (p >= (relative_threshold or 0))
                               & (run_mean <= (relative_below or 0) * host_mean))
                rule = np.where(accepted, "splice", "relative")
                accepted = off & (accepted | by_relative)
                if foreign_threshold is not None:
                    by_foreign = (p >= foreign_threshold) & ~accepted
                    rule = np.where(by_foreign, "foreign", rule)
                    accepted = accepted | by_foreign
                if about_focus is not None:
                    named = np.concatenate([[0], np.cumsum(np.asarray(about_focus, dtype=np.int64)[remaining])])
                    accepted &= (named[b] - named[a]) == 0
            elsewhere = (self._elsewhere(places, remaining, a, b) if places is not None and len(p)
                         else np.zeros(len(p), dtype=bool))
            if place_threshold is not None:
                by_place = elsewhere & (p >= place_threshold) & ~accepted
                rule = np.where(by_place, "elsewhere", rule)
                accepted = accepted | by_place
            if protected is not None and len(p):
                marked = np.concatenate([[0], np.cumsum(np.asarray(protected, dtype=np.int64)[remaining])])
                accepted &= (marked[b] - marked[a]) == 0
            if not len(p) or not accepted.any():
                break
            p = np.where(accepted, p, -1.0)
            best = int(np.argmax(p))  # first of equal maxima: the same run on every machine
            start, stop = int(a[best]), int(b[best])
            X = run_features(part, a[best:best + 1], b[best:best + 1], self._lexicon())[0]
            evidence = {f: round(float(v), 3) for f, v in zip(FEATURES, X)}
            if run_mean is not None:
                evidence.update(run_focus=round(float(run_mean[best]), 3), host_focus=round(float(host_mean[best]), 3))
            if places is not None:
                evidence["elsewhere"] = bool(elsewhere[best])
            evidence["rule"] = str(rule[best])
            runs.append(Run(int(remaining[start]), int(remaining[stop - 1]) + 1, round(float(p[best]), 4), evidence))
            remaining = np.concatenate([remaining[:start], remaining[stop:]])
        return sorted(runs, key=lambda r: r.start)
