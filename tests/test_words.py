"""Words of running Arabic text: tokens keep their offsets and gaps; a word's proclitic readings."""

from toolkit.findings.words import comma_gap, mention_surface, plain_gap, readings, speech_verbs, tokenize


def test_tokens_keep_offsets_gaps_and_a_key_without_diacritics():
    text = "وقالَ لافروف، «إنّ» الجانبين ناقشا"
    tokens = tokenize(text)
    assert [t.surface for t in tokens] == ["وقال", "لافروف", "إن", "الجانبين", "ناقشا"]
    assert all(text[t.start:t.end].replace("\u064e", "").replace("\u0651", "") == t.surface for t in tokens)
    assert tokens[2].gap == "، «" and tokens[3].gap == "» "
    assert tokens[2].key == "ان"  # hamza folded by normalization


def test_a_hyphenated_name_is_one_word():
    assert [t.surface for t in tokenize("باسكال دايز-بيرغون")] == ["باسكال", "دايز-بيرغون"]


def test_readings_cut_a_proclitic_and_restore_the_article():
    forms = readings("وللولايات")
    assert forms[0] == ("وللولايات", 0, False)
    assert ("الولايات", 2, True) in forms  # ول + لولايات: the article's alef restored
    assert readings("بو") == (("بو", 0, False),)  # too short to carry one


def test_gaps_inside_and_between_names():
    assert plain_gap(" ") and plain_gap(" (") and not plain_gap("، ")
    assert comma_gap("، ") and not comma_gap(" ")


def test_a_mention_shows_its_words_without_the_proclitic():
    tokens = tokenize("وللولايات المتحدة")
    assert mention_surface(tokens, 2, True) == "الولايات المتحدة"


def test_speech_verbs_are_normalized():
    verbs = speech_verbs()
    assert "قال" in verbs and "اكد" in verbs  # أكد as normalization writes it
