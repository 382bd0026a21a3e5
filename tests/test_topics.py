import re

import numpy as np

from toolkit.topics import TopicModel, arabic_stop_words, auto_sizes, surface_forms

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
    from toolkit.topics import fit_sample

    assert (fit_sample(150, 50000) == np.arange(150)).all()
    a, b = fit_sample(10_000, 500, random_state=3), fit_sample(10_000, 500, random_state=3)
    assert (a == b).all() and len(set(a)) == 500 and (np.diff(a) > 0).all()


def test_vote_takes_the_majority_and_breaks_ties_by_the_nearest():
    from toolkit.topics import vote

    topics, share = vote(np.array([[2, 1, 1, 2, 1], [3, -1, 4, -1, -1], [5, 6, 6, 5, 7]]))
    assert topics.tolist() == [1, -1, 5]  # 5 and 6 tie: 5 has the nearest member
    assert share.tolist() == [0.6, 0.6, 0.4]


def test_nearest_reference_finds_itself_first(seed_embeddings):
    from toolkit.topics import nearest_reference

    indices, similarities = nearest_reference(seed_embeddings, seed_embeddings, 5)
    assert (indices[:, 0] == np.arange(len(seed_embeddings))).mean() > 0.95  # exact repeats may swap
    assert (np.diff(similarities, axis=1) <= 1e-6).all()
