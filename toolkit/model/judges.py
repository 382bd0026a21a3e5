"""The separation's per-document steps 4-7 (see ``toolkit.model.separate``), one function each.

Each takes the fitted ``FocusSeparator`` (``sep``: its parameters and what it learnt, the focus's
places and the splice detector), one ``documents.DocumentView`` and that document's evidence,
and writes its labels, reasons and report records through the view. ``states`` is the
document's core (0) / insert (1) path, updated in place so that a later step sees what an
earlier one decided.
"""

from __future__ import annotations

import numpy as np

from .documents import DocumentView, PlaceMarks, centroid


def main_place_share(sep, marks: PlaceMarks | None, positions) -> float:
    """Share of the paragraphs at (partition) ``positions`` that name one of the focus's main
    places (0 when the places are not used)."""
    if marks is None or sep.main_place_share is None or not len(positions):
        return 0.0
    return float(marks.main[positions].mean())


def interview_questions(sep, view: DocumentView) -> np.ndarray | None:
    """Per paragraph of the document, whether it is one of an interview's questions: it ends
    with a question mark, in a document that asks ``interview_questions`` or more (None: the
    document is no interview, or the rule is off). An interview's later turns move to other
    subjects, and a question with its answer looks foreign to the rest; a piece glued into
    the page asks none of the interviewer's questions."""
    if sep.interview_questions is None:
        return None
    asks = np.array([view.text(j).strip().endswith(("؟", "?")) for j in range(len(view))], dtype=bool)
    return asks if asks.sum() >= sep.interview_questions else None


def _main_places(sep) -> str:
    return ", ".join(sorted(sep.focus_places_.main_places))


def _detector(sep):
    """The fitted splice detector, or None (small corpus, ``confirm_runs`` off, nothing learnt)."""
    detector = getattr(sep, "splice_detector_", None)
    return None if detector is None or detector.model_ is None else detector


# ------------------------------------------------------------------ step 5: the whole document
def off_focus_document(sep, view: DocumentView, weight: np.ndarray, evidence: np.ndarray,
                       lexical_evidence: np.ndarray, in_glued: np.ndarray, marks: PlaceMarks | None = None) -> bool:
    """Whether the document as a whole is off the focus (its glued-in runs aside, which do
    not count for the document's own subject): by its evidence, its words, or its places
    (``document_places``), unless it keeps naming the focus's main places
    (``main_place_share``); if so, all its paragraphs become inserts.

    ``weight``, ``in_glued``: per paragraph of the document; ``evidence``,
    ``lexical_evidence``: per paragraph of the partition."""
    idx = view.idx
    basis = ~in_glued if (~in_glued).any() and weight[~in_glued].sum() > 0 else np.ones(len(idx), dtype=bool)
    weights = np.maximum(weight[basis], 1e-9)
    mean = float(np.average(evidence[idx][basis], weights=weights))
    lexical_mean = float(np.average(np.minimum(lexical_evidence[idx][basis], 1e6), weights=weights))
    # Another story happens elsewhere throughout, not in one passing mention (the envoy flew
    # to Geneva): a third of its paragraphs (main_place_share) name other places.
    elsewhere = (sep.document_places and marks is not None
                 and not marks.focus[idx][basis].any()
                 and marks.other[idx][basis].mean() >= (sep.main_place_share or 0.0))
    if mean >= sep.document_ratio and lexical_mean >= sep.document_lexical_ratio and not elsewhere:
        return False
    evidence_record = {"mean_evidence": round(mean, 3), "lexical_evidence": round(lexical_mean, 3)}
    named = main_place_share(sep, marks, idx[basis])
    if named and named >= sep.main_place_share:
        # Its words are off the focus, but it keeps naming the focus's main places: about the
        # focus (a Yemen article on the Yemenis' residence papers).
        view.record("document off the focus's words", 0, len(idx),
                    f"core: {named:.0%} of its paragraphs name the focus's main places ({_main_places(sep)})",
                    **evidence_record)
        return False
    why = (f"mean evidence {mean:.2f} < {sep.document_ratio:.2f}" if mean < sep.document_ratio else
           f"mean lexical evidence {lexical_mean:.2f} < {sep.document_lexical_ratio:.2f}"
           if lexical_mean < sep.document_lexical_ratio else
           "it names places, none of them the focus's: another story")
    for j, i in enumerate(idx):
        view.mark(j, f"document off the focus ({why}; this paragraph {evidence[i]:.2f})", "insert")
    view.record("document off the focus", 0, len(idx), f"insert: {why}", **evidence_record)
    return True


