"""Shared passages: near-duplicate sentences across outlets, none invented."""

from __future__ import annotations

import pandas as pd

from toolkit.corpus.normalize import match_key
from toolkit.findings import passages
from toolkit.findings.passages import SharedPassageFinder, lsh_recall, shingles, split_sentences

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


def test_banding_finds_pairs_at_jaccard_half_with_high_probability():
    """Recall of LSH at Jaccard 0.5 from the module's own constants: 1 - (1 - 0.5^r)^b."""
    rows = passages.N_PERMUTATIONS // passages.BANDS
    recall = 1 - (1 - 0.5 ** rows) ** passages.BANDS
    assert recall >= 0.999
    assert lsh_recall(0.5) == recall
    finder = SharedPassageFinder()
    assert (finder.n_permutations, finder.bands) == (passages.N_PERMUTATIONS, passages.BANDS)
    assert lsh_recall(0.5, 64, 16) < 0.65  # the old 16 bands of 4 rows: the docstring's ">0.99" was wrong


def _jaccard(a: str, b: str) -> float:
    x, y = shingles(match_key(a)), shingles(match_key(b))
    return len(x & y) / len(x | y)


def _edited(sentence: str) -> str | None:
    """A copy of a real sentence with words replaced until its 3-gram Jaccard is in [0.5, 0.6]."""
    substitutes = ["كذلك", "بدوره", "رسميا", "مجددا", "تقريبا", "حاليا"]
    words = sentence.split()
    for k, i in enumerate(range(1, len(words), 3)):
        words[i] = substitutes[k % len(substitutes)]
        edited = " ".join(words)
        sim = _jaccard(sentence, edited)
        if sim <= 0.6:
            return edited if sim >= 0.5 else None
    return None


def test_real_sentence_pairs_at_jaccard_half_to_six_tenths_are_all_found(seed_lines):
    """Sentences of the seed articles, each reprinted by a second outlet with words changed so
    that the pair sits at Jaccard 0.5-0.6: every planted pair is found, at its exact Jaccard."""
    kept = seed_lines[seed_lines["label"] == ""]
    originals = []
    for text in kept["text"]:
        for s, e in split_sentences(text):
            sentence = text[s:e].strip()
            if len(match_key(sentence).split()) >= 14 and sentence not in originals:
                originals.append(sentence)
    planted = [(o, e) for o in originals if (e := _edited(o)) is not None]
    assert len(planted) >= 40
    assert all(0.5 <= _jaccard(o, e) <= 0.6 for o, e in planted)
    rows = [(f"a{i}", 1, o) for i, (o, _) in enumerate(planted)]
    rows += [(f"b{i}", 1, e) for i, (_, e) in enumerate(planted)]
    outlet = pd.Series({d: d[0] for d, _, _ in rows})
    finder = SharedPassageFinder().fit(lines(rows), outlet)
    found = {(a, b) for a, b in zip(finder.pairs_["doc_a"], finder.pairs_["doc_b"])}
    missed = [i for i in range(len(planted)) if (f"a{i}", f"b{i}") not in found]
    assert not missed, f"{len(missed)} of {len(planted)} planted pairs missed"
    # Candidates are verified: every row's similarity is the exact 3-gram Jaccard, >= threshold.
    for row in finder.pairs_.itertuples():
        assert row.similarity == round(_jaccard(row.text_a, row.text_b), 4) >= 0.5
    # The old banding (16 bands of 4 rows) misses some of the same pairs.
    old = SharedPassageFinder(bands=16).fit(lines(rows), outlet).pairs_
    assert len(old) < len(finder.pairs_)
