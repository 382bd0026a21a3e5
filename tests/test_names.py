"""How names are read: the longest known name at a token, the corpus's support for a name's
length, and the words that end a name."""

import pandas as pd

from toolkit.findings.actors import load_patterns
from toolkit.findings.names import CorpusWords, NameWords, Trie, WordStatistics
from toolkit.findings.words import tokenize


def lines_of(texts: list[str], doc: str = "a.txt") -> pd.DataFrame:
    return pd.DataFrame({"doc": doc, "line": range(1, len(texts) + 1), "start": 0, "text": texts})


def corpus(texts: list[str]) -> WordStatistics:
    """The word statistics of ``texts``, every phrase counted."""
    words = CorpusWords(lines_of(texts), lambda key: key)
    stats = words.word_sets()
    stats.phrases = words.count_phrases(3, lambda key: True)
    return stats


def test_statistics_summed_over_partitions_are_those_of_the_whole_corpus():
    texts = ["قال وزير الخارجية الروسي سيرغي لافروف إن", "وأكد سيرغي لافروف، أمس، أن الجيش",
             "التقى الرئيس فلاديمير بوتين في موسكو", "وقال بوتين إن سيرغي لافروف"]
    whole = CorpusWords(lines_of(texts), lambda key: key)
    parts = [CorpusWords(lines_of(texts[:2], "a.txt"), lambda key: key),
             CorpusWords(lines_of(texts[2:], "b.txt"), lambda key: key)]
    everything = lambda key: True  # noqa: E731
    merged = WordStatistics.merge([WordStatistics(w.word_sets().written, w.word_sets().vocabulary,
                                                  w.count_phrases(3, everything)) for w in parts])
    assert merged.written == whole.word_sets().written and merged.vocabulary == whole.word_sets().vocabulary
    assert merged.phrases == whole.count_phrases(3, everything)
    assert merged.phrases[("سيرغي", "لافروف")] == 3  # not across the comma: لافروف، أمس
    assert ("لافروف", "امس") not in merged.phrases
    # Counting only the phrases of name words: every phrase of them, none with another word.
    names = NameWords(load_patterns(), merged, set(), max_name_words=3, min_extend_ratio=0.6)
    named = whole.count_phrases(3, names.may_name)
    assert named[("سيرغي", "لافروف")] == 3 and not any("قال" in phrase for phrase in named)
    assert whole.count_these({("وزير", "الخارجيه"), ("بوتين", "في", "موسكو", "x")}, 3) == {("وزير", "الخارجيه"): 1}


def test_the_trie_finds_the_longest_name_with_a_proclitic_and_not_across_a_comma():
    trie = Trie()
    trie.add(("كوريا",), 1)
    trie.add(("كوريا", "الشماليه"), 2)
    tokens = tokenize("ولكوريا الشمالية جيش")
    keys = [t.key for t in tokens]
    assert trie.match(tokens, 0, keys) == (2, 2, 2, False)  # ول cut, two words
    tokens = tokenize("كوريا، الشمالية")
    assert trie.match(tokens, 0, [t.key for t in tokens]) == (1, 1, 0, False)
    assert trie.match(tokens, 1, [t.key for t in tokens]) is None


def test_a_name_runs_as_far_as_the_corpus_repeats_it():
    texts = ["قال سيرغي لافروف إن", "وأكد سيرغي لافروف أن", "التقى سيرغي لافروف أمس"]
    words = corpus(texts)
    names = NameWords(load_patterns(), words, set(), max_name_words=3, min_extend_ratio=0.6)
    tokens = tokenize(texts[2])
    keys = [t.key for t in tokens]
    assert [tokens[j].surface for j in names.take_name(tokens, keys, 1, 3)] == ["سيرغي", "لافروف"]


def test_a_common_word_of_the_corpus_ends_a_name():
    # الجيش occurs, so جيش after a name is the common noun, not a family name.
    texts = ["قال الرئيس بوتين جيش روسيا", "إن الجيش الروسي تقدم"]
    names = NameWords(load_patterns(), corpus(texts), set(), max_name_words=3, min_extend_ratio=0.6)
    tokens = tokenize(texts[0])
    keys = [t.key for t in tokens]
    assert [tokens[j].surface for j in names.take_name(tokens, keys, 2, 3)] == ["بوتين"]


