import pandas as pd
import pytest

from toolkit.corpus.clean import ChromePatterns, LineCleaner
from toolkit.corpus.segment import split_lines

BODY = [
    "قالت وزارة الخارجية إن آلاف الجنود وصلوا إلى المنطقة الحدودية خلال الأسبوع الماضي وبدأوا التدريب على المدفعية.",
    "وأضاف المتحدث أن التعاون العسكري بين البلدين يتوسع منذ توقيع معاهدة الدفاع المشترك في يونيو الماضي.",
    "وأكد الخبراء أن هذه الخطوة قد تغير ميزان القوى في الحرب الدائرة منذ أكثر من عامين ونصف العام.",
    "ويرى محللون أن الشراكة الاستراتيجية تمنح موسكو ذخائر وجنودا مقابل تكنولوجيا ومساعدات اقتصادية.",
]


def _lines(docs: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for doc, lines in docs.items():
        text = "\n\n".join(lines)
        rows.append({"doc": doc, "path": doc, "text": text, "sha256": "", "encoding": "utf-8",
                     "n_chars": len(text), "title": "", "source": "", "date": "", "url": ""})
    return split_lines(pd.DataFrame(rows))


def _labels(cleaned: pd.DataFrame, doc="a.txt") -> list[str]:
    return cleaned[cleaned["doc"] == doc]["label"].tolist()


def test_exact_and_near_duplicates():
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "موسكو وبيونج يانج.. شراكة استراتيجية وسط اتهامات بدعم روسيا في أوكرانيا",
        "موسكو وبيونج يانج: شراكة استراتيجية وسط الاتهامات بدعم روسيا في أوكرانيا",
        *BODY,
        BODY[0],
    ]}))
    labels = _labels(cleaned)
    assert labels == ["", "duplicate", "", "", "", "", "duplicate"]
    assert "near-repeat of line 1" in cleaned["reason"].iloc[1]
    assert cleaned["reason"].iloc[-1] == "repeats line 5"


def test_lines_that_differ_in_a_number_or_a_short_word_are_no_repeats():
    # A recipe's two spoons of salt, a league's group tables, two letters' signatures: short
    # lines one word or number apart are different lines; the headline scraped twice is not.
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "موسكو وبيونج يانج شراكة استراتيجية", "موسكو وبيونج يانج: شراكة استراتيجية",
        *BODY,
        "- ملعقة صغيرة من الملح.", "- 1.5 ملعقة صغيرة من الملح.",
        "ترتيب المجموعة الثانية", "ترتيب المجموعة الثالثة",
        "ام محمد ـ الدمام", "ام حمد ـ الدمام",
        "تم تخفيض أرباح الربع الأول من العام 2013 المنشورة سابقا والبالغة 1,340 مليون ريال",
        "تم تخفيض أرباح الربع الثاني من العام 2013 المنشورة سابقا والبالغة 1,276 مليون ريال",
    ]}))
    labels = _labels(cleaned)
    assert labels[1] == "duplicate"
    assert labels[2:] == [""] * 12


def test_chrome_lines_and_trailing_block():
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "TT", *BODY,
        "هل أعجبك المحتوى؟ اشترك في نشرتنا البريدية",
        "قيم المقال", "أقدم", "Inline Feedbacks", "مشاهدة كل التعليقات",
    ]}))
    labels = _labels(cleaned)
    assert labels[0] == "boilerplate"            # no Arabic words
    assert labels[1:5] == ["", "", "", ""]
    assert labels[5:] == ["boilerplate"] * 5     # phrases, and 'أقدم' inside the trailing block


def test_section_markers_are_no_chrome_around_a_poem_or_a_column():
    # A poem numbered «1», «2» and a column of short items between «***»: the markers carry no
    # text, the verses and items between them are the article's, and the e-mail footer with
    # the short line after it is still chrome.
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "«1»", "بخيال مرهف", "أبني لك كل لحظة", "قصور تحاكي القمم..",
        "«2»", "حينما أشعل", "في الليل وجد", "التباريح..",
        "***", "- العتب على من يدفعه لمثل تلك المواقف ثم يتخلى عنه عند تورطه.",
        "***", "- الاعتذار الأخير جاء بعد الخروج بكفالة.",
        "***", "salem_sahab@hotmail.com", "تبدأ بالرمز ثم مسافة ثم نص الرسالة",
    ]}))
    labels = _labels(cleaned)
    reasons = cleaned["reason"].tolist()
    assert [labels[i] for i in (0, 4, 8, 10, 12)] == ["boilerplate"] * 5
    assert "no letters" in reasons[0] and "no letters" in reasons[8]
    assert labels[1:4] == labels[5:8] == ["", "", ""]
    assert labels[9] == labels[11] == ""
    assert labels[13:] == ["boilerplate", "boilerplate"]


