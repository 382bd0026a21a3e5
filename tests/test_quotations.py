"""Quotations two outlets share by meaning, not by wording (toolkit.findings.quotations)."""

import pandas as pd

from toolkit.findings.quotations import SharedQuotationFinder, extract_quotations

# Seed-corpus sentences: the same statements in two outlets' words (Kim's order to support
# Russia; the US account of the training), and two claims of one story that are not one statement.
LINES = {
    "a.txt": ["وقالت الوكالة إن الزعيم أوعز منذ بداية الصراع الأوكراني بتقديم الدعم والمساعدة لروسيا وشعبها، "
              "بشكل ثابت وقوي.",
              "وأضاف المسؤول أن القوات الروسية دربت جنود كوريا على المدفعية والطائرات بدون طيار وعمليات المشاة "
              "الأساسية، بما في ذلك تطهير الخنادق.",
              "وقال المتحدث إن أكثر من 10 آلاف جندي كوري شمالي تم نشرهم في روسيا، وخاصة في منطقة كورسك."],
    "b.txt": ["وذكرت الوكالة أن رئيس كوريا الشمالية كيم جونغ أون أوعز، منذ اندلاع الحرب بين روسيا وأوكرانيا، "
              "بتقديم دعم ومساعدة كبيرين لروسيا وشعبها.",
              "وأكد المسؤول أن موسكو تدرّب هؤلاء الجنود على المدفعية والمسيّرات والعمليات البرية الأساسية بما في "
              "ذلك تمشيط الخنادق.",
              "وأكدت الاستخبارات أن بيونج يانج قد ترسل ما يصل إلى 12 ألف جندي كوري شمالي إلى روسيا."],
    # Three more outlets on the same story: its common words (جندي، كوري، شمالي، روسيا، آلاف) are
    # in every document, as in the seed corpus; they make two claims embed alike, not one statement.
    "c.txt": ["وأفادت مصادر بأن آلاف الجنود من كوريا الشمالية وصلوا إلى روسيا للمشاركة في القتال، وفق الوكالة."],
    "d.txt": ["وقال خبراء إن إرسال جندي كوري شمالي إلى روسيا يعمق التعاون العسكري بين البلدين منذ سنوات."],
    "e.txt": ["وأشار التقرير إلى أن روسيا وكوريا الشمالية وقعتا اتفاقية دفاعية، وأن آلاف الجنود الكوريين في روسيا."],
}


def lines_table() -> pd.DataFrame:
    rows = []
    for doc, texts in LINES.items():
        offset = 0
        for n, text in enumerate(texts, start=1):
            rows.append({"doc": doc, "line": n, "start": offset, "text": text})
            offset += len(text) + 1
    return pd.DataFrame(rows)


def test_reported_speech_and_quoted_text_are_quotations():
    table = extract_quotations(pd.DataFrame([
        {"doc": "x.txt", "line": 1, "start": 100, "text": 'وقال بلينكن: "ندعو جميع الأطراف إلى ضبط النفس فورا".'},
        {"doc": "x.txt", "line": 2, "start": 200, "text": "وأكد الوزير أن الحكومة ستعيد فتح المعابر خلال أيام."},
    ]))
    assert table["kind"].tolist() == ["quoted", "reported"]
    assert table["text"].tolist() == ["ندعو جميع الأطراف إلى ضبط النفس فورا", "الحكومة ستعيد فتح المعابر خلال أيام"]
    assert table["start"].tolist() == [100 + 14, 200 + 15]  # offsets in the document


def test_the_same_statement_in_other_words_is_found_and_two_claims_of_one_story_are_not(embedder):
    lines = lines_table()
    outlet = pd.Series({doc: doc[0].upper() for doc in LINES})
    finder = SharedQuotationFinder().fit(lines, outlet, embedder)
    found = {(r.doc_a, r.line_a, r.doc_b, r.line_b) for r in finder.pairs_.itertuples()}
    assert ("a.txt", 1, "b.txt", 1) in found and ("a.txt", 2, "b.txt", 2) in found
    assert ("a.txt", 3, "b.txt", 3) not in found  # 10,000 deployed vs "may send 12,000": another statement
    assert all(len(words.split()) >= 2 for words in finder.pairs_["shared_words"])
    again = SharedQuotationFinder().fit(lines, outlet, embedder)
    assert again.pairs_.equals(finder.pairs_)
