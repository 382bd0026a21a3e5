"""Separate the coverage under study (``core``) from text that does not belong (``insert``).

Contract in: ``schema.SEGMENTS``, their embeddings, ``schema.TOPIC_ASSIGNMENTS``, the cleaned
``schema.LINES`` (for where related-articles blocks sit) and the focus vector. Out:
``schema.SEPARATION``, one row per segment with ``label``, ``score`` and ``reason``.

How a paragraph is judged (each step recorded in ``reason``). Two questions are asked:
*is this text about the focus?* and *does it belong to the article it sits in?*

1. **Embedding focus score.** The focus description is embedded like the paragraphs; the
   paragraphs closest to it (top ``seed_share``) seed a focus centroid (pseudo-relevance
   feedback: a one-sentence description is a noisy query, the corpus's own closest paragraphs
   are not). A paragraph's similarity to that centroid is smoothed twice: over its
   ``neighbors`` nearest paragraphs in embedding space and over its BERTopic topic
   (``topic_weight``). Its threshold is ``off_focus_ratio`` times the focus coherence (the
   median similarity of the seed paragraphs to their centroid), so it follows the similarity
   scale of the embedder and how tight the coverage is.
2. **Lexical focus score** (``toolkit.model.lexical``). Embeddings of any two news paragraphs are
   fairly similar; their words are not. The seed paragraphs also give a TF-IDF profile of the
   focus (document frequencies counted on the topic model's sample of the corpus); a
   paragraph's cosine with it, over ``lexical_ratio`` times the seeds' own median cosine, is
   the lexical evidence. The **evidence** of a paragraph blends both ratios
   (``lexical_weight``): 1 is at the thresholds.
3. **Contiguous runs.** Inserted pieces are runs of paragraphs, so each document is labelled
   by a two-state Viterbi pass (core/insert) whose emission cost is how far a paragraph's
   evidence sits on the wrong side of 1 (weighted by its length: short lines embed noisily)
   and whose switch cost is ``switch_penalty``. A run of one short line (under
   ``full_weight_words``) between the article's own text, a caption or a subheading, stays:
   it is too little text to judge on its own.
4. **Does a run belong to its article?** The splice detector (``toolkit.model.splice``), learnt from
   this corpus by gluing runs of its documents into others, searches each document for runs
   foreign to the rest of it (probability from ``splice_threshold``). Such a run is set aside
   when its words are also off the focus (mean lexical evidence under 1): a run glued in from
   a neighbouring subject embeds as close to the focus as its host, but does not use the
   focus's words, while a part of the article on another facet of the focus does. A run whose
   lexical evidence is also far below its own article's (at most ``relative_lexical_limit``
   times the rest of the document's) goes from the lower ``relative_splice_threshold``: it
   is another story, though it shares the corpus's general words (forces, talks, the war).
   **Where it happens** (``toolkit.model.places``): the places the focus's paragraphs name are
   learnt from the corpus (``focus_places_``). When the focus is anchored in places, a run
   that names places, none of them the focus's, while the rest of its article names one, goes
   from the lower ``place_splice_threshold`` whatever its words (a war report from Libya in
   Yemen coverage); a run that names one of the focus's *main* places is never cut for its
   words (it is about the focus).
5. **Whole documents.** A document (its glued-in runs aside) whose mean evidence is below
   ``document_ratio``, or whose mean lexical evidence is below ``document_lexical_ratio``, or
   (``document_places``) that names places, none of them the focus's, is off the focus as a
   whole, however similar its embeddings; but a document whose paragraphs keep naming the
   focus's main places (``main_place_share`` of them) is on the focus, whatever its words.
6. **Off-focus runs inside an on-focus article** (step 3) stay ``core`` when they keep naming
   the focus's main places (``main_place_share`` of their paragraphs: a Yemen article's turn
   to the Yemenis' residence papers); otherwise they are set aside only when the splice
   detector also finds them foreign to their article; a run it finds cohesive with the
   article is the article's own turn to another facet and stays ``core`` (``confirm_runs``).
   A run that opens the document stays ``core`` (``opening_stays``): the document was judged
   on the focus as a whole in step 5, and text is glued into an article after its start.
   On corpora under ``min_learning_documents`` documents there is too little to learn from:
   the splice detector's search (step 4) and its confirmation of off-focus runs (step 6) are
   skipped and step 3 decides, but for the places' rules and the opening, which need no
   detector.
7. **Headlines and glued-in articles.** A short headline-like line just before an insert run
   is the run's own headline and joins it. Text after a related-articles block in the middle
   of a document is the page's next article unless it continues the first: its centroid must
   be as close to the first part's centroid as the first part's two halves are to each other
   (minus ``continuation_margin``); otherwise the whole part is an insert.

Every decision of steps 4-7 is kept in ``pieces_`` with its evidence, for the report.

**Without a focus** (``toolkit.model.coverage``): a corpus with a dominant coverage is separated as
above, the focus derived from the corpus. A mixed collection has no coverage under study
(``set_without_focus``): steps 1-3, 5 and 6 do not apply, every article is kept, and a
paragraph is an insert only when it does not belong to its own article: a separate article
after a related-articles block (step 7; cleaning has set aside chrome, repeats and the blocks
themselves). The runs the splice detector finds foreign-looking (step 4 without the focus's
words to confirm them) are listed for reading, not set aside (``glued_without_focus``).
``score`` is then the paragraph's cohesion with the rest of its document.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import LINES, SEGMENTS, SEPARATION, TOPIC_ASSIGNMENTS


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n else v


def centroid(vectors: np.ndarray) -> np.ndarray:
    return _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))


@dataclass
class Threshold:
    value: float
    method: str


def viterbi_runs(costs_core: np.ndarray, costs_insert: np.ndarray, switch_penalty: float) -> np.ndarray:
    """Two-state segmentation: returns 0 (core) / 1 (insert) per position, minimising the
    summed emission costs plus ``switch_penalty`` per change of state."""
    n = len(costs_core)
    if n == 0:
        return np.zeros(0, dtype=int)
    emit = np.stack([costs_core, costs_insert], axis=1)
    total = emit[0].copy()
    back = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        new = np.empty(2)
        for s in (0, 1):
            stay, switch = total[s], total[1 - s] + switch_penalty
            # Ties keep the state (fewer switches), so equal costs give the same path each run.
            back[i, s] = s if stay <= switch else 1 - s
            new[s] = min(stay, switch) + emit[i, s]
        total = new
    states = np.zeros(n, dtype=int)
    states[-1] = 0 if total[0] <= total[1] else 1
    for i in range(n - 1, 0, -1):
        states[i - 1] = back[i, states[i]]
    return states


class FocusSeparator:
    """Label each paragraph ``core`` or ``insert`` (scikit-learn style; see module docstring).

    Parameters
    ----------
    seed_share : share of paragraphs closest to the focus text that seed the focus centroid.
    neighbors : paragraphs (itself included) whose mean similarity smooths a paragraph's own.
    topic_weight : weight of the topic's mean score in a paragraph's score (0..1).
    off_focus_ratio : the threshold as a share of the focus coherence.
    switch_penalty : Viterbi cost of a core/insert change inside a document.
    full_weight_words : paragraphs this long or longer count fully in the emission cost.
    headline_words : a line this short (without a sentence end) can be a run's headline.
    continuation_margin : slack for "continues the article" after a related block.
    lexical_weight : weight of the lexical focus score (TF-IDF cosine with the focus's lexical
        profile, in units of its own threshold) against the embedding score (0: embeddings only).
    lexical_ratio : the lexical threshold as a share of the lexical focus coherence.
    document_ratio : a document whose mean focus evidence (1 = at the thresholds) is below this
        is off the focus as a whole;
    document_lexical_ratio : so is a document whose mean lexical evidence is below this (its
        words are not the focus's words, however close its embeddings).
    confirm_runs : an off-focus run inside a document is set aside only when the splice
        detector, learnt from the corpus, also finds it foreign to its document (otherwise it
        is the article's own turn to another facet and stays core).
    splice_threshold : in an on-focus document, the splice detector's search sets aside a run
        it finds foreign from this probability on, when the run is also less on the focus than
        the rest of its document (a run glued in from a neighbouring subject can score as high
        on the focus as its host, but not higher); None: no search.
    glued_lexical_limit : a run found by the search is set aside when its mean lexical evidence
        is under this (1: under the lexical threshold).
    relative_splice_threshold, relative_lexical_limit : a run under ``glued_lexical_limit``
        whose mean lexical evidence is also at most ``relative_lexical_limit`` times the rest of
        its document's is set aside from this lower splice probability (None: not used). A
        piece glued in from a neighbouring subject shares the corpus's general words of the
        focus (forces, talks, the war) but not what its host says about the focus.
    confirm_threshold : the splice probability from which an off-focus run (step 6) counts as
        foreign to its article.
    min_learning_documents : documents needed to learn the splice detector.
    place_splice_threshold : when the focus is anchored in places (``places.FocusPlaces``), a
        run the splice detector finds foreign from this probability on, that names places but
        none of the focus's while the rest of its document names one, is set aside whatever its
        words (a piece from a neighbouring subject happens elsewhere); None: not used.
    document_places : a document whose own text names places, none of them the focus's, in a
        third of its paragraphs or more (``main_place_share``; the focus anchored in places), is
        off the focus as a whole.
    main_place_share : a document off the focus's words (step 5) or an off-focus run (step 3)
        of which at least this share of paragraphs name one of the focus's main places is about
        the focus and stays; the splice detector's search by the focus's words (step 4) sets
        aside no run naming them; None: none of the three.
    opening_stays : an off-focus run (step 3) that opens a document judged on the focus as a
        whole (step 5) is the article's own (its headline and lede, or the whole of it): text is
        glued into an article after its start. Off: such a run is set aside unconfirmed.
    glued_without_focus : without a focus (a mixed collection), set aside the runs the splice
        detector alone finds glued in; off: they are listed for reading and kept (on real news
        most are quotations and a column's own turns; see ``_label_belonging``).
    random_state : kept for the estimator interface; the separation itself is deterministic.

    Attributes (after ``fit``)
    --------------------------
    focus_centroid_ : unit vector of the focus.
    coherence_ : median similarity of the seed paragraphs to the focus centroid.
    threshold_ : the Threshold used.
    result_ : ``schema.SEPARATION`` table.
    pieces_ : list of dicts describing parts found after related-articles blocks.
    lexicon_, lexical_profile_, lexical_coherence_, lexical_threshold_ : the lexical view.
    splice_detector_ : the fitted ``splice.SpliceDetector`` (None on small corpora).
    focus_places_ : ``places.FocusPlaces``, the places the focus's paragraphs name.
    """

    def __init__(self, seed_share=0.3, neighbors=5, topic_weight=0.5, off_focus_ratio=0.4, switch_penalty=0.25,
                 full_weight_words=15, headline_words=12, continuation_margin=0.05,
                 lexical_weight=0.5, lexical_ratio=0.4, document_ratio=0.8, document_lexical_ratio=0.6, confirm_runs=True,
                 splice_threshold=0.85, glued_lexical_limit=1.0, relative_splice_threshold=0.8,
                 relative_lexical_limit=0.3, confirm_threshold=0.8, min_learning_documents=20,
                 place_splice_threshold=0.5, document_places=True, main_place_share=0.3, opening_stays=True,
                 glued_without_focus=False, random_state=0):
        self.seed_share = seed_share
        self.neighbors = neighbors
        self.topic_weight = topic_weight
        self.off_focus_ratio = off_focus_ratio
        self.switch_penalty = switch_penalty
        self.full_weight_words = full_weight_words
        self.headline_words = headline_words
        self.continuation_margin = continuation_margin
        self.lexical_weight = lexical_weight
        self.lexical_ratio = lexical_ratio
        self.document_ratio = document_ratio
        self.document_lexical_ratio = document_lexical_ratio
        self.confirm_runs = confirm_runs
        self.splice_threshold = splice_threshold
        self.confirm_threshold = confirm_threshold
        self.glued_lexical_limit = glued_lexical_limit
        self.relative_splice_threshold = relative_splice_threshold
        self.relative_lexical_limit = relative_lexical_limit
        self.min_learning_documents = min_learning_documents
        self.place_splice_threshold = place_splice_threshold
        self.document_places = document_places
        self.main_place_share = main_place_share
        self.opening_stays = opening_stays
        self.glued_without_focus = glued_without_focus
        self.random_state = random_state

    # ------------------------------------------------------------------ scores
    # The score is built in phases so that a corpus split into partitions (toolkit.study.pipeline,
    # either engine) is judged exactly like one table: per-partition work, then a small
    # reduction over all partitions, then per-partition work again. ``fit`` runs the same
    # phases on a single partition.

    def query_scores(self, embeddings: np.ndarray, focus_vector: np.ndarray) -> np.ndarray:
        """Phase 1 (per partition): similarity of each paragraph to the focus text."""
        return np.asarray(embeddings, dtype=np.float64) @ _unit(np.asarray(focus_vector, dtype=np.float64))

    def choose_seeds(self, query_scores: np.ndarray) -> np.ndarray:
        """Reduction 1: the ``seed_share`` of all paragraphs closest to the focus text
        (positions in corpus order, sorted)."""
        k = max(1, int(round(self.seed_share * len(query_scores))))
        return np.sort(np.argsort(-np.asarray(query_scores), kind="stable")[:k])

    def set_centroid(self, seed_sum: np.ndarray, n_seeds: int) -> None:
        """Reduction 2: the focus centroid from the summed seed embeddings."""
        self.focus_centroid_ = _unit(np.asarray(seed_sum, dtype=np.float64) / max(n_seeds, 1))

    def direct_scores(self, embeddings: np.ndarray) -> np.ndarray:
        """Similarity of each paragraph to the focus centroid."""
        return np.asarray(embeddings, dtype=np.float64) @ self.focus_centroid_

    def partition_statistics(self, embeddings: np.ndarray, topics: np.ndarray, seed_mask: np.ndarray) -> dict:
        """Phase 2 (per partition): per-topic sums and counts of the direct scores, and the
        direct scores of the seed paragraphs."""
        direct = self.direct_scores(embeddings)
        by_topic = pd.Series(direct).groupby(np.asarray(topics))
        return {"topic_sum": by_topic.sum(), "topic_count": by_topic.size(), "seed_direct": direct[seed_mask]}

    def set_statistics(self, statistics: list[dict]) -> None:
        """Reduction 3: focus coherence, threshold and per-topic mean scores."""
        seeds = np.concatenate([s["seed_direct"] for s in statistics]) if statistics else np.zeros(0)
        # How tightly the focus coverage clusters: the threshold is a share of it, so it
        # follows the similarity scale of the embedder and the corpus.
        self.coherence_ = float(np.median(seeds)) if len(seeds) else 0.0
        sums = [s["topic_sum"] for s in statistics if len(s["topic_sum"])]
        counts = [s["topic_count"] for s in statistics if len(s["topic_count"])]
        if sums:
            total = pd.concat(sums).groupby(level=0).sum()
            n = pd.concat(counts).groupby(level=0).sum()
            self.topic_mean_ = {int(t): float(total[t] / n[t]) for t in total.index}
        else:
            self.topic_mean_ = {}
        theta = self.off_focus_ratio * self.coherence_
        self.has_focus_ = True
        self.threshold_ = Threshold(theta, (
            f"off-focus below {theta:.3f} = {self.off_focus_ratio} x the focus coherence "
            f"{self.coherence_:.3f} (median similarity of the {self.seed_share:.0%} of paragraphs "
            f"closest to the focus to their centroid)"))

    def set_without_focus(self) -> None:
        """Instead of reductions 1-3, when there is no coverage under study (a mixed
        collection, ``toolkit.model.coverage``): nothing is judged against a focus; a paragraph is
        set aside only when it does not belong to its own article (``_label_belonging``)."""
        self.has_focus_ = False
        self.focus_centroid_ = None
        self.coherence_ = float("nan")
        self.topic_mean_ = {}
        self.threshold_ = Threshold(float("nan"), (
            "no focus: a mixed collection has no coverage under study; a paragraph is set aside only "
            "when it does not belong to its own article (glued in from another one, or a separate "
            "article after a related-articles block)"))

    def learn_from_sample(self, segments: pd.DataFrame, embeddings: np.ndarray, is_seed: np.ndarray,
                          in_profile: np.ndarray | None = None) -> None:
        """Reduction 4 (driver, on the topic model's sample of paragraphs): document
        frequencies, the focus's lexical profile (from the sample's seed paragraphs, or those
        ``in_profile`` when given) and its coherence, and the splice detector learnt from the
        sample's documents."""
        from .lexical import Lexicon, content_terms, cosine, document_terms
        from .places import FocusPlaces, known_places
        from .splice import Document, SpliceDetector

        segments = _python_text(segments)
        terms = [content_terms(t) for t in segments["text"]]
        by_doc = segments.groupby("doc", sort=True).indices
        df: dict[str, int] = {}
        for idx in by_doc.values():
            for t in document_terms(terms[i] for i in idx):
                df[t] = df.get(t, 0) + 1
        self.lexicon_ = Lexicon(df, len(by_doc))
        seeds = np.flatnonzero(np.asarray(is_seed if in_profile is None else in_profile, dtype=bool))
        self.lexical_profile_ = self.lexicon_.profile(terms[i] for i in seeds)
        seed_scores = [cosine(self.lexicon_.vector(terms[i]), self.lexical_profile_) for i in seeds]
        self.lexical_coherence_ = float(np.median(seed_scores)) if seed_scores else 0.0
        self.lexical_threshold_ = self.lexical_ratio * self.lexical_coherence_
        self.focus_places_ = FocusPlaces.learn(known_places().find(terms[i]) for i in seeds)
        self.splice_detector_ = None
        if self.confirm_runs and len(by_doc) >= self.min_learning_documents:
            detector = SpliceDetector(threshold=0.5, random_state=self.random_state)
            names = sorted(by_doc)
            rng = np.random.default_rng(self.random_state)
            chosen = sorted(rng.choice(len(names), size=min(detector.sample_documents, len(names)), replace=False))
            documents = []
            for j in chosen:
                idx = np.sort(by_doc[names[j]])
                documents.append(Document.from_texts(segments["text"].iloc[idx].tolist(), embeddings[idx],
                                                     self.headline_words))
            self.splice_detector_ = detector.fit(documents)

    def lexical_scores(self, texts) -> np.ndarray:
        """Cosine of each text's TF-IDF vector with the focus's lexical profile."""
        from .lexical import content_terms, cosine

        return np.array([cosine(self.lexicon_.vector(content_terms(t)), self.lexical_profile_) for t in texts],
                        dtype=np.float64)

    def focus_scores(self, embeddings: np.ndarray, topics: np.ndarray, neighbours: np.ndarray,
                     in_reference: np.ndarray, reference_direct: np.ndarray) -> np.ndarray:
        """Phase 3 (per partition): the smoothed focus score of each paragraph.

        ``neighbours``: for each paragraph, its nearest reference paragraphs (indices into
        ``reference_direct``, nearest first; see ``topics.nearest_reference``). A paragraph in
        the reference finds itself among them; one outside it counts its own score once
        and its ``neighbors - 1`` nearest reference paragraphs.
        """
        direct = self.direct_scores(embeddings)
        reference_direct = np.asarray(reference_direct, dtype=np.float64)
        k = max(1, min(self.neighbors, neighbours.shape[1] if neighbours.ndim == 2 else 1))
        neighbourhood = np.empty(len(direct))
        if len(direct):
            inside = np.asarray(in_reference, dtype=bool)
            neighbourhood[inside] = reference_direct[neighbours[inside, :k]].mean(axis=1)
            outside = ~inside
            if outside.any():
                others = reference_direct[neighbours[outside, :k - 1]].sum(axis=1) if k > 1 else 0.0
                neighbourhood[outside] = (direct[outside] + others) / k
        topics = np.asarray(topics)
        topic_mean = np.array([self.topic_mean_.get(int(t), np.nan) for t in topics], dtype=np.float64)
        by_topic = np.where(topics >= 0, topic_mean, neighbourhood)
        return (1 - self.topic_weight) * neighbourhood + self.topic_weight * by_topic

    # --------------------------------------------------------------------- fit
    def fit(self, segments: pd.DataFrame, embeddings: np.ndarray, topics: pd.DataFrame,
            lines: pd.DataFrame, focus_vector: np.ndarray | None,
            profile_paragraphs: np.ndarray | None = None) -> "FocusSeparator":
        """Label every paragraph of one table (all its paragraphs are the neighbour reference).
        ``focus_vector`` None: no coverage under study (``set_without_focus``);
        ``profile_paragraphs``: positions the lexical profile is built from instead of the seeds
        (a coverage found in the corpus, ``coverage.CoverageFinder.profile_paragraphs_``)."""
        from .topics import nearest_reference

        segments = SEGMENTS.check(segments, "separate.fit segments")
        topics = TOPIC_ASSIGNMENTS.check(topics, "separate.fit topics")
        if len(segments) != len(embeddings) or len(segments) != len(topics):
            raise ValueError("separate.fit: segments, embeddings and topics differ in length")
        E = np.asarray(embeddings)
        topic_ids = topics["topic"].to_numpy()
        mask = np.zeros(len(E), dtype=bool)
        if focus_vector is None:  # a mixed collection: only what does not belong to its article goes
            self.set_without_focus()
        else:
            seeds = self.choose_seeds(self.query_scores(E, focus_vector))
            self.set_centroid(np.asarray(E[seeds], dtype=np.float64).sum(axis=0), len(seeds))
            mask[seeds] = True
            self.set_statistics([self.partition_statistics(E, topic_ids, mask)])
        in_profile = None
        if profile_paragraphs is not None:
            in_profile = np.zeros(len(E), dtype=bool)
            in_profile[np.asarray(profile_paragraphs, dtype=np.int64)] = True
        self.learn_from_sample(segments, E, mask, in_profile)
        neighbours, _ = nearest_reference(E, E, self.neighbors)
        self.result_, self.pieces_ = self.label_partition(
            segments, E, topic_ids, lines, neighbours, np.ones(len(E), dtype=bool),
            self.direct_scores(E) if self.has_focus_ else np.zeros(len(E)))
        return self

    def label_partition(self, segments: pd.DataFrame, embeddings: np.ndarray, topics: np.ndarray,
                        lines: pd.DataFrame, neighbours: np.ndarray, in_reference: np.ndarray,
                        reference_direct: np.ndarray) -> tuple[pd.DataFrame, list[dict]]:
        """Phase 4 (per partition, whole documents): scores, runs, headlines and glued-in
        articles. Returns ``(schema.SEPARATION table, glued-article checks)``."""
        segments = _python_text(SEGMENTS.check(segments, "separate.label segments"))
        lines = LINES.check(lines, "separate.label lines")
        scores = (self.focus_scores(embeddings, topics, neighbours, in_reference, reference_direct)
                  if self.has_focus_ else np.zeros(len(segments)))
        words = segments["text"].str.split().str.len().to_numpy()
        weight = np.minimum(1.0, words / self.full_weight_words)
        theta = self.threshold_.value
        labels = np.array(["core"] * len(segments), dtype=object)
        reasons = np.array([""] * len(segments), dtype=object)
        pieces: list[dict] = []

        related_after = self._related_block_ends(lines)
        E = np.asarray(embeddings, dtype=np.float64)
        if not self.has_focus_:
            return self._label_belonging(segments, E, lines, related_after)
        evidence, lexical_evidence = self.evidence(scores, segments["text"])
        place_marks = self.place_marks(segments["text"])
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            idx = np.sort(idx)
            s, z, w = scores[idx], evidence[idx], weight[idx]
            # Costs in units of the thresholds, so that switch_penalty means the same for any
            # embedder's similarity scale.
            states = viterbi_runs(w * np.maximum(0.0, 1 - z), w * np.maximum(0.0, z - 1), self.switch_penalty)
            lone = self._lone_short_lines(states, w)
            states[lone] = 0
            for j, i in enumerate(idx):
                if lone[j]:
                    reasons[i] = (f"evidence {z[j]:.2f} below 1, but a lone short line between the article's "
                                  f"own text is too little to judge alone (a caption, a subheading)")
                elif states[j] == 1:
                    labels[i] = "insert"
                    reasons[i] = f"in an off-focus run (evidence {z[j]:.2f}, focus score {s[j]:.2f} vs {theta:.2f})"
                else:
                    reasons[i] = (f"on the focus (evidence {z[j]:.2f}, focus score {s[j]:.2f} vs {theta:.2f})"
                                  if z[j] >= 1 else
                                  f"evidence {z[j]:.2f} below 1 but inside an on-focus run")
            glued = self._glued_runs(idx, segments, E, lexical_evidence, place_marks)
            in_glued = np.zeros(len(idx), dtype=bool)
            for run in glued:
                in_glued[run.start:run.stop] = True
            if self._off_focus_document(doc, idx, w, evidence, lexical_evidence, in_glued, segments, labels, reasons,
                                        pieces, place_marks):
                continue
            self._set_aside_glued_runs(doc, idx, glued, states, segments, evidence, lexical_evidence, labels, reasons,
                                       pieces, place_marks)
            self._confirm_runs(doc, idx, states, in_glued, segments, E, evidence, labels, reasons, pieces, place_marks)
            self._attach_headlines(idx, states, segments, labels, reasons)
            self._glued_articles(doc, idx, segments, E, related_after.get(doc, []), labels, reasons, pieces)

        return _separation_table(segments, labels, scores, reasons), pieces

    # --------------------------------------------------------------- helpers
    def evidence(self, scores: np.ndarray, texts) -> tuple[np.ndarray, np.ndarray]:
        """Focus evidence of each paragraph, 1 at the thresholds: the embedding score over its
        threshold, blended with the lexical score over its own (``lexical_weight``); and the
        lexical part alone."""
        z = np.asarray(scores, dtype=np.float64) / self.threshold_.value
        lexical = np.full(len(z), np.inf)
        if getattr(self, "lexical_threshold_", 0) > 0:
            lexical = self.lexical_scores(texts) / self.lexical_threshold_
            if self.lexical_weight:
                z = (1 - self.lexical_weight) * z + self.lexical_weight * lexical
        return z, lexical

    @staticmethod
    def _lone_short_lines(states: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Off-focus runs of one line shorter than a full paragraph (weight < 1) with the
        article's own text on both sides (or the document's edge): a photo caption or a
        subheading embeds too noisily to be set aside on its own evidence. A glued-in piece is
        a run of paragraphs; its headline joins it (step 7)."""
        n = len(states)
        lone = np.zeros(n, dtype=bool)
        for j in range(n):
            if (states[j] == 1 and weight[j] < 1 and (j == 0 or states[j - 1] == 0)
                    and (j == n - 1 or states[j + 1] == 0) and n > 1):
                lone[j] = True
        return lone

    def place_marks(self, texts) -> tuple | None:
        """Per paragraph: names one of the focus's places, names another place, names one of
        its main places (three bool arrays), and the other places it names (a list of tuples);
        None when the focus is not anchored in places or ``focus_places_`` was not learnt."""
        from .lexical import content_terms
        from .places import known_places

        focus_places = getattr(self, "focus_places_", None)
        if focus_places is None or not focus_places.anchored:
            return None
        finder = known_places()
        named = [finder.find(content_terms(t)) for t in texts]
        marks = [focus_places.marks(n) for n in named]
        others = [tuple(p for p in n if not focus_places.is_focus_place(p)) for n in named]
        return (*(np.array([m[k] for m in marks], dtype=bool).reshape(-1) for k in range(3)), others)

    def _off_focus_document(self, doc, idx, w, evidence, lexical_evidence, in_glued, segments, labels, reasons,
                            pieces, place_marks=None) -> bool:
        """Whether the document as a whole is off the focus (its glued-in runs aside, which do
        not count for the document's own subject): by its evidence, its words, or its places
        (``document_places``), unless it keeps naming the focus's main places
        (``main_place_share``); if so, all its paragraphs become inserts."""
        basis = ~in_glued if (~in_glued).any() and w[~in_glued].sum() > 0 else np.ones(len(idx), dtype=bool)
        weights = np.maximum(w[basis], 1e-9)
        mean = float(np.average(evidence[idx][basis], weights=weights))
        lexical_mean = float(np.average(np.minimum(lexical_evidence[idx][basis], 1e6), weights=weights))
        # Another story happens elsewhere throughout, not in one passing mention (the envoy flew
        # to Geneva): a third of its paragraphs (main_place_share) name other places.
        elsewhere = (self.document_places and place_marks is not None
                     and not place_marks[0][idx][basis].any()
                     and place_marks[1][idx][basis].mean() >= (self.main_place_share or 0.0))
        if mean >= self.document_ratio and lexical_mean >= self.document_lexical_ratio and not elsewhere:
            return False
        named = self._main_place_share(place_marks, idx[basis])
        if named and named >= self.main_place_share:
            # Its words are off the focus, but it keeps naming the focus's main places: about the
            # focus (a Yemen article on the Yemenis' residence papers).
            pieces.append({"doc": doc, "kind": "document off the focus's words",
                           "first_line": int(segments["line"].iat[idx[0]]), "paragraphs": int(len(idx)),
                           "mean_evidence": round(mean, 3), "lexical_evidence": round(lexical_mean, 3),
                           "decision": (f"core: {named:.0%} of its paragraphs name the focus's main places "
                                        f"({', '.join(sorted(self.focus_places_.main_places))})"),
                           "text": _first_words(segments["text"].iat[idx[0]])})
            return False
        why = (f"mean evidence {mean:.2f} < {self.document_ratio:.2f}" if mean < self.document_ratio else
               f"mean lexical evidence {lexical_mean:.2f} < {self.document_lexical_ratio:.2f}"
               if lexical_mean < self.document_lexical_ratio else
               "it names places, none of them the focus's: another story")
        for i in idx:
            labels[i] = "insert"
            reasons[i] = f"document off the focus ({why}; this paragraph {evidence[i]:.2f})"
        pieces.append({"doc": doc, "kind": "document off the focus", "first_line": int(segments["line"].iat[idx[0]]),
                       "paragraphs": int(len(idx)), "mean_evidence": round(mean, 3),
                       "lexical_evidence": round(lexical_mean, 3), "decision": f"insert: {why}",
                       "text": _first_words(segments["text"].iat[idx[0]])})
        return True

    def _glued_runs(self, idx, segments, E, lexical_evidence, place_marks=None) -> list:
        """Runs of the document the splice detector finds glued in from another article and
        whose words are off the focus (mean lexical evidence under 1: a part of the article on
        another facet of the focus shares the focus's words and stays), or that happen elsewhere
        (``place_marks``: see ``splice.SpliceDetector.find_runs``); none naming a main place of
        the focus is set aside for its words."""
        from .splice import Document

        detector = getattr(self, "splice_detector_", None)
        if detector is None or detector.model_ is None or self.splice_threshold is None or len(idx) < 4:
            return []
        document = Document.from_texts(segments["text"].iloc[idx].tolist(), E[idx], self.headline_words)
        # Without a focus (lexical_evidence None) foreignness to the article alone decides.
        return detector.find_runs(document, None if lexical_evidence is None else lexical_evidence[idx],
                                  below=self.glued_lexical_limit, threshold=self.splice_threshold,
                                  relative_below=self.relative_lexical_limit,
                                  relative_threshold=self.relative_splice_threshold,
                                  places=None if place_marks is None else (place_marks[0][idx],
                                                                            [place_marks[3][i] for i in idx]),
                                  place_threshold=self.place_splice_threshold,
                                  about_focus=None if place_marks is None or self.main_place_share is None
                                  else place_marks[2][idx])

    def _set_aside_glued_runs(self, doc, idx, glued, states, segments, evidence, lexical_evidence, labels, reasons,
                              pieces, place_marks=None) -> None:
        for run in glued:
            z_run = float(np.mean(evidence[idx[run.start:run.stop]]))
            l_run = float(np.mean(lexical_evidence[idx[run.start:run.stop]]))
            host = run.evidence.get("host_focus", float("nan"))
            rule = run.evidence.get("rule", "splice")
            if rule == "splice":
                why = (f"splice probability {run.probability:.2f} >= {self.splice_threshold:.2f}; its words off "
                       f"the focus: lexical evidence {l_run:.2f} < {self.glued_lexical_limit:g}")
            elif rule == "elsewhere":
                named = sorted({p for i in idx[run.start:run.stop] for p in place_marks[3][i]}) if place_marks else []
                why = (f"splice probability {run.probability:.2f} >= {self.place_splice_threshold:.2f}; it names "
                       f"{'، '.join(named) or 'places'}, none of them the focus's nor named elsewhere in its "
                       f"article, which names the focus's")
            else:
                why = (f"splice probability {run.probability:.2f} >= {self.relative_splice_threshold:.2f}; its "
                       f"words far less on the focus than its article's: lexical evidence {l_run:.2f} <= "
                       f"{self.relative_lexical_limit:g} x {host:.2f}")
            for j in range(run.start, run.stop):
                states[j] = 1
                labels[idx[j]] = "insert"
                reasons[idx[j]] = f"glued in from another article ({why})"
            decided = {"splice": "its words off the focus", "elsewhere": "it happens elsewhere"}.get(
                rule, "far less on the focus than its article")
            pieces.append(_run_piece(doc, "glued-in run", run, idx, segments,
                                     f"insert: foreign to its article, {decided} ({why})",
                                     mean_evidence=round(z_run, 3), lexical_evidence=round(l_run, 3)))

    def _confirm_runs(self, doc, idx, states, glued, segments, E, evidence, labels, reasons, pieces,
                      place_marks=None) -> None:
        """An off-focus run inside an on-focus document stays core when it keeps naming the
        focus's main places (``main_place_share``) or opens the document (``opening_stays``),
        and otherwise unless the splice detector finds it foreign to the rest of the document
        (``confirm_runs``). Paragraphs already set aside as glued in (``glued``) are not judged
        again."""
        from .splice import Document

        detector = getattr(self, "splice_detector_", None)
        if detector is not None and detector.model_ is None:
            detector = None
        document = (Document.from_texts(segments["text"].iloc[idx].tolist(), E[idx], self.headline_words)
                    if detector is not None and (states == 1).any() else None)
        proposed = (states == 1) & ~glued
        j = 0
        while j < len(idx):
            if not proposed[j]:
                j += 1
                continue
            stop = j
            while stop < len(idx) and proposed[stop]:
                stop += 1
            run = idx[j:stop]

            def piece(decision: str, **extra) -> None:
                pieces.append({"doc": doc, "kind": "off-focus run", "first_line": int(segments["line"].iat[run[0]]),
                               "paragraphs": int(stop - j), "mean_evidence": round(float(np.mean(evidence[run])), 3),
                               **extra, "decision": decision, "text": _first_words(segments["text"].iat[run[0]])})

            def keep(reason) -> None:
                for k in range(j, stop):
                    states[k] = 0
                    labels[idx[k]] = "core"
                    reasons[idx[k]] = reason(idx[k])

            named = self._main_place_share(place_marks, run)
            if named and named >= self.main_place_share:
                piece(f"core: {named:.0%} of its paragraphs name the focus's main places "
                      f"({', '.join(sorted(self.focus_places_.main_places))})")
                keep(lambda i: f"below the focus by its words but about it: the run names the focus's "
                               f"main places in {named:.0%} of its paragraphs")
            elif j == 0 and self.opening_stays:
                whole = stop == len(idx)
                piece("core: the whole document, which is on the focus as a whole" if whole
                      else "core: the article's own opening")
                keep(lambda i: f"evidence {evidence[i]:.2f} below 1, but " +
                               ("the document is on the focus as a whole (step 5)" if whole else
                                "the article's own opening: text is glued into an article, after its start"))
            elif j > 0 and len(idx) - (stop - j) >= 1 and detector is None:
                piece("insert: off the focus (" + ("too few documents to learn the splice detector"
                                                   if self.confirm_runs else "confirm_runs is off") + ")")
            elif j > 0 and len(idx) - (stop - j) >= 1:
                probability, features = detector.run_probability(document, j, stop)
                foreign = probability >= self.confirm_threshold
                piece("insert: foreign to its article" if foreign else "core: part of its article (another facet)",
                      splice_probability=round(probability, 3), cohesion_with_article=features["emb_centroid"],
                      shared_terms=features["term_coverage"])
                if not foreign:
                    keep(lambda i: f"below the focus but part of its article (splice probability "
                                   f"{probability:.2f} < {self.confirm_threshold:.2f})")
            j = stop

    def _main_place_share(self, place_marks, positions) -> float:
        """Share of the paragraphs at ``positions`` that name one of the focus's main places (0
        when the places are not used)."""
        if place_marks is None or self.main_place_share is None or not len(positions):
            return 0.0
        return float(place_marks[2][positions].mean())

    def _label_belonging(self, segments, E, lines, related_after) -> tuple[pd.DataFrame, list[dict]]:
        """Labels without a focus: every paragraph is ``core`` (it belongs to its article) unless
        it is a separate article after a related-articles block. The runs the splice detector
        finds foreign-looking (from ``splice_threshold``, with no focus condition) are listed in
        ``pieces_`` for reading and set aside only with ``glued_without_focus`` (then with their
        headlines): read on a month of real news (the dev split), most of them are a column's
        quoted verses, a decree's header, a quoted dialogue or the body after an intro, which
        belong to their article; with a focus, its words confirm a run (step 4). ``score`` is the
        paragraph's cohesion with the rest of its document (cosine with the others' centroid)."""
        n = len(segments)
        labels = np.array(["core"] * n, dtype=object)
        reasons = np.array([""] * n, dtype=object)
        scores = np.zeros(n)
        pieces: list[dict] = []
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            idx = np.sort(idx)
            scores[idx] = _leave_one_out_cohesion(E[idx])
            for i in idx:
                reasons[i] = f"belongs to its article (cohesion with the rest of it {scores[i]:.2f})"
            glued = self._glued_runs(idx, segments, E, None)
            states = np.zeros(len(idx), dtype=int)
            for run in glued:
                set_aside = self.glued_without_focus
                for j in range(run.start, run.stop):
                    if set_aside:
                        states[j] = 1
                        labels[idx[j]] = "insert"
                        reasons[idx[j]] = (f"glued in from another article (splice probability "
                                           f"{run.probability:.2f} >= {self.splice_threshold:.2f})")
                    else:
                        reasons[idx[j]] = (f"kept: foreign-looking to the splice detector (probability "
                                           f"{run.probability:.2f}), but without a focus nothing confirms it")
                pieces.append(_run_piece(doc, "foreign-looking run (no focus)", run, idx, segments,
                                         "insert: foreign to its article" if set_aside else
                                         "core: kept for reading (glued_without_focus is off)"))
            self._attach_headlines(idx, states, segments, labels, reasons)
            self._glued_articles(doc, idx, segments, E, related_after.get(doc, []), labels, reasons, pieces)
        return _separation_table(segments, labels, scores, reasons), pieces

    def _attach_headlines(self, idx, states, segments, labels, reasons) -> None:
        """A short line without a sentence end right before an insert run is its headline."""
        for j in range(1, len(idx)):
            if states[j] == 1 and states[j - 1] == 0:
                prev = idx[j - 1]
                text = segments["text"].iat[prev].strip()
                if len(text.split()) <= self.headline_words and not text.endswith((".", "؟", "?", "!", ":")):
                    labels[prev] = "insert"
                    reasons[prev] = "headline of the off-focus run that follows it"

    @staticmethod
    def _related_block_ends(lines: pd.DataFrame) -> dict[str, list[int]]:
        """Per document, the line numbers that end a related-articles block."""
        docs_with_blocks = set(lines.loc[lines["label"] == "related", "doc"])
        ends: dict[str, list[int]] = {}
        subset = lines[lines["doc"].isin(docs_with_blocks)].sort_values(["doc", "line"])
        for doc, group in subset.groupby("doc", sort=False):
            numbers = group["line"].tolist()
            related = (group["label"] == "related").tolist()
            for k in range(len(numbers) - 1):
                if related[k] and not related[k + 1]:
                    ends.setdefault(doc, []).append(int(numbers[k]))
        return ends

    def _glued_articles(self, doc, idx, segments, E, block_ends, labels, reasons, pieces) -> None:
        if not block_ends:
            return
        seg_lines = segments["line"].to_numpy()[idx]
        cut = int(block_ends[0])
        first = idx[seg_lines < cut]
        after = idx[seg_lines > cut]
        if len(first) < 2 or len(after) == 0:
            return
        c_first, c_after = centroid(E[first]), centroid(E[after])
        similarity = float(c_first @ c_after)
        if len(first) >= 4:
            half = len(first) // 2
            baseline = float(centroid(E[first[:half]]) @ centroid(E[first[half:]]))
        else:
            baseline = 0.8
        needed = baseline - self.continuation_margin
        continues = similarity >= needed
        pieces.append({"doc": doc, "kind": "text after a related-articles block",
                       "first_line": int(segments["line"].iat[after[0]]), "paragraphs": int(len(after)),
                       "similarity_to_article": round(similarity, 3), "needed": round(needed, 3),
                       "decision": "core: continues the article" if continues else "insert: a separate article",
                       "text": _first_words(segments["text"].iat[after[0]])})
        if continues:
            return
        for i in after:
            labels[i] = "insert"
            reasons[i] = (f"separate article after the related-articles block ending at line {cut} "
                          f"(similarity to the article {similarity:.2f} < {needed:.2f})")


def _separation_table(segments: pd.DataFrame, labels, scores, reasons) -> pd.DataFrame:
    """``schema.SEPARATION`` from one partition's per-paragraph decisions."""
    return SEPARATION.check(pd.DataFrame({
        "doc": segments["doc"].values, "segment": segments["segment"].values,
        "label": np.asarray(labels).astype(str), "score": np.round(scores, 4),
        "reason": np.asarray(reasons).astype(str),
    }), "separate.label_partition")


def _run_piece(doc, kind: str, run, idx, segments: pd.DataFrame, decision: str, **focus_evidence) -> dict:
    """The report's record of a run the splice detector found (``pieces_``): where it is, the
    focus evidence when there is a focus, the detector's evidence and the decision."""
    return {"doc": doc, "kind": kind, "first_line": int(segments["line"].iat[idx[run.start]]),
            "paragraphs": int(run.stop - run.start), **focus_evidence,
            "splice_probability": run.probability, "cohesion_with_article": run.evidence["emb_centroid"],
            "shared_terms": run.evidence["term_coverage"], "decision": decision,
            "text": _first_words(segments["text"].iat[idx[run.start]])}


def _leave_one_out_cohesion(E: np.ndarray) -> np.ndarray:
    """Cosine of each row with the mean of the other rows of ``E`` (1.0 for a lone row)."""
    if len(E) < 2:
        return np.ones(len(E))
    others = E.sum(axis=0)[None, :] - E
    norms = np.linalg.norm(others, axis=1) * np.linalg.norm(E, axis=1)
    return np.where(norms > 0, np.einsum("ij,ij->i", E, others) / np.where(norms > 0, norms, 1), 0.0)


def _first_words(text: str, n: int = 12) -> str:
    words = str(text).split()
    return " ".join(words[:n]) + (" …" if len(words) > n else "")


def _python_text(segments: pd.DataFrame) -> pd.DataFrame:
    """``segments`` with its text as a column of Python strings: each document's paragraphs are
    sliced from it several times, and a slice of an Arrow string column (as parquet gives it
    back) cost 0.6 ms, 10 s of the dev split's separation."""
    if segments["text"].dtype == object:
        return segments
    return segments.assign(text=np.asarray(segments["text"].tolist(), dtype=object))


# ---------------------------------------------------------------------------- result tables
def line_table(lines: pd.DataFrame, segments: pd.DataFrame, separation: pd.DataFrame,
               topics: pd.DataFrame) -> pd.DataFrame:
    """``lines.csv``: every non-blank input line once, with its final label.

    Lines set aside by cleaning keep their cleaning label (topic -1, no score). A kept line
    takes the label covering most of its characters among its paragraphs (a line cut into
    several paragraphs can straddle a boundary), the topic of its longest paragraph and the
    character-weighted mean score.
    """
    from ..schema import LINE_LABELS

    lines = LINES.check(lines, "separate.line_table lines")
    seg = segments.merge(separation, on=["doc", "segment"]).merge(
        topics[["doc", "segment", "topic"]], on=["doc", "segment"])
    seg["chars"] = (seg["end"] - seg["start"]).clip(lower=1)
    multi = seg.duplicated(["doc", "line"], keep=False)
    single = seg.loc[~multi, ["doc", "line", "label", "reason", "topic", "score"]]
    combined = []
    for (doc, line), g in seg[multi].groupby(["doc", "line"], sort=False):  # lines cut in several
        by_label = g.groupby("label")["chars"].sum()
        main = g.loc[g["chars"].idxmax()]
        combined.append({"doc": doc, "line": line, "label": by_label.idxmax(),
                         "reason": f"{len(g)} paragraphs; longest: {main['reason']}",
                         "topic": main["topic"], "score": float(np.average(g["score"], weights=g["chars"]))})
    per_line = pd.concat([single, pd.DataFrame(combined, columns=single.columns)], ignore_index=True)
    kept = lines.loc[lines["label"] == "", ["doc", "line"]].merge(per_line, on=["doc", "line"], how="left")
    if kept["label"].isna().any():
        first = kept[kept["label"].isna()].iloc[0]
        raise ValueError(f"line {first['doc']}:{first['line']} was kept by cleaning but has no paragraph")
    cleaned = lines.loc[lines["label"] != "", ["doc", "line", "label", "reason"]].assign(topic=-1, score=np.nan)
    out = pd.concat([kept, cleaned], ignore_index=True)
    order = lines[["doc", "line"]].reset_index().rename(columns={"index": "_order"})
    out = out.merge(order, on=["doc", "line"]).sort_values("_order").drop(columns="_order")
    out = out.astype({"line": "int64", "topic": "int64", "score": "float64"})
    out["score"] = out["score"].round(4)
    return LINE_LABELS.check(out, "separate.line_table")


def document_table(line_labels: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """``documents.csv``: per document, lines by label and the share of lines that are core."""
    from ..schema import LABELS

    counts = pd.crosstab(line_labels["doc"], line_labels["label"]).reindex(columns=list(LABELS), fill_value=0)
    counts = counts.reindex(documents["doc"], fill_value=0)
    table = documents[["doc", "title", "source", "date"]].set_index("doc").join(counts)
    table["lines"] = counts.sum(axis=1)
    table["core_share"] = (counts["core"] / table["lines"].where(table["lines"] > 0)).round(4)
    table = table.reset_index()
    return table[["doc", "title", "source", "date", "lines", *LABELS, "core_share"]]


def topic_table(topic_model, separation: pd.DataFrame, topics: pd.DataFrame,
                topic_vectors: dict[int, np.ndarray], focus_centroid: np.ndarray) -> pd.DataFrame:
    """``topics.csv``: size, readable top words, share of core paragraphs, focus similarity.

    ``topic_vectors``: per topic, the sum (or mean) of its paragraphs' embeddings
    (``framing.topic_sums``); only its direction matters.
    """
    from ..schema import TOPICS

    merged = topics.merge(separation[["doc", "segment", "label"]], on=["doc", "segment"])
    rows = []
    for topic, g in merged.groupby("topic", sort=True):
        rows.append({
            "topic": int(topic), "size": int(len(g)),
            "top_words": " ".join(topic_model.topic_words_.get(int(topic), [])),
            "focus_share": round(float((g["label"] == "core").mean()), 4),
            # No focus (a mixed collection): no similarity to give.
            "focus_similarity": (round(float(_unit(np.asarray(topic_vectors[int(topic)], dtype=np.float64))
                                             @ focus_centroid), 4) if focus_centroid is not None else np.nan),
        })
    return TOPICS.check(pd.DataFrame(rows), "separate.topic_table")
