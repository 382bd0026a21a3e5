import re

import numpy as np
import pandas as pd
import pytest

from toolkit.model import topics
from toolkit.model.topics import TopicModel, arabic_stop_words, auto_sizes, surface_forms

ARABIC_WORD = re.compile("[\u0621-\u064a]{2,}")


def test_sizes_follow_the_corpus():
    small, large = auto_sizes(150), auto_sizes(150_000)
    assert small["min_topic_size"] >= 3 and small["n_neighbors"] < 20
    assert large["min_topic_size"] > 100 and large["n_neighbors"] == 50


def test_stop_words_are_normalized_arabic():
    stops = set(arabic_stop_words())
    assert {"في", "الي", "التي", "the"} <= stops  # إلى -> الي after normalization


def test_surface_forms_restore_spelling():
    forms = surface_forms(["كوريا الشمالية", "الشمالية", "الشماليه"])
    assert forms["الشماليه"] == "الشمالية"


def test_topics_have_readable_arabic_labels(seed_segments, seed_embeddings, embedder):
    model = TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings)
    assert len(model.assignments_) == len(seed_segments)
    real_topics = [t for t in model.topic_words_ if t >= 0]
    assert len(real_topics) >= 2
    for topic in real_topics:
        words = model.topic_words_[topic]
        assert words, f"topic {topic} has no words"
        assert all(ARABIC_WORD.fullmatch(w) for w in words[:5]), (topic, words)
    label = model.label(real_topics[0])
    assert ARABIC_WORD.search(label) and not re.fullmatch(r"[\d\sA-Za-z:·]*", label)


def test_same_seed_same_topics(seed_segments, seed_embeddings, embedder):
    a = TopicModel(embedder, random_state=7).fit(seed_segments, seed_embeddings).assignments_
    b = TopicModel(embedder, random_state=7).fit(seed_segments, seed_embeddings).assignments_
    assert a.equals(b)


def test_tiny_corpus_gets_one_topic(seed_segments, seed_embeddings, embedder):
    model = TopicModel(embedder).fit(seed_segments.head(8), seed_embeddings[:8])
    assert set(model.assignments_["topic"]) == {0}
    assert "no clustering" in model.note_
    assert all(ARABIC_WORD.fullmatch(w) for w in model.topic_words_[0][:3])


def test_fit_sample_is_seeded_and_covers_small_corpora():
    from toolkit.model.topics import fit_sample

    assert (fit_sample(150, 50000) == np.arange(150)).all()
    a, b = fit_sample(10_000, 500, random_state=3), fit_sample(10_000, 500, random_state=3)
    assert (a == b).all() and len(set(a)) == 500 and (np.diff(a) > 0).all()


def test_vote_takes_the_majority_and_breaks_ties_by_the_nearest():
    from toolkit.model.topics import vote

    topics, share = vote(np.array([[2, 1, 1, 2, 1], [3, -1, 4, -1, -1], [5, 6, 6, 5, 7]]))
    assert topics.tolist() == [1, -1, 5]  # 5 and 6 tie: 5 has the nearest member
    assert share.tolist() == [0.6, 0.6, 0.4]


def test_nearest_reference_finds_itself_first(seed_embeddings):
    from toolkit.model.topics import nearest_reference

    indices, similarities = nearest_reference(seed_embeddings, seed_embeddings, 5)
    assert (indices[:, 0] == np.arange(len(seed_embeddings))).mean() > 0.95  # exact repeats may swap
    assert (np.diff(similarities, axis=1) <= 1e-6).all()


def test_fit_keeps_each_paragraphs_nearest_paragraphs(seed_segments, seed_embeddings, embedder):
    from toolkit.model.topics import nearest_reference

    model = TopicModel(embedder, random_state=42, assign_neighbors=6).fit(seed_segments, seed_embeddings)
    assert (model.neighbours_ == nearest_reference(seed_embeddings, seed_embeddings, 6)[0]).all()


