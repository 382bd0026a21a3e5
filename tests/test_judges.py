import numpy as np
import pandas as pd

from toolkit.model import judges
from toolkit.model.documents import DocumentView
from toolkit.model.separate import FocusSeparator


def test_headline_joins_the_run_that_follows():
    segments = pd.DataFrame({"doc": ["d"] * 4, "segment": [1, 2, 3, 4], "line": [1, 2, 3, 4],
                             "start": [0, 10, 20, 30], "end": [9, 19, 29, 39],
                             "text": ["نص طويل عن الموضوع.", "ترامب ونتنياهو", "تحليل.", "تحليل آخر."]})
    labels = np.array(["core"] * 4, dtype=object)
    reasons = np.array([""] * 4, dtype=object)
    view = DocumentView("d", np.arange(4), segments, np.eye(4), labels, reasons, [])
    judges.attach_headlines(view, np.array([0, 0, 1, 1]), headline_words=12)
    assert labels.tolist() == ["core", "insert", "core", "core"]  # only the headline moves
    assert reasons[1] == "headline of the off-focus run that follows it"


def _view(segments, labels=None, reasons=None, pieces=None):
    """A view of the one document ``d`` in ``segments``, writing to the arrays given."""
    n = len(segments)
    return DocumentView("d", np.arange(n), segments, np.eye(n),
                        np.array(["core"] * n, dtype=object) if labels is None else labels,
                        np.array([""] * n, dtype=object) if reasons is None else reasons,
                        [] if pieces is None else pieces)


def _paragraphs(texts, starts):
    """One document's paragraphs as ``schema.SEGMENTS`` rows (lines 1, 3, 5, ...)."""
    n = len(texts)
    return pd.DataFrame({"doc": ["d"] * n, "segment": list(range(1, n + 1)), "line": list(range(1, 2 * n, 2)),
                         "start": starts, "end": [a + len(t) for a, t in zip(starts, texts)], "text": texts})


def _yemen_separator():
    """A separator whose focus (the war in Yemen) names Yemen in most of its paragraphs."""
    from toolkit.model.places import FocusPlaces

    separator = FocusSeparator()
    separator.focus_places_ = FocusPlaces.learn([("اليمن",)] * 9 + [("اليمن", "السعودية")] * 3 + [()] * 8)
    return separator


def test_a_document_that_happens_elsewhere_is_off_the_focus():
    # Coverage of the war in Yemen; a report on Derna (Libya) uses the same words of war and
    # scores on the focus by them (evidence 1.4), but names Libya, never Yemen.
    texts = ["ومنذ الإطاحة بالنظام السابق سيطر تنظيم القاعدة على مدينة في ليبيا",
             "ويقول ضابط قديم في الجيش الليبي إن الحرب مستمرة",
             "واستقبلت المدينة مئات المقاتلين"]
    segments = _paragraphs(texts, [0, 80, 160])
    separator = _yemen_separator()
    marks = separator.place_marks(texts)
    assert marks.focus.tolist() == [False] * 3 and marks.other.tolist() == [True, True, False]
    labels, reasons, pieces = np.array(["core"] * 3, dtype=object), np.array([""] * 3, dtype=object), []
    high = np.full(3, 1.4)
    assert judges.off_focus_document(separator, _view(segments, labels, reasons, pieces), np.ones(3), high, high,
                                     np.zeros(3, dtype=bool), marks)
    assert labels.tolist() == ["insert"] * 3 and "none of them the focus's" in pieces[0]["decision"]
    # The same words in Aden: the document is on the focus.
    texts[0] = texts[0].replace("ليبيا", "عدن")
    labels[:] = "core"
    assert not judges.off_focus_document(separator, _view(segments, labels, reasons), np.ones(3), high, high,
                                         np.zeros(3, dtype=bool), separator.place_marks(texts))
    assert labels.tolist() == ["core"] * 3
    # One passing mention of another place (the envoy flew to Geneva) in an article naming no
    # place of the focus is not another story: a third of its paragraphs must name one.
    talks = ["وصل المبعوث الأممي إلى جنيف لبدء المشاورات", "وقال المبعوث إن الحوار مستمر بين الأطراف",
             "وأكد الحوثيون مشاركتهم في المشاورات", "وتستمر المشاورات أسبوعا"]
    four = _paragraphs(talks, [0, 50, 100, 150])
    assert not judges.off_focus_document(separator, _view(four), np.ones(4), np.full(4, 1.4), np.full(4, 1.4),
                                         np.zeros(4, dtype=bool), separator.place_marks(talks))


