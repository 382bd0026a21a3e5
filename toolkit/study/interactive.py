"""Interactive topic views: BERTopic's plotly figures, saved with the run and embedded offline.

``topic_views`` draws BERTopic's views of a fitted model (intertopic distance map, documents map,
hierarchy, term bars, topics over time, topics per outlet) with readable Arabic labels and hover
texts that say what a point is (document, line, label; a word and its score); ``save_views``/``load_views`` keep them as
plotly JSON in the run folder (the model lives in notebook 2, the report in notebook 3); ``to_html``
gives the HTML a notebook output needs so that nbconvert keeps a working figure: plotly.js is
embedded in the first figure only (``include_plotlyjs=True``), so the report works with the
network off and carries the library once.

A view the model cannot draw (too few topics for a distance map or a hierarchy) is left out with
the reason in ``skipped``; the static PNG figures of the report are the print versions.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np

VIEWS = ("topics", "documents", "hierarchy", "terms", "over_time", "per_outlet")
#: A heading per view, for the report (notebook 3).
TITLES = {"topics": "Intertopic distance map", "documents": "Paragraphs and topics",
          "hierarchy": "Topic hierarchy", "terms": "Top words per topic",
          "over_time": "Topics over time", "per_outlet": "Topics per outlet"}
HOVER_WIDTH = 60    # characters per hover line: a paragraph's hover stays inside the plot
HOVER_LIMIT = 300   # characters of a paragraph shown on hover (the rest is cut with "…")


def wrap_hover(text: str, width: int = HOVER_WIDTH, limit: int = HOVER_LIMIT) -> str:
    """``text`` for a plotly hover label: escaped, cut to ``limit`` characters at a word, and
    broken with ``<br>`` every ``width`` characters or so (plotly never wraps a hover itself)."""
    import html
    import textwrap

    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return "<br>".join(html.escape(line, quote=False)
                       for line in textwrap.wrap(text, width=width, break_long_words=True) or [""])


def paragraph_hover(text: str, doc: str, line, label: str = "") -> str:
    """Hover text of one paragraph on the documents map: where it is, its label, its words."""
    import html

    where = f"{html.escape(str(doc), quote=False)} · line {int(line)}"
    if label:
        where += f" · {html.escape(str(label), quote=False)}"
    return f"<b>{where}</b><br>{wrap_hover(text)}"


def topic_views(topic_model, texts: list[str], coords: np.ndarray, on_map: np.ndarray,
                random_state: int = 0, paragraphs=None, over_time=None, per_outlet=None) -> tuple[dict, dict]:
    """Plotly figures of a fitted ``topics.TopicModel``: (views by name, skipped name -> reason).

    ``texts`` are all paragraphs (as fitted); ``coords`` the 2-D map of the paragraphs ``on_map``.
    ``paragraphs``: a table aligned with ``texts`` with ``doc``, ``line`` and (optional) ``label``
    columns, shown on the documents map's hover. ``over_time``/``per_outlet``: the
    ``(frame, reason)`` pairs of ``topics.topics_over_time``/``topics.topics_per_outlet``; a
    reason (or no pair) skips that view.
    """
    views, skipped = {}, {}
    model = getattr(topic_model, "model_", None)
    if model is None:
        return views, {name: "no topic model (the corpus formed one topic)" for name in VIEWS}
    # Views show words as the corpus spells them (الشمالية, not the vectorizer's الشماليه) and
    # labels "words (id)", which read the same in either text direction. A copy keeps the
    # fitted model as it was.
    forms = getattr(topic_model, "surface_forms_", {})
    model = copy.copy(model)
    model.topic_representations_ = {t: [(forms.get(w, w), score) for w, score in words]
                                     for t, words in model.topic_representations_.items()}
    labels = {t: " · ".join(words[:3]) + (f" ({t})" if t != -1 else " (outliers)")
              for t, words in topic_model.topic_words_.items()}
    model.set_topic_labels(labels)
    topic_ids = [t for t in sorted(labels) if t != -1]

    def attempt(name, draw):
        try:
            views[name] = draw()
        except Exception as exc:  # BERTopic raises assorted errors for small models
            skipped[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"

    if len(topic_ids) >= 3:
        attempt("topics", lambda: fit_intertopic_layout(model.visualize_topics(custom_labels=True, height=650)))
    else:
        skipped["topics"] = f"{len(topic_ids)} topics: a distance map needs at least 3"

    def documents():
        # BERTopic reads each paragraph's topic from the model: give it the mapped sample's.
        sample_model = copy.copy(model)
        sample_model.topics_ = [int(t) for t in np.asarray(model.topics_)[on_map]]
        np.random.seed(random_state)  # BERTopic shuffles the points with the global generator
        # BERTopic shows the "documents" it is given as the hover text: give it the wrapped text
        # with the paragraph's document, line and label.
        fig = sample_model.visualize_documents(_hover_texts(texts, on_map, paragraphs), reduced_embeddings=coords,
                                               custom_labels=True, hide_annotations=True,
                                               width=1000, height=700)
        # White behind dark text reads better than the point's colour; "auto" aligns Arabic right.
        fig.update_layout(hoverlabel=dict(bgcolor="white", font_color="black", align="auto", font_size=13))
        return fig

    attempt("documents", documents)
    if len(topic_ids) >= 2:
        def hierarchy():
            # With the merge tree given, each inner node has a hover label (its merged words).
            tree = model.hierarchical_topics(texts)
            tree["Parent_Name"] = tree["Parent_Name"].map(
                lambda n: "_".join(forms.get(w, w) for w in str(n).split("_")))
            return model.visualize_hierarchy(custom_labels=True, hierarchical_topics=tree, width=1000,
                                             height=max(400, 40 * len(topic_ids)))

        attempt("hierarchy", hierarchy)
    else:
        skipped["hierarchy"] = f"{len(topic_ids)} topic(s): a hierarchy needs at least 2"
    attempt("terms", lambda: label_term_hovers(model.visualize_barchart(
        top_n_topics=min(12, max(1, len(topic_ids))), n_words=6, custom_labels=True, width=300, height=280)))
    n_shown = min(10, max(1, len(topic_ids)))
    _frame_view(views, skipped, "over_time", over_time, lambda frame: _by_day(model.visualize_topics_over_time(
        frame, top_n_topics=n_shown, custom_labels=True, height=450), frame))
    _frame_view(views, skipped, "per_outlet", per_outlet, lambda frame: _to_container(model.visualize_topics_per_class(
        frame, top_n_topics=n_shown, custom_labels=True, title="<b>Topics per outlet</b>",
        height=max(400, 60 * frame["Class"].nunique() + 200))))
    for fig in views.values():
        fig.update_layout(font=dict(family="Noto Sans Arabic, Arial, sans-serif"))
    return views, skipped


def _hover_texts(texts: list[str], on_map: np.ndarray, paragraphs) -> list[str]:
    if paragraphs is None:
        return [wrap_hover(texts[i]) for i in on_map]
    rows = paragraphs.iloc[np.asarray(on_map)]
    labels = rows["label"] if "label" in rows else [""] * len(rows)
    return [paragraph_hover(texts[i], doc, line, label)
            for i, doc, line, label in zip(on_map, rows["doc"], rows["line"], labels)]


def _frame_view(views: dict, skipped: dict, name: str, pair, draw) -> None:
    """Draw view ``name`` from a ``(frame, reason)`` pair, or record why it is not drawn."""
    if pair is None:
        skipped[name] = "not computed"
        return
    frame, reason = pair
    if reason:
        skipped[name] = reason
        return
    try:
        # BERTopic adds a column to the frame it is given: give it a copy.
        views[name] = draw(frame.copy())
    except Exception as exc:  # as for the other views: a reason, not a failed notebook
        skipped[name] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"


def _to_container(fig):
    """A figure that takes the width of its output area instead of BERTopic's fixed pixels."""
    fig.update_layout(autosize=True, width=None)
    return fig


