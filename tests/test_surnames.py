"""A person named in full, then by the family name alone, within one article (``findings.surnames``)."""

from __future__ import annotations

import pandas as pd

from toolkit.findings.actors import ActorExtractor
from tests.test_actors import frame


def _mentions(lines: dict[str, list[str]], **params) -> pd.DataFrame:
    documents = pd.DataFrame({"doc": list(lines), "source": ""})
    return ActorExtractor(**params).fit(frame(lines), documents).mentions_


def _at(mentions, doc, line):
    rows = mentions[(mentions["doc"] == doc) & (mentions["line"] == line)]
    return list(zip(rows["surface"], rows["name"]))


# An aid report: its spokesman named with his title, then by his family name alone.
AID = ["وأوضح المتحدث الرسمي للمركز رأفت الصباغ في تصريح صحفي أن القافلة وصلت إلى سيئون.",
       "وأكد الصباغ أن المعونات الطبية المقدمة من المركز تشمل الأدوية والمحاليل.",
       "وبين الصباغ أن هذه المساعدات امتداد لما سبقها."]


def test_the_family_name_alone_is_the_person_named_in_full():
    mentions = _mentions({"aid": AID, "other": ["وقال الصباغ إن الأسعار ارتفعت في السوق."]})
    assert ("رأفت الصباغ", "رأفت الصباغ") in _at(mentions, "aid", 1)
    assert _at(mentions, "aid", 2) == [("الصباغ", "رأفت الصباغ")]
    assert _at(mentions, "aid", 3) == [("الصباغ", "رأفت الصباغ")]
    # Only inside the article that names him in full: elsewhere الصباغ may be anybody.
    assert _at(mentions, "other", 1) == []


def test_off_it_finds_only_the_full_name():
    mentions = _mentions({"aid": AID}, document_surnames=False)
    assert _at(mentions, "aid", 2) == [] and _at(mentions, "aid", 3) == []


def test_two_men_of_one_family_in_one_article_leave_the_family_name_alone():
    both = AID[:1] + ["وقال المتحدث الرسمي للهيئة سامي الصباغ إن العمل مستمر."] + AID[1:]
    mentions = _mentions({"aid": both})
    assert _at(mentions, "aid", 3) == [] and _at(mentions, "aid", 4) == []


def test_another_of_the_family_a_participle_and_a_quoted_name_are_not_him():
    lines = AID[:1] + [
        "وقال الشاب فراس الصباغ إنه تطوع في القافلة.",          # a given name no list has before it: another man
        "وشكر الحضور المحتفى به على جهوده.",                    # a participle with its object
        "وأعلنت «الصباغ» للتجارة عن نتائجها المالية.",             # a company, in quotation marks
        "وأمّ المصلين في مسجد الصباغ بن علي إمام المسجد.",          # the first word of another's name
        AID[1]]
    lines[2] = lines[2].replace("المحتفى", "الصباغ")  # المحتفى به written after the family name's shape
    mentions = _mentions({"aid": lines})
    assert ("الصباغ", "رأفت الصباغ") not in _at(mentions, "aid", 2)
    assert _at(mentions, "aid", 3) == [] and _at(mentions, "aid", 4) == [] and _at(mentions, "aid", 5) == []
    assert _at(mentions, "aid", 6) == [("الصباغ", "رأفت الصباغ")]  # his own family name, still his


def test_a_name_after_bin_has_no_family_name_to_cut_off():
    from toolkit.findings.surnames import family_name

    class Words:  # the corpus's answers for these words: every word may end a name
        shipped_given = {"محمد"}

        @staticmethod
        def later_name_word(key, previous):
            return True

        @staticmethod
        def name_like(key):
            return True

        @staticmethod
        def inflected(key):
            return False

        @staticmethod
        def conjoined(key):
            return False

    # A nasab or a compound given name has no family name to cut off, whatever the words.
    assert family_name(("محمد", "بن", "عايش"), Words) is None
    assert family_name(("خالد", "عبد", "الرحمن"), Words) is None
    assert family_name(("محمد", "عايش"), Words) == "عايش"
    assert family_name(("رافت", "الصباغ"), Words) == "الصباغ"
    assert family_name(("رافت", "محمد"), Words) is None  # a father's given name


def test_a_document_whose_lines_are_not_together_is_still_one_article():
    lines = frame({"aid": AID, "other": ["وقال المسؤول إن الأسعار ارتفعت في السوق."]})
    interleaved = pd.concat([lines.iloc[[0]], lines.iloc[[3]], lines.iloc[[1, 2]]], ignore_index=True)
    mentions = ActorExtractor().fit(interleaved, pd.DataFrame({"doc": ["aid", "other"], "source": ""})).mentions_
    assert _at(mentions, "aid", 2) == [("الصباغ", "رأفت الصباغ")]
