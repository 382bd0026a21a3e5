"""The separation's result tables: ``separation`` per paragraph, and ``lines.csv``,
``documents.csv``, ``topics.csv`` as the study writes them.

Contract: each function takes documented ``toolkit.schema`` tables and returns one, checked
at the boundary; every non-blank input line appears in ``line_table`` once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import LINES, SEPARATION
from .documents import unit


def separation_table(segments: pd.DataFrame, labels, scores, reasons) -> pd.DataFrame:
    """``schema.SEPARATION`` from one partition's per-paragraph decisions."""
    return SEPARATION.check(pd.DataFrame({
        "doc": segments["doc"].values, "segment": segments["segment"].values,
        "label": np.asarray(labels).astype(str), "score": np.round(scores, 4),
        "reason": np.asarray(reasons).astype(str),
    }), "separate.label_partition")


def line_table(lines: pd.DataFrame, segments: pd.DataFrame, separation: pd.DataFrame,
               topics: pd.DataFrame) -> pd.DataFrame:
    """``lines.csv``: every non-blank input line once, with its final label.

    Lines set aside by cleaning keep their cleaning label (topic -1, no score). A kept line
    takes the label covering most of its characters among its paragraphs (a line cut into
    several paragraphs can straddle a boundary), the topic of its longest paragraph and the
    character-weighted mean score.
    """
    from ..schema import LINE_LABELS

    lines = LINES.check(lines, "separation_tables.line_table lines")
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
    return LINE_LABELS.check(out, "separation_tables.line_table")


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
            "focus_similarity": (round(float(unit(np.asarray(topic_vectors[int(topic)], dtype=np.float64))
                                             @ focus_centroid), 4) if focus_centroid is not None else np.nan),
        })
    return TOPICS.check(pd.DataFrame(rows), "separation_tables.topic_table")
