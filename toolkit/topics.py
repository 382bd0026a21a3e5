"""Topics: BERTopic over paragraph embeddings, sized to the corpus, Arabic-aware words.

Contract in: ``schema.SEGMENTS`` plus an embeddings array (one row per segment). Out:
``schema.TOPIC_ASSIGNMENTS`` (one row per segment) and, per topic, readable top words.

What makes BERTopic work on Arabic here:

- it gets the embedding model *object* and precomputed embeddings, so it never chooses (or
  downloads) a model and never applies its English-only text cleaning;
- its CountVectorizer sees normalized text (``normalize.match_key``: diacritics, tatweel,
  alef/yeh/teh-marbuta forms, bidi controls, digits, punctuation) and Arabic stop words
  from the ``Arabic-Stopwords`` package (13k inflected forms, shipped offline), while
  embeddings and display keep the raw text;
- top words are shown in their most frequent surface spelling (``الشمالية``, not the
  normalized ``الشماليه``);
- UMAP and HDBSCAN sizes follow the number of paragraphs, with a fixed ``random_state``.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd

from .normalize import match_key, normalize_terms, strip_diacritics, strip_invisible, strip_tatweel
from .schema import SEGMENTS, TOPIC_ASSIGNMENTS

TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_SURFACE_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def arabic_stop_words() -> list[str]:
    """Arabic (Arabic-Stopwords package) and English stop words, normalized like the text."""
    import arabicstopwords.arabicstopwords as stp
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return normalize_terms(list(stp.stopwords_list()) + list(ENGLISH_STOP_WORDS))


def surface_forms(texts) -> dict[str, str]:
    """Map each normalized token to its most frequent surface spelling in ``texts``."""
    raw = Counter()
    for text in texts:
        raw.update(_SURFACE_TOKEN.findall(strip_invisible(strip_tatweel(strip_diacritics(text)))))
    counts: dict[str, Counter] = defaultdict(Counter)
    for token, n in raw.items():  # normalize each distinct token once
        counts[match_key(token)][token] += n
    # Ties go to the alphabetically first spelling so that the choice is reproducible.
    return {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in counts.items()}


def cached_umap(embeddings: np.ndarray, cache_dir, verbose: bool = False, **umap_params) -> np.ndarray:
    """UMAP of ``embeddings`` with ``umap_params``, cached on disk by a hash of both.

    UMAP is the slowest step of a large run (3 minutes for 77,000 paragraphs on 2 cores) and
    its result depends only on the vectors and the parameters (random_state included), so a
    rerun that changes the focus, the cleaning of other documents or a figure reuses it.
    """
    import hashlib
    import json
    import os
    from pathlib import Path

    from umap import UMAP

    vectors = np.ascontiguousarray(embeddings, dtype=np.float32)
    path = None
    if cache_dir:
        digest = hashlib.sha256(vectors.tobytes())
        digest.update(json.dumps(umap_params, sort_keys=True).encode())
        path = Path(cache_dir) / "umap" / f"{digest.hexdigest()[:32]}.npy"
        if path.exists():
            return np.load(path)
    if verbose:
        print(f"progress: UMAP to {umap_params.get('n_components')} dimensions on {len(vectors)} paragraphs "
              "(minutes on large corpora; cached for reruns)", flush=True)
    reduced = UMAP(**umap_params).fit_transform(vectors).astype(np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, reduced)
        os.replace(tmp, path)
    return reduced


def auto_sizes(n_paragraphs: int) -> dict[str, int]:
    """UMAP neighbours and HDBSCAN cluster size for ``n_paragraphs``.

    Defaults of both libraries assume thousands of documents: on a few hundred paragraphs
    they give one topic or only outliers. Neighbours grow like sqrt(n) (bounded 5..50) and the
    smallest topic like sqrt(n)/2 (at least 3), so a 150-paragraph corpus gets topics of 6+
    paragraphs and a 150,000-paragraph corpus topics of ~190+.
    """
    n = max(n_paragraphs, 1)
    return {
        "n_neighbors": int(min(50, max(5, round(math.sqrt(n))))),
        "min_topic_size": int(max(3, round(math.sqrt(n) / 2))),
    }


class TopicModel:
    """BERTopic, configured for Arabic paragraphs (scikit-learn style).

    Parameters
    ----------
    embedding_model : the BaseEmbedder used for the paragraphs (BERTopic keeps it).
    min_topic_size, n_neighbors : None for ``auto_sizes``.
    n_components : UMAP output dimensions.
    top_n_words : words kept per topic.
    min_paragraphs : below this many paragraphs no clustering is attempted; all paragraphs
        form one topic (recorded in ``note_``).
    cluster_selection : HDBSCAN ``cluster_selection_method``. "leaf" (default) gives the
        homogeneous, finer topics a reader can name; "eom" favours a few large clusters and,
        on a corpus dominated by one story, often returns that story as a single topic.
    random_state : seed for UMAP.
    verbose : BERTopic reports each step (reduction, clustering, representation) as it goes.
    cache_dir : folder for the UMAP cache (``cached_umap``); None computes every time.
    assign_neighbors : when the model is fitted on a sample of the corpus, a paragraph outside
        it takes the topic most of its this many nearest sampled paragraphs have (``vote``).

    Attributes (after ``fit``)
    --------------------------
    model_ : the fitted BERTopic.
    assignments_ : ``schema.TOPIC_ASSIGNMENTS`` table.
    topic_words_ : dict topic id -> list of surface-form top words.
    surface_forms_ : dict normalized word -> its most frequent spelling in the corpus.
    sizes_ : the sizes actually used (dict).
    note_ : how the model was fitted, for the report.
    """

    def __init__(self, embedding_model, min_topic_size=None, n_neighbors=None, n_components=5,
                 top_n_words=10, min_paragraphs=20, cluster_selection="leaf", random_state=0,
                 verbose=False, cache_dir=None, assign_neighbors=10):
        self.embedding_model = embedding_model
        self.min_topic_size = min_topic_size
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.top_n_words = top_n_words
        self.min_paragraphs = min_paragraphs
        self.cluster_selection = cluster_selection
        self.random_state = random_state
        self.verbose = verbose
        self.cache_dir = cache_dir
        self.assign_neighbors = assign_neighbors

    def _vectorizer(self, n_paragraphs: int, vocabulary: dict[str, int] | None = None):
        """The CountVectorizer; with ``vocabulary``, one fixed to those words (min_df unused)."""
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(
            preprocessor=match_key,
            token_pattern=TOKEN_PATTERN,
            stop_words=arabic_stop_words(),
            ngram_range=(1, 1),
            # On large corpora drop words seen in a single paragraph (names misspelt once).
            min_df=1 if n_paragraphs < 1000 else 2,
            vocabulary=vocabulary,
        )

    def fit(self, segments: pd.DataFrame, embeddings: np.ndarray) -> "TopicModel":
        from bertopic import BERTopic

        segments = SEGMENTS.check(segments, "topics.fit input")
        if len(segments) != len(embeddings):
            raise ValueError(f"topics.fit: {len(segments)} segments but {len(embeddings)} embeddings")
        docs = segments["text"].tolist()
        n = len(docs)
        auto = auto_sizes(n)
        sizes = {
            "n_paragraphs": n,
            "n_neighbors": int(self.n_neighbors or auto["n_neighbors"]),
            "min_topic_size": int(self.min_topic_size or auto["min_topic_size"]),
            "n_components": int(self.n_components),
        }
        vectorizer = self._vectorizer(n)
        try:
            vocabulary = vectorizer.fit(docs).vocabulary_
        except ValueError:  # every word a stop word, or no words at all
            vocabulary = {}
        if len(vocabulary) < 2:
            # c-TF-IDF needs at least two distinct words; a corpus this small is one topic.
            return self._single_topic(segments, sorted(vocabulary), n)
        # BERTopic fits its vectorizer again, on one document per topic (the topic's paragraphs
        # joined), so min_df would count topics, not paragraphs: with few topics it keeps only
        # the words several topics share, and a single word left makes c-TF-IDF fail (its idf
        # becomes a scalar). The vocabulary is the paragraphs' own, fixed here.
        vectorizer = self._vectorizer(n, vocabulary=vocabulary)
        if n < self.min_paragraphs:
            from bertopic.cluster import BaseCluster
            from bertopic.dimensionality import BaseDimensionalityReduction

            model = BERTopic(embedding_model=self.embedding_model,
                             umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(),
                             vectorizer_model=vectorizer, top_n_words=self.top_n_words)
            topics, _ = model.fit_transform(docs, embeddings, y=np.zeros(n, dtype=int))
            probabilities = np.ones(n)
            self.note_ = (f"{n} paragraphs: fewer than {self.min_paragraphs}, so no clustering; "
                          "all paragraphs form one topic")
        else:
            from bertopic.dimensionality import BaseDimensionalityReduction
            from hdbscan import HDBSCAN

            neighbors = min(sizes["n_neighbors"], n - 1)
            # UMAP runs here (cached) and BERTopic receives the reduced vectors.
            reduced = cached_umap(embeddings, self.cache_dir, verbose=self.verbose, n_neighbors=neighbors,
                                  n_components=min(self.n_components, n - 2), min_dist=0.0,
                                  metric="cosine", random_state=self.random_state,
                                  low_memory=True, n_jobs=1)
            hdbscan_model = HDBSCAN(min_cluster_size=sizes["min_topic_size"],
                                    min_samples=max(1, sizes["min_topic_size"] // 2),
                                    metric="euclidean",
                                    cluster_selection_method=self.cluster_selection,
                                    prediction_data=True)
            model = BERTopic(embedding_model=self.embedding_model,
                             umap_model=BaseDimensionalityReduction(),
                             hdbscan_model=hdbscan_model, vectorizer_model=vectorizer,
                             top_n_words=self.top_n_words, calculate_probabilities=False,
                             verbose=self.verbose)
            topics, probabilities = model.fit_transform(docs, reduced)
            probabilities = np.asarray(probabilities, dtype=float)
            self.note_ = (f"{n} paragraphs; UMAP n_neighbors={neighbors}, "
                          f"n_components={self.n_components}, random_state={self.random_state}; "
                          f"HDBSCAN min_cluster_size={sizes['min_topic_size']}, {self.cluster_selection} selection")
        self.model_ = model
        self.sizes_ = sizes
        forms = surface_forms(docs)
        self.surface_forms_ = forms
        self.topic_words_ = {
            int(t): [forms.get(w, w) for w, _ in (model.get_topic(t) or []) if w]
            for t in sorted(set(int(x) for x in topics))
        }
        self.assignments_ = TOPIC_ASSIGNMENTS.check(pd.DataFrame({
            "doc": segments["doc"].values,
            "segment": segments["segment"].values,
            "topic": np.asarray(topics, dtype="int64"),
            "topic_probability": np.round(np.nan_to_num(probabilities, nan=0.0), 6),
        }), "topics.fit")
        return self

    def _single_topic(self, segments: pd.DataFrame, words: list[str], n: int) -> "TopicModel":
        self.model_ = None
        self.sizes_ = {"n_paragraphs": n, "n_neighbors": 0, "min_topic_size": 0, "n_components": 0}
        forms = surface_forms(segments["text"].tolist())
        self.topic_words_ = {0: [forms.get(w, w) for w in words]}
        self.note_ = (f"{n} paragraphs with fewer than two distinct content words: no topic model; "
                      "all paragraphs form one topic")
        self.assignments_ = TOPIC_ASSIGNMENTS.check(pd.DataFrame({
            "doc": segments["doc"].values, "segment": segments["segment"].values,
            "topic": np.zeros(n, dtype="int64"), "topic_probability": np.ones(n)}), "topics.fit")
        return self

    def label(self, topic: int, n_words: int = 4) -> str:
        """A readable label: topic id and its first Arabic top words."""
        words = self.topic_words_.get(topic, [])[:n_words]
        prefix = "outliers" if topic == -1 else str(topic)
        return f"{prefix}: " + " · ".join(words) if words else prefix


def fit_sample(n: int, sample_size: int | None, random_state: int = 0) -> np.ndarray:
    """Indices (sorted) of the paragraphs the topic model is fitted on: all of them when
    ``n <= sample_size`` (or no size is given), else a seeded uniform sample of that size."""
    if sample_size is None or n <= sample_size:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=int(sample_size), replace=False))


def nearest_reference(embeddings: np.ndarray, reference: np.ndarray, k: int,
                      block: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``embeddings``, its ``k`` most similar rows of ``reference`` (cosine of
    unit vectors), most similar first: ``(indices, similarities)``, both ``(n, k)``.

    Exact, in blocks of rows so that memory stays at ``block x len(reference)`` similarities.
    A row that is itself in the reference finds itself first.
    """
    import torch

    from .encoder import bf16_matmul_is_fast

    n = len(embeddings)
    k = max(1, min(k, len(reference)))
    E = torch.from_numpy(np.ascontiguousarray(embeddings, dtype=np.float32))
    R = torch.from_numpy(np.ascontiguousarray(reference, dtype=np.float32))
    if len(R) > 20000 and bf16_matmul_is_fast():
        # With a large reference the similarities dominate; bf16 matrix units make them ~8x
        # cheaper, and nearest neighbours do not need more than bf16's three digits.
        E, R = E.to(torch.bfloat16), R.to(torch.bfloat16)
    indices = np.empty((n, k), dtype=np.int64)
    similarities = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        top = torch.topk(E[start:start + block] @ R.T, k, dim=1, sorted=True)
        indices[start:start + block] = top.indices.numpy()
        similarities[start:start + block] = top.values.float().numpy()
    return indices, similarities