# ------------------------------------------------------------- step 4: runs glued in from elsewhere
def glued_runs(sep, view: DocumentView, lexical_evidence: np.ndarray | None,
               marks: PlaceMarks | None = None) -> list:
    """Runs of the document the splice detector finds glued in from another article and
    whose words are off the focus (mean lexical evidence under 1: a part of the article on
    another facet of the focus shares the focus's words and stays), that happen elsewhere
    (``marks``: see ``splice.SpliceDetector.find_runs``), or that it finds foreign beyond
    doubt (``foreign_splice_threshold``), whatever their words; none naming a main place of
    the focus is set aside for its words. Without a focus (``lexical_evidence`` None) foreignness
    to the article alone decides."""
    detector = _detector(sep)
    idx = view.idx
    if detector is None or sep.splice_threshold is None or len(idx) < 4:
        return []
    return detector.find_runs(view.splice_document(), None if lexical_evidence is None else lexical_evidence[idx],
                              protected=interview_questions(sep, view),
                              below=sep.glued_lexical_limit, threshold=sep.splice_threshold,
                              relative_below=sep.relative_lexical_limit,
                              relative_threshold=sep.relative_splice_threshold,
                              places=None if marks is None else (marks.focus[idx], [marks.others[i] for i in idx]),
                              place_threshold=sep.place_splice_threshold,
                              about_focus=None if marks is None or sep.main_place_share is None else marks.main[idx],
                              foreign_threshold=sep.foreign_splice_threshold)


def splice_record(run, **focus_evidence) -> dict:
    """The report's evidence of a run the splice detector found: the focus evidence when there
    is a focus, then the detector's."""
    return {**focus_evidence, "splice_probability": run.probability,
            "cohesion_with_article": run.evidence["emb_centroid"], "shared_terms": run.evidence["term_coverage"]}


def _glued_why(sep, view: DocumentView, run, lexical_run: float, marks: PlaceMarks | None) -> tuple[str, str]:
    """Why a found run goes, and the short form of the rule that decided."""
    rule = run.evidence.get("rule", "splice")
    if rule == "splice":
        return (f"splice probability {run.probability:.2f} >= {sep.splice_threshold:.2f}; its words off "
                f"the focus: lexical evidence {lexical_run:.2f} < {sep.glued_lexical_limit:g}"), "its words off the focus"
    if rule == "elsewhere":
        positions = view.idx[run.start:run.stop]
        named = sorted({p for i in positions for p in marks.others[i]}) if marks else []
        return (f"splice probability {run.probability:.2f} >= {sep.place_splice_threshold:.2f}; it names "
                f"{'، '.join(named) or 'places'}, none of them the focus's nor named elsewhere in its "
                f"article, which names the focus's"), "it happens elsewhere"
    host = run.evidence.get("host_focus", float("nan"))
    if rule == "foreign":
        return (f"splice probability {run.probability:.2f} >= {sep.foreign_splice_threshold:.2f}: foreign to its "
                f"article beyond doubt, though its words are the focus's (lexical evidence {lexical_run:.2f}, "
                f"its article's {host:.2f})"), "foreign beyond doubt"
    return (f"splice probability {run.probability:.2f} >= {sep.relative_splice_threshold:.2f}; its "
            f"words far less on the focus than its article's: lexical evidence {lexical_run:.2f} <= "
            f"{sep.relative_lexical_limit:g} x {host:.2f}"), "far less on the focus than its article"


def set_aside_glued_runs(sep, view: DocumentView, glued: list, states: np.ndarray, evidence: np.ndarray,
                         lexical_evidence: np.ndarray, marks: PlaceMarks | None = None) -> None:
    """Label the runs ``glued_runs`` found as inserts, each with the rule that decided."""
    for run in glued:
        positions = view.idx[run.start:run.stop]
        z_run = float(np.mean(evidence[positions]))
        l_run = float(np.mean(lexical_evidence[positions]))
        why, decided = _glued_why(sep, view, run, l_run, marks)
        for j in range(run.start, run.stop):
            states[j] = 1
            view.mark(j, f"glued in from another article ({why})", "insert")
        view.record("glued-in run", run.start, run.stop - run.start,
                    f"insert: foreign to its article, {decided} ({why})",
                    **splice_record(run, mean_evidence=round(z_run, 3), lexical_evidence=round(l_run, 3)))


