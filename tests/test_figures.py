"""Arabic in figures: joined letter forms and right-to-left order, drawn by matplotlib itself."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from toolkit import figures  # noqa: E402


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