def names_of(texts: list[str]) -> NameWords:
    return NameWords(load_patterns(), corpus(texts), set(), max_name_words=3, min_extend_ratio=0.6)


def surfaces(names: NameWords, text: str, k: int, **kw) -> list[str]:
    tokens = tokenize(text)
    return [tokens[j].surface for j in names.take_name(tokens, [t.key for t in tokens], k, 3, **kw)]


def test_a_given_name_is_a_name_word_though_the_corpus_writes_it_with_the_article():
    # In a large corpus every given name is somebody's family name (سعد المحمد).
    texts = ["وقال سعد المحمد إن", "أكد وزير التعليم الدكتور عزام بن محمد الدخيل أن", "كان الدخيل حاضرا",
             "وهو دخيل على المهنة"]
    names = names_of(texts)
    assert names.name_like("محمد")
    # After a given name the ال-word is the family name, though دخيل is a word of the corpus.
    assert surfaces(names, texts[1], 4, titled=True) == ["عزام", "بن", "محمد", "الدخيل"]


def test_a_given_name_is_not_read_as_a_proclitic_before_a_word_of_the_corpus():
    # فيصل is no ف before يصل ("arrives"), though the corpus writes يصل; فيقول, no given name,
    # is still ف + يقول.
    texts = ["بحضور نائب رئيس النادي فيصل أبا الخيل في مطار الملك خالد", "يصل الفريق غدا إلى الرياض",
             "فيقول المدرب إن الفريق يصل غدا", "ويقول اللاعب إنه جاهز"]
    names = names_of(texts)
    assert names.name_like("فيصل") and not names.name_like("فيقول")
    assert surfaces(names, texts[0], 4, titled=True)[:1] == ["فيصل"]


def test_a_rare_word_that_always_follows_a_shared_given_name_extends_it():
    # عبدالرحمن is followed by many names; عويد follows it wherever it occurs: one name.
    texts = ["ناشدت والدة المواطن عبدالرحمن عويد العنزي", "وقال عبدالرحمن عويد العنزي إن",
             "وأضاف عبدالرحمن عويد أن",
             "حضر عبدالرحمن السديس", "وأكد عبدالرحمن الراشد", "ورأى عبدالرحمن يوسف", "قال عبدالرحمن حسن"]
    names = names_of(texts)
    assert surfaces(names, texts[0], 3) == ["عبدالرحمن", "عويد", "العنزي"]


def test_a_word_seen_once_or_twice_after_a_name_does_not_extend_it():
    # (twice: the same sentence syndicated by two outlets)
    texts = ["قال أنتوني بلينكين إن", "وأكد أنتوني بلينكين أن", "وندد أنتوني بلينكين بشدة بالهجوم",
             "وندد أنتوني بلينكين بشدة بالهجوم"]
    names = names_of(texts)
    assert surfaces(names, texts[2], 1) == ["أنتوني", "بلينكين"]


def test_an_accusative_or_a_verb_of_the_corpus_ends_a_name():
    # امتداد and يبحث are words of the corpus: امتدادا، يبحثون after a name are no name words.
    texts = ["قال الرئيس اسياس افورقي امتدادا لسياسته", "إن امتداد الأزمة واضح", "وقال الرئيس بشار يبحثون عن حل",
             "وهو يبحث عن حل"]
    names = names_of(texts)
    assert surfaces(names, texts[0], 2, titled=True) == ["اسياس", "افورقي"]
    assert surfaces(names, texts[2], 2, titled=True) == ["بشار"]


def test_a_perfect_verb_the_corpus_conjugates_ends_a_name():
    # لجأ is also written لجأت and لجأوا: a verb, not a family name.
    texts = ["وقال المدير عمر لجأ إلى القضاء", "لجأت الحكومة إلى التحكيم", "لجأوا إلى المحكمة"]
    names = names_of(texts)
    assert surfaces(names, texts[0], 2, titled=True) == ["عمر"]