def test_a_numbered_list_of_apps_is_no_share_widget():
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "* نقدم لكم التطبيقات الأكثر تحميلا في متجري «آي تونز» و«غوغل بلاي» عالميا خلال الأسبوع الماضي",
        "* التطبيقات المجانية", "1. لعبة «آغار. آي أو» Agar.io", "2. «فيسبوك ميسنجر» Facebook Messenger",
        "3. تطبيق «فيسبوك» Facebook", "4. تطبيق «إنستغرام» Instagram", "5. تطبيق «يوتيوب» YouTube",
        "تابعونا على فيسبوك",
    ]}))
    labels = _labels(cleaned)
    assert labels[:7] == [""] * 7
    assert labels[7] == "boilerplate"        # the widget under the list, not numbered


def test_a_numbered_list_in_latin_script_is_the_articles_list():
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        *BODY, "أفضل أفلام الغرب الأمريكي في رأي النقاد:",
        "3 - Unforgiven | Clint Eastwood (1992)", "4 - High Noon | Fred Zinnemann (1952)",
        "Next Previous",
    ]}))
    assert _labels(cleaned)[4:] == ["", "", "", "boilerplate"]


def test_one_word_phrase_does_not_hit_a_headline():
    # 'تعليقات' is chrome as a widget label, not inside a headline in the article body.
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "تعليقات الرئيس الروسي تثير موجة من الانتقادات في العواصم الغربية", *BODY]}))
    assert _labels(cleaned)[0] == ""


def test_related_block_ends_where_the_body_resumes():
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        *BODY[:2],
        "اقرأ أيضاً",
        "روسيا تعلن السيطرة على بلدة جديدة في شرق أوكرانيا",
        "«الشرق الأوسط» (موسكو)",
        *BODY[2:], "وأشار مسؤول عسكري إلى أن الوحدات الجديدة ستنتشر على طول الجبهة الشرقية خلال الأيام المقبلة.",
        "وتابع المتحدث أن الحلفاء يتشاورون عن كثب بشأن الآثار المترتبة على هذه التطورات في المنطقة.",
    ]}))
    labels = _labels(cleaned)
    assert labels[2:5] == ["related"] * 3
    assert labels[5:] == [""] * 4


@pytest.mark.parametrize("prose, footer, label", [
    # «Other articles by the writer» with its titles run together on one line, after a column;
    # a paragraph that opens with «قد يهمك» is prose, not a marker.
    ("قد يهمك أن تعرف أن الشراكة بين البلدين بدأت قبل سنوات طويلة من توقيع المعاهدة الأخيرة بينهما.",
     "مقالات أخرى للكاتبلماذا لا يعمم برنامج إيران؟!داعش حرب شاملةحربنا ضد داعشعيد بروح الانتصار",
     "related"),
    # Al-Weeam prints the story's link with its headline under the body: chrome, even with a
    # long headline; the same words at the end of a body sentence are not a line of their own.
    ("وجرى خلال الاجتماع استعراض مستجدات الأوضاع على الساحة اللبنانية. رابط الخبر بصحيفة الوئام: لقاء",
     "رابط الخبر بصحيفة الوئام: رئيس اللجنة المنظمة لكأس العالم بروسيا يرى في بلاتر “ضحية وشخصية في غاية الشجاعة”",
     "boilerplate"),
], ids=["teasers scraped onto the marker line", "the story link under an article"])
def test_a_footer_line_is_set_aside_and_prose_like_it_is_not(prose, footer, label):
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [*BODY, prose, footer]}))
    labels = _labels(cleaned)
    assert labels[:5] == [""] * 5
    assert labels[5] == label


