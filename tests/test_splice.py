"""Runs glued in from another article, learnt from the corpus itself (toolkit.model.splice)."""

import numpy as np
import pytest

from toolkit.model.splice import Document, FeatureVote, SpliceDetector, candidate_runs

# Four kinds of story, each with its own words (real Arabic vocabulary) and its own direction
# in a toy embedding space.
STORIES = {
    "war": "قوات التحالف غارات الحوثيين عدن تعز المقاومة الشعبية ميليشيات مواقع قصف مسلحين",
    "football": "الهلال النصر مباراة الدوري هدف اللاعب المدرب الفريق الكأس الشوط الملعب جمهور",
    "economy": "النفط أسعار البورصة الاستثمار الريال التضخم الأسهم السوق الشركات الإنتاج البنوك",
    "health": "المستشفى المرضى الأطباء العلاج الفيروس التطعيم الصحة الدواء العيادة الوقاية",
}


def make_corpus(n_documents=40, paragraphs=8, seed=0):
    rng = np.random.default_rng(seed)
    kinds = list(STORIES)
    centres = {k: rng.normal(size=32) for k in kinds}
    docs = []
    for d in range(n_documents):
        kind = kinds[d % len(kinds)]
        words = STORIES[kind].split()
        # Each article has its own protagonist, repeated through it, as news articles do.
        own = [f"شخصيه{d}", f"مدينه{d}"]
        texts, vectors = [], []
        for _ in range(paragraphs):
            chosen = list(rng.choice(words, size=5, replace=False)) + own
            texts.append(" ".join(chosen) + ".")
            vectors.append(centres[kind] + rng.normal(scale=0.9, size=32))
        docs.append(Document.from_texts(texts, np.array(vectors)))
    return docs


@pytest.fixture(scope="module")
def fitted():
    docs = make_corpus()
    return docs, SpliceDetector(threshold=0.5, random_state=0).fit(docs)


def glue(host: Document, donor: Document, at: int, k: int) -> Document:
    return Document(np.vstack([host.vectors[:at], donor.vectors[:k], host.vectors[at:]]),
                    host.terms[:at] + donor.terms[:k] + host.terms[at:],
                    np.concatenate([host.headline_like[:at], donor.headline_like[:k], host.headline_like[at:]]))


def test_candidates_keep_the_first_line_and_a_host():
    a, b = candidate_runs(6, min_host=2)
    assert (a >= 1).all() and ((6 - (b - a)) >= 2).all()
    assert (1, 5) in set(zip(a, b)) and (0, 2) not in set(zip(a, b))


def test_a_glued_run_is_foreign_and_an_own_run_is_not(fitted):
    docs, detector = fitted
    war, football = docs[0], docs[1]
    spliced = glue(war, football, at=8, k=3)
    glued, evidence = detector.run_probability(spliced, 8, 11)
    own, _ = detector.run_probability(war, 5, 8)
    assert glued >= 0.5 > own
    assert evidence["term_coverage"] < 0.5


def test_the_search_finds_the_glued_run_in_the_middle(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)  # a war article with an economy run inside
    runs = detector.find_runs(spliced)
    assert runs and (runs[0].start, runs[0].stop) == (4, 7)
    assert detector.find_runs(docs[8]) == []
    # A run holding a protected paragraph (an interview's question) is not set aside.
    protected = np.zeros(len(spliced), dtype=bool)
    protected[5] = True
    assert all(not (r.start <= 5 < r.stop) for r in detector.find_runs(spliced, protected=protected))
    assert detector.find_runs(spliced, protected=np.zeros(len(spliced), dtype=bool))[0].start == 4


def test_fitting_is_deterministic_and_recorded(fitted):
    docs, detector = fitted
    again = SpliceDetector(threshold=0.5, random_state=0).fit(docs)
    assert again.training_ == detector.training_
    assert detector.training_["sample_documents"] == 40 and detector.training_["glued_examples"] >= 600


def test_too_few_documents_set_nothing_aside():
    docs = make_corpus(n_documents=2)
    detector = SpliceDetector().fit(docs)
    assert detector.model_ is None and detector.find_runs(docs[0]) == []


