"""Separate the coverage under study (``core``) from text that does not belong (``insert``).

Contract in: ``schema.SEGMENTS``, their embeddings, ``schema.TOPIC_ASSIGNMENTS``, the cleaned
``schema.LINES`` (for where related-articles blocks sit) and the focus vector. Out:
``schema.SEPARATION``, one row per segment with ``label``, ``score`` and ``reason``.

How a paragraph is judged, in four steps (each recorded in ``reason``):

1. **Focus score.** The focus description is embedded like the paragraphs; the paragraphs
   closest to it (top ``seed_share``) seed a focus centroid (pseudo-relevance feedback: a
   one-sentence description is a noisy query, the corpus's own closest paragraphs are not).
   A paragraph's similarity to that centroid is smoothed twice: over its ``neighbors``
   nearest paragraphs in embedding space and over its BERTopic topic (``topic_weight``), so
   a short or quote-heavy paragraph is judged with the material it belongs to.
2. **Off-focus threshold.** ``off_focus_ratio`` times the focus coherence (the median
   similarity of the seed paragraphs to their centroid). Being relative, it follows the
   similarity scale of the embedder and how tight the coverage is; unrelated text sits far
   below it, other facets of the same story above it.
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


def _neighbour_mean(E: np.ndarray, values: np.ndarray, k: int, block: int = 512) -> np.ndarray:
    """Mean of ``values`` over each row's ``k`` most similar rows (itself included).

    Exact, in blocks of rows so that memory stays at ``block x n`` float32 similarities.
    """
    import torch

    from .encoder import bf16_matmul_is_fast

    E = torch.from_numpy(np.ascontiguousarray(E, dtype=np.float32))
    if len(E) > 20000 and bf16_matmul_is_fast():
        # On large corpora the n x n similarities dominate; bf16 matrix units make them ~8x
        # cheaper, and nearest neighbours do not need more than bf16's three digits.
        E = E.to(torch.bfloat16)
    n = len(E)
    k = max(1, min(k, n))
    out = np.empty(n)
    for start in range(0, n, block):
        sims = E[start:start + block] @ E.T
        nearest = torch.topk(sims, k, dim=1, sorted=True).indices.numpy()
        out[start:start + block] = values[nearest].mean(axis=1)
    return out


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
    random_state : kept for the estimator interface; the separation itself is deterministic.

    Attributes (after ``fit``)
    --------------------------
    focus_centroid_ : unit vector of the focus.
    coherence_ : median similarity of the seed paragraphs to the focus centroid.
    threshold_ : the Threshold used.
    result_ : ``schema.SEPARATION`` table.
    pieces_ : list of dicts describing parts found after related-articles blocks.
    """

    def __init__(self, seed_share=0.3, neighbors=5, topic_weight=0.5, off_focus_ratio=0.4, switch_penalty=0.25,
                 full_weight_words=15, headline_words=12, continuation_margin=0.05,
                 random_state=0):
        self.seed_share = seed_share
        self.neighbors = neighbors
        self.topic_weight = topic_weight
        self.off_focus_ratio = off_focus_ratio
        self.switch_penalty = switch_penalty
        self.full_weight_words = full_weight_words
        self.headline_words = headline_words
        self.continuation_margin = continuation_margin
        self.random_state = random_state

    # ------------------------------------------------------------------ scores
    def focus_scores(self, embeddings: np.ndarray, focus_vector: np.ndarray,
                     topics: np.ndarray) -> np.ndarray:
        """Score every paragraph against the focus (see step 1 of the module docstring)."""
        query = np.asarray(focus_vector, dtype=np.float64)
        E = np.asarray(embeddings, dtype=np.float64)
        first = E @ _unit(query)
        k = max(1, int(round(self.seed_share * len(E))))
        seeds = np.argsort(-first, kind="stable")[:k]
        self.focus_centroid_ = centroid(E[seeds])
        direct = E @ self.focus_centroid_
        # How tightly the focus coverage clusters: the threshold is a share of it, so it
        # follows the similarity scale of the embedder and the corpus.
        self.coherence_ = float(np.median(direct[seeds]))
        neighbourhood = _neighbour_mean(E, direct, self.neighbors)
        topic_mean = pd.Series(direct).groupby(topics).transform("mean").to_numpy()
        by_topic = np.where(topics >= 0, topic_mean, neighbourhood)
        return (1 - self.topic_weight) * neighbourhood + self.topic_weight * by_topic

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
        theta = self.off_focus_ratio * self.coherence_
        self.threshold_ = Threshold(theta, (
            f"off-focus below {theta:.3f} = {self.off_focus_ratio} x the focus coherence "
            f"{self.coherence_:.3f} (median similarity of the {self.seed_share:.0%} of paragraphs "
            f"closest to the focus to their centroid)"))
        labels = np.array(["core"] * len(segments), dtype=object)
        reasons = np.array([""] * len(segments), dtype=object)
        self.pieces_ = []

        related_after = self._related_block_ends(lines)
        E = np.asarray(embeddings, dtype=np.float64)
        for doc, idx in segments.groupby("doc", sort=False).indices.items():
            idx = np.sort(idx)
            s = scores[idx]
            # Costs in units of the threshold, so that switch_penalty means the same for any
            # embedder's similarity scale.
            cost_core = weight[idx] * np.maximum(0.0, theta - s) / theta
            cost_insert = weight[idx] * np.maximum(0.0, s - theta) / theta
            states = viterbi_runs(cost_core, cost_insert, self.switch_penalty)
            for j, i in enumerate(idx):
                if states[j] == 1:
                    labels[i] = "insert"
                    reasons[i] = f"in an off-focus run (score {s[j]:.2f} vs threshold {theta:.2f})"
                else:
                    reasons[i] = (f"focus score {s[j]:.2f} at or above threshold {theta:.2f}"
                                  if s[j] >= theta else
                                  f"focus score {s[j]:.2f} below {theta:.2f} but inside an on-focus run")
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