# ------------------------------------------------------------------ step 6: off-focus runs
def confirm_off_focus_runs(sep, view: DocumentView, states: np.ndarray, in_glued: np.ndarray, evidence: np.ndarray,
                           marks: PlaceMarks | None = None) -> None:
    """An off-focus run inside an on-focus document stays core when it keeps naming the
    focus's main places (``main_place_share``) or opens the document (``opening_stays``),
    or holds one of an interview's questions (``interview_questions``), and otherwise unless
    the splice detector finds it foreign to the rest of the document (``confirm_runs``).
    A lone paragraph (a run shorter than the detector's ``min_run``) stays core unless it is
    next to a glued-in run: the detector learnt from runs of ``min_run`` paragraphs or more,
    and asked about one paragraph it finds most of an article's own asides foreign (on the
    benchmark's tuning corpora, 12 of the 13 lone paragraphs it confirmed were the article's).
    Paragraphs already set aside as glued in (``in_glued``) are not judged again."""
    from .documents import runs_of

    detector = _detector(sep)
    n = len(view)
    questions = interview_questions(sep, view)

    def glued_next(j: int, stop: int) -> bool:
        # Next to a run set aside as glued in (step 4), a lone paragraph may be the rest of
        # that piece (the search's run stopped one short of it): the detector decides.
        return bool((j > 0 and in_glued[j - 1]) or (stop < n and in_glued[stop]))

    for j, stop in runs_of((states == 1) & ~in_glued):
        run = view.idx[j:stop]

        def record(decision: str, **extra) -> None:
            view.record("off-focus run", j, stop - j, decision,
                        mean_evidence=round(float(np.mean(evidence[run])), 3), **extra)

        def keep(reason) -> None:
            for k in range(j, stop):
                states[k] = 0
                view.mark(k, reason(view.idx[k]), "core")

        named = main_place_share(sep, marks, run)
        if named and named >= sep.main_place_share:
            record(f"core: {named:.0%} of its paragraphs name the focus's main places ({_main_places(sep)})")
            keep(lambda i: f"below the focus by its words but about it: the run names the focus's "
                           f"main places in {named:.0%} of its paragraphs")
        elif questions is not None and questions[j:stop].any():
            record(f"core: a turn of the interview (the document asks {int(questions.sum())} questions)")
            keep(lambda i: f"evidence {evidence[i]:.2f} below 1, but a turn of the interview: one of its "
                           f"questions with its answer")
        elif j == 0 and sep.opening_stays:
            whole = stop == n
            record("core: the whole document, which is on the focus as a whole" if whole
                   else "core: the article's own opening")
            keep(lambda i: f"evidence {evidence[i]:.2f} below 1, but " +
                           ("the document is on the focus as a whole (step 5)" if whole else
                            "the article's own opening: text is glued into an article, after its start"))
        elif j > 0 and n - (stop - j) >= 1 and detector is None:
            record("insert: off the focus (" + ("too few documents to learn the splice detector"
                                                if sep.confirm_runs else "confirm_runs is off") + ")")
        elif j > 0 and stop - j < detector.min_run and not glued_next(j, stop):
            record(f"core: a lone paragraph, the article's own aside (the splice detector judges runs of "
                   f"{detector.min_run} paragraphs or more)")
            keep(lambda i: f"evidence {evidence[i]:.2f} below 1, but a lone paragraph inside an on-focus "
                           f"article is its own aside, not a piece of another article")
        elif j > 0 and n - (stop - j) >= 1:
            probability, features = detector.run_probability(view.splice_document(), j, stop)
            foreign = probability >= sep.confirm_threshold
            record("insert: foreign to its article" if foreign else "core: part of its article (another facet)",
                   splice_probability=round(probability, 3), cohesion_with_article=features["emb_centroid"],
                   shared_terms=features["term_coverage"])
            if not foreign:
                keep(lambda i: f"below the focus but part of its article (splice probability "
                               f"{probability:.2f} < {sep.confirm_threshold:.2f})")


# ---------------------------------------------------- step 7: headlines and glued-in articles
def attach_headlines(view: DocumentView, states: np.ndarray, headline_words: int) -> None:
    """A short line without a sentence end right before an insert run is its headline."""
    for j in range(1, len(view)):
        if states[j] == 1 and states[j - 1] == 0:
            text = view.text(j - 1).strip()
            if len(text.split()) <= headline_words and not text.endswith((".", "؟", "?", "!", ":")):
                view.mark(j - 1, "headline of the off-focus run that follows it", "insert")


def glued_article(view: DocumentView, block_ends: list[int], continuation_margin: float) -> None:
    """Text after the document's first related-articles block is the page's next article unless
    it continues the first part: its centroid must be as close to the first part's as the first
    part's two halves are to each other (minus ``continuation_margin``)."""
    if not block_ends:
        return
    seg_lines = view.segments["line"].to_numpy()[view.idx]
    cut = int(block_ends[0])
    first = view.idx[seg_lines < cut]
    after_at = np.flatnonzero(seg_lines > cut)
    if len(first) < 2 or len(after_at) == 0:
        return
    E = view.vectors
    after = view.idx[after_at]
    similarity = float(centroid(E[first]) @ centroid(E[after]))
    if len(first) >= 4:
        half = len(first) // 2
        baseline = float(centroid(E[first[:half]]) @ centroid(E[first[half:]]))
    else:
        baseline = 0.8
    needed = baseline - continuation_margin
    continues = similarity >= needed
    view.record("text after a related-articles block", int(after_at[0]), len(after),
                "core: continues the article" if continues else "insert: a separate article",
                similarity_to_article=round(similarity, 3), needed=round(needed, 3))
    if continues:
        return
    for j in after_at:
        view.mark(int(j), f"separate article after the related-articles block ending at line {cut} "
                          f"(similarity to the article {similarity:.2f} < {needed:.2f})", "insert")
