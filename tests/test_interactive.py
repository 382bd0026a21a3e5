"""Interactive views: BERTopic's plotly figures with Arabic labels, embedded offline once."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit import interactive, topics
from toolkit.report import self_contained


@pytest.fixture(scope="module")
def views(seed_segments, seed_embeddings, embedder, tmp_path_factory):
    model = topics.TopicModel(embedder, random_state=0).fit(seed_segments, seed_embeddings)
    on_map = topics.map_sample(len(seed_embeddings))
    coords = topics.map_2d(seed_embeddings, random_state=0)
    return interactive.topic_views(model, seed_segments["text"].tolist(), coords, on_map)


def test_all_four_views_are_drawn_with_arabic_spellings(views):
    drawn, skipped = views
    assert sorted(drawn) == sorted(interactive.VIEWS) and not skipped
    words = [w for trace in drawn["terms"].data for w in trace.y]
    assert "الشمالية" in " ".join(words)  # the corpus spelling, not the vectorizer's الشماليه
    assert "الشماليه" not in " ".join(words)
    assert len(drawn["documents"].data) >= 2


def test_views_survive_the_round_trip_and_embed_plotly_once(views, tmp_path):
    drawn, skipped = views
    interactive.save_views(drawn, skipped, tmp_path)
    loaded, _ = interactive.load_views(tmp_path)
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