def _by_day(fig, frame):
    """Topics over time read by day: markers on each time step (a topic seen on one day is a
    point, not an invisible line) and day ticks, not BERTopic's 12:00 marks between them."""
    fig.update_traces(mode="lines+markers")
    stamps = frame["Timestamp"]
    if len(stamps) and (stamps.max() - stamps.min()).days <= 31:
        fig.update_xaxes(tickformat="%Y-%m-%d", dtick=86_400_000)
    else:
        fig.update_xaxes(tickformat="%Y-%m-%d")
    return _to_container(fig)


def fit_intertopic_layout(fig):
    """The intertopic distance map, sized to its container and with room for every bubble.

    BERTopic fixes the width (800 px, wider than a notebook's output area, so the right side is
    cut until the window is resized) and pads each axis by 15 % of its end values, not of its
    span: coordinates near 0 get no margin and their bubbles (up to 40 px) are cut at the edge.
    Here the figure follows its container, each axis is padded by a quarter of its span, and
    the cross lines and D1/D2 labels move to the new centre.
    """
    points = [t for t in fig.data if getattr(t, "x", None) is not None and len(t.x)]
    xs = np.concatenate([np.asarray(t.x, dtype=float) for t in points])
    ys = np.concatenate([np.asarray(t.y, dtype=float) for t in points])

    def padded(values):
        lo, hi = float(values.min()), float(values.max())
        pad = max(0.25 * (hi - lo), 0.5)
        return [lo - pad, hi + pad]

    x_range, y_range = padded(xs), padded(ys)
    x_mid, y_mid = sum(x_range) / 2, sum(y_range) / 2
    fig.update_layout(autosize=True, width=None, margin=dict(l=30, r=30, t=80, b=40))
    fig.update_xaxes(range=x_range)
    fig.update_yaxes(range=y_range)
    fig.layout.shapes = [dict(type="line", x0=x_mid, x1=x_mid, y0=y_range[0], y1=y_range[1],
                              line=dict(color="#CFD8DC", width=2)),
                         dict(type="line", x0=x_range[0], x1=x_range[1], y0=y_mid, y1=y_mid,
                              line=dict(color="#9E9E9E", width=2))]
    fig.layout.annotations = [dict(x=x_range[0], y=y_mid, text="D1", showarrow=False, yshift=10, xshift=10),
                              dict(x=x_mid, y=y_range[1], text="D2", showarrow=False, xshift=10, yshift=-10)]
    return fig


