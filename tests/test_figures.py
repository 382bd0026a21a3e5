"""Arabic in figures: joined letter forms and right-to-left order, drawn by matplotlib itself."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from toolkit.study import figures  # noqa: E402


def _render(text: str) -> np.ndarray:
    """Ink columns of ``text`` drawn alone: a 2-D boolean array (rows x columns)."""
    fig = plt.figure(figsize=(6, 1), dpi=100)
    fig.text(0.02, 0.3, text, fontsize=28)
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2) < 128
    plt.close(fig)
    return pixels


def _width(text: str) -> int:
    cols = np.where(_render(text).any(axis=0))[0]
    return int(cols[-1] - cols[0] + 1)


def test_font_covers_arabic():
    family = figures.setup_fonts()
    assert family == "Noto Sans Arabic"
    from matplotlib.font_manager import findfont, FontProperties
    assert "NotoSansArabic" in findfont(FontProperties(family=family), fallback_to_default=False)


def test_arabic_letters_are_joined():
    figures.setup_fonts()
    # Shaped, the medial forms of seen are narrower than three isolated letters side by side.
    joined = _width("سسس")
    isolated = _width("س س س") - 2 * (_width("س س") - 2 * _width("س"))  # remove the spaces
    assert joined < 0.9 * isolated


def _position(word: str, line: str) -> int:
    """Column where ``word`` (drawn alone) best matches inside ``line`` (drawn whole)."""
    whole, alone = _render(line), _render(word)
    rows = slice(None)
    w_cols = np.where(alone.any(axis=0))[0]
    template = alone[rows, w_cols[0]:w_cols[-1] + 1].astype(float)
    image = whole.astype(float)
    width = template.shape[1]
    scores = [(image[:, x:x + width] * template).sum() - 0.5 * np.abs(image[:, x:x + width] - template).sum()
              for x in range(0, image.shape[1] - width)]
    return int(np.argmax(scores))


def test_arabic_runs_right_to_left():
    figures.setup_fonts()
    # Latin control: the method finds the first word on the left.
    assert _position("North", "North Korea") < _position("Korea", "North Korea")
    # Arabic: the first word (logical order) is drawn on the right.
    assert _position("روسيا", "روسيا وكوريا") > _position("وكوريا", "روسيا وكوريا")


def test_figures_are_written(tmp_path):
    lines = pd.DataFrame({"doc": ["a", "a", "b"], "label": ["core", "insert", "duplicate"]})
    topics = pd.DataFrame({"topic": [-1, 0], "size": [2, 5], "top_words": ["روسيا كوريا", "إسرائيل ترامب"],
                           "focus_share": [0.5, 0.0], "focus_similarity": [0.8, 0.1]})
    assert figures.composition(lines, tmp_path / "c.png").stat().st_size > 1000
    assert figures.topic_sizes(topics, tmp_path / "t.png").stat().st_size > 1000
    coords = np.random.default_rng(0).normal(size=(3, 2))
    assert figures.paragraph_map(coords, pd.Series(["core", "insert", "core"]), tmp_path / "m.png").exists()


def test_every_figure_carries_an_alt_text(tmp_path):
    # The report uses the PNG's Description as the image's alt text (never nbconvert's
    # "No description has been provided"): it must say what the figure shows, with numbers.
    lines = pd.DataFrame({"doc": ["a", "a", "b"], "label": ["core", "insert", "duplicate"]})
    composition = figures.composition(lines, tmp_path / "c.png")
    assert "3" in figures.alt_text(composition) and "document" in figures.alt_text(composition)
    confusion = figures.confusion(pd.DataFrame([[5, 1], [0, 3]], index=["core", "insert"],
                                               columns=["core", "insert"]), tmp_path / "x.png")
    assert "9 hand-labelled lines" in figures.alt_text(confusion) and "8 on the diagonal" in figures.alt_text(confusion)
    assert figures.alt_text(tmp_path / "missing.png") == ""


def test_outliers_are_not_drawn_as_the_largest_topic(tmp_path):
    topics = pd.DataFrame({"topic": [-1, 0, 1], "size": [40, 5, 3], "top_words": ["روسيا كوريا", "إسرائيل ترامب", "كيم"],
                           "focus_share": [0.5, 0.0, 1.0], "focus_similarity": [0.8, 0.1, 0.9]})
    alt = figures.alt_text(figures.topic_sizes(topics, tmp_path / "t.png"))
    assert "each of 2 topics" in alt and "topic 0 5, topic 1 3" in alt  # -1 is not among the topics
    assert "Outliers (no topic), drawn apart: 40 paragraphs" in alt


def test_framing_columns_follow_topic_numbers_outliers_last():
    columns = ["1: روسيا", "0: كيم", "3: ترامب", "outliers: الحرب", "10: لافروف", "2: أوكرانيا"]
    assert figures.topic_column_order(columns) == ["0: كيم", "1: روسيا", "2: أوكرانيا", "3: ترامب", "10: لافروف",
                                                   "outliers: الحرب"]
    assert figures.topic_column_order([1, -1, 0]) == [0, 1, -1]


def test_actor_figure_says_how_many_it_shows(tmp_path):
    matrix = pd.DataFrame({"D1": [3, 2], "D2": [1, 0]}, index=["بوتين", "كيم جونغ أون"])
    alt = figures.alt_text(figures.actor_heatmap(matrix, tmp_path / "a.png", "document", total=50))
    assert "2 actors and places (rows, the most named of 50)" in alt


def _troop_claims() -> pd.DataFrame:
    rows = [("000", 4, 10000, np.nan, "about", "10 آلاف"), ("000", 6, 10000, np.nan, "more_than", "10 آلاف"),
            ("000", 24, 10000, 99999, "vague", "عشرات الآلاف"), ("001", 12, 10000, np.nan, "about", "10 آلاف"),
            ("001", 14, 10000, np.nan, "about", "10 آلاف"), ("003", 12, 10000, 12000, "range", "10,000 إلى 12,000")]
    claims = pd.DataFrame(rows, columns=["doc", "line", "value", "value_max", "qualifier", "number_text"])
    return claims.assign(quantity="troops")


def test_troop_claims_of_one_document_do_not_hide_each_other(tmp_path):
    claims = _troop_claims()
    outlet = pd.Series({"000": "D1 بوتين وكيم", "001": "D2 خبراء", "003": "D4 موسكو"})
    distinct = (claims.assign(outlet=claims["doc"].map(outlet))
                .groupby(["outlet", "value", "value_max", "qualifier"], dropna=False)
                .agg(n=("doc", "size"), words=("number_text", "first")).reset_index())
    bands = dict(figures._claim_bands(distinct, max_per_row=8))
    assert len(bands["D1 بوتين وكيم"]) == 3  # three claims of document 000, three lines
    assert bands["D2 خبراء"]["n"].tolist() == [2]  # the same claim twice: one line marked ×2
    path = figures.claims_by_outlet(claims, outlet, tmp_path / "claims.png", row_label="document")
    alt = figures.alt_text(path)
    assert "6 troops claims in 3 documents" in alt and "1 vague quantities drawn as dotted spans" in alt
    assert "to 12,000" in alt  # the vague span's 99,999 is not a claimed maximum