def test_nearest_paragraphs_are_cached_by_both_arrays_and_k(seed_embeddings, tmp_path):
    from toolkit.model.topics import cached_nearest_reference, nearest_reference

    found = cached_nearest_reference(seed_embeddings[:40], seed_embeddings, 5, tmp_path)
    again = cached_nearest_reference(seed_embeddings[:40], seed_embeddings, 5, tmp_path)
    fresh = nearest_reference(seed_embeddings[:40], seed_embeddings, 5)
    assert all((a == b).all() and (a == c).all() for a, b, c in zip(found, again, fresh))
    cached_nearest_reference(seed_embeddings[:40], seed_embeddings, 6, tmp_path)
    cached_nearest_reference(seed_embeddings[1:41], seed_embeddings, 5, tmp_path)
    assert len(list((tmp_path / "neighbours").glob("*.npz"))) == 3


def test_umap_on_exact_neighbours_is_cached_under_its_own_key(seed_embeddings, tmp_path):
    from toolkit.model.topics import cached_umap, nearest_reference

    params = dict(n_neighbors=10, n_components=5, min_dist=0.0, metric="cosine", random_state=3,
                  low_memory=True, n_jobs=1)
    exact = cached_umap(seed_embeddings, tmp_path, neighbours=nearest_reference(seed_embeddings, seed_embeddings, 12),
                        **params)
    searched = cached_umap(seed_embeddings, tmp_path, **params)
    assert exact.shape == searched.shape == (len(seed_embeddings), 5) and np.isfinite(exact).all()
    assert len(list((tmp_path / "umap").glob("*.npy"))) == 2  # one key each: neither reuses the other
    again = cached_umap(seed_embeddings, tmp_path, neighbours=nearest_reference(seed_embeddings, seed_embeddings, 12),
                        **params)
    assert (again == exact).all()


def test_a_large_corpus_gives_umap_its_exact_neighbours(seed_segments, seed_embeddings, embedder, monkeypatch):
    given = []
    real = topics.cached_umap
    monkeypatch.setattr(topics, "cached_umap", lambda *a, neighbours=None, **k: given.append(neighbours) or real(
        *a, neighbours=neighbours, **k))
    TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings)
    monkeypatch.setattr(topics, "EXACT_NEIGHBOURS_FROM", 100)  # the seeds' 134 paragraphs count as large
    TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings)
    assert given[0] is None  # a small corpus: UMAP computes its own exact distances
    indices, similarities = given[1]
    assert indices.shape[1] >= auto_sizes(len(seed_segments))["n_neighbors"]
    assert (np.diff(similarities, axis=1) <= 1e-6).all()


def test_the_fitted_vectorizer_normalizes_raw_text_like_the_fit(fitted):
    from toolkit.corpus.normalize import match_key

    raw = "أعلنت كوريا الشماليةُ، إرسال الجنود"
    assert fitted.model_.vectorizer_model.build_preprocessor()(raw) == match_key(raw)
    assert fitted.normalized([raw]) == [match_key(raw)]


# ------------------------------------------------------------------ the model researchers know
# Synthetic metadata for the five seed articles (the seed files carry none): three outlets, dates
# over four days, one article undated.
OUTLETS = {"000": "الجزيرة", "001": "سكاي نيوز عربية", "002": "الجزيرة", "003": "العربية", "004": "سكاي نيوز عربية"}
DATES = {"000": "2024-11-05", "001": "2024-11-06T10:00:00+03:00", "002": "2024-11-05", "003": "", "004": "2024-11-08"}


@pytest.fixture(scope="module")
def fitted(seed_segments, seed_embeddings, embedder):
    return TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings)


def test_topic_vectors_are_centroids_in_the_embedding_space(fitted, seed_segments, seed_embeddings):
    vectors = np.asarray(fitted.model_.topic_embeddings_)
    assert vectors.shape == (len(fitted.topic_ids()), seed_embeddings.shape[1])  # 512-d, not UMAP's 5
    ids = fitted.assignments_["topic"].to_numpy()
    for row, topic in zip(vectors, fitted.topic_ids()):
        assert np.allclose(row, seed_embeddings[ids == topic].mean(axis=0), atol=1e-6)


