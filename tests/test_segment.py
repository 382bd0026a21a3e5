import pandas as pd

from toolkit.corpus.segment import make_segments, split_lines, split_long


def _docs(text):
    return pd.DataFrame([{"doc": "d.txt", "path": "/d.txt", "text": text, "sha256": "", "encoding": "utf-8",
                          "n_chars": len(text), "title": "", "source": "", "date": "", "url": ""}])


def test_lines_keep_numbers_and_offsets():
    text = "عنوان الخبر\r\n\r\n  \nالفقرة الأولى من الخبر.\nالفقرة الثانية"
    lines = split_lines(_docs(text))
    assert list(lines["line"]) == [1, 4, 5]  # blank and whitespace-only lines are not rows
    for row in lines.itertuples():
        assert text[row.start:row.end] == row.text
    assert lines["text"].iloc[0] == "عنوان الخبر"  # the \r stays in the raw text only


def test_every_seed_line_is_traceable(seed_documents):
    lines = split_lines(seed_documents)
    texts = dict(zip(seed_documents["doc"], seed_documents["text"]))
    assert len(lines) == 188  # every non-blank line of the five files
    assert all(texts[r.doc][r.start:r.end] == r.text for r in lines.itertuples())


def test_long_line_is_cut_at_sentence_ends():
    sentence = "قال المتحدث إن القوات وصلت إلى المنطقة الحدودية. "
    text = sentence * 40
    spans = split_long(text, max_words=50)
    assert len(spans) > 1
    assert all(len(text[s:e].split()) <= 50 for s, e in spans)
    assert all(text[s:e].rstrip().endswith(".") for s, e in spans)


def test_segments_come_from_kept_lines_only(seed_lines):
    segments = make_segments(seed_lines)
    kept = seed_lines[seed_lines["label"] == ""]
    assert set(zip(segments["doc"], segments["line"])) == set(zip(kept["doc"], kept["line"]))
    assert segments.groupby("doc")["segment"].apply(lambda s: list(s) == list(range(1, len(s) + 1))).all()