def test_a_document_off_the_focus_s_words_that_keeps_naming_its_main_place_stays():
    # Yemen coverage; an article on the Yemenis' residence papers in Jazan uses none of the
    # war's words (evidence 0.5) but names Yemenis throughout.
    texts = ["تصحيح أوضاع 55 ألف يمني وإنجاز المعاملة في 5 دقائق",
             "كشفت جوازات منطقة جازان عن تصحيح أوضاع اليمنيين ومنحهم بطاقة هوية زائر",
             "وقال الناطق الإعلامي للجوازات إن العمل مستمر"]
    segments = _paragraphs(texts, [0, 60, 140])
    separator = _yemen_separator()
    low = np.full(3, 0.5)
    labels, reasons, pieces = np.array(["core"] * 3, dtype=object), np.array([""] * 3, dtype=object), []
    assert not judges.off_focus_document(separator, _view(segments, labels, reasons, pieces), np.ones(3), low, low,
                                         np.zeros(3, dtype=bool), separator.place_marks(texts))
    assert labels.tolist() == ["core"] * 3 and pieces[0]["decision"].startswith("core: 67% of its paragraphs")
    # Without the places (main_place_share None) its words decide: off the focus.
    separator.main_place_share = None
    assert judges.off_focus_document(separator, _view(segments, labels, reasons), np.ones(3), low, low,
                                     np.zeros(3, dtype=bool), separator.place_marks(texts))


def test_an_off_focus_opening_is_the_article_s_own():
    # A Gaza article that opens on the power station's taxes (off the focus's words) before it
    # turns to the occupation: text is glued into an article after its start, so the opening stays.
    texts = ["محطة كهرباء غزة تتوقف وتطلب من الحكومة إعفاءها من جميع الضرائب",
             "أعلنت سلطة الطاقة عن توقف محطة توليد الكهرباء عن العمل",
             "وطالبت سلطة الطاقة بالضغط على سلطات الاحتلال الإسرائيلي",
             "وقالت إن الاحتلال يمنع إدخال الوقود إلى القطاع"]
    segments = _paragraphs(texts, [0, 70, 140, 210])
    separator = FocusSeparator()
    separator.splice_detector_ = None
    states = np.array([1, 1, 0, 0])
    labels = np.array(["insert", "insert", "core", "core"], dtype=object)
    reasons = np.array([""] * 4, dtype=object)
    pieces = []
    judges.confirm_off_focus_runs(separator, _view(segments, labels, reasons, pieces), states,
                                  np.zeros(4, dtype=bool), np.array([0.7, 0.6, 1.5, 1.4]))
    assert labels.tolist() == ["core"] * 4 and states.tolist() == [0] * 4
    assert pieces[0]["decision"] == "core: the article's own opening"
    # Off, the opening is set aside as the off-focus run it is.
    separator.opening_stays = False
    states, labels = np.array([1, 1, 0, 0]), np.array(["insert", "insert", "core", "core"], dtype=object)
    judges.confirm_off_focus_runs(separator, _view(segments, labels, reasons), states, np.zeros(4, dtype=bool),
                                  np.array([0.7, 0.6, 1.5, 1.4]))
    assert labels.tolist() == ["insert", "insert", "core", "core"]


def test_an_interview_s_turn_to_another_subject_stays():
    # An interview with a Yemeni commander: his answer on drug smuggling is off the focus's
    # words and reads as foreign to the rest, but its question is the interviewer's: a turn of
    # the interview, kept (without the question marks, the detector-less run would go).
    texts = ["قائد عسكري: سنحرر العند ولحج قريبا",
             "لا تزال قاعدة العند العسكرية تشكل خطرا على وجودكم، كيف تنظرون إليها؟",
             "هذا الكلام سنلغيه تماما وسنحرر العند ولحج وشبوة وزنجبار وأبين.",
             "تردد أن علي صالح كان يقوم بتهريب المخدرات، أوضح ذلك؟",
             "كانت كميات كبيرة من المخدرات تنزل على البحر ويتم تهريبها.",
             "ما رسالتكم للمقاومة؟", "الصمود حتى النصر."]
    segments = _paragraphs(texts, [0, 50, 130, 200, 260, 330, 360])
    separator = FocusSeparator()
    separator.splice_detector_ = None
    states = np.array([0, 0, 0, 1, 1, 0, 0])
    labels = np.array(["core"] * 3 + ["insert"] * 2 + ["core"] * 2, dtype=object)
    pieces = []
    view = _view(segments, labels, pieces=pieces)
    assert judges.interview_questions(separator, view).tolist() == [False, True, False, True, False, True, False]
    judges.confirm_off_focus_runs(separator, view, states, np.zeros(7, dtype=bool), np.full(7, 0.5))
    assert labels.tolist() == ["core"] * 7 and pieces[0]["decision"].startswith("core: a turn of the interview")
    # With the threshold at four, three questions are no interview: the run is judged as any other
    # (no detector: it goes).
    separator.interview_questions = 4
    states, labels = np.array([0, 0, 0, 1, 1, 0, 0]), np.array(["core"] * 3 + ["insert"] * 2 + ["core"] * 2, dtype=object)
    judges.confirm_off_focus_runs(separator, _view(segments, labels), states, np.zeros(7, dtype=bool), np.full(7, 0.5))
    assert labels.tolist()[3:5] == ["insert", "insert"]


