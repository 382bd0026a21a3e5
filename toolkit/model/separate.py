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
   A run the detector finds foreign beyond doubt (from ``foreign_splice_threshold``) goes
   whatever its words: a piece on a neighbouring story of the same country (its king's
   audiences in coverage of the war it leads) shares the focus's words, not the article.
   **Where it happens** (``toolkit.model.places``): the places the focus's paragraphs name are
   learnt from the corpus (``focus_places_``). When the focus is anchored in places, a run
   that names places, none of them the focus's, while the rest of its article names one, goes
   from the lower ``place_splice_threshold`` whatever its words (a war report from Libya in
   Yemen coverage); a run that names one of the focus's *main* places is never cut for its
   words (it is about the focus).
   **Interviews**: in a document that asks ``interview_questions`` questions or more (paragraphs
   ending with a question mark), a run holding one of them is a turn of the interview (the
   question with its answer) and is not set aside here nor in step 6: an interview's later
   answers turn to other subjects, and a piece glued into the page asks none of the
   interviewer's questions. An answer judged alone, without its question, is not protected.
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
   A lone off-focus paragraph stays ``core`` (the article's own aside: the detector judges
   runs of two paragraphs or more) unless it is next to a glued-in run of step 4.
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

from ..schema import LINES, SEGMENTS, TOPIC_ASSIGNMENTS
from . import judges
from .documents import (DocumentView, PlaceMarks, leave_one_out_cohesion, lone_short_lines, python_text,
                        related_block_ends, unit, viterbi_runs)
from .separation_tables import separation_table


