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

What a researcher gets besides the topics (the features BERTopic's users ask for most):

- outlier reduction: HDBSCAN's outliers (-1) take the topic whose centroid is closest to their
  embedding (``reduce_outliers``, "embeddings" strategy; counts before/after in ``outliers_``);
- topics over time (documents' ``date``) and per outlet (``source``): ``topics_over_time``,
  ``topics_per_outlet`` and their tables (``schema.TOPICS_OVER_TIME``, ``TOPICS_PER_OUTLET``);
- the fitted model saved with the run (``TopicModel.save``, BERTopic's safetensors format) and
  read back by ``load_topic_model``, whose ``assign`` puts new text into the topics.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter, defaultdict
from contextlib import contextmanager

import numpy as np
import pandas as pd

from ..corpus.normalize import match_key, normalize_terms, strip_diacritics, strip_invisible, strip_tatweel
from ..schema import SEGMENTS, TOPIC_ASSIGNMENTS

TOKEN_PATTERN = r"(?u)\b[^\W\d_]{2,}\b"
_SURFACE_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def as_given(text: str) -> str:
    """The vectorizer's preprocessor while the toolkit hands BERTopic text already normalized
    (``match_key``): BERTopic runs the vectorizer over every paragraph again for each c-TF-IDF
    (the fit, the outlier reduction, each time step, each outlet): normalizing the dev split's
    50,000-paragraph sample in every pass cost 20 s of its topic stage. ``match_key`` is
    idempotent, so normalizing once gives the same counts (the same tables, checked)."""
    return text


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


#: From this many paragraphs on, UMAP is given each paragraph's exact nearest neighbours
#: (``nearest_reference``, which the topic assignment needs anyway) instead of searching for
#: approximate ones itself (NN-descent: 80 of the 150 s UMAP took on a 50,000-paragraph dev
#: sample). Below it UMAP computes exact distances itself (its own small-data path), unchanged.
EXACT_NEIGHBOURS_FROM = 4096


# The packages whose arithmetic a cached result depends on: another version may give other
# bits, and a cache filled before an upgrade must not make a rerun differ from a cold run.
_UMAP_COMPUTED_BY = ("umap-learn", "pynndescent", "numba", "numpy", "scipy", "scikit-learn")
_NEIGHBOURS_COMPUTED_BY = ("torch", "numpy")


def _versions_of(distributions) -> str:
    """"umap-learn==0.5.9 numba==…": the installed versions (importlib.metadata: nothing imported)."""
    from importlib import metadata

    def version(name):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "absent"

    return " ".join(f"{name}=={version(name)}" for name in distributions)


def cached_umap(embeddings: np.ndarray, cache_dir, verbose: bool = False, neighbours=None,
                **umap_params) -> np.ndarray:
    """UMAP of ``embeddings`` with ``umap_params``, cached on disk by a hash of both (and of
    the versions of the packages that compute it).

    UMAP is the slowest step of a large run (a minute for 50,000 paragraphs on 2 cores) and
    its result depends only on the vectors and the parameters (random_state included), so a
    rerun that changes the focus, the cleaning of other documents or a figure reuses it.
    ``neighbours``: ``(indices, cosine similarities)`` of each row's exact nearest rows, itself
    first (``nearest_reference``), at least ``n_neighbors`` of them; UMAP's graph is built on
    them (``precomputed_knn``) rather than on its approximate search. They follow from the
    vectors, so the cache key only records that they were given.
    """
    import hashlib
    import json
    import os
    from pathlib import Path

    vectors = np.ascontiguousarray(embeddings, dtype=np.float32)
    path = None
    if cache_dir:
        digest = hashlib.sha256(vectors.tobytes())
        digest.update(_versions_of(_UMAP_COMPUTED_BY).encode())
        keyed = dict(umap_params, exact_neighbours=True) if neighbours is not None else umap_params
        digest.update(json.dumps(keyed, sort_keys=True).encode())
        path = Path(cache_dir) / "umap" / f"{digest.hexdigest()[:32]}.npy"
        if path.exists():
            return np.load(path)
    if verbose:
        print(f"progress: UMAP to {umap_params.get('n_components')} dimensions on {len(vectors)} paragraphs "
              "(minutes on large corpora; cached for reruns)", flush=True)
    from umap import UMAP  # imported only to compute: a restored map needs no numba compilation

    if neighbours is not None:
        k = int(umap_params["n_neighbors"])
        indices, similarities = neighbours
        distances = np.maximum(0.0, 1.0 - np.asarray(similarities[:, :k], dtype=np.float32))
        umap_params = dict(umap_params, precomputed_knn=(np.ascontiguousarray(indices[:, :k]),
                                                         np.ascontiguousarray(distances), None))
    with warnings.catch_warnings():
        # Without a search index UMAP cannot ``transform`` new data; CachedUMAP never does.
        warnings.filterwarnings("ignore", message="precomputed_knn\\[2\\]", category=UserWarning)
        reduced = UMAP(**umap_params).fit_transform(vectors).astype(np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, reduced)
        os.replace(tmp, path)
    return reduced


@contextmanager
def _bertopic_warnings_off():
    """BERTopic's logger at ERROR for a call whose warnings do not apply to how it is used here."""
    logger = logging.getLogger("BERTopic")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class CachedUMAP:
    """UMAP as BERTopic's dimensionality model, computed through ``cached_umap``.

    BERTopic is given the full embeddings (so its topic vectors are 512-d centroids) and calls
    ``fit_transform`` on them; this keeps the disk cache of the reduction. Only the reduced
    vectors are cached, not a fitted UMAP, so new paragraphs are placed by their embeddings
    (``TopicModel.assign``), never through ``transform``.
    """

    def __init__(self, cache_dir=None, verbose: bool = False, neighbours=None, **umap_params):
        self.cache_dir = cache_dir
        self.verbose = verbose
        self.neighbours = neighbours
        self.umap_params = umap_params

    def fit(self, X, y=None) -> "CachedUMAP":
        self.embedding_ = cached_umap(X, self.cache_dir, verbose=self.verbose, neighbours=self.neighbours,
                                      **self.umap_params)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        return self.fit(X).embedding_

    def transform(self, X) -> np.ndarray:
        raise NotImplementedError("CachedUMAP keeps no fitted UMAP: assign new paragraphs with "
                                  "TopicModel.assign (nearest topic centroid)")


def topic_centroids(embeddings: np.ndarray, topic_ids) -> np.ndarray:
    """Mean embedding of each topic, one row per topic in ascending id (-1 first when present):
    the layout of BERTopic's ``topic_embeddings_``."""
    topic_ids = np.asarray(topic_ids)
    return np.vstack([np.asarray(embeddings, dtype=np.float64)[topic_ids == t].mean(axis=0)
                      for t in np.unique(topic_ids)])


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
    embedding_model : the ``embed.Embedder`` used for the paragraphs (BERTopic keeps it, wrapped
        as its ``BaseEmbedder``: ``bertopic_backend``).
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
    outlier_strategy : BERTopic ``reduce_outliers`` strategy ("embeddings", "c-tf-idf",
        "distributions") that gives HDBSCAN's outliers a topic; None keeps them as -1.
        "embeddings" (nearest topic centroid) is the default on evidence from the seed corpus:
        all 38 outliers took a topic, 35 a topic whose paragraphs mostly share their hand label,
        and 63 % the topic most of their 10 nearest paragraphs have (the rule used for
        paragraphs outside the fitted sample); "c-tf-idf" and "distributions" left one outlier
        and agreed with the neighbours for 30 % and 32 %, HDBSCAN's "probabilities" for 16 %.
        All are deterministic; the separation scored the same with each.
    outlier_threshold : the least similarity at which an outlier takes a topic.
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
    outliers_ : dict with the outliers (-1) ``before`` and ``after`` the reduction, its
        ``strategy`` and ``threshold``.
    topics_before_ : each fitted paragraph's topic as HDBSCAN gave it (before the reduction).
    neighbours_ : ``(n, assign_neighbors)`` each fitted paragraph's nearest fitted paragraphs
        (itself first; ``nearest_reference``), which the run reuses instead of searching again.
    """

    def __init__(self, embedding_model, min_topic_size=None, n_neighbors=None, n_components=5,
                 top_n_words=10, min_paragraphs=20, cluster_selection="leaf", random_state=0,
                 verbose=False, cache_dir=None, assign_neighbors=10, outlier_strategy="embeddings",
                 outlier_threshold=0.0):
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
        self.outlier_strategy = outlier_strategy
        self.outlier_threshold = outlier_threshold

    # ------------------------------------------------ the BERTopic model, read when first used
    # A restored run (the stage cache, ``toolkit.study.stage_cache``) unpickles the topic stage's
    # result in every notebook kernel that asks for it, and unpickling a BERTopic model imports
    # BERTopic, which imports sentence-transformers and transformers: 4-5 s of a seed rerun's
    # 20, for a model that a restored run does not touch. Pickled, the model is kept as its own
    # pickle (``_bertopic_pickle``) and read back at the first use of ``model_``.

    @property
    def model_(self):
        state = self.__dict__
        if "_bertopic_pickle" in state:
            # Read first, dropped after: a failed read (Ctrl-C in a notebook) keeps the model.
            state["_bertopic"] = _unpickle_bertopic(state["_bertopic_pickle"], self.embedding_model)
            del state["_bertopic_pickle"]
            state.pop("_bertopic_paths", None)
        if "_bertopic" not in state:
            raise AttributeError("model_: the topic model is not fitted")
        return state["_bertopic"]

    @model_.setter
    def model_(self, model) -> None:
        self.__dict__.pop("_bertopic_pickle", None)
        self.__dict__.pop("_bertopic_paths", None)
        self.__dict__["_bertopic"] = model

    def clustered(self) -> bool:
        """Whether a BERTopic model was fitted (False: the corpus formed one topic), asked
        without reading the model back."""
        state = self.__dict__
        return "_bertopic_pickle" in state or state.get("_bertopic") is not None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        if state.get("_bertopic") is not None:
            # The paths the model holds stay visible to whoever pickles the TopicModel (the stage
            # cache refuses a result that names the run folder).
            state["_bertopic_pickle"], state["_bertopic_paths"] = _pickle_bertopic(state.pop("_bertopic"))
        return state

    def _vectorizer(self, n_paragraphs: int, vocabulary: dict[str, int] | None = None):
        """The CountVectorizer of normalized paragraphs (``as_given``); with ``vocabulary``, one
        fixed to those words (min_df unused)."""
        from sklearn.feature_extraction.text import CountVectorizer

        return CountVectorizer(
            preprocessor=as_given,
            token_pattern=TOKEN_PATTERN,
            stop_words=arabic_stop_words(),
            ngram_range=(1, 1),
            # On large corpora drop words seen in a single paragraph (names misspelt once).
            min_df=1 if n_paragraphs < 1000 else 2,
            vocabulary=vocabulary,
        )

    def fit(self, segments: pd.DataFrame, embeddings: np.ndarray) -> "TopicModel":
        from bertopic import BERTopic

        from .bertopic_backend import as_bertopic

        segments = SEGMENTS.check(segments, "topics.fit input")
        if len(segments) != len(embeddings):
            raise ValueError(f"topics.fit: {len(segments)} segments but {len(embeddings)} embeddings")
        docs = segments["text"].tolist()
        # What the vectorizer counts, normalized once; kept for the views over time and outlet.
        keys = [match_key(text) for text in docs]
        self._keys = dict(zip(docs, keys))
        n = len(docs)
        auto = auto_sizes(n)
        sizes = {
            "n_paragraphs": n,
            "n_neighbors": int(self.n_neighbors or auto["n_neighbors"]),
            "min_topic_size": int(self.min_topic_size or auto["min_topic_size"]),
            "n_components": int(self.n_components),
        }
        exact = n >= EXACT_NEIGHBOURS_FROM and n >= self.min_paragraphs
        neighbours = cached_nearest_reference(embeddings, embeddings, max(self.assign_neighbors, sizes["n_neighbors"]
                                                                          if exact else 0), self.cache_dir)
        self.neighbours_ = neighbours[0][:, :self.assign_neighbors]
        vectorizer = self._vectorizer(n)
        try:
            vocabulary = vectorizer.fit(keys).vocabulary_
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

            model = BERTopic(embedding_model=as_bertopic(self.embedding_model),
                             umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(),
                             vectorizer_model=vectorizer, top_n_words=self.top_n_words)
            topics, _ = model.fit_transform(keys, embeddings, y=np.zeros(n, dtype=int))
            probabilities = np.ones(n)
            self.note_ = (f"{n} paragraphs: fewer than {self.min_paragraphs}, so no clustering; "
                          "all paragraphs form one topic")
            self._no_outliers(n)
        else:
            from hdbscan import HDBSCAN

            neighbors = min(sizes["n_neighbors"], n - 1)
            # BERTopic gets the paragraphs' own (512-d) embeddings, so its topic vectors live in the
            # space the separation and the focus use; UMAP still runs through the disk cache.
            umap_model = CachedUMAP(cache_dir=self.cache_dir, verbose=self.verbose,
                                    neighbours=neighbours if exact else None, n_neighbors=neighbors,
                                    n_components=min(self.n_components, n - 2), min_dist=0.0,
                                    metric="cosine", random_state=self.random_state,
                                    low_memory=True, n_jobs=1)
            hdbscan_model = HDBSCAN(min_cluster_size=sizes["min_topic_size"],
                                    min_samples=max(1, sizes["min_topic_size"] // 2),
                                    metric="euclidean",
                                    cluster_selection_method=self.cluster_selection,
                                    prediction_data=True)
            model = BERTopic(embedding_model=as_bertopic(self.embedding_model), umap_model=umap_model,
                             hdbscan_model=hdbscan_model, vectorizer_model=vectorizer,
                             top_n_words=self.top_n_words, calculate_probabilities=False,
                             verbose=self.verbose)
            topics, probabilities = model.fit_transform(keys, embeddings)
            probabilities = np.asarray(probabilities, dtype=float)
            self.note_ = (f"{n} paragraphs; UMAP n_neighbors={neighbors}, "
                          f"n_components={self.n_components}, random_state={self.random_state}; "
                          f"HDBSCAN min_cluster_size={sizes['min_topic_size']}, {self.cluster_selection} selection")
            topics, probabilities = self._reduce_outliers(model, keys, embeddings, np.asarray(topics), probabilities)
        # The fitted model, like a loaded one (``_load_bertopic``), takes raw text from here on.
        model.vectorizer_model.set_params(preprocessor=match_key)
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

    def _reduce_outliers(self, model, docs: list[str], embeddings: np.ndarray, topics: np.ndarray,
                         probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Give HDBSCAN's outliers (-1) a topic with BERTopic's ``reduce_outliers``.

        HDBSCAN leaves paragraphs it cannot place with confidence as -1; on the seeds 38 of the
        134 paragraphs (28 %), 36 of them hand-labelled coverage, and a -1 paragraph gets no
        topic evidence in the separation. Each outlier takes the topic its ``outlier_strategy``
        points to (at least ``outlier_threshold`` similar); the topic words, sizes and
        centroids are then recomputed with the new members. Their ``topic_probability`` stays
        0: HDBSCAN gave them no membership. Counts go to ``outliers_``.
        """
        before = int((topics == -1).sum())
        self.topics_before_ = topics.copy()
        self.outliers_ = {"before": before, "after": before, "strategy": self.outlier_strategy,
                          "threshold": self.outlier_threshold}
        if not self.outlier_strategy or before == 0 or before == len(topics):
            return topics, probabilities
        reduced = np.asarray(model.reduce_outliers(docs, topics.tolist(), strategy=self.outlier_strategy,
                                                   embeddings=embeddings, threshold=self.outlier_threshold),
                             dtype=np.int64)
        # update_topics replaces the vectorizer and c-TF-IDF model with English defaults unless
        # given them: keep the Arabic-aware ones (and the number of words) of the fit.
        # Its warning that the topic vectors will come from word embeddings does not apply: they
        # are set from the paragraphs' embeddings just below.
        with _bertopic_warnings_off():
            model.update_topics(docs, topics=reduced.tolist(), top_n_words=self.top_n_words,
                                vectorizer_model=model.vectorizer_model, ctfidf_model=model.ctfidf_model,
                                representation_model=model.representation_model)
        # update_topics would rebuild the vectors from word embeddings (or keep the old
        # centroids); BERTopic's own fit uses the members' mean embedding, kept here.
        model.topic_embeddings_ = topic_centroids(embeddings, reduced)
        after = int((reduced == -1).sum())
        self.outliers_["after"] = after
        self.note_ += (f"; outliers reduced from {before} to {after} of {len(topics)} paragraphs "
                       f"(BERTopic reduce_outliers, {self.outlier_strategy} strategy)")
        return reduced, probabilities

    def _no_outliers(self, n: int) -> None:
        """Outlier counts of a model that did not cluster (every paragraph in topic 0)."""
        self.topics_before_ = np.zeros(n, dtype=np.int64)
        self.outliers_ = {"before": 0, "after": 0, "strategy": None, "threshold": self.outlier_threshold}

    def _single_topic(self, segments: pd.DataFrame, words: list[str], n: int) -> "TopicModel":
        self.model_ = None
        self.sizes_ = {"n_paragraphs": n, "n_neighbors": 0, "min_topic_size": 0, "n_components": 0}
        forms = surface_forms(segments["text"].tolist())
        self.surface_forms_ = forms
        self.topic_words_ = {0: [forms.get(w, w) for w in words]}
        self.note_ = (f"{n} paragraphs with fewer than two distinct content words: no topic model; "
                      "all paragraphs form one topic")
        self._no_outliers(n)
        self.assignments_ = TOPIC_ASSIGNMENTS.check(pd.DataFrame({
            "doc": segments["doc"].values, "segment": segments["segment"].values,
            "topic": np.zeros(n, dtype="int64"), "topic_probability": np.ones(n)}), "topics.fit")
        return self

    def normalized(self, texts) -> list[str]:
        """``texts`` as the vectorizer counts them (``match_key``); the fitted paragraphs'
        forms come from the fit, not computed again."""
        known = getattr(self, "_keys", {})
        return [known[text] if text in known else match_key(text) for text in texts]

    # ----------------------------------------------------------------- new text, saving
    def topic_ids(self) -> list[int]:
        """The topic ids, in the order of the rows of ``model_.topic_embeddings_``."""
        if self.model_ is None:
            return [0]
        return sorted(int(t) for t in self.model_.topic_sizes_)

    def assign(self, texts: list[str], embeddings: np.ndarray | None = None, cache=None) -> pd.DataFrame:
        """Topic of each of ``texts``: the topic whose centroid (mean paragraph embedding) is the
        most similar (cosine), as BERTopic's ``transform`` does for a saved model.

        The texts are embedded with ``embedding_model`` (the toolkit's offline encoder; an
        ``embed.EmbeddingCache`` may be given) unless ``embeddings`` are. Returns a table: text,
        topic, similarity (cosine to that centroid), label (``label``).
        """
        from .embed import embed_texts

        texts = list(texts)
        if embeddings is None:
            embeddings = embed_texts(texts, self.embedding_model, cache)[0] if texts else np.zeros((0, 1))
        if self.model_ is None:  # one topic, no centroids
            topic, similarity = np.zeros(len(texts), dtype=np.int64), np.ones(len(texts))
        else:
            from .splice import unit_rows

            cosine = unit_rows(np.asarray(embeddings, dtype=np.float64)) @ unit_rows(
                np.asarray(self.model_.topic_embeddings_, dtype=np.float64)).T
            best = cosine.argmax(axis=1) if len(texts) else np.zeros(0, dtype=np.int64)
            topic = np.asarray(self.topic_ids(), dtype=np.int64)[best]
            similarity = cosine[np.arange(len(texts)), best] if len(texts) else np.zeros(0)
        return pd.DataFrame({"text": texts, "topic": topic, "similarity": np.round(similarity, 6),
                             "label": [self.label(int(t)) for t in topic]})

    def save(self, folder) -> "Path":
        """Save the fitted model to ``folder`` (a run keeps it in ``work/topic_model/``).

        BERTopic's own safetensors format (topic centroids, c-TF-IDF, vocabulary, topic words;
        no pickle) plus ``toolkit.json``: the embedding backend to embed new text with (a
        reference, not the weights: they ship with the toolkit's packages), the readable
        topic words and spellings, and the outlier counts. ``load_topic_model`` reads it back.
        """
        import json
        from pathlib import Path

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if self.model_ is not None:
            # save_embedding_model=False: a model name would make BERTopic.load call
            # SentenceTransformer(name), i.e. try the Hugging Face hub. The backend is recorded in
            # toolkit.json instead; BERTopic's warning that no model was named is silenced.
            with _bertopic_warnings_off():
                self.model_.save(folder, serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
        backend = getattr(self.embedding_model, "name", None)
        info = {
            "format": "arabic-news-toolkit topic model 1",
            "embedding_backend": backend,
            "embedding_cache_key": getattr(self.embedding_model, "cache_key", None),
            "bertopic": self.model_ is not None,
            "note": self.note_, "sizes": self.sizes_, "outliers": self.outliers_,
            "topic_words": {str(t): w for t, w in self.topic_words_.items()},
            "surface_forms": dict(sorted(self.surface_forms_.items())),
        }
        (folder / "toolkit.json").write_text(json.dumps(info, ensure_ascii=False, indent=1, default=str), "utf-8")
        return folder

    def label(self, topic: int, n_words: int = 4) -> str:
        """A readable label: topic id and its first Arabic top words."""
        words = self.topic_words_.get(topic, [])[:n_words]
        prefix = "outliers" if topic == -1 else str(topic)
        return f"{prefix}: " + " · ".join(words) if words else prefix


def overview(topic_model: TopicModel, n_words: int = 8) -> pd.DataFrame:
    """One row per topic of the fitted paragraphs: size, how many were HDBSCAN outliers before
    the reduction, and the topic's words (corpus spelling)."""
    topic_ids = topic_model.assignments_["topic"].to_numpy()
    before = np.asarray(topic_model.topics_before_)
    rows = [{"topic": int(t), "paragraphs": int((topic_ids == t).sum()),
             "from_outliers": int(((topic_ids == t) & (before == -1)).sum()),
             "words": " · ".join(topic_model.topic_words_.get(int(t), [])[:n_words])}
            for t in np.unique(topic_ids)]
    return pd.DataFrame(rows, columns=["topic", "paragraphs", "from_outliers", "words"])


def summary(topic_model: TopicModel) -> str:
    """A few sentences (Markdown) on what the model found: topics, outliers before and after."""
    n = len(topic_model.assignments_)
    topic_ids = topic_model.assignments_["topic"].to_numpy()
    real = sorted(int(t) for t in np.unique(topic_ids) if t >= 0)
    if not topic_model.clustered():
        return f"{n} paragraphs, too few to cluster: they form one topic ({topic_model.note_})."
    out = topic_model.outliers_
    text = (f"BERTopic found **{len(real)} topics** in {n} paragraphs. HDBSCAN left "
            f"**{out['before']} paragraphs ({out['before'] / n:.0%}) as outliers** (topic -1): ")
    if out["strategy"] and out["before"]:
        text += (f"each took the topic whose centre it is closest to (BERTopic `reduce_outliers`, "
                 f"`{out['strategy']}` strategy), leaving **{out['after']}**.")
    else:
        text += "they were kept as outliers."
    sizes = pd.Series(topic_ids[topic_ids >= 0]).value_counts()
    largest = [f"{t} ({' · '.join(topic_model.topic_words_.get(int(t), [])[:4])}: {c} paragraphs)"
               for t, c in sizes.sort_index().sort_values(ascending=False, kind="stable").head(3).items()]
    return text + " Largest topics: " + "; ".join(largest) + "."


_EMBEDDING_MODEL = "bertopic-embedding-model"


def _pickle_bertopic(model) -> tuple[bytes, list]:
    """A fitted BERTopic model as pickle bytes, without its embedding model (the TopicModel
    keeps the embedder; ``_unpickle_bertopic`` puts it back), and the paths found in it."""
    import io
    import pickle
    from pathlib import PurePath

    backend = getattr(model, "embedding_model", None)
    paths: list = []

    class Pickler(pickle.Pickler):
        def persistent_id(self, obj):
            if backend is not None and obj is backend:
                return _EMBEDDING_MODEL
            if isinstance(obj, PurePath):
                paths.append(obj)
            return None

    buffer = io.BytesIO()
    Pickler(buffer, protocol=5).dump(model)
    return buffer.getvalue(), paths


def _unpickle_bertopic(data: bytes, embedding_model):
    """``_pickle_bertopic``'s model, with ``embedding_model`` as its embedder again."""
    import io
    import pickle

    from .bertopic_backend import as_bertopic

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            if pid != _EMBEDDING_MODEL:
                raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")
            return as_bertopic(embedding_model)

    return Unpickler(io.BytesIO(data)).load()


def load_topic_model(path, embedding_model=None) -> TopicModel:
    """The topic model a run saved, ready to ``assign`` new text.

    ``path``: a run folder (the model is in ``work/topic_model/``) or that folder itself.
    ``embedding_model``: the embedder for new text; by default the backend the run used
    (``embed.make_embedder``, offline). Example::

        from toolkit.model.topics import load_topic_model
        model = load_topic_model("outputs/seeds")
        model.assign(["أرسلت كوريا الشمالية آلاف الجنود إلى كورسك"])  # text, topic, similarity, label
    """
    import json
    from pathlib import Path

    folder = Path(path)
    if (folder / "work" / "topic_model").is_dir():
        folder = folder / "work" / "topic_model"
    info_path = folder / "toolkit.json"
    if not info_path.is_file():
        raise FileNotFoundError(f"{info_path}: missing; this is not a saved topic model (a run saves it "
                                "in work/topic_model/)")
    info = json.loads(info_path.read_text("utf-8"))
    if embedding_model is None and info.get("embedding_backend"):
        from .embed import make_embedder

        embedding_model = make_embedder(info["embedding_backend"])
    model = TopicModel(embedding_model)
    model.model_ = _load_bertopic(folder, embedding_model) if info["bertopic"] else None
    model.note_, model.sizes_, model.outliers_ = info["note"], info["sizes"], info["outliers"]
    model.topic_words_ = {int(t): w for t, w in info["topic_words"].items()}
    model.surface_forms_ = info["surface_forms"]
    return model


def _load_bertopic(folder, embedding_model):
    from bertopic import BERTopic

    from .bertopic_backend import as_bertopic

    model = BERTopic.load(str(folder), embedding_model=as_bertopic(embedding_model))
    # The saved vectorizer settings leave out callables: restore the Arabic normalization so that
    # c-TF-IDF on new text (reduce_outliers, topics_per_class) counts words as the fit did.
    model.vectorizer_model.set_params(preprocessor=match_key)
    return model


# ------------------------------------------------------------- topics over time and per outlet
NO_OUTLET = "(no source)"


def paragraph_dates(dates) -> pd.Series:
    """Each paragraph's document date as a day (``Timestamp``), NaT where missing or unreadable.

    Dates come as the corpus wrote them (ISO, with or without a time or a zone); only the day
    counts, in the date's own zone, so an article of 23:30 local time is not moved to the next day.
    """
    def one(value):
        text = str(value).strip() if value is not None else ""
        if not text or text.lower() in {"nan", "nat", "none"}:
            return pd.NaT
        try:
            stamp = pd.Timestamp(text)
        except (ValueError, TypeError, OverflowError):
            return pd.NaT
        return pd.Timestamp(stamp.year, stamp.month, stamp.day)

    return pd.Series([one(v) for v in dates], dtype="datetime64[ns]")


def _isolated(model):
    """A shallow copy whose c-TF-IDF matrix is its own: BERTopic's ``topics_over_time`` and
    ``topics_per_class`` normalize ``c_tf_idf_`` in place (``copy=False``), which would change
    the fitted model (and what it saves) after the fact. Its vectorizer (a copy: the same
    vocabulary) takes normalized text (``as_given``), which is what the callers pass."""
    import copy

    twin = copy.copy(model)
    twin.c_tf_idf_ = model.c_tf_idf_.copy()
    twin.vectorizer_model = copy.copy(model.vectorizer_model).set_params(preprocessor=as_given)
    return twin


def _surface_words(words: str, forms: dict[str, str]) -> str:
    return ", ".join(forms.get(w, w) for w in str(words).split(", ") if w)


def topics_over_time(topic_model: TopicModel, texts: list[str], dates, max_bins: int = 20
                     ) -> tuple[pd.DataFrame, str | None]:
    """BERTopic's ``topics_over_time`` over the fitted paragraphs that have a date.

    ``texts``: the paragraphs the model was fitted on; ``dates``: their documents' dates
    (missing allowed). Days are the time steps; with more than ``max_bins`` distinct days they
    are grouped into ``max_bins`` spans of consecutive days (each named by its first day). Returns BERTopic's
    frame (Topic, Words, Frequency, Timestamp; words in the corpus spelling) and, when a view
    over time cannot be drawn, the reason (else None).
    """
    empty = pd.DataFrame({"Topic": pd.Series(dtype="int64"), "Words": pd.Series(dtype=str),
                          "Frequency": pd.Series(dtype="int64"), "Timestamp": pd.Series(dtype="datetime64[ns]")})
    model = topic_model.model_
    if model is None:
        return empty, "no topic model (the corpus formed one topic)"
    days = paragraph_dates(dates)
    dated = np.flatnonzero(days.notna().to_numpy())
    if len(dated) == 0:
        return empty, "no document has a date (the date column is missing or empty)"
    topic_ids = np.asarray(model.topics_)[dated]
    n_days = days.iloc[dated].nunique()
    frame = _isolated(model).topics_over_time(
        topic_model.normalized([texts[i] for i in dated]), list(_span_starts(days.iloc[dated], max_bins)), topics=[int(t) for t in topic_ids],
        nr_bins=None,
        # BERTopic looks a topic's global words up by its rank among the topics present, which
        # is only right when every topic has a dated paragraph.
        global_tuning=set(topic_ids.tolist()) == set(int(t) for t in model.topic_sizes_))
    frame["Words"] = [_surface_words(w, topic_model.surface_forms_) for w in frame["Words"]]
    frame = frame.sort_values(["Timestamp", "Topic"], kind="stable").reset_index(drop=True)
    reason = None if n_days > 1 else f"every dated paragraph has the same date ({days.iloc[dated[0]].date()})"
    return frame, reason


def _span_starts(days: pd.Series, max_bins: int) -> pd.Series:
    """Each day mapped to the first day of its span: the distinct days, in order, split into at
    most ``max_bins`` groups of consecutive days. (BERTopic's own ``nr_bins`` cuts the time axis
    with ``pd.cut`` and names a bin by its left edge, a day before the first article or a day
    outside the bin.)"""
    distinct = np.sort(days.unique())
    first_of = {}
    for group in np.array_split(distinct, min(max_bins, len(distinct))):
        for day in group:
            first_of[day] = group[0]
    return days.map(first_of)


def topics_per_outlet(topic_model: TopicModel, texts: list[str], outlets) -> tuple[pd.DataFrame, str | None]:
    """BERTopic's ``topics_per_class`` with the documents' outlets (``source``) as classes.

    ``texts``: the paragraphs the model was fitted on, ``outlets`` their documents' sources
    (missing ones form the class ``NO_OUTLET``). Returns BERTopic's frame (Topic, Words,
    Frequency, Class; sorted, words in the corpus spelling) and, when the view cannot be
    drawn (fewer than two outlets), the reason (else None).
    """
    empty = pd.DataFrame({"Topic": pd.Series(dtype="int64"), "Words": pd.Series(dtype=str),
                          "Frequency": pd.Series(dtype="int64"), "Class": pd.Series(dtype=str)})
    model = topic_model.model_
    if model is None:
        return empty, "no topic model (the corpus formed one topic)"
    classes = [str(o).strip() if o is not None and str(o).strip() not in {"", "nan"} else NO_OUTLET
               for o in outlets]
    frame = _isolated(model).topics_per_class(topic_model.normalized(texts), classes)
    frame["Words"] = [_surface_words(w, topic_model.surface_forms_) for w in frame["Words"]]
    # BERTopic walks the classes in set order, which changes from one process to the next.
    frame = frame.sort_values(["Class", "Topic"], kind="stable").reset_index(drop=True)
    named = sorted(set(classes) - {NO_OUTLET})
    if len(named) < 2:
        reason = ("no document names its outlet (the source column is missing or empty)" if not named
                  else f"one outlet only ({named[0]})")
        return frame, reason
    return frame, None


def over_time_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``topics_over_time.csv`` from ``topics_over_time``'s frame."""
    from ..schema import TOPICS_OVER_TIME

    table = pd.DataFrame({
        "date": [t.strftime("%Y-%m-%d") for t in pd.to_datetime(frame["Timestamp"])],
        "topic": frame["Topic"].astype("int64"),
        "paragraphs": frame["Frequency"].astype("int64"),
        "top_words": frame["Words"].astype(str),
    })
    return TOPICS_OVER_TIME.check(table, "topics.over_time_table")


def per_outlet_table(frame: pd.DataFrame) -> pd.DataFrame:
    """``topics_per_outlet.csv`` from ``topics_per_outlet``'s frame, with each topic's share of
    the outlet's paragraphs (outlets differ in size)."""
    from ..schema import TOPICS_PER_OUTLET

    totals = frame.groupby("Class")["Frequency"].transform("sum")
    table = pd.DataFrame({
        "outlet": frame["Class"].astype(str),
        "topic": frame["Topic"].astype("int64"),
        "paragraphs": frame["Frequency"].astype("int64"),
        "share": (frame["Frequency"] / totals).round(4) if len(frame) else pd.Series(dtype="float64"),
        "top_words": frame["Words"].astype(str),
    })
    return TOPICS_PER_OUTLET.check(table, "topics.per_outlet_table")


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


def cached_nearest_reference(embeddings: np.ndarray, reference: np.ndarray, k: int, cache_dir=None
                             ) -> tuple[np.ndarray, np.ndarray]:
    """``nearest_reference``, cached on disk (``cache_dir/neighbours/``) by a hash of both arrays
    and ``k``, like ``cached_umap``: a rerun of a large corpus searched the 50,000-paragraph
    sample again (30 s on the dev split) for the neighbours it had found before."""
    import hashlib
    import os
    from pathlib import Path

    if not cache_dir:
        return nearest_reference(embeddings, reference, k)
    E = np.ascontiguousarray(embeddings, dtype=np.float32)
    R = np.ascontiguousarray(reference, dtype=np.float32)
    digest = hashlib.sha256(f"nearest_reference 1 k={int(k)} {E.shape} {R.shape} "
                            f"{_versions_of(_NEIGHBOURS_COMPUTED_BY)}".encode())
    digest.update(E.tobytes())
    digest.update(R.tobytes())
    path = Path(cache_dir) / "neighbours" / f"{digest.hexdigest()[:32]}.npz"
    if path.exists():
        with np.load(path) as saved:
            return saved["indices"], saved["similarities"]
    indices, similarities = nearest_reference(E, R, k)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + f".{os.getpid()}.tmp.npz")
    np.savez(tmp, indices=indices, similarities=similarities)
    os.replace(tmp, path)
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
    k = min(auto_sizes(n)["n_neighbors"], n - 1)
    neighbours = nearest_reference(embeddings, embeddings, k) if n >= EXACT_NEIGHBOURS_FROM else None
    return cached_umap(embeddings, cache_dir, neighbours=neighbours, n_neighbors=k, n_components=2, min_dist=0.1,
                       metric="cosine", random_state=random_state, low_memory=True, n_jobs=1)
