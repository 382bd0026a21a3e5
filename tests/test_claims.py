"""Numeric claims: digits, Arabic-Indic digits, number words, ranges, units, speakers."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.findings.actors import ActorExtractor
from toolkit.findings.claims import ClaimExtractor


def claims_of(*texts: str, doc: str = "t.txt") -> pd.DataFrame:
    rows, offset = [], 0
    for n, text in enumerate(texts, start=1):
        rows.append({"doc": doc, "line": n, "start": offset, "text": text})
        offset += len(text) + 1
    lines = pd.DataFrame(rows)
    mentions = ActorExtractor().fit(lines).mentions_
    return ClaimExtractor().fit(lines, mentions).claims_


def one(text: str) -> dict:
    table = claims_of(text)
    assert len(table) == 1, table
    return table.iloc[0].to_dict()


def test_number_words_with_a_multiplier():
    c = one("أفاد المسؤول بأن عشرة آلاف جندي دخلوا روسيا.")
    assert (c["value"], c["unit"], c["quantity"]) == (10000, "جندي", "troops")


def test_digits_with_a_multiplier_word_and_a_qualifier():
    c = one("وقال المتحدث إن نحو 10 آلاف جندي يشاركون في القتال.")
    assert (c["value"], c["qualifier"]) == (10000, "about")
    c = one("أكثر من 1.5 مليون لاجئ غادروا البلاد.")
    assert (c["value"], c["qualifier"], c["quantity"]) == (1_500_000, "more_than", "people")


def test_arabic_indic_digits_and_separators():
    c = one("وصل ١٠٬٠٠٠ جندي إلى الحدود.")
    assert c["value"] == 10000 and c["number_text"] == "١٠٬٠٠٠"
    assert one("أرسلت 1,500 جندي.")["value"] == 1500


def test_compound_number_words():
    assert one("قتل خمسة وعشرون شخصا في الهجوم.")["value"] == 25
    assert one("وصل ثلاثمئة مقاتل.")["value"] == 300
    assert one("نشرت ألفين جندي.")["value"] == 2000


def test_ranges_share_a_multiplier():
    c = one("قد ترسل ما يصل إلى 10,000 إلى 12,000 جندي.")
    assert (c["value"], c["value_max"], c["qualifier"]) == (10000, 12000, "range")
    c = one("يتراوح عددهم بين 10 و12 ألف جندي.")
    assert (c["value"], c["value_max"]) == (10000, 12000)


def test_vague_quantities_are_bounded():
    c = one("أرسلت كوريا الشمالية عشرات الآلاف من الجنود.")
    assert (c["value"], c["value_max"], c["qualifier"], c["unit"]) == (10000, 99999, "vague", "الجنود")


def test_dates_years_times_and_latin_tokens_are_not_claims():
    table = claims_of("في 13 نوفمبر 2024 وصلت طائرات F-16 عند الساعة 10:30، وفي عام ٢٠٢٣ أيضا.",
                      "وقعت في يونيو/حزيران 2024 اتفاقية من 23 مادة.")
    assert table["value"].tolist() == [23]
    assert table["quantity"].tolist() == ["documents"]


def test_a_part_of_an_earlier_quantity_takes_its_unit():
    table = claims_of("من أصل عشرة آلاف جندي، ثمة 8 آلاف تم نشرهم في كورسك.")
    assert table["value"].tolist() == [10000, 8000]
    assert table["unit"].tolist() == ["جندي", "جندي"]
    table = claims_of("أصيب 30 شخصا في الانفجار، بينهم 4 في حالة خطرة.")
    assert table["unit"].tolist() == ["شخصا", "شخصا"]


def test_a_number_without_a_noun_does_not_borrow_an_unrelated_unit():
    # A session number, a phase number in the next sentence: not delegates, not soldiers.
    table = claims_of("شارك 150 مندوبا في أعمال الدورة 79، التي افتتحت أمس.",
                      "وصل 500 جندي إلى المنطقة. وفي المرحلة 2، بدأ التدريب.")
    units = dict(zip(table["value"], table["unit"]))
    assert units[150] == "مندوبا" and units[500] == "جندي"
    assert units.get(79, "") == "" and units.get(2, "") == ""


def test_percent_in_words_through_normalization():
    """«في المائة» and its spellings are compared as ``normalize_arabic`` writes them."""
    from toolkit.corpus.normalize import normalize_arabic
    from toolkit.findings import claims

    for text in ("ارتفع معدل التضخم إلى 30 في المائة خلال العام الماضي.",
                 "تراجعت الصادرات بنسبة 30 في المئة.",
                 "وانخفض الإنتاج ٣٠ فى المائـة.",  # alef maqsura, tatweel
                 "وارتفعت الواردات 30 بالمائة."):
        c = one(text)
        assert (c["value"], c["unit"], c["quantity"]) == (30, "%", "percent"), text
    # Every key of the word tables is a form normalization produces (a fixed point of it).
    for table in (claims.UNITS, claims.TENS, claims.HUNDREDS, claims.MULTIPLIERS, claims.VAGUE,
                  claims.PERCENT_AFTER_FI, claims.PERCENT_WORDS):
        assert all(normalize_arabic(k) == k for k in table), table
    assert normalize_arabic("المائة") in claims.PERCENT_AFTER_FI
    assert one("وصل ثلاثمائة مقاتل.")["value"] == 300  # مائة, not only مئة
    assert one("وصل المئات من الجنود.")["value"] == 100


def test_at_least_after_or_before_the_number():
    c = one("قتل 10 أشخاص على الأقل في القصف.")
    assert (c["value"], c["qualifier"]) == (10, "at_least")
    assert one("أصيب على الأقل 25 مدنيا في الهجوم.")["qualifier"] == "at_least"
    assert one("أصيب 25 مدنيا في الهجوم.")["qualifier"] == "exact"


def test_an_addressee_is_not_the_speaker():
    table = claims_of("وقال وزير الخارجية أنتوني بلينكن إن 8 آلاف جندي وصلوا.",
                      "وقال للصحافيين إن 3 آلاف جندي آخرين في الطريق.",
                      "قال المتحدث العسكري للتلفزيون الرسمي إن 200 جندي قتلوا.")
    assert table["speaker"].tolist() == ["أنتوني بلينكن", "أنتوني بلينكن", "المتحدث العسكري"]


def test_speakers():
    table = claims_of(
        'قالت وزارة الخارجية الأميركية، الثلاثاء، إن "نحو 10 آلاف جندي كوري شمالي يشاركون في القتال".',
        "وقال وزير الخارجية أنتوني بلينكن إن 8 آلاف جندي وصلوا.",
        "وأضاف: إن 3 آلاف جندي آخرين في الطريق.",
        "ذكر مسؤول في أوكرانيا أن العشرات من الجنود قتلوا.",
        "ووصل 500 جندي إلى المنطقة بحسب وكالة الأنباء المركزية.",
        "وأرسلت كوريا الشمالية 12 ألف جندي.",
    )
    assert table["speaker"].tolist() == ["وزارة الخارجية الأميركية", "أنتوني بلينكن", "أنتوني بلينكن",
                                         "مسؤول في أوكرانيا", "وكالة الأنباء المركزية", ""]


def test_offsets_point_at_the_number():
    table = claims_of("سطر أول بلا أرقام.", "وصل 700 جندي.")
    row = table.iloc[0]
    text = "سطر أول بلا أرقام.\nوصل 700 جندي."
    assert text[row["start"]:row["end"]] == "700"
    assert math.isnan(row["value_max"])


def test_seed_troop_claims_each_have_their_line(seed_lines):
    """The troop numbers of the five seed articles, each found on its own line."""
    table = claims_of_frame(seed_lines)
    troops = table[table["quantity"] == "troops"]
    found = {(d[:3], int(l), v) for d, l, v in zip(troops["doc"], troops["line"], troops["value"])}
    for expected in [("000", 4, 10000), ("000", 6, 10000), ("000", 24, 10000), ("001", 12, 10000),
                     ("002", 7, 10000), ("003", 12, 10000), ("003", 12, 1500), ("004", 19, 8000),
                     ("004", 21, 10000), ("004", 21, 8000)]:
        assert expected in found, expected


def claims_of_frame(lines: pd.DataFrame) -> pd.DataFrame:
    kept = lines[lines["label"] == ""][["doc", "line", "start", "text"]]
    return ClaimExtractor().fit(kept, ActorExtractor().fit(kept).mentions_).claims_


def test_hijri_dates_and_era_marks_are_not_claims():
    found = claims_of("وأعلن المجلس في 15 رمضان 1436 هـ مقتل 30 مسلحا.",
                      "صدر المرسوم في 2015م ويشمل 200 ألف موظف.",
                      "وفي 20 ذو الحجة قتل 5 جنود في الهجوم.")
    assert found["number_text"].tolist() == ["30", "200 ألف", "5"]


def test_ordinals_and_session_numbers_are_not_claims():
    found = claims_of("افتتحت الدورة الـ30 لمجلس حقوق الإنسان بمشاركة 47 دولة.",
                      "وفي الجولة 12 من الدوري سجل المهاجم 3 أهداف.",
                      "وتحل الذكرى الـ 70 لتأسيس المنظمة.")
    assert found["number_text"].tolist() == ["47", "3"]


def test_casualty_kind_and_party_from_the_noun_and_its_context():
    found = claims_of("وأعلنت الوزارة مقتل 2927 من عناصر تنظيم داعش منذ بداية العام.",
                      "وأصيب 12 مدنيا في القصف.",
                      "سقط 30 قتيلا وأسر 4 جنود.")
    rows = {r.number_text: (r.casualty, r.party) for r in found.itertuples()}
    assert rows["2927"] == ("killed", "fighters")  # not civilians: the من-phrase names the fighters
    assert rows["12"] == ("injured", "civilians")
    assert rows["30"] == ("killed", "") and rows["4"] == ("captured", "fighters")


def test_hedged_claims_are_marked():
    found = claims_of("وقالت تقارير غير مؤكدة إن 300 مسلح انسحبوا.",
                      "وقد يصل عدد النازحين إلى 10 آلاف شخص.",
                      "وقد قتل 5 جنود في الهجوم.")  # قد before a perfect asserts
    assert found["hedge"].tolist() == ["تقارير", "قد", ""]


def test_a_number_word_with_a_proclitic():
    c = one("وخدم الأمير سعود الفيصل وطنه لأربعة عقود.")
    assert c["value"] == 4 and c["unit"] == "عقود"
    c = one("وقتل قيادي في التنظيم وخمسة متطرفين آخرين.")
    assert c["value"] == 5 and c["unit"] == "متطرفين"
    assert claims_of("لست أدري ما حدث.").empty  # لست "I am not" is no six


def test_a_qualifier_with_a_proclitic_or_a_verb_of_exceeding():
    assert one("قدر التقرير الإعانات بنحو 1.2 مليار دولار.")["qualifier"] == "about"
    assert one("ستسخر الهيئة تجربتها التي تزيد على أربعين عاما.")["qualifier"] == "more_than"


def test_a_range_around_its_counted_noun():
    c = one("وتتكون الشبكة عادة من 10 طبقات إلى 30 طبقة.")
    assert (c["value"], c["value_max"], c["qualifier"]) == (10, 30, "range")


def test_a_compound_ordinal_is_its_number_and_a_page_is_no_claim():
    assert one("أرغمت وهي في الثانية عشرة من العمر على العمل.")["value"] == 12
    assert one("القصيدة ذات الأبيات الأحد عشر.")["value"] == 11
    assert claims_of("وصورة الصفحة 9 من الطلب.").empty


def test_an_imperfect_verb_of_saying_names_the_speaker():
    c = one("ويذكر التاجر محمد بافيل أن المستهلكين يشترون الملابس كل 6 شهور.")
    assert "بافيل" in c["speaker"]


def test_a_preposition_after_the_verb_is_no_speaker():
    c = one("ولفتت إلى أن للأفراد الاستفادة بواقع خمسة أشخاص فقط.")
    assert c["speaker"] != "إلى"


def test_the_body_whose_report_states_the_figure_is_its_speaker():
    # No verb of saying: «تقرير مؤسسة النقد» states the figures of its sentence.
    c = claims_of("وعرج تقرير مؤسسة النقد إلى الإعانات المصروفة التي قدرها بنحو 1.2 مليار دولار.")
    assert list(c["speaker"]) == ["مؤسسة النقد"]


def test_according_to_the_report_is_the_report_not_the_agency_that_carried_it():
    c = claims_of("وبلغت الاستثمارات 4.782 مليار دولار، بحسب التقرير الذي نقلته وكالة الأنباء الكويتية.")
    assert list(c["speaker"]) == ["التقرير"]


def test_the_subject_before_an_imperfect_verb_of_saying_speaks():
    c = one("والباحثون يقولون ستستمر بالغرق على مدى آلاف السنين القادمة.")
    assert c["speaker"] == "الباحثون"


def test_an_amount_converted_in_brackets_keeps_the_qualifier_of_the_amount():
    c = claims_of("قدرت الإعانات بنحو 1.2 مليار دولار (4.5 مليارات ريال) هذا العام.")
    assert list(c["qualifier"]) == ["about", "about"] and list(c["unit"]) == ["دولار", "ريال"]


def test_phone_numbers_codes_and_sizes_are_not_claims():
    found = claims_of("للاستفسار يمكن الاتصال على الرقم المجاني الموحد 8004411110 أو الجوال 0555123456.",
                      "ترسل رسالة تبدأ بالرمز 159 إلى Mobily 737221 للاشتراك.",
                      "ويرفق المتقدم صورتين مقاس (4 x 6) وصورة مقاس (6في4) و3 صور شخصية.",
                      "وبلغ عدد تأشيرات العمل 1586532 تأشيرة.")
    assert found["number_text"].tolist() == ["3", "1586532"]
    assert found["unit"].tolist() == ["صور", "تأشيرة"]