def test_a_foreign_run_that_shares_the_focus_words_stays(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)
    on_focus = np.full(len(spliced), 2.0)          # every paragraph uses the focus's words
    assert detector.find_runs(spliced, on_focus, below=1.0) == []
    off_focus = on_focus.copy()
    off_focus[4:7] = 0.2                           # the glued economy run does not
    runs = detector.find_runs(spliced, off_focus, below=1.0)
    assert [(r.start, r.stop) for r in runs] == [(4, 7)]


def test_a_run_foreign_beyond_doubt_goes_whatever_its_words(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)
    p, _ = detector.run_probability(spliced, 4, 7)
    on_focus = np.full(len(spliced), 2.0)          # the glued run uses the focus's words too
    runs = detector.find_runs(spliced, on_focus, below=1.0, foreign_threshold=p - 0.01)
    assert [(r.start, r.stop) for r in runs] == [(4, 7)] and runs[0].evidence["rule"] == "foreign"
    # Under the threshold the focus's words keep it; so does naming the focus's main place.
    assert detector.find_runs(spliced, on_focus, below=1.0, foreign_threshold=min(1.0, p + 0.01)) == []
    names_main_place = np.zeros(len(spliced), dtype=bool)
    names_main_place[5] = True
    assert detector.find_runs(spliced, on_focus, below=1.0, foreign_threshold=p - 0.01,
                              about_focus=names_main_place) == []


def test_a_run_far_less_on_the_focus_than_its_article_goes_from_a_lower_probability(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)
    p, _ = detector.run_probability(spliced, 4, 7)
    evidence = np.full(len(spliced), 2.5)          # the host is well on the focus
    evidence[4:7] = 0.6                            # the run is under the lexical threshold
    # Above the plain threshold nothing goes; the relative gate lets it go from p - 0.01.
    assert detector.find_runs(spliced, evidence, below=1.0, threshold=min(1.0, p + 0.01)) == []
    runs = detector.find_runs(spliced, evidence, below=1.0, threshold=min(1.0, p + 0.01),
                              relative_below=0.3, relative_threshold=p - 0.01)
    assert [(r.start, r.stop) for r in runs] == [(4, 7)]
    assert runs[0].evidence["run_focus"] == 0.6 and runs[0].evidence["host_focus"] == 2.5
    # A run about as much on the focus as its host (0.6 vs 1.0: a ratio over 0.3) stays.
    evidence[:] = 1.0
    evidence[4:7] = 0.6
    assert detector.find_runs(spliced, evidence, below=1.0, threshold=min(1.0, p + 0.01),
                              relative_below=0.3, relative_threshold=p - 0.01) == []


def test_a_long_document_is_scored_in_blocks_with_the_same_features(fitted, monkeypatch):
    # A 500-paragraph page (a readers' Q&A) has ~10^5 candidate runs: their (runs x terms)
    # table is taken in blocks so memory stays bounded; the features must not change.
    from toolkit.model import splice

    docs, detector = fitted
    long_doc = Document(np.vstack([d.vectors for d in docs[:6]]), [t for d in docs[:6] for t in d.terms],
                        np.concatenate([d.headline_like for d in docs[:6]]))
    a, b = detector._candidates(len(long_doc))
    whole = splice.run_features(long_doc, a, b, detector._lexicon())
    monkeypatch.setattr(splice, "_BLOCK_CELLS", 7)
    blocked = splice.run_features(long_doc, a, b, detector._lexicon())
    assert np.array_equal(whole, blocked)


