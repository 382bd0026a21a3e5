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
        "وقال الشاب حمزة الصباغ إنه تطوع في القافلة.",          # a given name before it: another man
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

    class Words:  # the corpus's answers for these words
        shipped_given = {"محمد", "سلمان"}

        @staticmethod
        def later_name_word(key, previous):
            return True

    assert family_name(("محمد", "بن", "سلمان"), Words) is None
    assert family_name(("عبد", "الله"), Words) is None
    assert family_name(("رافت", "الصباغ"), Words) == "الصباغ"
