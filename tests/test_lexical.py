"""Content terms, document frequencies and the focus's lexical profile (toolkit.model.lexical)."""

from toolkit.model.lexical import Lexicon, content_terms, cosine, document_terms


def test_article_and_plural_forms_share_a_term():
    terms = content_terms("قصف الحوثيين مواقع في عدن، وقال مصدر إن والحوثي للحوثيين")
    assert terms.count("حوثي") == 3
    assert "عدن" in terms
    # Stop words and words under three letters are not content.
    assert "في" not in terms and "إن" not in terms and "ان" not in terms


def test_orthography_is_folded():
    assert content_terms("الأمم المتحدة") == content_terms("الامم المتحده")


def test_rare_terms_weigh_more_and_vectors_are_unit():
    docs = [["قوات", "حوثي"], ["قوات", "عدن"], ["قوات", "تعز"], ["مباراه", "هلال"]]
    lexicon = Lexicon({t: sum(t in d for d in docs) for t in document_terms(docs)}, len(docs))
    assert lexicon.weight("حوثي") > lexicon.weight("قوات")
    assert lexicon.weight("never seen") == lexicon.default_idf
    vector = lexicon.vector(["قوات", "حوثي", "حوثي"])
    assert abs(sum(w * w for w in vector.values()) - 1) < 1e-9


def test_profile_tells_war_from_football():
    war = [content_terms(t) for t in (
        "شنت قوات التحالف غارات على مواقع الحوثيين في عدن",
        "قتل عشرات المسلحين الحوثيين في مواجهات مع المقاومة الشعبية في تعز",
        "استعادت المقاومة الشعبية مطار عدن من ميليشيات الحوثي")]
    football = content_terms("فاز الهلال على النصر بهدفين في مباراة الدوري وسجل اللاعب الهدف الأول")
    lexicon = Lexicon({t: 1 for t in document_terms(war + [football])}, 4)
    profile = lexicon.profile(war)
    near = cosine(lexicon.vector(content_terms("غارات التحالف على الحوثيين في تعز")), profile)
    far = cosine(lexicon.vector(football), profile)
    assert near > 0.3 and far == 0.0