def dominant_focus(embeddings: np.ndarray, topics: pd.DataFrame, topic_model) -> tuple[np.ndarray, str]:
    """Focus vector when none is given: the centroid of the largest topic (outliers aside).

    Returns the vector and a sentence for the report saying what was picked and why.
    """
    ids = topics["topic"].to_numpy()
    sizes = pd.Series(ids[ids >= 0]).value_counts()
    if sizes.empty:
        return centroid(embeddings), "no focus given and no topic found: the centroid of all paragraphs"
    top = int(sizes.sort_index().idxmax())
    words = " ".join(topic_model.topic_words_.get(top, [])[:6])
    share = sizes[top] / len(ids)
    return centroid(np.asarray(embeddings)[ids == top]), (
        f"no focus given: picked the largest topic, {top} ({words}), "
        f"{sizes[top]} of {len(ids)} paragraphs ({share:.0%}), as the dominant coverage")


# ---------------------------------------------------------------------------- result tables
def line_table(lines: pd.DataFrame, segments: pd.DataFrame, separation: pd.DataFrame,
               topics: pd.DataFrame) -> pd.DataFrame:
    """``lines.csv``: every non-blank input line once, with its final label.

    Lines set aside by cleaning keep their cleaning label (topic -1, no score). A kept line
    takes the label covering most of its characters among its paragraphs (a line cut into
    several paragraphs can straddle a boundary), the topic of its longest paragraph and the
    character-weighted mean score.
    """
    from .schema import LINE_LABELS

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
    from .schema import LABELS

    counts = pd.crosstab(line_labels["doc"], line_labels["label"]).reindex(columns=list(LABELS), fill_value=0)
    counts = counts.reindex(documents["doc"], fill_value=0)
    table = documents[["doc", "title", "source", "date"]].set_index("doc").join(counts)
    table["lines"] = counts.sum(axis=1)
    table["core_share"] = (counts["core"] / table["lines"].where(table["lines"] > 0)).round(4)
    table = table.reset_index()
    return table[["doc", "title", "source", "date", "lines", *LABELS, "core_share"]]


def topic_table(topic_model, separation: pd.DataFrame, topics: pd.DataFrame,
                embeddings: np.ndarray, focus_centroid: np.ndarray) -> pd.DataFrame:
    """``topics.csv``: size, readable top words, share of core paragraphs, focus similarity."""
    from .schema import TOPICS

    merged = topics.merge(separation[["doc", "segment", "label"]], on=["doc", "segment"])
    rows = []
    topic_ids = topics["topic"].to_numpy()
    for topic, g in merged.groupby("topic", sort=True):
        members = np.asarray(embeddings)[topic_ids == topic]
        rows.append({
            "topic": int(topic), "size": int(len(g)),
            "top_words": " ".join(topic_model.topic_words_.get(int(topic), [])),
            "focus_share": round(float((g["label"] == "core").mean()), 4),
            "focus_similarity": round(float(centroid(members) @ focus_centroid), 4),
        })
    return TOPICS.check(pd.DataFrame(rows), "separate.topic_table")