def test_related_block_ends_at_a_new_article_header():
    caption = "تظهر هذه الصورة الملتقطة في 21 نوفمبر الزعيم الكوري الشمالي في معرض للدفاع الوطني"
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        *BODY, "مقالات ذات صلة",
        "روسيا: قصف أوكرانيا بصاروخ فرط صوتي تحذير للغرب",
        "قال الكرملين إن الضربة تهدف إلى تحذير الغرب.",
        "كيم: التواصل الدبلوماسي السابق يؤكد العداء الأميركي",
        caption, caption, *BODY,
    ]}))
    labels = _labels(cleaned)
    assert labels[4:7] == ["related"] * 3
    assert labels[7] == ""              # the next article's headline is not a teaser
    assert labels[8:10] == ["", "duplicate"]


def test_lines_repeated_across_documents_are_boilerplate():
    docs = {f"{i}.txt": [BODY[i % 4], "// انتهى //", "للمزيد من الأخبار تابعوا موقعنا الإخباري"] for i in range(6)}
    cleaner = LineCleaner(repeat_min_docs=5).fit(_lines(docs))
    cleaned = cleaner.transform(_lines(docs))
    assert cleaner.repeat_threshold_ == 5
    per_line = cleaned.groupby("line")["label"].agg(set)
    assert per_line.loc[1] == {""}
    assert per_line.loc[3] == {"boilerplate"}
    assert per_line.loc[5] == {"boilerplate"}
    assert "repeated in 6 documents" in set(cleaned["reason"])


def test_seed_cleaning_matches_hand_labels(seed_lines, gold):
    merged = seed_lines.merge(gold, on=["doc", "line"], suffixes=("", "_gold"))
    assert len(merged) == len(gold) == len(seed_lines)
    # No line of the articles' own coverage is set aside by cleaning ...
    assert (merged[merged["label_gold"] == "core"]["label"] == "").all()
    # ... and every chrome, related and repeated line is (inserted pieces are left to separation).
    for label in ("boilerplate", "duplicate", "related"):
        assert (merged[merged["label_gold"] == label]["label"] == label).all(), label


def test_pattern_file_is_data(tmp_path):
    custom = tmp_path / "patterns.yml"
    custom.write_text("related_markers: [روابط مفيدة]\nchrome_phrases: [حمل تطبيقنا]\nchrome_shapes: []\n", "utf-8")
    patterns = ChromePatterns.load(custom)
    assert patterns.related_markers == ("روابط مفيده",)
    cleaned = LineCleaner(patterns=custom).fit_transform(_lines({"a.txt": [*BODY, "حمل تطبيقنا الآن"]}))
    assert _labels(cleaned)[-1] == "boilerplate"
    bad = tmp_path / "bad.yml"
    bad.write_text("chrome_phrases: oops\n", "utf-8")
    with pytest.raises(ValueError, match="must be a list"):
        ChromePatterns.load(bad)


def test_counts_from_partitions_fit_like_the_whole_corpus():
    from toolkit.corpus.clean import short_line_keys

    docs = {f"{i}.txt": [BODY[i % 4], "// انتهى //", "للمزيد من الأخبار تابعوا موقعنا الإخباري"] for i in range(6)}
    lines = _lines(docs)
    whole = LineCleaner(repeat_min_docs=5).fit(lines)
    halves = [lines[lines["doc"].isin(["0.txt", "1.txt", "2.txt"])], lines[~lines["doc"].isin(["0.txt", "1.txt", "2.txt"])]]
    counts = pd.concat([short_line_keys(h).value_counts() for h in halves]).groupby(level=0).sum()
    parts = LineCleaner(repeat_min_docs=5).fit_counts(counts, n_docs=6)
    assert parts.repeated_keys_ == whole.repeated_keys_ and len(whole.repeated_keys_) == 2
    assert parts.repeat_threshold(6) == 5 and LineCleaner().repeat_threshold(10_000) == 20


def test_app_promotions_in_the_footer_are_chrome():
    # Any outlet's "sent from our app" footer, not only the seed's wording.
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        *BODY, "تم نشر هذا الخبر عبر تطبيق نبض", "التطبيق الأول لمتابعة الأخبار العاجلة في العالم العربي",
        "حمّل التطبيق مجاناً"]}))
    assert _labels(cleaned)[4:] == ["boilerplate"] * 3


def test_a_common_phrase_in_a_headline_is_not_chrome():
    # «مواقع التواصل الاجتماعي» and «أصوات» are news words, not widget labels.
    cleaned = LineCleaner().fit_transform(_lines({"a.txt": [
        "فيديو متداول على مواقع التواصل الاجتماعي يثير الجدل في موسكو", "أصوات المدافع", *BODY]}))
    assert _labels(cleaned)[:2] == ["", ""]
