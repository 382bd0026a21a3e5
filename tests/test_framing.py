"""Framing: topic shares per outlet and the typical lines of each topic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.findings.framing import share_matrix, topic_shares, typical_lines


def test_topic_shares_sum_to_one_per_outlet_and_ignore_lines_set_aside():
    labels = pd.DataFrame({
        "doc": ["a", "a", "a", "b", "b", "b"],
        "line": [1, 2, 3, 1, 2, 3],
        "label": ["core", "core", "insert", "core", "boilerplate", "core"],
        "topic": [0, 1, 1, 1, -1, 1],
    })
    shares = topic_shares(labels, pd.Series({"a": "okaz", "b": "sabq"}))
    assert shares.groupby("outlet")["share"].sum().round(6).tolist() == [1.0, 1.0]
    assert shares.set_index(["outlet", "topic"])["lines"].to_dict() == {("okaz", 0): 1, ("okaz", 1): 1, ("sabq", 1): 2}
    matrix = share_matrix(shares, {0: "الحرب (0)", 1: "المعاهدة (1)"})
    assert matrix.loc["sabq", "المعاهدة (1)"] == 1.0 and matrix.loc["sabq", "الحرب (0)"] == 0.0


def test_typical_lines_are_core_paragraphs_nearest_their_topic_centre():
    segments = pd.DataFrame({"doc": ["a"] * 4, "segment": [1, 2, 3, 4], "line": [1, 3, 5, 7],
                             "text": ["قرب المركز", "بعيد قليلا", "ملصق", "خارج"]})
    assignments = pd.DataFrame({"topic": [0, 0, 0, -1]})
    separation = pd.DataFrame({"label": ["core", "core", "insert", "core"]})
    vectors = np.array([[1.0, 0.05], [0.8, 0.6], [1.0, 0.0], [0.0, 1.0]])
    typical = typical_lines(segments, assignments, separation, vectors, per_topic=2)
    assert typical["line"].tolist() == [1, 3]  # the insert paragraph is never typical; outliers skipped
    assert typical["similarity"].is_monotonic_decreasing