def test_a_glued_run_foreign_beyond_doubt_says_so():
    # Coverage of the war in Yemen; the king's audience with a Lebanese party leader is glued
    # at the end. It names the kingdom and its king as the coverage does (lexical evidence 1.35,
    # its article 1.86), but the detector finds it foreign beyond doubt (0.97 >= 0.95).
    from toolkit.model.splice import Run

    texts = ["قصفت طائرات التحالف مواقع للحوثيين في صعدة",
             "وقال المتحدث باسم التحالف إن العمليات مستمرة",
             "وسقطت مقذوفات على منطقة جازان الحدودية",
             "استقبل خادم الحرمين الشريفين الملك سلمان في قصر السلام بجدة رئيس حزب القوات اللبنانية",
             "وأعرب رئيس الحزب عن شكره وتقديره للمملكة بقيادة خادم الحرمين الشريفين"]
    segments = _paragraphs(texts, [0, 60, 120, 180, 270])
    separator = FocusSeparator()
    labels, reasons, pieces = np.array(["core"] * 5, dtype=object), np.array([""] * 5, dtype=object), []
    run = Run(3, 5, 0.97, {"emb_centroid": 0.27, "term_coverage": 0.06, "run_focus": 1.35, "host_focus": 1.86,
                           "rule": "foreign"})
    lexical = np.array([2.0, 1.8, 1.8, 1.3, 1.4])
    states = np.zeros(5, dtype=np.int64)
    judges.set_aside_glued_runs(separator, _view(segments, labels, reasons, pieces), [run], states,
                                np.full(5, 1.5), lexical)
    assert labels.tolist() == ["core"] * 3 + ["insert"] * 2 and states.tolist() == [0, 0, 0, 1, 1]
    assert "0.97 >= 0.95" in reasons[3] and "beyond doubt" in pieces[0]["decision"]
    assert pieces[0]["splice_probability"] == 0.97


class _SureDetector:
    """A splice detector that finds every run it is asked about foreign (probability 0.99)."""

    model_ = object()
    min_run = 2

    def run_probability(self, doc, start, stop):
        return 0.99, {"emb_centroid": 0.1, "term_coverage": 0.0}


def test_a_lone_off_focus_paragraph_is_the_article_s_own_aside():
    # A Gaza article; its one line on the victim's name, in the middle, is off the focus's
    # words (evidence 0.74). The detector learnt from runs of two paragraphs or more: asked
    # about one, it finds it foreign, but one paragraph is the article's own aside.
    texts = ["استشهاد فتى برصاص قوات الاحتلال الإسرائيلي قرب السياج شرق قطاع غزة",
             "أطلقت قوات الاحتلال النار على مجموعة من الشبان قرب السياج الفاصل",
             "وقال المسؤولون في مستشفى غزة إن القتيل يدعى محمد المصري (17 عاما).",
             "وتشهد المناطق الحدودية مواجهات متكررة مع قوات الاحتلال"]
    segments = _paragraphs(texts, [0, 80, 160, 240])
    separator = FocusSeparator()
    separator.splice_detector_ = _SureDetector()
    evidence = np.array([2.1, 1.8, 0.74, 1.6])
    states, labels, pieces = np.array([0, 0, 1, 0]), np.array(["core", "core", "insert", "core"], dtype=object), []
    judges.confirm_off_focus_runs(separator, _view(segments, labels, pieces=pieces), states, np.zeros(4, dtype=bool),
                                  evidence)
    assert labels.tolist() == ["core"] * 4 and states.tolist() == [0] * 4
    assert pieces[0]["decision"].startswith("core: a lone paragraph")
    # Next to a run glued in from another article, it may be the rest of that piece: the
    # detector decides.
    states, labels, pieces = np.array([0, 0, 1, 1]), np.array(["core", "core", "insert", "insert"], dtype=object), []
    judges.confirm_off_focus_runs(separator, _view(segments, labels, pieces=pieces), states,
                                  np.array([False, False, False, True]), evidence)
    assert labels.tolist()[2] == "insert" and pieces[0]["decision"] == "insert: foreign to its article"
    # Two paragraphs off the focus are a run the detector judges.
    states, labels, pieces = np.array([0, 1, 1, 0]), np.array(["core", "insert", "insert", "core"], dtype=object), []
    judges.confirm_off_focus_runs(separator, _view(segments, labels, pieces=pieces), states, np.zeros(4, dtype=bool),
                                  np.array([2.1, 0.8, 0.74, 1.6]))
    assert labels.tolist() == ["core", "insert", "insert", "core"]
