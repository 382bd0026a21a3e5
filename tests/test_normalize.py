from toolkit.corpus import normalize as N


def test_diacritics_and_tatweel_are_removed():
    assert N.strip_diacritics("الْعَرَبِيَّةُ") == "العربية"
    assert N.strip_tatweel("كـــوريا") == "كوريا"


def test_letter_variants_fold():
    assert N.fold_alef("أإآٱ") == "اااا"
    assert N.fold_yeh("مستشفى رئيس") == "مستشفي رييس"
    assert N.fold_teh_marbuta("الشمالية") == "الشماليه"


def test_invisible_controls_and_digits():
    assert N.strip_invisible("\u200fكوريا\u200b\u202bالشمالية\u202c\ufeff") == "كورياالشمالية"
    assert N.western_digits("٢٠٢٤ و۱۰") == "2024 و10"


def test_match_key_agrees_on_spelling_variants():
    # 003's two headlines differ in punctuation and one word; the keys differ only there.
    a = N.match_key("موسكو وبيونج يانج.. شراكة استراتيجية")
    b = N.match_key("موسكو وبيونج يانج: شراكة استراتيجيّة")
    assert a == b == "موسكو وبيونج يانج شراكه استراتيجيه"
    assert N.match_key("إسرائيل") == N.match_key("اسرائيل")


def test_compose_runs_left_to_right():
    pipeline = N.compose(N.strip_tatweel, N.fold_alef)
    assert pipeline("أوكـرانيا") == "اوكرانيا"


def test_a_composed_normalizer_pickles_by_its_steps():
    # The topic model's vectorizer holds match_key-like pipelines; the stage cache pickles it.
    import pickle

    restored = pickle.loads(pickle.dumps(N.match_key))
    text = "موسكو وبيونج يانج: شراكة استراتيجيّة"
    assert restored(text) == N.match_key(text) and restored.steps[0](text) == N.normalize_arabic(text)


def test_consecutive_character_maps_run_as_one_with_the_same_result():
    # Fused into one str.translate, the maps must give what applying them in turn gives, also
    # when one map writes a character the next one maps (here a hamzated alef then folded).
    text = "\u200fقالَ الكرمليـــنُ إنّ بيونغ يانغ أرسلت ١٠٬٠٠٠ جنديّ إلى كورسك\u200b ومستشفى الطوارئ"
    steps = (N.unicode_nfkc, N.strip_invisible, N.strip_diacritics, N.strip_tatweel, N.fold_alef, N.fold_yeh,
             N.fold_teh_marbuta, N.western_digits, N.lowercase)
    one_by_one = text
    for step in steps:
        one_by_one = step(one_by_one)
    assert N.normalize_arabic(text) == one_by_one == "قال الكرملين ان بيونغ يانغ ارسلت 10٬000 جندي الي كورسك ومستشفي الطواري"
    writes_hamza = N._character_map(str.maketrans({"ء": "أ"}), "hamza_to_alef", "test map")
    assert N.compose(writes_hamza, N.fold_alef)("ءمن") == "امن"
    assert N.compose(N.fold_alef, writes_hamza)("ءمن") == "أمن"  # order kept
    assert N.match_key.steps[0] is N.normalize_arabic  # the normalizers given stay visible


def test_counts():
    assert N.count_arabic_words("TT") == 0
    assert N.count_arabic_words("بند التضامن") == 2
    assert N.arabic_letter_ratio("Subscribe") == 0.0
    assert N.arabic_letter_ratio("روسيا") == 1.0
