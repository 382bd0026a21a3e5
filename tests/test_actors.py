"""Actors and places: gazetteer, title patterns, merge rules, surnames, counts per document."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.corpus.normalize import normalize_arabic
from toolkit.findings.actors import ActorExtractor, coverage_lines, load_merge_rules, outlets


def frame(lines: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for doc, texts in lines.items():
        offset = 0
        for n, text in enumerate(texts, start=1):
            rows.append({"doc": doc, "line": n, "start": offset, "text": text})
            offset += len(text) + 1
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def fitted():
    lines = frame({
        "a.txt": [
            "قال وزير الخارجية الأميركي أنتوني بلينكن إن الوضع خطير.",
            "وأكد بلينكين أن بلاده تتابع ما يجري في بيونغ يانغ.",
            "وقال الرئيس ترمب إن الاتفاق قريب.",
        ],
        "b.txt": [
            "ووصل وزير الخارجية الروسي سيرغي لافروف إلى بيونج يانج، حيث التقى نظيرته تشوي سون هوي.",
            "وقال لافروف إن العلاقات وثيقة، وأشار ترامب إلى ذلك أيضا.",
            "وقالت وزارة الدفاع الأمريكية إن القوات وصلت إلى منطقة كورسك.",
            "وقال باسكال دايز-بيرغون، المتخصص في شؤون الكوريتين، إن التصعيد مستبعد.",
        ],
    })
    documents = pd.DataFrame({"doc": ["a.txt", "b.txt"], "source": ["الحرة", ""]})
    return ActorExtractor().fit(lines, documents)


def total(fitted, name):
    return int(fitted.counts_.loc[fitted.counts_["name"] == name, "mentions"].sum())


def test_spelling_variants_are_merged_by_the_rules(fitted):
    assert total(fitted, "بيونغ يانغ") == 2  # بيونغ يانغ and بيونج يانج
    assert total(fitted, "دونالد ترامب") == 2  # ترمب and ترامب
    merged = fitted.merged_variants_
    by_variant = dict(zip(merged["variant"], merged["merged_by"]))
    assert "غ → ج" in by_variant["بيونج يانج"]
    assert "ترمب → ترامب" in by_variant["ترمب"]
    assert "بلينكين → بلينكن" in by_variant["بلينكين"]


def test_a_title_finds_a_name_the_gazetteer_lacks(fitted):
    people = set(fitted.counts_.loc[fitted.counts_["kind"] == "person", "name"])
    assert "تشوي سون هوي" in people  # نظيرته ... تشوي سون هوي
    assert "باسكال دايز-بيرغون" in people  # name, then its title after a comma
    # The name stops where the corpus stops supporting it: not "أنتوني بلينكن إن".
    assert not any(name.endswith(" إن") for name in people)


def test_institutions_and_places_from_patterns(fitted):
    kinds = dict(zip(fitted.counts_["name"], fitted.counts_["kind"]))
    assert kinds["وزارة الدفاع الأمريكية"] == "institution"
    assert kinds["كورسك"] == "place"


def test_counts_per_document_with_outlet_and_traceable_mentions(fitted):
    lavrov = fitted.counts_[fitted.counts_["name"] == "سيرغي لافروف"]
    assert lavrov[["doc", "mentions"]].values.tolist() == [["b.txt", 2]]  # full name + surname
    assert lavrov["variants"].iloc[0] == "سيرغي لافروف | لافروف"
    blinken = fitted.counts_[fitted.counts_["name"] == "أنتوني بلينكن"]
    assert blinken["outlet"].tolist() == ["الحرة"]
    assert set(fitted.counts_.loc[fitted.counts_["doc"] == "b.txt", "outlet"]) == {"b.txt"}
    m = fitted.mentions_.iloc[0]
    assert m["end"] > m["start"]


def test_a_leading_conjunction_or_preposition_is_not_part_of_the_name():
    lines = frame({"d.txt": ["التقى وزير الخارجية سيرغي لافروف ثم وصل لافروف إلى موسكو ولموسكو مكانة."]})
    fitted = ActorExtractor().fit(lines)
    moscow = fitted.mentions_[fitted.mentions_["name"] == "موسكو"]
    assert moscow["surface"].tolist() == ["موسكو", "موسكو"]
    text = lines["text"].iloc[0]
    assert [text[s:e] for s, e in zip(moscow["start"], moscow["end"])] == ["موسكو", "موسكو"]


def test_a_verb_after_a_title_is_not_a_name():
    lines = frame({"d.txt": ['وقال إن زعيم كوريا الشمالية "أوعز بتقديم الدعم".',
                             "وقالت إن المرشح الجمهوري لرغبته في السلام يتقدم."]})
    people = set(ActorExtractor().fit(lines).counts_.query("kind == 'person'")["name"])
    assert "أوعز" not in people and "لرغبته" not in people


def test_merge_rules_are_data(tmp_path):
    rules = tmp_path / "rules.csv"
    rules.write_text("find,replace,scope,note\nبوتن,بوتين,word,test rule\n", "utf-8")
    lines = frame({"d.txt": ["قال بوتن إن الحرب مستمرة، وأكد بوتين ذلك."]})
    fitted = ActorExtractor(merge_rules=rules).fit(lines)
    assert total(fitted, "فلاديمير بوتين") == 2
    assert load_merge_rules(rules)[0].find == normalize_arabic("بوتن")


def test_outlets_fall_back_to_the_document():
    docs = pd.DataFrame({"doc": ["x", "y"], "source": ["okaz", ""]})
    assert outlets(docs).to_dict() == {"x": "okaz", "y": "y"}


def test_coverage_lines_keep_only_core(seed_lines):
    labels = seed_lines[["doc", "line"]].assign(label=["core" if i % 2 else "insert" for i in range(len(seed_lines))])
    kept = coverage_lines(seed_lines, labels)
    assert len(kept) == (labels["label"] == "core").sum()


def test_a_letters_rule_leaves_short_native_words_alone():
    lines = frame({"d.txt": ["وصل الوفد إلى جدة أمس.", "وأصيب المريض في الغدة الدرقية."]})
    fitted = ActorExtractor().fit(lines)
    assert fitted.mentions_["surface"].tolist() == ["جدة"]


def names(*texts: str) -> dict[str, str]:
    fitted = ActorExtractor().fit(frame({"d.txt": list(texts)}))
    return dict(zip(fitted.counts_["name"], fitted.counts_["kind"]))


def test_a_one_word_place_after_a_trigger_is_kept_even_once():
    # Seed lines (003, 001): «مدينة بوكروفسك» once; «منطقة آمور بأقصى» once, the name stopping
    # before بأقصى (ب + أقصى, a word of the corpus).
    found = names("وبات على مقربة من مدينة بوكروفسك، والتي تعتبر مركزاً لوجستياً مهماً.",
                  "يزوران قاعدة «فوستوشني» في منطقة آمور بأقصى شرق روسيا (أرشيفية - رويترز)",
                  "وأن أغلبهم انتقلوا إلى منطقة كورسك في أقصى الغرب.")
    assert found.get("بوكروفسك") == "place" and found.get("آمور") == "place"
    assert "آمور بأقصى" not in found


def test_a_verb_after_a_place_trigger_is_not_a_place():
    found = names("وقعت الاشتباكات في منطقة تخضع، بحسب المصادر، لسيطرة القوات.",
                  "وقصفت القوات مدينة شهدت، خلال الأسبوع، معارك عنيفة.")
    assert "تخضع" not in found and "شهدت" not in found


def test_a_name_may_start_with_waw():
    # Seed line (004): the name before its title, whose surname begins with و.
    found = names("حذر روبرت وود، نائب السفير الأميركي لدى الأمم المتحدة، من أن الجنود سيعودون.",
                  "وتشير ماريا زاخاروفا، المتحدثة باسم الخارجية الروسية، إلى أن العلاقات قوية.")
    assert found.get("روبرت وود") == "person"  # not «حذر روبرت وود»: a verb of speech is no name
    assert found.get("ماريا زاخاروفا") == "person"  # not «وتشير ماريا زاخاروفا»


def test_a_surname_with_the_article_belongs_to_the_name():
    # Dev-split style lines: the surname carries ال (الجبير، العبادي، الحوثي); a day after the
    # name (الأربعاء) and a common noun whose bare form the corpus uses (الشهر: شهر) do not.
    found = names("وقال وزير الخارجية السعودي عادل الجبير إن المملكة تدعم الحكومة الشرعية.",
                  "واستقبل رئيس الوزراء العراقي حيدر العبادي الأربعاء وفدا من الأنبار.",
                  "وهاجم زعيم الجماعة عبد الملك الحوثي التحالف في خطاب متلفز.",
                  "وزار الرئيس الروسي بوتين الشهر الماضي المنطقة بعد شهر من الاتفاق.")
    assert found.get("عادل الجبير") == "person" and "عادل" not in found
    assert found.get("حيدر العبادي") == "person"
    assert found.get("عبد الملك الحوثي") == "person"
    assert "بوتين الشهر" not in found


def test_a_person_named_without_a_title():
    # A given name opens the name; the rest are name words. «علي» (على "on" as scraped text
    # often writes it) opens a name only after a title; «وبعثة» after a title is "and the mission".
    found = names("وقال محمد صافي لمراسلنا إن الأمن أفضل هذا العام.",
                  "وأكد خالد بحاح أن الحكومة ستعود إلى عدن قريبا.",
                  "ونظم الموظفون وقفة احتجاجا علي نهب حقوقهم.",
                  "ودعا الأمين العام للأمم المتحدة وبعثة الأمم المتحدة إلى التهدئة.")
    assert found.get("محمد صافي") == "person" and found.get("خالد بحاح") == "person"
    assert not any(n.startswith(("علي", "وبعثة")) for n in found)


def test_countries_and_cities_from_cldr():
    # أفغانستان and كابول are in no hand list of the toolkit: CLDR's Arabic names (babel).
    found = names("وصل الوفد إلى كابول قادما من أفغانستان الشمالية عبر طاجيكستان.",
                  "وتحدث التقرير عن العالم العربي وعن الدعم المالي للمنظمات.")
    assert found.get("كابول") == "place" and found.get("أفغانستان") == "place"
    assert found.get("طاجيكستان") == "place"
    assert "العالم" not in found and "مالي" not in found  # ordinary words listed in cldr_not_places


def test_a_name_linked_by_bin_and_its_family_name():
    found = names("أكد وزير التعليم الدكتور عزام بن محمد الدخيل، خلال اجتماع عقده مع وكلاء الوزارة.",
                  "كما وجّه الأمير خالد الفيصل محافظي ورؤساء المراكز بمنطقة مكة المكرمة.",
                  "وحضر الحفل الأمير خالد بن سلطان.")
    assert found.get("عزام بن محمد الدخيل") == "person"
    assert found.get("خالد الفيصل") == "person" and "خالد الفيصل محافظي" not in found


def test_a_name_stops_before_a_possessive_an_adverb_or_the_next_name():
    found = names("وقدم منسق اللجنة أحمد سليمان شكره لكافة الحضور.",
                  "وجاء الكيني إيمانويل كيبسانغ ثالثا في السباق.",
                  "وسجل الأهداف اللاعب عبدالله عواجي وسالم الخيبري.")
    assert found.get("أحمد سليمان") == "person" and found.get("إيمانويل كيبسانغ") == "person"
    assert found.get("عبدالله عواجي") == "person" and "عبدالله عواجي وسالم" not in found


def test_a_body_or_a_place_named_after_a_person_is_no_person():
    found = names("وصل الوفد إلى مطار الملك خالد الدولي بالرياض.",
                  "وتخرج في جامعة الملك فيصل قبل عشر سنوات.")
    assert not any(kind == "person" for kind in found.values())
    assert found.get("جامعة الملك فيصل") == "institution"


def test_a_body_with_its_place_and_the_title_after_it():
    found = names("وقال الناطق الإعلامي باسم شرطة المنطقة الشرقية العقيد زياد الرقيطي: «ورد بلاغ إلى "
                  "شرطة محافظة حفر الباطن».")
    assert found.get("زياد الرقيطي") == "person"
    assert found.get("شرطة المنطقة الشرقية") == "institution"
    assert found.get("شرطة محافظة حفر الباطن") == "institution"


def test_a_speaker_by_family_name_and_a_quoted_company():
    found = names("وأضاف العويفي: إن البلدية قامت بتجهيز المواقع.",
                  "وذكرت «فورد» أنها شكلت فريقا عالميا.",
                  "وأضاف البيان أن الاجتماع ناقش الأوضاع.")  # a nisba in -ي speaks, البيان does not
    assert found.get("العويفي") == "person" and found.get("فورد") == "institution"
    assert "البيان" not in found


# --------------------------------------------------------------------------- contexts
# Players and coaches named after a title (اللاعب، المدرب) and a nationality: the nationalities
# stand before three different known persons each, and are learned as persons' contexts.
TITLED_PLAYERS = ["وسجل اللاعب البرازيلي نيمار دا سيلفا هدفا.", "وتألق اللاعب البرازيلي داني ألفيس.",
                  "وغاب اللاعب البرازيلي فيليبي كوتينيو.", "وقال المدرب الأرجنتيني دييغو سيميوني إن",
                  "وأكد المدرب الأرجنتيني ماوريسيو بوكيتينو أن", "وأشار المدرب الأرجنتيني مارسيلو بييلسا إلى"]


def test_words_before_known_persons_find_persons_named_without_a_title():
    # The nationality before a titled person's name («اللاعب البرازيلي ...») is learned as a
    # person's context; a name after two such words is a person, without a title.
    lines = frame({
        "a.txt": TITLED_PLAYERS,
        "b.txt": ["وسجل البرازيلي روبرتو فيرمينو هدفين.", "وأشاد الأرجنتيني روبرتو فيرمينو بزملائه.",
                  "وصل البرازيلي مدربا للفريق.", "وسافر الأرجنتيني ميسي."],
    })
    model = ActorExtractor().fit(lines)
    contexts = set(model.person_contexts_["word"])
    assert {"البرازيلي", "الارجنتيني"} <= contexts
    persons = set(model.counts_.loc[model.counts_["kind"] == "person", "name"])
    assert "روبرتو فيرمينو" in persons
    found = model.discovered_.set_index("name")
    assert found.loc["روبرتو فيرمينو", "found_by"] == "context"
    # After one context word only (ميسي), or an accusative noun (مدربا): no new person.
    assert "ميسي" not in persons and "مدربا" not in persons


def test_a_word_the_corpus_writes_before_other_names_is_a_given_name_not_a_person():
    # ماركوس stands after two learned contexts, but is mostly the first word of a longer name:
    # counted alone it would merge several men.
    lines = frame({
        "a.txt": TITLED_PLAYERS,
        "b.txt": ["وسجل البرازيلي ماركوس هدفين.", "وأشاد الأرجنتيني ماركوس بزملائه.", "ولعب ماركوس روخو أساسيا.",
                  "وغاب ماركوس ألونسو عن المباراة.", "وسجل ماركوس راشفورد هدفا."],
    })
    persons = set(ActorExtractor().fit(lines).counts_.query("kind == 'person'")["name"])
    assert "ماركوس" not in persons


def test_contexts_learned_over_partitions_are_those_of_the_whole_corpus():
    # The steps as a run takes them over two partitions (``findings_stages``): the same
    # contexts, the same names, the same mentions as one fit of the whole.
    lines = frame({
        "a.txt": TITLED_PLAYERS,
        "b.txt": ["وسجل البرازيلي روبرتو فيرمينو هدفين.", "وأشاد الأرجنتيني روبرتو فيرمينو بزملائه."],
    })
    whole = ActorExtractor().fit(lines)
    parted = ActorExtractor().begin()
    parts = [parted.partition_words(lines[lines["doc"] == doc]) for doc in ("a.txt", "b.txt")]
    parted.learn_words([parted.word_statistics(p) for p in parts])
    parted.learn_given([parted.read_titled(p) for p in parts])
    parted.learn_untitled([parted.read_untitled(p) for p in parts])
    parted.learn_names([parted.count_asked(p) for p in parts])
    parted.learn_contexts([parted.count_contexts(p) for p in parts])
    parted.learn_context_names([parted.read_contexts(p) for p in parts])
    found = [parted.find_mentions(p) for p in parts]
    parted.learn_spellings([surfaces for _, surfaces in found])
    mentions = parted.mention_table([row for rows, _ in found for row in rows])
    pd.testing.assert_frame_equal(parted.person_contexts_, whole.person_contexts_)
    pd.testing.assert_frame_equal(parted.discovered_, whole.discovered_)
    pd.testing.assert_frame_equal(mentions, whole.mentions_)
    assert "روبرتو فيرمينو" in set(mentions["name"])


def test_contexts_can_be_turned_off():
    lines = frame({"a.txt": ["وسجل البرازيلي روبرتو فيرمينو هدفين.", "وأشاد الأرجنتيني روبرتو فيرمينو بزملائه."]})
    model = ActorExtractor(context_persons=0).fit(lines)
    assert model.person_contexts_.empty
    with pytest.raises(ValueError, match="context_persons"):
        ActorExtractor(context_persons=-1).fit(lines)


def test_a_describing_head_is_outside_the_mention_of_the_name_after_it():
    lines = frame({"a.txt": [
        "وقالت شركة «فيليبس» إن المصباح يعمل عشرين عاما.",
        "وأنهت إدارة نادي التعاون انتقال المهاجم من النادي الأهلي.",
        "وهاجم تنظيم داعش القرية.",
        "وقالت وزارة الصحة إن الحالات تراجعت.",
        "وقالت وكالة غوث وتشغيل اللاجئين إن أزمتها المالية مستمرة.",
    ]})
    model = ActorExtractor().fit(lines)
    surfaces = set(model.mentions_["surface"])
    # The name used alone is the mention (the labels of NER test sets are drawn so too).
    assert {"فيليبس", "التعاون", "الأهلي", "داعش"} <= surfaces
    assert not surfaces & {"شركة «فيليبس»", "نادي التعاون", "النادي الأهلي", "تنظيم داعش"}
    # A name built on its head keeps it.
    assert "وزارة الصحة" in surfaces
    left_out = ActorExtractor().begin()._head_left_out
    assert not left_out(tuple(normalize_arabic("وكالة غوث وتشغيل اللاجئين").split()))
    assert left_out(tuple(normalize_arabic("منظمة أوبك").split()))
    for m in model.mentions_.itertuples():
        text = "\n".join(lines.loc[lines["doc"] == m.doc, "text"])
        assert text[m.start:m.end] == m.surface


def test_a_kunya_or_a_nasab_opens_a_persons_name():
    lines = frame({"a.txt": [
        "وأوضحت أم محمد أنها حضرت للاستفسار.",
        "ترجموا كتب الفارابي وابن سينا إلى اللاتينية.",
        "ولا يعرف هل يوافق أم لا.",
        "وحضر ابن عمه الحفل.",
    ]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert {"أم محمد", "ابن سينا"} <= persons
    assert not any(p.startswith(("أم لا", "ابن عم")) for p in persons)


def test_a_given_name_that_is_also_a_word_needs_a_family_name_after_it():
    lines = frame({"a.txt": [
        "وسجل سالم الخيبري هدفا.",
        "وهذا عمل صالح يستحق الشكر.",
        "وكان كريم الأخلاق.",
        "ويبقى أمل الشعب في الإصلاح.",
        # the corpus writes أخلاق and شعب as words of their own: الأخلاق، الشعب are no family names
        "لكل مهنة أخلاق.", "وهو شعب عظيم.",
    ]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert persons == {"سالم الخيبري"}


def test_a_time_word_ends_a_bodys_name():
    lines = frame({"a.txt": ["وقصف الجيش السوري الأسبوع الماضي مواقع المعارضة.", "وقال الجيش السوري إن"]})
    bodies = set(ActorExtractor().fit(lines).counts_.query("kind == 'institution'")["name"])
    assert "الجيش السوري" in bodies and not any("الأسبوع" in b for b in bodies)


def test_a_short_acronym_matches_only_as_written_and_a_name_stops_at_a_quotation():
    lines = frame({"a.txt": ["أبوظبي (وام) - أعلنت الوزارة الخطة.",
                             "وأوضحت أم محمد «أرملة وأم لطفلين» أنها حضرت.",
                             "وقال الرئيس «جو» بايدن إن الاتفاق قريب."]})
    mentions = ActorExtractor().fit(lines).mentions_
    assert "وام" in set(mentions["surface"]) and "وأم" not in set(mentions["surface"])
    persons = set(mentions.query("kind == 'person'")["surface"])
    assert "أم محمد" in persons and not any("أرملة" in p for p in persons)
    assert "جو بايدن" in persons  # one quoted word is still a name word


def test_a_father_s_name_that_is_also_a_word_stands_between_two_names():
    lines = frame({"a.txt": [
        "وبدأ الحفل بكلمة لمدير العلاقات العامة نايف جابر البرقاني.",
        "وكان الجابر حاضرا في الحفل.",  # the corpus writes جابر with the article: a word of its own
        "وعاد الوفد يوم الخميس إلى الرياض.",
        "وصل محمد يوم الخميس إلى جدة.",  # يوم between a given name and an ال-word that is a word
        "ويصادف الخميس عطلة.",
    ]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "نايف جابر البرقاني" in persons
    assert not any("يوم" in p for p in persons)


def test_a_family_name_the_corpus_also_writes_with_the_article_after_a_given_name():
    # مجرشي stands right after a given name in most of its occurrences: a family name, though
    # the corpus also writes المجرشي (which alone would make it a common word).
    lines = frame({"a.txt": [
        "أنهى نادي التعاون انتقال المهاجم محمد مجرشي من النادي الأهلي.",
        "وقال محمد مجرشي إنه سعيد بالانتقال.",
        "وأشاد المدرب بالمجرشي بعد التدريب.",
        "وتحدث عن الحرب طويلا.", "وقال محمد حرب إن الحرب انتهت.", "واستمرت الحرب عاما.",
    ]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "محمد مجرشي" in persons
    assert "محمد حرب" not in persons  # حرب: after a given name in one of its four occurrences


def test_a_kunya_gives_no_surname_to_the_name_inside_it():
    lines = frame({"a.txt": ["وقالت أم خالد إنها انتظرت طويلا.", "وأضافت أم خالد أن الأسعار ارتفعت.",
                             "وروت أم خالد قصتها."],
                   "b.txt": ["ووصل خالد إلى المطار."]})
    mentions = ActorExtractor().fit(lines).mentions_
    assert not ((mentions["name"] == "أم خالد") & (mentions["surface"] == "خالد")).any()


def test_ali_opens_a_name_whose_family_name_is_a_word_too():
    lines = frame({"a.txt": ["ثم ألقى رئيس البلدية علي الرفاعي كلمة هنأ فيها الموظفين.",
                             "وفاز رفاعي آخر بالجائزة."]})  # رفاعي is a word of the corpus too
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "علي الرفاعي" in persons


def test_a_person_named_before_an_age_in_brackets_even_once():
    # An age in brackets follows a person's name in news and nothing else; the proclitic on
    # the name (للانزيني) stays out, though the name itself begins with ل.
    lines = frame({"a.txt": ["وسبق للانزيني (22 عاما) ان مثل منتخب الارجنتين.",
                             "وقال لانزيني لمحطة وست هام التلفزيونية إنه سعيد.",
                             "وأصيب المواطن سعد الدوسري (35 سنة) في الحادث، وقال المواطن إنه بخير."]})
    persons = ActorExtractor().fit(lines).mentions_.query("kind == 'person'")
    assert {"لانزيني", "سعد الدوسري"} <= set(persons["surface"])
    assert persons.loc[persons["surface"] == "لانزيني", "start"].min() == len("وسبق ل")
    assert not persons["surface"].str.contains("المواطن").any()


def test_a_name_beginning_with_lam_is_not_the_article_behind_a_proclitic():
    # للانزيني reads as ل + لانزيني where the corpus writes لانزيني alone; للجمرك stays ل +
    # الجمرك where it writes جمرك (a common noun: no person after مدير عام).
    lines = frame({"a.txt": ["وقال المدرب لانزيني إن الفريق جاهز.", "وأشاد المدرب لانزيني باللاعبين.",
                             "وأضاف للانزيني أن التحضير جيد."],
                   "b.txt": ["أوضح مدير عام جمرك المطار أن الشحنة ضبطت.", "وقال مدير عام جمرك المطار إن التفتيش دقيق.",
                             "وقدم المسافر للجمرك أوراقه، وجمرك الميناء أيضا."]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "لانزيني" in persons and "جمرك" not in persons


def test_a_speaker_named_alone_twice_without_the_article():
    # «وأكد كاتزمان أن»: a bare word the corpus never writes with the article, where a speaker
    # stands, twice; a common noun there (مصدر: المصدر) is none, nor a name seen there once.
    lines = frame({"a.txt": ["وأكد كاتزمان أن الشركة ستعلن نتائجها.", "وأضاف كاتزمان: إن الأرباح ارتفعت.",
                             "وقال مصدر إن المصدر الآخر نفى.", "وقال هولبروكس إن الأمر انتهى."]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "كاتزمان" in persons and "مصدر" not in persons and "هولبروكس" not in persons


def test_a_family_name_after_a_given_name_twice_is_part_of_the_name():
    # محمد opens thousands of names: the family name that follows it twice, and stands nowhere
    # else, belongs to it (not «محمد» alone, which would merge different men).
    lines = frame({"a.txt": ["أنهت إدارة النادي انتقال المهاجم محمد مجرشي من النادي الأهلي.",
                             "وأكد اللاعب محمد مجرشي سعادته.", "وقال محمد إن", "وحضر محمد الاجتماع.",
                             "وغاب محمد عن التدريب."]})
    persons = set(ActorExtractor().fit(lines).mentions_.query("kind == 'person'")["surface"])
    assert "محمد مجرشي" in persons and "محمد" not in persons


def test_a_bodys_name_ends_with_its_complement_in_lam_where_the_corpus_mostly_writes_it_so():
    # «مركز الملك سلمان للإغاثة والأعمال الإنسانية» named so each time; «مجلس الأمن الدولي
    # للتدخل» once, the council named alone twice: what it was asked, not its name.
    lines = frame({"a.txt": ["وصلت المعونات المقدمة من مركز الملك سلمان للإغاثة والأعمال الإنسانية إلى المدينة.",
                             "وأوضح مركز الملك سلمان للإغاثة والأعمال الإنسانية أن الدفعة الثالثة وصلت.",
                             "وتشمل الإغاثة توزيع الغذاء، وتستمر الأعمال حتى نهاية الشهر."],
                   "b.txt": ["وطالب المتظاهرون مجلس الأمن الدولي للتدخل فورا.", "وقال مجلس الأمن الدولي إن الوضع خطير.",
                             "واجتمع مجلس الأمن الدولي أمس."]})
    bodies = set(ActorExtractor().fit(lines).mentions_.query("kind == 'institution'")["surface"])
    assert "مركز الملك سلمان للإغاثة والأعمال الإنسانية" in bodies
    assert "مجلس الأمن الدولي" in bodies and not any("للتدخل" in b for b in bodies)


def test_a_place_noun_left_without_its_place_ends_no_bodys_name():
    # «شرطة محافظة حفر الباطن»: حفر is a word of the corpus (الحفر), so no place is read after
    # محافظة, and «شرطة محافظة» is no body; «شرطة منطقة الرياض» is one, with its place.
    lines = frame({"a.txt": ["ورد بلاغ إلى شرطة محافظة حفر الباطن مساء أمس.", "وتواصل أعمال الحفر في الموقع.",
                             "وأعلنت شرطة منطقة الرياض أنها قبضت على المتهم."]})
    bodies = set(ActorExtractor().fit(lines).mentions_.query("kind == 'institution'")["surface"])
    assert "شرطة محافظة" not in bodies and "شرطة منطقة الرياض" in bodies


def test_a_clubs_name_leaves_out_its_countrys_adjective():
    lines = frame({"a.txt": ["وقد اتفق اللاعب مع نادي الافريقي التونسي على انهاء العقد.",
                             "وانتقل إلى نادي الترجي الرياضي في الموسم الماضي."]})
    clubs = set(ActorExtractor().fit(lines).mentions_.query("kind == 'institution'")["surface"])
    assert "الافريقي" in clubs and "الترجي الرياضي" in clubs


def test_a_national_force_or_police_with_its_nisba_is_one_institution():
    found = names("ذكرت الشرطة الألمانية اليوم الأحد أن رجلا مخمورا دخل المطار.",
                  "قتل أربعة من عناصر القوات المسلحة المصرية بينهم ضابط.",
                  "وقصف سلاح الجو الليبي مواقع للمسلحين.")
    assert found.get("الشرطة الألمانية") == "institution"
    assert found.get("القوات المسلحة المصرية") == "institution"
    assert found.get("سلاح الجو الليبي") == "institution"


def test_the_country_as_the_adjective_of_a_noun_is_no_place():
    fitted = ActorExtractor().fit(frame({"d.txt": ["دخلت الشاحنات الأراضي السعودية أمس.",
                                                   "وقالت الجمارك السعودية إنها ضبطت الشحنة.",
                                                   "ووصل الوفد إلى السعودية أمس."]}))
    places = fitted.mentions_[fitted.mentions_["kind"] == "place"]
    assert places["line"].tolist() == [3]


def test_the_outlet_of_a_dateline_is_an_organisation():
    found = names("رويترز- كراتشي: قتل خمسة أشخاص في انفجار.",
                  "سبق- مكة المكرمة: نظم شباب الحي حفلا للمعايدة.",
                  "محمد البقمي- جدة: ناشدت والدة المواطن الجهات المختصة.")
    assert found.get("رويترز") == "institution" and found.get("سبق") == "institution"
    assert found.get("محمد البقمي") != "institution"  # a reporter's byline: a person, not an outlet