@dataclass
class Threshold:
    value: float
    method: str


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
    foreign_splice_threshold : a run the search finds foreign from this probability on is set
        aside whatever its words (unless it names the focus's main places or holds an
        interview's question); None: the focus's words always keep a run.
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
        most are quotations and a column's own turns; see ``label_belonging``).
    interview_questions : a document with at least this many paragraphs ending with a question
        mark is an interview (or holds one): a run with one of its questions (a question and
        its answer) is neither set aside as glued in (step 4) nor as an off-focus run (step 6):
        an interview's later answers turn to other subjects. None: off.
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
                 relative_lexical_limit=0.3, foreign_splice_threshold=0.95, confirm_threshold=0.8,
                 min_learning_documents=20,
                 place_splice_threshold=0.5, document_places=True, main_place_share=0.3, opening_stays=True,
                 glued_without_focus=False, interview_questions=3, random_state=0):
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
        self.foreign_splice_threshold = foreign_splice_threshold
        self.min_learning_documents = min_learning_documents
        self.place_splice_threshold = place_splice_threshold
        self.document_places = document_places
        self.main_place_share = main_place_share
        self.opening_stays = opening_stays
        self.glued_without_focus = glued_without_focus
        self.interview_questions = interview_questions
        self.random_state = random_state

    # ------------------------------------------------------------------ scores
    # The score is built in phases so that a corpus split into partitions (toolkit.study.pipeline,
    # either engine) is judged exactly like one table: per-partition work, then a small
    # reduction over all partitions, then per-partition work again. ``fit`` runs the same
    # phases on a single partition.

    def query_scores(self, embeddings: np.ndarray, focus_vector: np.ndarray) -> np.ndarray:
        """Phase 1 (per partition): similarity of each paragraph to the focus text."""
        return np.asarray(embeddings, dtype=np.float64) @ unit(np.asarray(focus_vector, dtype=np.float64))

    def choose_seeds(self, query_scores: np.ndarray) -> np.ndarray:
        """Reduction 1: the ``seed_share`` of all paragraphs closest to the focus text
        (positions in corpus order, sorted)."""
        k = max(1, int(round(self.seed_share * len(query_scores))))
        return np.sort(np.argsort(-np.asarray(query_scores), kind="stable")[:k])

    def set_centroid(self, seed_sum: np.ndarray, n_seeds: int) -> None:
        """Reduction 2: the focus centroid from the summed seed embeddings."""
        self.focus_centroid_ = unit(np.asarray(seed_sum, dtype=np.float64) / max(n_seeds, 1))

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
        set aside only when it does not belong to its own article (``label_belonging``)."""
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

        segments = python_text(segments)
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
        articles. Returns ``(schema.SEPARATION table, the decisions for the report)``."""
        segments = python_text(SEGMENTS.check(segments, "separate.label segments"))
        lines = LINES.check(lines, "separate.label lines")
        E = np.asarray(embeddings, dtype=np.float64)
        related_after = related_block_ends(lines)
        if not self.has_focus_:
            return self.label_belonging(segments, E, related_after)
        scores = self.focus_scores(embeddings, topics, neighbours, in_reference, reference_direct)
        weight = np.minimum(1.0, segments["text"].str.split().str.len().to_numpy() / self.full_weight_words)
        evidence, lexical_evidence = self.evidence(scores, segments["text"])
        marks = self.place_marks(segments["text"])
        labels = np.array(["core"] * len(segments), dtype=object)
        reasons = np.array([""] * len(segments), dtype=object)
        pieces: list[dict] = []
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            view = DocumentView(doc, np.sort(idx), segments, E, labels, reasons, pieces, self.headline_words)
            w = weight[view.idx]
            states = self._off_focus_runs(view, scores, evidence, w)
            glued = judges.glued_runs(self, view, lexical_evidence, marks)
            in_glued = np.zeros(len(view), dtype=bool)
            for run in glued:
                in_glued[run.start:run.stop] = True
            if judges.off_focus_document(self, view, w, evidence, lexical_evidence, in_glued, marks):
                continue
            judges.set_aside_glued_runs(self, view, glued, states, evidence, lexical_evidence, marks)
            judges.confirm_off_focus_runs(self, view, states, in_glued, evidence, marks)
            judges.attach_headlines(view, states, self.headline_words)
            judges.glued_article(view, related_after.get(doc, []), self.continuation_margin)
        return separation_table(segments, labels, scores, reasons), pieces

    def _off_focus_runs(self, view: DocumentView, scores: np.ndarray, evidence: np.ndarray,
                        weight: np.ndarray) -> np.ndarray:
        """Step 3: the document's core (0) / insert (1) path by its focus evidence, each
        paragraph's label and reason written; a lone short line stays core."""
        s, z = scores[view.idx], evidence[view.idx]
        theta = self.threshold_.value
        # Costs in units of the thresholds, so that switch_penalty means the same for any
        # embedder's similarity scale.
        states = viterbi_runs(weight * np.maximum(0.0, 1 - z), weight * np.maximum(0.0, z - 1), self.switch_penalty)
        lone = lone_short_lines(states, weight)
        states[lone] = 0
        for j in range(len(view)):
            if lone[j]:
                view.mark(j, f"evidence {z[j]:.2f} below 1, but a lone short line between the article's "
                             f"own text is too little to judge alone (a caption, a subheading)")
            elif states[j] == 1:
                view.mark(j, f"in an off-focus run (evidence {z[j]:.2f}, focus score {s[j]:.2f} vs {theta:.2f})",
                          "insert")
            else:
                view.mark(j, f"on the focus (evidence {z[j]:.2f}, focus score {s[j]:.2f} vs {theta:.2f})"
                             if z[j] >= 1 else f"evidence {z[j]:.2f} below 1 but inside an on-focus run")
        return states

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

    def place_marks(self, texts) -> PlaceMarks | None:
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
        return PlaceMarks(*(np.array([m[k] for m in marks], dtype=bool).reshape(-1) for k in range(3)), others)

    def label_belonging(self, segments: pd.DataFrame, E: np.ndarray,
                        related_after: dict[str, list[int]]) -> tuple[pd.DataFrame, list[dict]]:
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
        set_aside = self.glued_without_focus
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            view = DocumentView(doc, np.sort(idx), segments, E, labels, reasons, pieces, self.headline_words)
            scores[view.idx] = leave_one_out_cohesion(E[view.idx])
            for j, i in enumerate(view.idx):
                view.mark(j, f"belongs to its article (cohesion with the rest of it {scores[i]:.2f})")
            states = np.zeros(len(view), dtype=int)
            for run in judges.glued_runs(self, view, None):
                for j in range(run.start, run.stop):
                    if set_aside:
                        states[j] = 1
                        view.mark(j, f"glued in from another article (splice probability "
                                     f"{run.probability:.2f} >= {self.splice_threshold:.2f})", "insert")
                    else:
                        view.mark(j, f"kept: foreign-looking to the splice detector (probability "
                                     f"{run.probability:.2f}), but without a focus nothing confirms it")
                view.record("foreign-looking run (no focus)", run.start, run.stop - run.start,
                            "insert: foreign to its article" if set_aside else
                            "core: kept for reading (glued_without_focus is off)", **judges.splice_record(run))
            judges.attach_headlines(view, states, self.headline_words)
            judges.glued_article(view, related_after.get(doc, []), self.continuation_margin)
        return separation_table(segments, labels, scores, reasons), pieces
