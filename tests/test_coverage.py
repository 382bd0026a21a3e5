"""Without a focus: a dominant coverage is separated as with a focus, a mixed collection is not."""

import numpy as np
import pandas as pd
import pytest

from toolkit.model.coverage import Coverage, CoverageFinder
from toolkit.model.separate import FocusSeparator
from toolkit.model.separation_tables import line_table
from toolkit.model.topics import TopicModel
from toolkit.study.params import SEED_FOCUS

# Six short articles from six sections of a newspaper: no subject holds most of them.
MIXED = {
    "sport.txt": [
        "فاز فريق الهلال على ضيفه الاتحاد بهدفين مقابل هدف في المباراة التي أقيمت مساء أمس على ملعب الملك فهد.",
        "وسجل المهاجم هدف الفوز في الدقيقة الثمانين بعد تمريرة من لاعب الوسط.",
        "وبهذا الفوز يتصدر الهلال جدول ترتيب الدوري برصيد ثلاثين نقطة قبل جولتين من النهاية.",
    ],
    "economy.txt": [
        "ارتفعت أسعار النفط في تعاملات اليوم إلى أعلى مستوى لها منذ ستة أشهر مع تراجع المخزونات الأمريكية.",
        "وصعد خام برنت بنسبة اثنين في المائة ليبلغ سعر البرميل خمسة وستين دولارا.",
        "ويتوقع المحللون أن تواصل الأسعار ارتفاعها إذا استمر خفض الإنتاج حتى نهاية العام.",
    ],
    "health.txt": [
        "أعلنت وزارة الصحة بدء حملة التطعيم الموسمية ضد الإنفلونزا في جميع المراكز الصحية.",
        "ودعت الوزارة كبار السن والأطفال والمصابين بالأمراض المزمنة إلى أخذ اللقاح مبكرا.",
        "وأكدت أن اللقاح آمن ومجاني ويقلل من خطر المضاعفات الشديدة للمرض.",
    ],
    "weather.txt": [
        "توقعت هيئة الأرصاد هطول أمطار رعدية غزيرة على المناطق الجنوبية والغربية خلال الأيام المقبلة.",
        "وحذرت الهيئة من جريان السيول في الأودية ودعت السكان إلى الابتعاد عن مجاري المياه.",
        "وتنخفض درجات الحرارة في المرتفعات إلى عشر درجات مئوية ليلا.",
    ],
    "culture.txt": [
        "افتتح معرض الكتاب الدولي أبوابه أمس بمشاركة أكثر من خمسمائة دار نشر عربية وأجنبية.",
        "ويضم المعرض هذا العام جناحا خاصا لكتب الأطفال وندوات يومية للروائيين والشعراء.",
        "ويستمر المعرض عشرة أيام ويتوقع المنظمون أن يزوره مليون زائر.",
    ],
    "education.txt": [
        "أعلنت وزارة التعليم مواعيد الاختبارات النهائية لطلاب المرحلة الثانوية في جميع المدارس.",
        "وتبدأ الاختبارات مطلع الشهر المقبل وتستمر أسبوعين وفق جدول نشرته الوزارة على موقعها.",
        "وطالبت الوزارة أولياء الأمور بمتابعة أبنائهم وتهيئة أجواء مناسبة للمذاكرة.",
    ],
}


def _segments(articles: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for doc, paragraphs in articles.items():
        for k, text in enumerate(paragraphs, start=1):
            rows.append({"doc": doc, "segment": k, "line": k, "start": 0, "end": len(text), "text": text})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_finder(seed_segments, seed_embeddings):
    return CoverageFinder().fit(seed_segments, seed_embeddings)


def test_seed_corpus_has_a_dominant_coverage(seed_finder):
    assert seed_finder.kind_ == "dominant"
    assert seed_finder.reach_ == 1.0 and seed_finder.documents_ == 5
    # The corpus's own words for its subject, as normalization spells them.
    assert {"روسيا", "كوريا", "اوكرانيا"} <= set(seed_finder.terms_)
    assert "5 of 5 documents" in seed_finder.statement_


def test_seed_corpus_without_focus_equals_the_run_with_the_seed_focus(seed_finder, seed_segments, seed_embeddings,
                                                                      seed_lines, embedder):
    topics = TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings).assignments_
    given = FocusSeparator().fit(seed_segments, seed_embeddings, topics, seed_lines, embedder.embed([SEED_FOCUS])[0])
    found = FocusSeparator().fit(seed_segments, seed_embeddings, topics, seed_lines, seed_finder.focus_vector_,
                                 seed_finder.profile_paragraphs_)
    a = line_table(seed_lines, seed_segments, given.result_, topics)
    b = line_table(seed_lines, seed_segments, found.result_, topics)
    assert a["label"].tolist() == b["label"].tolist()


def test_a_collection_of_many_sections_is_mixed(embedder):
    segments = _segments(MIXED)
    finder = CoverageFinder().fit(segments, embedder.embed(segments["text"].tolist()), {0: 4, 1: 4, -1: 10})
    assert finder.kind_ == "mixed"
    assert finder.reach_ < 0.5
    assert finder.statement_.startswith("No focus given: a mixed collection")
    coverage = Coverage.found(finder)
    assert coverage.focus_vector is None and coverage.profile_sample is None
    record = coverage.record()
    assert record["kind"] == "mixed" and record["documents"] == 6 and record["largest_topic_share"] == round(4 / 18, 4)


def test_mixed_collection_keeps_every_article_and_sets_aside_only_what_does_not_belong(
        seed_segments, seed_embeddings, seed_lines, embedder):
    topics = TopicModel(embedder, random_state=42).fit(seed_segments, seed_embeddings).assignments_
    separator = FocusSeparator().fit(seed_segments, seed_embeddings, topics, seed_lines, None)
    assert not separator.has_focus_ and np.isnan(separator.threshold_.value)
    lines = line_table(seed_lines, seed_segments, separator.result_, topics)
    # The second article after 001's related-articles block does not belong to 001.
    after = lines[lines["doc"].str.startswith("001_") & (lines["line"] > 89)]
    assert len(after) and (after["label"] != "core").all()
    # Nothing else is judged against a subject: 000's glued-in analysis is off the seed focus,
    # but without a focus and with five documents (too few to learn what a glued-in run looks
    # like) nothing says it does not belong to its article.
    kept = lines[(lines["label"].isin(["core", "insert"])) & ~(lines["doc"].str.startswith("001_")
                                                              & (lines["line"] > 89))]
    assert (kept["label"] == "core").all()
    assert kept["reason"].str.startswith("belongs to its article (cohesion").all()