def test_outliers_are_reduced_and_counted(fitted, seed_segments, seed_embeddings, embedder):
    counts = fitted.outliers_
    before = int((fitted.topics_before_ == -1).sum())
    after = int((fitted.assignments_["topic"] == -1).sum())
    assert counts["before"] == before > 0 and counts["after"] == after < before
    assert counts["strategy"] == "embeddings"
    moved = fitted.topics_before_ == -1
    # Paragraphs HDBSCAN placed keep their topic; only outliers move.
    assert (fitted.assignments_["topic"].to_numpy()[~moved] == fitted.topics_before_[~moved]).all()
    assert f"outliers reduced from {before} to {after}" in fitted.note_
    assert (-1 in fitted.topic_words_) == (after > 0)  # no "outliers" topic once none is left
    kept = TopicModel(embedder, random_state=42, outlier_strategy=None).fit(seed_segments, seed_embeddings)
    assert (kept.assignments_["topic"].to_numpy() == fitted.topics_before_).all()
    assert kept.outliers_["after"] == kept.outliers_["before"] == before


def _topic_with(model, *words: str) -> int:
    """The first topic whose top words hold one of ``words`` (the troops topic may show كورسك or
    جندي among its top words, depending on the last bits of the vectors UMAP starts from)."""
    return next(t for t, top in model.topic_words_.items() if t >= 0 and any(w in top for w in words))


def test_a_saved_model_assigns_new_arabic_text(fitted, seed_segments, embedder, tmp_path):
    fitted.save(tmp_path / "work" / "topic_model")
    loaded = topics.load_topic_model(tmp_path, embedding_model=embedder)  # the run folder
    assert loaded.model_.language != "english"  # BERTopic's English cleaning would strip Arabic
    assert loaded.topic_words_ == fitted.topic_words_ and loaded.outliers_ == fitted.outliers_
    new = loaded.assign(["أرسلت كوريا الشمالية آلاف الجنود للقتال إلى جانب القوات الروسية في منطقة كورسك",
                         "زار المبعوث الأميركي إسرائيل لبحث قرار ترامب بشأن الاستيطان"])
    assert list(new.columns) == ["text", "topic", "similarity", "label"]
    assert new["topic"].tolist() == [_topic_with(fitted, "كورسك", "جندي"), _topic_with(fitted, "إسرائيل")]
    assert (new["similarity"] > 0.3).all() and new["label"].str.contains("إسرائيل").iloc[1]
    # Its own paragraphs land in their fitted topics (HDBSCAN and the centroid rule agree on most).
    again = loaded.assign(seed_segments["text"].tolist())
    assert (again["topic"].to_numpy() == fitted.assignments_["topic"].to_numpy()).mean() > 0.9


def test_saving_is_byte_identical(fitted, tmp_path):
    a, b = fitted.save(tmp_path / "a"), fitted.save(tmp_path / "b")
    names = sorted(p.name for p in a.iterdir())
    assert {"topic_embeddings.safetensors", "ctfidf.safetensors", "topics.json", "toolkit.json"} <= set(names)
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)


def test_topics_over_time_and_per_outlet(fitted, seed_segments):
    texts = seed_segments["text"].tolist()
    prefix = seed_segments["doc"].str[:3]
    frame, reason = topics.topics_over_time(fitted, texts, prefix.map(DATES).tolist())
    table = topics.over_time_table(frame)
    assert reason is None and set(table["date"]) == {"2024-11-05", "2024-11-06", "2024-11-08"}
    assert table["paragraphs"].sum() == (prefix != "003").sum()  # the undated article is left out
    frame, reason = topics.topics_per_outlet(fitted, texts, prefix.map(OUTLETS).tolist())
    table = topics.per_outlet_table(frame)
    assert reason is None and set(table["outlet"]) == set(OUTLETS.values())
    assert table.groupby("outlet")["share"].sum().round(3).eq(1.0).all()
    assert all(ARABIC_WORD.fullmatch(w) for w in table["top_words"].iloc[0].split(", "))


