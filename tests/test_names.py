"""How names are read: the longest known name at a token, the corpus's support for a name's
length, and the words that end a name."""

import pandas as pd

from toolkit.findings.actors import load_patterns
from toolkit.findings.names import CorpusWords, NameWords, Trie
from toolkit.findings.words import tokenize


def corpus(texts: list[str]) -> CorpusWords:
    lines = pd.DataFrame({"doc": "a.txt", "line": range(1, len(texts) + 1), "start": 0, "text": texts})
    return CorpusWords(lines, lambda key: key, max_words=3)


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
