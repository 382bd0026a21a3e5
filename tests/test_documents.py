import numpy as np
import pandas as pd
import pytest

from toolkit.model.documents import (DocumentView, leave_one_out_cohesion, lone_short_lines, related_block_ends,
                                     runs_of, viterbi_runs)


def test_viterbi_keeps_runs_and_absorbs_isolated_dips():
    theta = 0.3
    scores = np.array([0.5, 0.2, 0.5, 0.5, 0.1, 0.1, 0.1, 0.1])
    states = viterbi_runs(np.maximum(0, theta - scores), np.maximum(0, scores - theta), 0.3)
    assert states.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert viterbi_runs(np.zeros(0), np.zeros(0), 0.3).tolist() == []


def test_a_lone_short_line_off_the_focus_stays_with_its_article():
    # «بوتين وكيم جونغ أون في لقاء سابق (أرشيفية من رويترز)»: a 9-word caption above an article
    # (weight 9/15) is not set aside on its own; two short lines together, or a full paragraph, are.
    weight = np.array([0.6, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0])
    states = np.array([1, 0, 0, 1, 1, 0, 1])
    lone = lone_short_lines(states, weight)
    assert lone.tolist() == [True, False, False, False, False, False, False]
    assert lone_short_lines(np.array([1]), np.array([0.3])).tolist() == [False]


def test_cohesion_is_similarity_to_the_rest_of_the_document():
    E = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    cohesion = leave_one_out_cohesion(E)
    assert cohesion[2] == pytest.approx(0.0)  # orthogonal to the other two
    assert cohesion[0] == pytest.approx(1 / np.sqrt(2))
    assert leave_one_out_cohesion(E[:1]).tolist() == [1.0]


def test_runs_of_finds_every_maximal_run():
    assert runs_of(np.array([1, 1, 0, 1, 0, 0, 1], dtype=bool)) == [(0, 2), (3, 4), (6, 7)]
    assert runs_of(np.zeros(3, dtype=bool)) == []


def test_related_block_ends_where_the_body_resumes():
    lines = pd.DataFrame({"doc": ["a"] * 5 + ["b"] * 2, "line": [1, 2, 3, 4, 5, 1, 2],
                          "label": ["", "related", "related", "", "", "", ""]})
    assert related_block_ends(lines) == {"a": [3]}


def test_a_view_writes_its_document_s_paragraphs_in_the_partition():
    # Two documents in one partition; the view of the second addresses its paragraphs 0, 1.
    segments = pd.DataFrame({"doc": ["a", "b", "a", "b"], "segment": [1, 1, 2, 2], "line": [1, 1, 3, 4],
                             "text": ["بيونغ يانغ ترسل جنودا إلى روسيا.", "الدوري السعودي للمحترفين",
                                      "وقال البنتاغون إن الجنود في كورسك.", "فاز الهلال على النصر في الرياض"]})
    labels = np.array(["core"] * 4, dtype=object)
    reasons = np.array([""] * 4, dtype=object)
    pieces = []
    view = DocumentView("b", np.array([1, 3]), segments, np.eye(4), labels, reasons, pieces)
    view.mark(1, "glued in", "insert")
    view.record("glued-in run", 1, 1, "insert: foreign", splice_probability=0.9)
    assert labels.tolist() == ["core", "core", "core", "insert"] and reasons[3] == "glued in"
    assert pieces == [{"doc": "b", "kind": "glued-in run", "first_line": 4, "paragraphs": 1,
                       "splice_probability": 0.9, "decision": "insert: foreign",
                       "text": "فاز الهلال على النصر في الرياض"}]
    assert view.splice_document() is view.splice_document() and len(view.splice_document()) == 2