def test_a_run_that_happens_elsewhere_goes_whatever_its_words(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)
    p, _ = detector.run_probability(spliced, 4, 7)
    on_focus = np.full(len(spliced), 2.0)          # the run shares the focus's words...
    focus_place = np.ones(len(spliced), dtype=bool)
    libya = [()] * len(spliced)
    focus_place[4:7] = False                       # ...but names Libya, its host Yemen
    libya[4:7] = [("ليبيا",)] * 3
    assert detector.find_runs(spliced, on_focus, below=1.0, threshold=1.01) == []
    runs = detector.find_runs(spliced, on_focus, below=1.0, threshold=1.01, places=(focus_place, libya),
                              place_threshold=p - 0.01)
    assert [(r.start, r.stop) for r in runs] == [(4, 7)] and runs[0].evidence["elsewhere"] is True
    assert runs[0].evidence["rule"] == "elsewhere"
    # A place its host names too is the article's own story's place (a town of the focus's country).
    host_names_it = list(libya)
    host_names_it[1] = ("ليبيا",)
    assert detector.find_runs(spliced, on_focus, below=1.0, threshold=1.01, places=(focus_place, host_names_it),
                              place_threshold=p - 0.01) == []
    # A host that names none of the focus's places gives the run's places nothing to differ from.
    assert detector.find_runs(spliced, on_focus, below=1.0, threshold=1.01,
                              places=(np.zeros(len(spliced), dtype=bool), libya), place_threshold=p - 0.01) == []
    # When the run also names one of the focus's places, where it happens says nothing.
    focus_place[5] = True
    assert detector.find_runs(spliced, on_focus, below=1.0, threshold=1.01, places=(focus_place, libya),
                              place_threshold=p - 0.01) == []


def test_a_run_naming_the_focus_main_place_is_not_cut_for_its_words(fitted):
    docs, detector = fitted
    spliced = glue(docs[4], docs[2], at=4, k=3)
    off_focus = np.full(len(spliced), 2.0)
    off_focus[4:7] = 0.2
    main = np.zeros(len(spliced), dtype=bool)
    assert detector.find_runs(spliced, off_focus, below=1.0, about_focus=main)
    main[5] = True                                  # one of its paragraphs names Yemen
    assert detector.find_runs(spliced, off_focus, below=1.0, about_focus=main) == []


def _one_feature_separates(n=400, seed=0):
    """Learning examples where the first feature alone tells glued (1) from own (0) runs and the
    other three say so less sharply: as the lexical centroid does on glued runs from far donors."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n), np.zeros(n)].astype(int)
    sharp = np.where(y == 1, rng.normal(-2.0, 0.3, 2 * n), rng.normal(2.0, 0.3, 2 * n))
    loose = np.column_stack([np.where(y == 1, rng.normal(-1.0, 1.5, 2 * n), rng.normal(1.0, 1.5, 2 * n))
                             for _ in range(3)])
    return np.column_stack([sharp, loose]), y


def test_every_feature_has_a_say():
    """A run whose sharpest feature sits on the own side of the line while all the others say
    foreign (a piece on a neighbouring subject sharing a few words with its host) is judged
    foreign by the vote; one logistic regression over the four follows the sharpest alone."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _one_feature_separates()
    vote = make_pipeline(StandardScaler(), FeatureVote()).fit(X, y)
    regression = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced")).fit(X, y)
    neighbour_piece = np.array([[1.5, -3.0, -3.0, -3.0]])
    assert vote.predict_proba(neighbour_piece)[0, 1] > 0.5
    assert regression.predict_proba(neighbour_piece)[0, 1] < 0.5
    # Where all agree, the vote is as sure as the regression.
    assert vote.predict_proba(np.array([[-2.0, -1.0, -1.0, -1.0]]))[0, 1] > 0.95
    assert vote.predict_proba(np.array([[2.0, 1.0, 1.0, 1.0]]))[0, 1] < 0.05


def test_the_vote_is_deterministic_and_reads_as_probabilities():
    X, y = _one_feature_separates(seed=1)
    a, b = FeatureVote().fit(X, y), FeatureVote().fit(X, y)
    p = a.predict_proba(X)
    assert p.shape == (len(X), 2) and np.allclose(p.sum(axis=1), 1.0)
    assert np.array_equal(p, b.predict_proba(X))
    assert a.coef_.shape == (1, 4) and (a.coef_ < 0).all()  # each feature: lower = more foreign
    # The mean vote as one linear function: the same as asking each vote and the calibration.
    mean = np.mean([m.decision_function(X[:, [j]]) for j, m in enumerate(a.votes_)], axis=0)
    assert np.allclose(p[:, 1], a.calibration_.predict_proba(mean[:, None])[:, 1], atol=1e-12)
