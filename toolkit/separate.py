"""Separate the coverage under study (``core``) from text that does not belong (``insert``).

Contract in: ``schema.SEGMENTS``, their embeddings, ``schema.TOPIC_ASSIGNMENTS``, the cleaned
``schema.LINES`` (for where related-articles blocks sit) and the focus vector. Out:
``schema.SEPARATION``, one row per segment with ``label``, ``score`` and ``reason``.

How a paragraph is judged, in four steps (each recorded in ``reason``):

1. **Focus score.** The focus description is embedded like the paragraphs; the paragraphs
   closest to it (top ``seed_share``) seed a focus centroid (pseudo-relevance feedback: a
   one-sentence description is a noisy query, the corpus's own closest paragraphs are not).
   A paragraph's score is the mean of its cosine to that centroid and its topic's mean
   cosine, so topics smooth single paragraphs.
2. **Off-focus threshold.** Gaussian mixtures on the scores of full-length paragraphs
   (short lines embed noisily), the number of groups chosen by BIC; the lowest group is
   off-focus only when it stands apart from the next (Ashman's D >= ``min_separation``), and
   the threshold is where their posteriors cross. Otherwise the corpus has no off-focus
   group and no paragraph is an insert on score alone.
3. **Contiguous runs.** Inserted pieces are runs of paragraphs, so each document is labelled
   by a two-state Viterbi pass (core/insert) whose emission cost is how far a paragraph's
   score sits on the wrong side of the threshold (weighted by its length: short lines embed
   noisily) and whose switch cost is ``switch_penalty``. A short headline-like line just
   before an insert run is the run's own headline and joins it.
4. **Glued-in articles.** Text after a related-articles block in the middle of a document is
   the page's next article unless it continues the first: its centroid must be as close to the
   first part's centroid as the first part's two halves are to each other (minus
   ``continuation_margin``); otherwise the whole part is an insert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import LINES, SEGMENTS, SEPARATION, TOPIC_ASSIGNMENTS


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n else v


def centroid(vectors: np.ndarray) -> np.ndarray:
    return _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))


@dataclass
class Threshold:
    value: float
    method: str


def off_focus_threshold(scores: np.ndarray, min_separation: float = 2.0,
                        random_state: int = 0, max_groups: int = 4) -> Threshold:
    """Threshold below which ``scores`` form a separate, off-focus group, if they do.

    Gaussian mixtures of 1..``max_groups`` components are fitted and the one with the lowest
    BIC kept (coverage of one story is itself often several groups: news, analysis,
    quotes). The lowest group is off-focus only if it stands apart from the next one up
    (Ashman's D >= ``min_separation``); the threshold is where their posteriors cross.
    """
    from sklearn.mixture import GaussianMixture

    x = np.asarray(scores, dtype=float).reshape(-1, 1)
    if len(x) < 6 or np.ptp(x) < 1e-6:
        return Threshold(-np.inf, f"{len(x)} paragraphs: too few to find an off-focus group")
    fits = []
    for k in range(1, min(max_groups, len(x) // 3) + 1):
        gm = GaussianMixture(k, random_state=random_state, n_init=3).fit(x)
        fits.append((gm.bic(x), k, gm))
    _, k, gm = min(fits, key=lambda f: (f[0], f[1]))
    if k == 1:
        return Threshold(-np.inf, "no off-focus group: the scores form a single group (BIC)")
    order = np.argsort(gm.means_.ravel())
    lo, nxt = int(order[0]), int(order[1])
    means = gm.means_.ravel()
    sds = np.sqrt(gm.covariances_.ravel())
    separation = float(np.sqrt(2) * (means[nxt] - means[lo]) / np.sqrt(sds[lo] ** 2 + sds[nxt] ** 2))
    if separation < min_separation:
        return Threshold(-np.inf, (f"no off-focus group: the lowest of {k} score groups "
                                   f"(mean {means[lo]:.2f}) is not apart from the next "
                                   f"(mean {means[nxt]:.2f}; Ashman's D {separation:.2f} < {min_separation})"))
    grid = np.linspace(means[lo], means[nxt], 2001).reshape(-1, 1)
    post = gm.predict_proba(grid)
    crossing = float(grid[np.argmax(post[:, nxt] >= post[:, lo]), 0])
    share = float(gm.weights_[lo])
    return Threshold(crossing, (f"{k} score groups (BIC); the lowest (mean {means[lo]:.2f}, "
                                f"{share:.0%} of paragraphs) stands apart from the next "
                                f"(mean {means[nxt]:.2f}; Ashman's D {separation:.1f}); "
                                f"threshold {crossing:.3f} where their posteriors cross"))


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
    topic_weight : weight of the topic's mean score in a paragraph's score (0..1).
    min_separation : Ashman's D required to accept an off-focus group.
    switch_penalty : Viterbi cost of a core/insert change inside a document.
    full_weight_words : paragraphs this long or longer count fully in the emission cost.
    headline_words : a line this short (without a sentence end) can be a run's headline.
    continuation_margin : slack for "continues the article" after a related block.
    random_state : seed of the Gaussian mixture.

    Attributes (after ``fit``)
    --------------------------
    focus_centroid_ : unit vector of the focus.
    threshold_ : the Threshold used.
    result_ : ``schema.SEPARATION`` table.
    pieces_ : list of dicts describing parts found after related-articles blocks.
    """

    def __init__(self, seed_share=0.3, topic_weight=0.5, min_separation=2.0, switch_penalty=0.3,
                 full_weight_words=15, headline_words=12, continuation_margin=0.05,
                 random_state=0):
        self.seed_share = seed_share
        self.topic_weight = topic_weight
        self.min_separation = min_separation
        self.switch_penalty = switch_penalty
        self.full_weight_words = full_weight_words
        self.headline_words = headline_words
        self.continuation_margin = continuation_margin
        self.random_state = random_state

    # ------------------------------------------------------------------ scores
    def focus_scores(self, embeddings: np.ndarray, focus_vector: np.ndarray,
                     topics: np.ndarray) -> np.ndarray:
        query = np.asarray(focus_vector, dtype=np.float64)
        E = np.asarray(embeddings, dtype=np.float64)
        first = E @ _unit(query)
        k = max(1, int(round(self.seed_share * len(E))))
        seeds = np.argsort(-first, kind="stable")[:k]
        self.focus_centroid_ = centroid(E[seeds])
        direct = E @ self.focus_centroid_
        topic_mean = pd.Series(direct).groupby(topics).transform("mean").to_numpy()
        smoothed = np.where(topics >= 0, topic_mean, direct)
        return (1 - self.topic_weight) * direct + self.topic_weight * smoothed

    # --------------------------------------------------------------------- fit
    def fit(self, segments: pd.DataFrame, embeddings: np.ndarray, topics: pd.DataFrame,
            lines: pd.DataFrame, focus_vector: np.ndarray) -> "FocusSeparator":
        segments = SEGMENTS.check(segments, "separate.fit segments")
        topics = TOPIC_ASSIGNMENTS.check(topics, "separate.fit topics")
        lines = LINES.check(lines, "separate.fit lines")
        if len(segments) != len(embeddings) or len(segments) != len(topics):
            raise ValueError("separate.fit: segments, embeddings and topics differ in length")
        topic_ids = topics["topic"].to_numpy()
        scores = self.focus_scores(embeddings, focus_vector, topic_ids)
        words = segments["text"].str.split().str.len().to_numpy()
        weight = np.minimum(1.0, words / self.full_weight_words)
        # Short lines (headlines, captions) embed noisily: the score groups are learnt from
        # full-length paragraphs when there are enough of them.
        reliable = scores[weight >= 1.0] if (weight >= 1.0).sum() >= 20 else scores
        self.threshold_ = off_focus_threshold(reliable, self.min_separation, self.random_state)
        theta = self.threshold_.value
        labels = np.array(["core"] * len(segments), dtype=object)
        reasons = np.array([""] * len(segments), dtype=object)
        self.pieces_ = []

        related_after = self._related_block_ends(lines)
        E = np.asarray(embeddings, dtype=np.float64)
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            idx = np.sort(idx)
            s = scores[idx]
            if np.isfinite(theta):
                cost_core = weight[idx] * np.maximum(0.0, theta - s)
                cost_insert = weight[idx] * np.maximum(0.0, s - theta)
                states = viterbi_runs(cost_core, cost_insert, self.switch_penalty)
            else:
                states = np.zeros(len(idx), dtype=int)
            for j, i in enumerate(idx):
                if states[j] == 1:
                    labels[i] = "insert"
                    reasons[i] = f"in an off-focus run (score {s[j]:.2f} vs threshold {theta:.2f})"
                else:
                    reasons[i] = (f"focus score {s[j]:.2f} at or above threshold {theta:.2f}"
                                  if np.isfinite(theta) else f"focus score {s[j]:.2f}; corpus has no off-focus group")
            self._attach_headlines(idx, states, segments, labels, reasons)
            self._glued_articles(doc, idx, segments, E, related_after.get(doc, []), labels, reasons)

        self.result_ = SEPARATION.check(pd.DataFrame({
            "doc": segments["doc"].values, "segment": segments["segment"].values,
            "label": labels.astype(str), "score": np.round(scores, 4), "reason": reasons.astype(str),
        }), "separate.fit")
        return self

    # --------------------------------------------------------------- helpers
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
        rel = lines[lines["label"] == "related"].sort_values(["doc", "line"])
        ends: dict[str, list[int]] = {}
        for doc, group in rel.groupby("doc", sort=False):
            doc_lines = lines[lines["doc"] == doc].sort_values("line")["line"].tolist()
            related = set(group["line"])
            for k, ln in enumerate(doc_lines):
                nxt = doc_lines[k + 1] if k + 1 < len(doc_lines) else None
                if ln in related and nxt is not None and nxt not in related:
                    ends.setdefault(doc, []).append(int(ln))
        return ends

    def _glued_articles(self, doc, idx, segments, E, block_ends, labels, reasons) -> None:
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
        self.pieces_.append({"doc": doc, "after_line": cut, "paragraphs": int(len(after)),
                             "similarity_to_article": round(similarity, 3),
                             "needed": round(needed, 3), "continues": bool(continues)})
        if continues:
            return
        for i in after:
            labels[i] = "insert"
            reasons[i] = (f"separate article after the related-articles block ending at line {cut} "
                          f"(similarity to the article {similarity:.2f} < {needed:.2f})")