def vote(neighbour_topics: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topic of each paragraph outside the fitted sample from its nearest sampled paragraphs.

    ``neighbour_topics``: ``(n, k)`` topics of each paragraph's ``k`` nearest sampled
    paragraphs, nearest first. The topic most of them have wins (outliers, -1, included, so a
    paragraph among outliers stays one); a tie goes to the tied topic met first, i.e. the one
    with the nearest member. Returns ``(topics, share of the k neighbours in that topic)``.
    """
    n, k = neighbour_topics.shape
    topics = np.empty(n, dtype=np.int64)
    share = np.empty(n, dtype=np.float64)
    for i, row in enumerate(neighbour_topics):
        values, first, counts = np.unique(row, return_index=True, return_counts=True)
        best = max(range(len(values)), key=lambda j: (counts[j], -first[j]))
        topics[i], share[i] = values[best], counts[best] / k
    return topics, share


def map_sample(n: int, max_points: int = 5000, random_state: int = 0) -> np.ndarray:
    """Indices of the paragraphs drawn on the map: all, or a seeded sample of ``max_points``."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(random_state).choice(n, size=max_points, replace=False))


def map_2d(embeddings: np.ndarray, random_state: int = 0, cache_dir=None) -> np.ndarray:
    """2-D coordinates of the paragraphs for the map figure (UMAP, cosine; PCA when tiny)."""
    n = len(embeddings)
    if n < 10:
        from sklearn.decomposition import PCA

        if n < 3:
            return np.zeros((n, 2))
        return PCA(n_components=2, random_state=random_state).fit_transform(embeddings)
    return cached_umap(embeddings, cache_dir, n_neighbors=min(auto_sizes(n)["n_neighbors"], n - 1),
                       n_components=2, min_dist=0.1, metric="cosine", random_state=random_state,
                       low_memory=True, n_jobs=1)
