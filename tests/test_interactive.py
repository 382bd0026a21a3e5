"""Interactive views: BERTopic's plotly figures with Arabic labels, embedded offline once."""

from __future__ import annotations

import re

import numpy as np
import pytest

from toolkit.model import topics
from toolkit.study import interactive
from toolkit.study.report import self_contained

# The seed files carry no outlet or date: give the five articles some, so every view is drawn.
OUTLETS = {"000": "الجزيرة", "001": "سكاي نيوز عربية", "002": "الجزيرة", "003": "العربية", "004": "سكاي نيوز عربية"}
DATES = {"000": "2024-11-05", "001": "2024-11-06", "002": "2024-11-05", "003": "2024-11-07", "004": "2024-11-08"}


@pytest.fixture(scope="module")
def model(seed_segments, seed_embeddings, embedder):
    return topics.TopicModel(embedder, random_state=0).fit(seed_segments, seed_embeddings)


@pytest.fixture(scope="module")
def views(model, seed_segments, seed_embeddings):
    texts = seed_segments["text"].tolist()
    prefix = seed_segments["doc"].str[:3]
    on_map = topics.map_sample(len(seed_embeddings))
    coords = topics.map_2d(seed_embeddings, random_state=0)
    paragraphs = seed_segments[["doc", "line"]].assign(label=np.where(prefix == "000", "insert", "core"))
    return interactive.topic_views(model, texts, coords, on_map, paragraphs=paragraphs,
                                   over_time=topics.topics_over_time(model, texts, prefix.map(DATES).tolist()),
                                   per_outlet=topics.topics_per_outlet(model, texts, prefix.map(OUTLETS).tolist()))


def test_every_view_is_drawn_with_arabic_spellings(views):
    drawn, skipped = views
    assert sorted(drawn) == sorted(interactive.VIEWS) and not skipped
    assert set(interactive.TITLES) == set(interactive.VIEWS)
    words = [w for trace in drawn["terms"].data for w in trace.y]
    assert "الشمالية" in " ".join(words)  # the corpus spelling, not the vectorizer's الشماليه
    assert "الشماليه" not in " ".join(words)
    assert len(drawn["documents"].data) >= 2
    outlets = {c for trace in drawn["per_outlet"].data for c in trace.y}
    assert outlets == set(OUTLETS.values())
    assert len(drawn["over_time"].data) >= 2


def test_document_hover_is_wrapped_and_says_where_the_paragraph_is(views, seed_segments):
    hovers = [h for trace in views[0]["documents"].data if trace.hovertext is not None
              for h in trace.hovertext if isinstance(h, str)]  # BERTopic adds an empty "other documents" trace
    assert len(hovers) == len(seed_segments)
    for hover in hovers:
        head, *body = hover.split("<br>")
        assert re.fullmatch(r"<b>\d{3}_\w+\.txt · line \d+ · (core|insert)</b>", head), head
        assert body and all(len(line) <= interactive.HOVER_WIDTH for line in body)
        assert len(" ".join(body)) <= interactive.HOVER_LIMIT + 2


def test_wrap_hover_cuts_at_a_word_and_escapes():
    text = "كلمة " * 100 + "<script>"
    wrapped = interactive.wrap_hover(text)
    assert wrapped.endswith("…") and "<script>" not in wrapped
    assert all(len(line) <= 60 for line in wrapped.split("<br>"))
    assert "&lt;b&gt;" in interactive.wrap_hover("<b>")


def test_term_hover_reads_word_score_and_topic(views):
    terms = views[0]["terms"]
    titles = [a.text for a in terms.layout.annotations]
    for trace, title in zip(terms.data, titles):
        assert trace.hovertemplate == f"<b>%{{customdata}}</b>: %{{x:.4f}}<br>topic {title}<extra></extra>"
        assert list(trace.customdata) == [w.strip() for w in trace.y]


def test_intertopic_map_fits_its_container_and_its_bubbles(views):
    fig = views[0]["topics"]
    assert fig.layout.autosize and fig.layout.width is None  # follows the output area
    x, y = np.asarray(fig.data[0].x, dtype=float), np.asarray(fig.data[0].y, dtype=float)
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    # A fifth of the span (at least) between every bubble centre and the frame.
    assert x.min() - x0 >= 0.2 * (x.max() - x.min()) and x1 - x.max() >= 0.2 * (x.max() - x.min())
    assert y.min() - y0 >= 0.2 * (y.max() - y.min()) and y1 - y.max() >= 0.2 * (y.max() - y.min())


def test_views_without_dates_or_outlets_are_skipped_with_the_reason(model, seed_segments, seed_embeddings):
    texts = seed_segments["text"].tolist()
    on_map = topics.map_sample(len(seed_embeddings))
    coords = topics.map_2d(seed_embeddings, random_state=0)
    drawn, skipped = interactive.topic_views(model, texts, coords, on_map,
                                             over_time=topics.topics_over_time(model, texts, [""] * len(texts)),
                                             per_outlet=topics.topics_per_outlet(model, texts, ["الجزيرة"] * len(texts)))
    assert {"over_time", "per_outlet"}.isdisjoint(drawn)
    assert "no document has a date" in skipped["over_time"] and "one outlet" in skipped["per_outlet"]


def test_views_survive_the_round_trip_and_embed_plotly_once(views, tmp_path):
    drawn, skipped = views
    interactive.save_views(drawn, skipped, tmp_path)
    loaded, _ = interactive.load_views(tmp_path)
    assert sorted(loaded) == sorted(drawn)
    offline = interactive.OfflineFigures()
    html = [offline.to_html(fig, div_id=f"view-{name}") for name, fig in loaded.items()]
    assert sum(h.count("plotly.js v") for h in html) == 1
    assert all(f'id="view-{name}"' in h for name, h in zip(loaded, html))


def test_a_model_without_topics_skips_every_view_with_a_reason():
    class NoModel:
        model_ = None

    drawn, skipped = interactive.topic_views(NoModel(), [], np.zeros((0, 2)), np.arange(0))
    assert not drawn and set(skipped) == set(interactive.VIEWS)


def test_cdn_scripts_are_dropped_from_the_report():
    html = '<head><script src="https://cdnjs.cloudflare.com/require.min.js"></script><script>var a=1;</script></head>'
    assert self_contained(html) == "<head><script>var a=1;</script></head>"
