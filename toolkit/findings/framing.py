"""Framing: which topics each outlet's coverage falls into, and the lines typical of each topic.

Contract in: ``lines.csv`` (``schema.LINE_LABELS``: the topic of each line's paragraph) and each
document's outlet; for typical lines the paragraphs (``schema.SEGMENTS``), their topics and
separation labels and their embeddings. Out: ``topic_shares`` (one row per outlet and topic:
lines and share of the outlet's coverage lines) and ``typical_lines`` (``schema.TYPICAL_LINES``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import TYPICAL_LINES


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


def unit_rows(embeddings: np.ndarray) -> np.ndarray:
    embeddings = np.asarray(embeddings, dtype=np.float64)
    return embeddings / np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)


def topic_sums(embeddings: np.ndarray, topic_ids: np.ndarray) -> dict[int, np.ndarray]:
    """Per topic, the sum of its paragraphs' unit embeddings (adds up over partitions)."""
    unit = unit_rows(embeddings)
    topic_ids = np.asarray(topic_ids)
    return {int(t): unit[topic_ids == t].sum(axis=0) for t in np.unique(topic_ids)}


def add_sums(parts: list[dict[int, np.ndarray]]) -> dict[int, np.ndarray]:
    total: dict[int, np.ndarray] = {}
    for part in parts:
        for topic, vector in part.items():
            total[topic] = total[topic] + vector if topic in total else vector.copy()
    return dict(sorted(total.items()))


def typical_candidates(table: pd.DataFrame, embeddings: np.ndarray, centroids: dict[int, np.ndarray],
                       offset: int = 0, per_topic: int = 3) -> pd.DataFrame:
    """The ``per_topic`` core paragraphs of ``table`` closest to each topic centroid.

    ``table``: doc, line, text, topic, label per paragraph; ``offset``: the corpus position
    of its first row (ties go to the earlier paragraph of the corpus).
    """
    unit = unit_rows(embeddings)
    topic_ids = table["topic"].to_numpy()
    is_core = (table["label"] == "core").to_numpy()
    rows = []
    for topic, centroid in centroids.items():
        if topic == -1:
            continue
        idx = np.flatnonzero((topic_ids == topic) & is_core)
        if not len(idx):
            continue
        direction = centroid / max(np.linalg.norm(centroid), 1e-12)
        similarity = unit[idx] @ direction
        seen = set()
        for j in np.lexsort((idx, -similarity)):
            i = idx[j]
            # A long line cut into paragraphs can repeat one (a line of one word repeated): show it once.
            key = (table["doc"].iat[i], int(table["line"].iat[i]), table["text"].iat[i])
            if key in seen:
                continue
            seen.add(key)
            rows.append({"topic": int(topic), "doc": key[0], "line": key[1],
                         "similarity": float(similarity[j]), "text": key[2], "position": offset + int(i)})
            if len(seen) == per_topic:
                break
    return pd.DataFrame(rows, columns=["topic", "doc", "line", "similarity", "text", "position"])


def select_typical(candidates: list[pd.DataFrame], per_topic: int = 3) -> pd.DataFrame:
    """``schema.TYPICAL_LINES`` from the candidates of every partition."""
    frames = [c for c in candidates if len(c)]
    if frames:
        table = pd.concat(frames, ignore_index=True)
        table = table.sort_values(["topic", "similarity", "position"], ascending=[True, False, True], kind="stable")
        table = table.drop_duplicates(list(TYPICAL_LINES.key)).groupby("topic", sort=True).head(per_topic)
        table["similarity"] = table["similarity"].round(4)
    else:
        table = pd.DataFrame(columns=list(TYPICAL_LINES.columns))
    out = table[list(TYPICAL_LINES.columns)].reset_index(drop=True)
    return TYPICAL_LINES.check(out.astype({"topic": "int64", "line": "int64", "similarity": "float64"}),
                               "framing.typical_lines")


def typical_lines(segments: pd.DataFrame, assignments: pd.DataFrame, separation: pd.DataFrame,
                  embeddings: np.ndarray, per_topic: int = 3) -> pd.DataFrame:
    """The coverage paragraphs closest to their topic's centroid (cosine), ``per_topic`` each."""
    table = segments[["doc", "segment", "line", "text"]].copy()
    table["topic"] = assignments["topic"].to_numpy()
    table["label"] = separation["label"].to_numpy()
    centroids = topic_sums(embeddings, table["topic"].to_numpy())
    return select_typical([typical_candidates(table, embeddings, centroids, 0, per_topic)], per_topic)