def label_term_hovers(fig):
    """Hover of the term bars as "word: score" with the topic, not plotly's ``trace 2 (0.04, word)``.

    BERTopic draws one bar trace per topic, in the order of the subplot titles (the topic labels),
    and pads each word with two spaces for the axis.
    """
    titles = [a.text for a in fig.layout.annotations]
    for trace, title in zip(fig.data, titles):
        trace.customdata = [str(w).strip() for w in trace.y]
        trace.hovertemplate = f"<b>%{{customdata}}</b>: %{{x:.4f}}<br>topic {title}<extra></extra>"
    fig.update_layout(hoverlabel=dict(font_size=14))
    return fig


def save_views(views: dict, skipped: dict, folder: str | Path) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, fig in views.items():
        (folder / f"{name}.json").write_text(fig.to_json(), "utf-8")
    (folder / "skipped.json").write_text(json.dumps(skipped, ensure_ascii=False, indent=1), "utf-8")


def load_views(folder: str | Path) -> tuple[dict, dict]:
    import plotly.io as pio

    folder = Path(folder)
    views = {name: pio.from_json((folder / f"{name}.json").read_text("utf-8"))
             for name in VIEWS if (folder / f"{name}.json").exists()}
    skipped_path = folder / "skipped.json"
    skipped = json.loads(skipped_path.read_text("utf-8")) if skipped_path.exists() else {}
    return views, skipped


class OfflineFigures:
    """HTML for plotly figures in notebook outputs: the library inlined once, then reused."""

    def __init__(self):
        self.library_included = False

    def to_html(self, fig, div_id: str) -> str:
        html = fig.to_html(full_html=False, include_plotlyjs=not self.library_included, div_id=div_id,
                           config={"displaylogo": False, "responsive": True})
        self.library_included = True
        return html
