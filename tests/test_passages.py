"""Shared passages: near-duplicate sentences across outlets, none invented."""

from __future__ import annotations

import pandas as pd

from toolkit.passages import SharedPassageFinder, split_sentences

WIRE = ("وقال وزير الخارجية الروسي سيرغي لافروف إن العلاقات بين موسكو وبيونغ يانغ "
        "وصلت إلى مستوى غير مسبوق خلال السنوات الأخيرة.")
WIRE_EDITED = ("وقال وزير الخارجية الروسي سيرجي لافروف إنّ العلاقات بين موسكو وبيونغ يانغ "
               "وصلت إلى مستوى غير مسبوق خلال السنوات الأخيرة")
OTHER = "وتواصل القوات الأوكرانية استهداف المقاطعات الروسية الحدودية بالطائرات المسيرة منذ أسابيع عدة."
PARAPHRASE = "أكد لافروف أن علاقات روسيا وكوريا الشمالية بلغت أعلى مستوياتها في السنوات القليلة الماضية."


def lines(rows):
    return pd.DataFrame(rows, columns=["doc", "line", "text"])


def test_wire_copy_in_two_outlets_is_found_with_both_locations():
    table = lines([("a", 3, "مقدمة قصيرة. " + WIRE), ("b", 7, WIRE_EDITED), ("c", 1, OTHER)])
    outlet = pd.Series({"a": "okaz", "b": "aawsat", "c": "sabq"})
    pairs = SharedPassageFinder().fit(table, outlet).pairs_
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert (row["doc_a"], row["line_a"], row["doc_b"], row["line_b"]) == ("a", 3, "b", 7)
    assert row["similarity"] >= 0.5 and row["text_a"] == WIRE


def test_nothing_is_invented_for_a_paraphrase_or_an_unrelated_sentence():
    table = lines([("a", 1, WIRE), ("b", 1, PARAPHRASE), ("c", 1, OTHER)])
    finder = SharedPassageFinder().fit(table, pd.Series({"a": "x", "b": "y", "c": "z"}))
    assert finder.pairs_.empty
    assert finder.closest_ is not None and finder.closest_["similarity"] < 0.5


def test_the_same_outlet_does_not_count():
    table = lines([("a", 1, WIRE), ("b", 1, WIRE)])
    assert SharedPassageFinder().fit(table, pd.Series({"a": "okaz", "b": "okaz"})).pairs_.empty


def test_a_sentence_repeated_everywhere_gives_one_row_per_outlet_pair_at_most():
    docs = [(f"d{i}", 1, WIRE) for i in range(120)]
    outlet = pd.Series({f"d{i}": f"outlet{i % 3}" for i in range(120)})
    pairs = SharedPassageFinder().fit(lines(docs), outlet).pairs_
    assert 1 <= len(pairs) <= 120 * 2
    assert (pairs["outlet_a"] != pairs["outlet_b"]).all()


def test_sentences_are_cut_at_sentence_ends_not_at_ellipses():
    text = "أرسلت كوريا.. آلاف الجنود. ثم وصلوا؟ نعم"
    assert [text[s:e].strip() for s, e in split_sentences(text)] == ["أرسلت كوريا.. آلاف الجنود.", "ثم وصلوا؟", "نعم"]


def test_seed_corpus_has_no_shared_passage(seed_lines):
    """The five seed articles share topics and quotations but no wording: no pair is reported."""
    kept = seed_lines[seed_lines["label"] == ""]
    outlet = pd.Series({d: d for d in kept["doc"].unique()})
    finder = SharedPassageFinder().fit(kept, outlet)
    assert finder.pairs_.empty
    assert finder.closest_["similarity"] < 0.3