def test_no_dates_or_one_outlet_give_a_reason(fitted, seed_segments):
    texts = seed_segments["text"].tolist()
    frame, reason = topics.topics_over_time(fitted, texts, [""] * len(texts))
    assert frame.empty and "no document has a date" in reason
    assert list(topics.over_time_table(frame).columns) == ["date", "topic", "paragraphs", "top_words"]
    frame, reason = topics.topics_over_time(fitted, texts, ["2024-11-05"] * len(texts))
    assert "same date" in reason
    frame, reason = topics.topics_per_outlet(fitted, texts, ["الجزيرة"] * len(texts))
    assert "one outlet" in reason and len(topics.per_outlet_table(frame))
    _, reason = topics.topics_per_outlet(fitted, texts, [""] * len(texts))
    assert "no document names its outlet" in reason


def test_paragraph_dates_keep_the_local_day():
    days = topics.paragraph_dates(["2024-11-05T23:30:00+03:00", "", None, "not a date", "2024-11-06"])
    assert [str(d.date()) if not pd.isna(d) else None for d in days] == ["2024-11-05", None, None, None, "2024-11-06"]


def test_a_pickled_model_reads_its_bertopic_back_only_when_used(fitted, seed_segments, seed_embeddings):
    # A restored run unpickles the topic stage's result in each notebook's kernel; BERTopic's
    # import (sentence-transformers, transformers) is paid only by the kernel that uses it.
    import pickle

    restored = pickle.loads(pickle.dumps(fitted))
    assert "_bertopic" not in vars(restored) and restored.clustered()
    assert topics.summary(restored) == topics.summary(fitted)
    assert topics.overview(restored).equals(topics.overview(fitted))
    assert "_bertopic" not in vars(restored)  # neither read the model
    assert restored.topic_ids() == fitted.topic_ids()
    assert restored.model_.embedding_model.embedder is restored.embedding_model  # one embedder, not two
    np.testing.assert_array_equal(restored.model_.topic_embeddings_, fitted.model_.topic_embeddings_)
    texts = seed_segments["text"].head(6).tolist()
    assert restored.assign(texts, seed_embeddings[:6]).equals(fitted.assign(texts, seed_embeddings[:6]))
    again = pickle.loads(pickle.dumps(restored))  # pickled again once read, or before
    assert again.topic_ids() == fitted.topic_ids()
    broken = pickle.loads(pickle.dumps(fitted))
    kept = broken.__dict__["_bertopic_pickle"]
    broken.__dict__["_bertopic_pickle"] = b"not a pickle"
    with pytest.raises(Exception):
        broken.model_
    assert broken.clustered()  # a failed read loses nothing
    broken.__dict__["_bertopic_pickle"] = kept
    assert broken.topic_ids() == fitted.topic_ids()


def test_the_paths_a_pickled_bertopic_holds_stay_visible():
    # The stage cache refuses a result that names the run folder; a path inside the BERTopic
    # model, pickled on its own, is listed beside it.
    from pathlib import Path
    from types import SimpleNamespace

    data, paths = topics._pickle_bertopic(SimpleNamespace(embedding_model=None, cache=Path("/runs/seeds/work")))
    assert paths == [Path("/runs/seeds/work")]
    assert topics._unpickle_bertopic(data, None).cache == Path("/runs/seeds/work")


def test_a_cache_filled_before_an_upgrade_is_not_reused(seed_embeddings, tmp_path, monkeypatch):
    # Another umap-learn or torch may compute other bits: a rerun after an upgrade computes
    # again rather than differ from a cold run on the same machine.
    from toolkit.model import topics

    params = dict(n_neighbors=10, n_components=2, min_dist=0.0, metric="cosine", random_state=3, n_jobs=1)
    topics.cached_umap(seed_embeddings, tmp_path, **params)
    topics.cached_nearest_reference(seed_embeddings, seed_embeddings, 5, tmp_path)
    real = topics._versions_of
    monkeypatch.setattr(topics, "_versions_of", lambda names: real(names).replace("numpy==", "numpy==0"))
    topics.cached_umap(seed_embeddings, tmp_path, **params)
    topics.cached_nearest_reference(seed_embeddings, seed_embeddings, 5, tmp_path)
    assert len(list((tmp_path / "umap").glob("*.npy"))) == 2
    assert len(list((tmp_path / "neighbours").glob("*.npz"))) == 2
