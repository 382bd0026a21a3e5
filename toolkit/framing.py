"""Framing: which topics each outlet's coverage falls into, and the lines typical of each topic.

Contract in: ``lines.csv`` (``schema.LINE_LABELS``: the topic of each line's paragraph) and each
document's outlet; for typical lines the paragraphs (``schema.SEGMENTS``), their topics and
separation labels and their embeddings. Out: ``topic_shares`` (one row per outlet and topic:
lines and share of the outlet's coverage lines) and ``typical_lines`` (``schema.TYPICAL_LINES``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .schema import TYPICAL_LINES


def topic_shares(line_labels: pd.DataFrame, outlet: pd.Series) -> pd.DataFrame:
    """Coverage lines per outlet and topic, with the share of the outlet's coverage lines."""
    core = line_labels[line_labels["label"] == "core"].copy()
    core["outlet"] = core["doc"].map(outlet).fillna(core["doc"]).astype(str)
    table = core.groupby(["outlet", "topic"], sort=True).size().rename("lines").reset_index()
    table["share"] = (table["lines"] / table.groupby("outlet")["lines"].transform("sum")).round(4)
    return table


def share_matrix(shares: pd.DataFrame, topic_labels: dict[int, str], top_topics: int = 15,
                 top_outlets: int = 25) -> pd.DataFrame:
    """Outlets (rows) by topics (columns, the largest ``top_topics``), values the shares."""
    size = shares.groupby("topic")["lines"].sum().sort_values(ascending=False, kind="stable")
    topics = [t for t in size.index if t != -1][:top_topics] + ([-1] if -1 in size.index else [])
    outlets = shares.groupby("outlet")["lines"].sum().sort_values(ascending=False, kind="stable").index[:top_outlets]
    matrix = shares.pivot_table(index="outlet", columns="topic", values="share", fill_value=0.0)
    matrix = matrix.reindex(index=outlets, columns=topics, fill_value=0.0)
    matrix.columns = [topic_labels.get(int(t), str(t)) for t in matrix.columns]
    return matrix


def typical_lines(segments: pd.DataFrame, assignments: pd.DataFrame, separation: pd.DataFrame,
                  embeddings: np.ndarray, per_topic: int = 3) -> pd.DataFrame:
    """The coverage paragraphs closest to their topic's centroid (cosine), ``per_topic`` each."""
    table = segments[["doc", "segment", "line", "text"]].copy()
    table["topic"] = assignments["topic"].to_numpy()
    table["label"] = separation["label"].to_numpy()
    unit = embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    rows = []
    for topic, idx in table.groupby("topic").indices.items():
        if topic == -1:
            continue
        centroid = unit[idx].mean(axis=0)
        centroid /= max(np.linalg.norm(centroid), 1e-12)
        similarity = unit[idx] @ centroid
        core = [(float(s), int(i)) for s, i in zip(similarity, idx) if table["label"].iat[i] == "core"]
        for s, i in sorted(core, key=lambda x: (-x[0], x[1]))[:per_topic]:
            r = table.iloc[i]
            rows.append({"topic": int(topic), "doc": r["doc"], "line": int(r["line"]),
                         "similarity": round(s, 4), "text": r["text"]})
    out = pd.DataFrame(rows, columns=list(TYPICAL_LINES.columns))
    return TYPICAL_LINES.check(out.astype({"topic": "int64", "line": "int64", "similarity": "float64"}),
                               "framing.typical_lines")
