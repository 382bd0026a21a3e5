"""Which places a paragraph names, and the places of the focus (toolkit.model.places)."""

import pytest

from toolkit.model.lexical import content_terms
from toolkit.model.places import FocusPlaces, known_places, nisba_forms


def places(text):
    return known_places().find(content_terms(text))


@pytest.mark.parametrize("text, expected", [
    # capitals are variants of their country in the gazetteer; a conjunction is stripped
    ("قصفت طائرات التحالف مواقع الحوثيين في صنعاء وعدن", ("اليمن",)),
    # multi-word names match as a whole, with their proclitic
    ("أعلنت الولايات المتحدة وكوريا الشمالية", ("الولايات المتحدة", "كوريا الشمالية")),
    # a country named by its relative adjective
    ("ناشد مواطن يمني مقيم بمحافظة جدة", ("اليمن", "جدة")),
    ("قتل جنديين تركيين", ("تركيا",)),
    ("اللاجئين الفلسطينيين", ("فلسطين",)),
    ("القوات السعودية", ("السعودية",)),
    # a city is reported as its country (CLDR's time-zone cities; the gazetteer's capitals)
    ("العاصمة المصرية القاهرة", ("مصر",)),
    ("قصف في دمشق وبيروت", ("سوريا", "لبنان")),
    ("محادثات في الرياض", ("السعودية",)),
    # ordinary words that are also place names, or a city's adjective, are not places
    ("نشاط رياضي في العالم", ()),
    ("عاد إلى مسقط رأسه", ()),
])
def test_places_named_in_real_sentences(text, expected):
    assert places(text) == expected


def test_relative_adjectives_only_where_they_are_not_ordinary_words():
    assert "يمني" in nisba_forms("اليمن") and "السوري" in nisba_forms("سوريا")
    assert nisba_forms("السعودية")[0] == "سعودي"   # already an adjective
    assert nisba_forms("جدة") == []                # جدي "serious"
    assert nisba_forms("كوريا الشمالية") == []


def test_focus_places_are_learnt_from_the_focus_paragraphs():
    paragraphs = [("اليمن",)] * 8 + [("اليمن", "السعودية")] * 3 + [("العراق",)] + [()] * 8
    fp = FocusPlaces.learn(paragraphs)
    assert fp.share["اليمن"] == pytest.approx(11 / 20)
    assert fp.anchored
    assert fp.places == {"اليمن", "السعودية"}      # Iraq, in 1 of 20, is not the focus's
    assert fp.main_places == {"اليمن"}             # Saudi Arabia, in 3 of 20, is not its main place
    assert fp.marks(("العراق",)) == (False, True, False)
    assert fp.marks(("السعودية", "ليبيا")) == (True, True, False)


def test_a_focus_not_anchored_in_places():
    # Coverage of oil prices: many places, none named often.
    paragraphs = [(p,) for p in ("السعودية", "روسيا", "إيران", "العراق", "الولايات المتحدة")] + [()] * 35
    assert not FocusPlaces.learn(paragraphs).anchored
    assert not FocusPlaces.learn([]).anchored


def test_too_few_focus_paragraphs_to_anchor_it():
    # On ten paragraphs one mention is 10 %: nothing is learnt from so little.
    assert not FocusPlaces.learn([("اليمن",)] * 10).anchored
    assert FocusPlaces.learn([("اليمن",)] * 20).anchored


def test_what_was_learnt_is_recorded():
    record = FocusPlaces.learn([("اليمن",)] * 8 + [("اليمن", "السعودية")] * 3 + [()] * 9).record()
    assert record["places"] == [["اليمن", 0.55], ["السعودية", 0.15]] and record["main_places"] == ["اليمن"]
    assert record["paragraphs"] == 20 and record["place_names"].startswith("CLDR via babel")
