"""How the actor extractor reads names in running text (``actors.ActorExtractor`` composes these).

- ``CorpusWords``: lines (a partition's, or all) as tokens, and what they say about their
  words (``WordStatistics``: which words they use, with and without the article; how often each
  phrase a name may be made of recurs), summed over partitions into the corpus's;
- ``NameWords``: which words may be part of a name, and how far a name runs;
- ``PatternReader``: the names found after a person's title, an institution's head or a place
  trigger, where a speaker stands, and (after those) persons named by a given name alone;
- ``NameContexts``: the words that stand before a person's name in this corpus, learned from
  the names found so far, and the new names found after them (bootstrapping);
- ``Trie``: the longest known name starting at a token.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from .words import (CLOSE_QUOTES, OPEN_QUOTES, TRANSPARENT, Token, comma_gap, is_speech_verb, mention_surface,
                    plain_gap, readings, speech_verbs, tokenize)

_PRONOUN_SUFFIX = re.compile(r"(ها|هم|هما|هن|كم|نا)$")
# Given names whose normalized form is also a function word: على "on" folds to علي "Ali", and
# scraped text often writes it علي. They open a name only after a title.
_FUNCTION_WORD_FORMS = frozenset({"علي"})
# Endings of an adjective (-ية), a dual or a plural (المحيطين، الأخرون، الجديدات): after a place
# trigger such an ال-word describes the place, it is not its name.
_NOT_PLACE_ENDINGS = ("يه", "ين", "ون", "ات")
# Titles that bodies and places are named after (جامعة الملك فيصل، مركز الشيخ زايد); other
# titles after a head start the next phrase (حكومة الرئيس ...).
_NAMING_TITLES = frozenset({"الملك", "الامير", "الشيخ", "الامام", "السلطان"})
# The gap of a dateline's dash (رويترز- كراتشي:، الرياض - واس:).
_DASH = re.compile(r"^\s*[-–—]\s*$")
# What opens the reported words after «قال فلان»: أن/إن، بأن، إلى (أن)، خلال (حديثه)، في (تصريح).
_SAID_OPENERS = frozenset({"ان", "بان", "الي", "خلال", "في", "ل", "انه", "انها", "انهم", "بانه", "بانها",
                           "بانهم"})
# An age in brackets after a name, «لانزيني (22 عاما)»: news writes a person's age so, and
# nothing else (normalized: عاماً -> عاما، سنة -> سنه). The gap before the age word holds the
# bracket and the number, the gap after it the closing bracket.
_AGE_WORDS = frozenset({"عاما", "عام", "سنه"})
_AGE_GAP = re.compile(r"^\s*\(\s*\d{1,3}\s*$")
# Words that open a compound name with the next word (عبد الله، أبو بكر، بن سلمان), normalized.
_COMPOUND_HEADS = frozenset({"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ام"})


class Trie:
    """Word-sequence lookup: the longest known name starting at a token (proclitic allowed on
    the first word), spans only across plain gaps."""

    def __init__(self):
        self.entries: dict[tuple[str, ...], int] = {}
        self.max_len = 0
        self._first_words: set[str] = set()  # most tokens open no entry: answered at once
        self._openers: dict[str, tuple] = {}

    def add(self, words: tuple[str, ...], entry: int) -> None:
        if words and words not in self.entries:
            self.entries[words] = entry
            self.max_len = max(self.max_len, len(words))
            self._first_words.add(words[0])
            self._openers.clear()  # a new first word changes which readings open an entry

    def match(self, tokens: list[Token], i: int, keys: list[str]):
        forms = self._openers.get(keys[i])
        if forms is None:  # the readings of a word that open an entry, found once per word
            forms = self._openers[keys[i]] = tuple(f for f in readings(keys[i]) if f[0] in self._first_words)
        if not forms:
            return None
        limit = min(self.max_len, len(tokens) - i)
        span = 1  # the words from i joined by plain gaps: longer entries cannot match
        while span < limit and plain_gap(tokens[i + span].gap):
            span += 1
        for n in range(span, 0, -1):
            rest = tuple(keys[i + 1:i + n])
            for form, cut, alef in forms:
                entry = self.entries.get((form, *rest))
                if entry is not None:
                    return entry, n, cut, alef
        return None

    @staticmethod
    def key_at(keys: list[str], i: int, n: int, cut: int, alef: bool) -> tuple[str, ...]:
        """The entry's words a match (``match``: n, cut, alef) at token ``i`` read."""
        return (("ا" if alef else "") + keys[i][cut:], *keys[i + 1:i + n])

    def scan(self, tokens: list[Token], keys: list[str], accept=None):
        """The known names of a line from left to right, each the longest at its token, as
        (i, entry, n, cut, alef); ``accept(tokens, keys, i, hit)`` may refuse a match, and the
        scan goes on at the next token."""
        i = 0
        while i < len(tokens):
            hit = self.match(tokens, i, keys)
            if not hit or (accept is not None and not accept(tokens, keys, i, hit)):
                i += 1
                continue
            yield (i, *hit)
            i += hit[1]


# --------------------------------------------------------------------------- corpus statistics
@dataclass
class WordStatistics:
    """What the corpus says about its words, summed over its partitions.

    ``written``: every word as written (merge keys); ``vocabulary``: every word, also read
    without a proclitic ("this word also occurs with the article, so it is a common word, not
    a name"); ``phrases``: how often each phrase of up to ``max_name_words`` words recurs (how
    far a name extends), counted for the phrases a name can be made of (``NameWords.may_name``)
    and, on request, for named others (``CorpusWords.count_these``). Each is a sum over
    partitions, so a corpus read in pieces has the statistics of the corpus read at once."""

    written: set = field(default_factory=set)
    vocabulary: set = field(default_factory=set)
    phrases: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)  # each written word's occurrences
    # each word's occurrences right after a given name that is no ordinary word (``NameWords.
    # openers``), summed from the pairs among ``phrases`` once the corpus's are known
    after_given: Counter = field(default_factory=Counter)
    # The ال-words read from a ل-proclitic (للجمرك -> الجمرك), kept apart from ``vocabulary``:
    # للانزيني is as well ل + لانزيني (``articled``).
    lam_articled: set = field(default_factory=set)

    def articled(self, form: str) -> bool:
        """Whether the corpus writes ``form`` with the article (a common word, not a name):
        الـform as a word or after a proclitic other than ل; after ل (للـform) unless the corpus
        writes لـform as a word but never form alone, which makes للـform ل + لـform: a name in
        ل (للانزيني beside وقال لانزيني), not the article (للجمرك beside جمرك، لجمرك)."""
        articled = "ال" + form
        return articled in self.vocabulary or (articled in self.lam_articled
                                               and not ("ل" + form in self.written and form not in self.written))

    @classmethod
    def merge(cls, parts) -> "WordStatistics":
        merged = cls()
        for part in parts:
            merged.written |= part.written
            merged.vocabulary |= part.vocabulary
            merged.lam_articled |= part.lam_articled
            merged.phrases.update(part.phrases)
            merged.counts.update(part.counts)
        return merged


class CorpusWords:
    """Lines (of one partition, or of the whole corpus) as tokens.

    ``lines``: (doc, line, start, tokens) per line; ``keys``: each token's merge key."""

    def __init__(self, lines: pd.DataFrame, merged_word):
        self.lines = [(row.doc, int(row.line), int(row.start), tokenize(row.text))
                      for row in lines[["doc", "line", "start", "text"]].itertuples(index=False)]
        self.keys = [[merged_word(t.key) for t in toks] for _, _, _, toks in self.lines]

    def word_sets(self) -> WordStatistics:
        """These lines' written words and vocabulary (no phrases yet)."""
        stats = WordStatistics()
        for keys in self.keys:
            stats.counts.update(keys)
            stats.written.update(keys)
            for k in keys:
                for f, _, alef in readings(k):
                    (stats.lam_articled if alef else stats.vocabulary).add(f)
        return stats

    def _phrase_spans(self, max_words: int, opens=None, goes_on=None):
        """Every phrase of up to ``max_words`` words joined by plain gaps, as (keys, i, j):
        from the tokens ``opens`` accepts, extended while ``goes_on`` accepts the next word."""
        for keys, (_, _, _, toks) in zip(self.keys, self.lines):
            for i in range(len(toks)):
                if opens is not None and not opens(keys[i]):
                    continue
                for j in range(i + 1, min(i + max_words, len(toks)) + 1):
                    if j > i + 1 and (not plain_gap(toks[j - 1].gap) or (goes_on is not None and not goes_on(keys[j - 1]))):
                        break
                    yield keys, i, j

    def count_phrases(self, max_words: int, keep, openers=frozenset()) -> Counter:
        """Occurrences of the phrases whose every word ``keep`` accepts (the others are never
        asked for: a name is made of name words), and of the pairs of one of ``openers`` and
        the word after it, whatever the word (``NameWords.mostly_after_given``)."""
        counts = Counter()
        for keys, i, j in self._phrase_spans(max_words, keep, keep):
            counts[tuple(keys[i:j])] += 1
        if max_words >= 2 and openers:
            for keys, (_, _, _, toks) in zip(self.keys, self.lines):
                for i in [i for i, k in enumerate(keys[:-1]) if k in openers]:
                    if plain_gap(toks[i + 1].gap) and not (keep(keys[i]) and keep(keys[i + 1])):
                        counts[(keys[i], keys[i + 1])] += 1  # (the others are counted above)
        return counts

    def count_these(self, wanted: set, max_words: int) -> Counter:
        """Occurrences of the phrases in ``wanted`` (a longer phrase than ``max_words`` counts 0)."""
        firsts = {w[0] for w in wanted if w}
        counts = Counter()
        for keys, i, j in self._phrase_spans(max_words, firsts.__contains__):
            phrase = tuple(keys[i:j])
            if phrase in wanted:
                counts[phrase] += 1
        return counts

    def token_lines(self):
        """(tokens, keys) of each line."""
        return ((toks, keys) for keys, (_, _, _, toks) in zip(self.keys, self.lines))


# --------------------------------------------------------------------------- name words
class NameWords:
    """Which words may be part of a name, and how far a name runs, read from the patterns
    file, the corpus's words (``WordStatistics``) and the places the gazetteer knows."""

    def __init__(self, pats: dict, words: WordStatistics, gaz_places: set[str], max_name_words: int,
                 min_extend_ratio: float):
        from ..model.topics import arabic_stop_words

        self.words = words
        self.phrases = words.phrases
        self.max_name_words = max_name_words
        self.min_extend_ratio = min_extend_ratio
        self.stop = set(arabic_stop_words())
        self.special = {w for key in ("person_titles", "title_connectors", "institution_heads", "place_triggers",
                                      "not_name") for words in pats[key] for w in words}
        self.verbs = speech_verbs()
        self.connectors = {w for words in pats["title_connectors"] for w in words}
        self.gaz_places = gaz_places
        self.shipped_given = {w[0] for w in pats["given_names"] if len(w) == 1}
        self.word_given = {w[0] for w in pats["word_given_names"] if len(w) == 1} - self.shipped_given
        # The given names after which a family name is counted (``mostly_after_given``): not
        # those that are also ordinary words (سالم "safe"; علي, also على "on").
        self.openers = frozenset(self.shipped_given - {w[0] for w in pats["word_given_names"] if len(w) == 1}
                                 - _FUNCTION_WORD_FORMS)
        self._name_like: dict[str, bool] = {}
        self._inflected: dict[str, bool] = {}
        self._may_name: dict[str, bool] = {}
        self.named_after = ({w[0] for w in pats["facility_nouns"] if len(w) == 1}
                            | {w[-1] for w in pats["institution_heads"]} | {w[-1] for w in pats["place_triggers"]})

    def is_verb(self, key: str) -> bool:
        """A verb of speech, bare or with و/ف (حذر، وقال)."""
        return is_speech_verb(key, self.verbs)

    def name_like(self, key: str, first: bool = True) -> bool:
        # Asked of every token in several passes: answered once per distinct word (the words
        # and vocabulary it reads do not change once the statistics are built).
        known = self._name_like.get(key)
        if known is None:
            known = self._name_like[key] = self._is_name_like(key)
        return known

    def _is_name_like(self, key: str, after_given: bool = True) -> bool:
        # A name word is not a proclitic in front of a common word of the corpus (بمنطقة،
        # لرئيس; منطقة آمور بأقصى شرق روسيا: the name stops before بأقصى).
        # A shipped given name is read whole: فيصل is no ف before يصل ("arrives"), though the
        # corpus writes يصل (the list holds only names that are no ordinary word).
        written = self.words.written
        if key not in self.shipped_given and any(len(f) >= 3 and (f in written or self.words.articled(f))
                                                 for f, cut, _ in readings(key)[1:]):
            return False
        return self._plain_name_like(key) and (self._not_articled(key)
                                               or (after_given and self.mostly_after_given(key)))

    def _not_articled(self, key: str) -> bool:
        # A word the corpus also writes with the article is a common word (الحرب), but a given
        # name stays a name word: in a large corpus every one is somebody's family name (المحمد).
        return not self.words.articled(key) or key in self.shipped_given

    def _plain_name_like(self, key: str) -> bool:
        # (all but the question whether the corpus also writes the word with the article)
        return (len(key) >= 2 and not key.startswith("ال") and key not in self.stop and key not in self.special
                and not self.is_verb(key) and not (len(key) > 4 and _PRONOUN_SUFFIX.search(key))
                and not key.isascii())

    def given_pair(self, phrase: tuple[str, ...]) -> bool:
        """Whether ``phrase`` is one of the ``openers`` and the word after it (counted whatever
        that word: ``CorpusWords.count_phrases``)."""
        return len(phrase) == 2 and phrase[0] in self.openers

    def mostly_after_given(self, key: str) -> bool:
        """Whether the corpus writes ``key`` right after a given name (one that is no ordinary
        word) in at least half of its occurrences, twice or more: a family name the corpus also
        writes with the article (مجرشي، المجرشي), which the article alone would make a common
        word (حرب، الحرب: after a given name in few of its occurrences)."""
        after = self.words.after_given[key]
        return after >= 2 and after >= 0.5 * self.words.counts[key]

    def may_name(self, key: str) -> bool:
        """Whether ``key`` can be a word of a name ``take_name`` or ``take_name_before`` takes
        (the phrases whose length the corpus is asked about are made of such words). Every
        condition on the corpus is "not a word of the corpus", so on a part of the corpus this
        accepts at least what it accepts on the whole: counted per partition with this test,
        the phrases the whole corpus asks about are all counted."""
        known = self._may_name.get(key)
        if known is None:
            known = self._may_name[key] = self._can_be_name_word(key)
        return known

    def _can_be_name_word(self, key: str) -> bool:
        # (name_like but for ``mostly_after_given``, a share that a part of the corpus may not
        # show: the pairs it reads are counted whatever their words, ``CorpusWords.count_phrases``)
        if key in _COMPOUND_HEADS or key in _FUNCTION_WORD_FORMS or self._is_name_like(key, after_given=False):
            return True
        # later_name_word's own conditions, whatever the word before (after عبد any ال-word)
        return (key.startswith("ال") and len(key) >= 4 and key not in self.stop and key not in self.special
                and not self.is_verb(key) and not self.verbal_noun(key))

    def verb_shaped(self, key: str) -> bool:
        # A word right after an indefinite trigger can open a relative clause (في منطقة تخضع
        # لسيطرة، مدينة شهدت): an imperfect (ي/ت/ن + a short stem) or a short perfect in -ت.
        return self.is_verb(key) or (len(key) <= 5 and key[:1] in "يتن") or (len(key) <= 4 and key.endswith("ت"))

    def modifier(self, tok: Token) -> bool:
        """A word between a title and the name (the article's adjectives, connectors, places)."""
        k = tok.key
        return (k.startswith(("ال", "لل", "بال", "وال")) or k in self.connectors or k in self.gaz_places
                or any(f in self.connectors for f, _, _ in readings(k)))

    def later_name_word(self, key: str, previous: str) -> bool:
        # A later word of a person's name may carry the article (حيدر العبادي، عادل الجبير,
        # عبد الرحمن): an ال-word whose bare form the corpus does not use as a word of its
        # own (الشهر: شهر is a word; الجبير: جبير is not), or any ال-word after عبد/أبو/بن.
        if not key.startswith("ال") or len(key) < 4 or key in self.stop or key in self.special or self.is_verb(key):
            return False
        if self.verbal_noun(key):
            return False
        # A family name may be a given name with the article (خالد الفيصل، آل الحسين), and after
        # a given name an ال-word is the family name even when its bare form is a word of the
        # corpus (عزام بن محمد الدخيل، علي الرفاعي: in a large corpus most are).
        # (علي, a function word's form too, is a given name where it opens a name)
        return (previous in _COMPOUND_HEADS or previous in self.shipped_given or previous in _FUNCTION_WORD_FORMS
                or key[2:] not in self.words.vocabulary
                or key[2:] in self.shipped_given)

    def conjoined(self, key: str) -> bool:
        # A name does not open with "and": after a title, وبعثة، وتعيين start the next
        # phrase (وليد، وائل are given names; a foreign name in و is lost: ويليام).
        return key[:1] == "و" and len(key) >= 4 and key not in self.shipped_given

    def inflected(self, key: str) -> bool:
        """Whether the corpus reads ``key`` as an inflected common word: an indefinite accusative
        whose stem is a word (امتدادا، محبا), a plural or dual verb whose stem is one (يبحثون،
        أظهروا), an imperfect also written with the other person's prefix (تستغني، يستغني), a
        future verb (سيخوض: يخوض), a perfect in -ت (خاطبت: خاطب), a perfect the corpus also
        writes with the feminine and the plural endings (أراد: أرادت، أرادوا). Asked of the corpus, so that
        names shaped alike stay (ماريا unless ماري is a word; ستيفن، سيرجيو، ايفان)."""
        known = self._inflected.get(key)
        if known is None:
            written = self.words.written
            known = self._inflected[key] = key not in self.shipped_given and (
                (key.endswith("ا") and len(key) >= 4 and (key[:-1] in written or self.words.articled(key[:-1])))
                or (key[:1] in "يتنا" and key.endswith(("ون", "وا", "ان")) and len(key) >= 5 and key[:-2] in written)
                or (key[:1] in "يت" and len(key) >= 4 and {"ي": "ت", "ت": "ي"}[key[0]] + key[1:] in written)
                or (key[:2] in ("سي", "ست", "سن") and len(key) >= 5 and key[1:] in written)
                or (key.endswith("ت") and len(key) >= 5 and key[:-1] in written)
                or (len(key) >= 3 and key + "ت" in written and key + "وا" in written))
        return known

    @staticmethod
    def verbal_noun(key: str) -> bool:
        # The verbal nouns of derived verbs take the article on a prefix of their own
        # (الاستعداد، الانسحاب; التعاون، التزام): no family name but a nisba (التميمي) is
        # shaped so (الاجتماع and most others are also ruled out by their bare form, a word of
        # any corpus).
        return (key.startswith("الت") and not key.endswith("ي")) or key.startswith(("الاست", "الانت", "الانس"))

    @staticmethod
    def possessive(surface: str) -> bool:
        # A noun with an attached pronoun: -ه as written (not ة), on a word of 4+ letters,
        # or any -ه/-ها/-هم word carrying ل/ب/ك in front.
        if surface.endswith("ه") and len(surface) >= 4:
            return True
        return surface[:1] in "لبك" and bool(re.search(r"(ه|ها|هم)$", surface))

    def take_name(self, toks, keys, k, max_words, articled=True, after="", kind_place=False, titled=False):
        """The name words from token ``k`` on; ``after``: the name word just before ``k``
        (a given name found on its own), so that a family name may follow it."""
        words, heads, family = [], 0, False
        while k < len(toks) and len(words) < max_words + 2 * heads and (not words or plain_gap(toks[k].gap)):
            key = keys[k]
            previous = keys[words[-1]] if words else after
            if (words or after) and key[:1] == "و" and k + 1 < len(toks) and plain_gap(toks[k + 1].gap) \
                    and self.later_name_word(keys[k + 1], key):
                break  # عبدالله عواجي وسالم الخيبري: "and" opens the next name
            if words and key in _COMPOUND_HEADS and not family:
                # بن/ابن/عبد inside a name link it on (عزام بن محمد الدخيل): stop words
                # elsewhere, they do not count against the name's length.
                words.append(k)
                heads += 1
                k += 1
                continue
            if words and previous not in _COMPOUND_HEADS and self.possessive(toks[k].surface):
                break  # أحمد سليمان شكره "his thanks", ماجد سرور لظروفه "for his circumstances"
            if words and any(q in toks[k].gap for q in OPEN_QUOTES) and \
                    not (k + 1 >= len(toks) or any(q in toks[k + 1].gap for q in CLOSE_QUOTES)):
                break  # أم محمد «أرملة وأم لطفلين»: a quotation opens; one quoted word may be a name (جو)
            if family:  # after the family name (الفيصل) only another ال-name (الحسيني الشيرازي)
                ok = self.later_name_word(key, previous)
            elif titled and not words and key in _FUNCTION_WORD_FORMS and toks[k].surface == key:
                ok = True  # رئيس البلدية علي الرفاعي: علي spelled with ي right after a title
            else:
                ok = ((self.name_like(key, not words and not after) and (words or after or not self.conjoined(key)))
                      or (articled and bool(words or after) and self.later_name_word(key, previous)
                          and not (kind_place and key.endswith(_NOT_PLACE_ENDINGS))))
            if ok and (words or after) and not key.startswith("ال") and self.inflected(key):
                ok = False  # اسياس نزولا، بشار يبحثون: an accusative or a verb after the name
            if not ok and not family and self._fathers_name(toks, keys, k, words, after):
                ok = True  # نايف جابر البرقاني: جابر is a word (الجابر), but between the two names
            if not ok:
                break
            family = family or (key.startswith("ال") and previous not in _COMPOUND_HEADS)
            words.append(k)
            k += 1
        return self._supported(words, keys)

    def _fathers_name(self, toks, keys, k, words: list[int], after: str) -> bool:
        """Whether token ``k`` is the middle of the common three-part name: a given name (one
        not also an ordinary word), then the father's name, then a family name with the article
        whose bare form is no word of the corpus (نايف جابر البرقاني، محمد سالم العتيبي). The
        father's name is often an ordinary word too (جابر، سالم، سرور), which ``name_like``
        refuses when the corpus writes it with the article; framed by two names it is a name."""
        first = keys[words[0]] if len(words) == 1 else (after if not words else "")
        key = keys[k]
        if first not in self.shipped_given or k + 1 >= len(toks) or not plain_gap(toks[k + 1].gap):
            return False
        family = keys[k + 1]
        if (len(key) < 3 or key.startswith(("ال", "و")) or key in self.stop or key in self.special
                or self.is_verb(key) or self.verb_shaped(key) or self.possessive(toks[k].surface)
                or key.isascii() or self.inflected(key)):
            return False
        return (len(family) >= 5 and self.later_name_word(family, key) and family[2:] not in self.words.vocabulary
                and not family.endswith(_NOT_PLACE_ENDINGS) and family not in self.gaz_places)

    def _supported(self, words: list[int], keys: list[str]) -> list[int]:
        """A name shortened to the extent the corpus supports (a phrase that recurs as a
        whole); the corpus counts phrases up to max_name_words: a longer بن-chain stays whole."""
        n = 1
        while n < len(words):
            if n >= self.max_name_words:
                n = len(words)
                break
            longer = tuple(keys[w] for w in words[:n + 1])
            shorter = longer[:-1]
            if not self._linked(longer, shorter):  # (how a word links on: ``_linked``)
                break
            n += 1
        words = words[:n]
        while words and keys[words[-1]] in _COMPOUND_HEADS:
            words.pop()  # عبد alone, or a name cut after بن
        return words

    def _linked(self, longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
        """Whether the corpus says the last word of ``longer`` belongs to the name ``shorter``.

        A compound head or the word after one links on (عزام بن محمد); a family name with the
        article (خالد الفيصل) is part of the name. Otherwise the phrase must recur as a whole:
        either the name is mostly followed by the word (مارك روته، not مارك روته وجود), or the
        word mostly follows the name (عبدالرحمن عويد: a given name shared by thousands is
        followed by anything, but عويد stands after it, three times or more)."""
        word = longer[-1]
        if word in _COMPOUND_HEADS or shorter[-1] in _COMPOUND_HEADS or word.startswith("ال"):
            return True
        together = self.phrases[longer]
        # (the word's side asks for three occurrences: a word seen once or twice after the name
        # says little, a sentence syndicated twice gives any word two: أنتوني بلينكين بشدة;
        # after a given name alone, that is no ordinary word, two: المهاجم محمد مجرشي ... اللاعب
        # محمد مجرشي, a family name the corpus writes nowhere else)
        least = 2 if len(shorter) == 1 and shorter[0] in self.openers else 3
        return (together >= self.min_extend_ratio * self.phrases[shorter]
                or (together >= least and together >= self.min_extend_ratio * self.words.counts[word]))

    def take_name_before(self, toks, keys, k):
        """The name words ending at token ``k`` (a name in apposition before its title)."""
        words = []
        # A word with و is a name word (روبرت وود) unless it reads as و + a stop word or a verb
        # (وقال، وتشير; و + a word of the corpus is already refused by name_like).
        while k >= 0 and len(words) < self.max_name_words and \
                (not words or plain_gap(toks[k + 1].gap)) and self.name_like(keys[k], False) \
                and not (keys[k].startswith("و") and keys[k][1:] in self.stop):
            words.insert(0, k)
            k -= 1
        n = 1
        while n < len(words):
            longer = tuple(keys[w] for w in words[-(n + 1):])
            if self.phrases[longer] < self.min_extend_ratio * self.phrases[longer[1:]]:
                break
            n += 1
        return words[len(words) - n:]


# --------------------------------------------------------------------------- patterns
class PatternReader:
    """Names the patterns find in a line, counted in ``found`` as (kind, words, surface) ->
    occurrences: after a person's title, an institution's head or a place trigger; a speaker
    named by the family name after a verb of speech; a quoted organisation where a speaker or
    an addressee stands; and (a second pass, ``untitled``) persons named by a given name."""

    def __init__(self, pats: dict, names: NameWords):
        self.names = names
        self.title_trie, self.head_trie, self.trigger_trie = Trie(), Trie(), Trie()
        for words in pats["person_titles"]:
            self.title_trie.add(words, 0)
        for words in pats["institution_heads"]:
            self.head_trie.add(words, 0)
        for words in pats["place_triggers"]:
            self.trigger_trie.add(words, 0)
        self.club_heads = {w[0] for w in pats["club_heads"] if len(w) == 1}
        self.found: Counter = Counter()
        # Names found where only a name stands (a speaker's place, before an age): kept even
        # when found once.
        self.said: set[tuple[str, ...]] = set()
        # A body's name with its complement in لـ -> the name without it (``_purpose``).
        self.extended: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _count(self, kind: str, toks, keys, span) -> None:
        self.found[(kind, tuple(keys[j] for j in span), " ".join(toks[j].surface for j in span))] += 1

    # -- after a title, a head or a trigger
    def titled(self, toks, keys) -> None:
        for i in range(len(toks)):
            for trie, kind in ((self.title_trie, "person"), (self.head_trie, "institution"),
                               (self.trigger_trie, "place")):
                hit = trie.match(toks, i, keys)
                if not hit:
                    continue
                if kind == "person":
                    self._after_title(toks, keys, i, i + hit[1])
                elif kind == "place":
                    self._after_trigger(toks, keys, i + hit[1])
                else:
                    self._after_head(toks, keys, i, hit)
                break

    def _after_title(self, toks, keys, i, k) -> None:
        names = self.names
        if i >= 1 and plain_gap(toks[i].gap) and any(f in names.named_after for f, _, _ in readings(keys[i - 1])):
            return  # مطار الملك خالد، جامعة الملك فيصل: a place or body named after a person
        if i >= 1 and comma_gap(toks[i].gap):
            # Apposition: the name before the title (باسكال دايز-بيرغون، المتخصص ...).
            name = names.take_name_before(toks, keys, i - 1)
            if name:
                self._count("person", toks, keys, name)
        skipped = 0
        while k < len(toks) and skipped < 7 and plain_gap(toks[k].gap) and names.modifier(toks[k]):
            k, skipped = k + 1, skipped + 1
        gap = toks[k].gap if k < len(toks) else ""
        if any(q in gap for q in OPEN_QUOTES) or not (plain_gap(gap) or comma_gap(gap)):
            return  # a quotation or a clause follows the title, not a name
        name = names.take_name(toks, keys, k, names.max_name_words, titled=True)
        if name:
            self._count("person", toks, keys, name)

    def _place_name(self, toks, keys, k) -> list[int]:
        name = self.names.take_name(toks, keys, k, 2, kind_place=True)  # محافظة حفر الباطن
        if not name and self.names.later_name_word(keys[k], "") and not keys[k].endswith(_NOT_PLACE_ENDINGS):
            # محافظة الطائف، مدينة الرمادي: طائف is no word of the corpus (an adjective in -ية
            # is not a name: العاصمة الإيرانية).
            name = [k]
        return name

    def _after_trigger(self, toks, keys, k) -> None:
        if k < len(toks) and plain_gap(toks[k].gap):
            name = self._place_name(toks, keys, k)
            if name:
                self._count("place", toks, keys, name)

    def _qualifier(self, toks, keys, k) -> bool:
        """Whether token ``k`` goes on qualifying the institution (not: التحالف الذي، الجيش
        إلى، الحكومة السبت)."""
        names, gap, key = self.names, toks[k].gap, keys[k]
        if any(q in gap for q in OPEN_QUOTES) or not plain_gap(gap):
            return False
        if not (key.startswith("ال") or key in names.connectors or key in names.gaz_places
                or (key,) in self.trigger_trie.entries):
            return False
        if key in names.stop and key not in names.connectors:
            return False
        return not (key in names.special and key not in names.connectors and (key,) not in self.title_trie.entries
                    and (key,) not in self.trigger_trie.entries)

    def _after_head(self, toks, keys, i, hit) -> None:
        names = self.names
        k = i + hit[1]
        quals = []
        while k < len(toks) and len(quals) < 3:
            gap = toks[k].gap
            quoted = any(q in gap for q in OPEN_QUOTES) and not gap.strip(" " + TRANSPARENT)
            if quoted and not quals:
                quals.append(k)  # مركز «كارنيغي»
                k += 1
                break
            if not self._qualifier(toks, keys, k):
                break
            quals.append(k)
            k += 1
            if (keys[k - 1],) in self.trigger_trie.entries and k < len(toks) and plain_gap(toks[k].gap):
                place = self._place_name(toks, keys, k)  # شرطة منطقة الرياض
                if not place and keys[k] in names.gaz_places:
                    place = [k]
                quals += place
                k += len(place)
            if (keys[k - 1],) in self.title_trie.entries and (len(quals) > 1 or keys[k - 1] not in _NAMING_TITLES):
                quals.pop()  # شرطة المنطقة الشرقية العقيد …: a title opens the next phrase
                break
            if keys[k - 1] in _NAMING_TITLES and k < len(toks) and plain_gap(toks[k].gap):
                named = names.take_name(toks, keys, k, names.max_name_words)  # جامعة الملك فيصل
                if not named:
                    quals.pop()  # إدارة الرئيس الحالي: no body named after anyone
                    break
                quals += named
                k += len(named)
        if keys[i] in self.club_heads:
            while len(quals) > 1 and self._country_adjective(keys[quals[-1]]):
                quals.pop()  # نادي الافريقي التونسي: the club is الافريقي, the adjective says where
        if quals and (keys[quals[-1]],) in self.trigger_trie.entries and not keys[quals[-1]].startswith("ال"):
            # شرطة محافظة (حفر الباطن)، مجلس محافظة: a place noun in the construct whose place was
            # not read ends no body's name (شرطة منطقة الرياض does, with its place; with the
            # article it may be the place itself: أمانة العاصمة، صحيفة المدينة)
            quals.pop()
        if quals:
            span = range(i, quals[-1] + 1)
            form, cut, alef = readings(keys[i])[0] if hit[2] == 0 else (keys[i][hit[2]:], hit[2], hit[3])
            if alef:
                form = "ا" + form
            words = (form, *(keys[j] for j in span[1:]))
            self.found[("institution", words, mention_surface([toks[j] for j in span], cut, alef))] += 1
            purpose = self._purpose(toks, keys, quals[-1] + 1)
            if purpose:
                full = range(i, purpose[-1] + 1)
                longer = words + tuple(keys[j] for j in purpose)
                self.found[("institution", longer, mention_surface([toks[j] for j in full], cut, alef))] += 1
                self.extended[longer] = words

    def _purpose(self, toks, keys, k) -> list[int]:
        """The complement in لـ that may end a body's name, from token ``k``: «للإغاثة والأعمال
        الإنسانية» after مركز الملك سلمان, «للإحصاء» after الهيئة العامة. As often it says what
        the body did (دعا مجلس الأمن للتدخل): ``ActorExtractor._keep_found`` keeps the longer
        name only where the corpus mostly writes the body with it."""
        names = self.names
        if k >= len(toks) or not plain_gap(toks[k].gap) or not keys[k].startswith("لل") or len(keys[k]) < 5 \
                or keys[k] in names.stop:
            return []
        words = [k]
        k += 1
        while k < len(toks) and len(words) < 3 and plain_gap(toks[k].gap) and keys[k].startswith(("ال", "وال")) \
                and len(keys[k]) >= 5 and keys[k] not in names.stop and keys[k] not in names.special:
            words.append(k)
            k += 1
        return words

    @staticmethod
    def _country_adjective(key: str) -> bool:
        """Whether ``key`` is a country's relative adjective with the article (التونسي،
        الارجنتيني، السعودي: ``places.nisba_forms``; a city's is an ordinary word, الرياضي)."""
        from ..model.lexical import content_terms
        from ..model.places import known_places

        return key.startswith("ال") and key.endswith("ي") and bool(known_places().find(content_terms(key)))

    # -- where a speaker stands
    def said_family_names(self, toks, keys) -> None:
        """A speaker named by the family name alone, right after a verb of speech and before
        what is said: «وأضاف العويفي: إن»، «وأكد المالكي أن». A nisba in -ي whose bare form is
        no word of the corpus; a common noun there (البيان، المصدر) is one."""
        names = self.names
        for i in range(len(toks) - 2):
            k = i + 1
            if not names.is_verb(keys[i]) or not plain_gap(toks[k].gap) or not plain_gap(toks[k + 1].gap) \
                    and ":" not in toks[k + 1].gap:
                continue
            key = keys[k]
            opens = ":" in toks[k + 1].gap or keys[k + 1] in _SAID_OPENERS
            if not opens or names.possessive(toks[k].surface):
                continue
            if key.endswith("ي") and names.later_name_word(key, ""):
                self.found[("person", (key,), toks[k].surface)] += 1
                self.said.add((key,))
            elif names.name_like(key) and not names.verb_shaped(key) and not names.inflected(key):
                # «وأكد بوتين أن»، «وقال لانزيني:»: a word the corpus never writes with the
                # article; kept only when found so twice (``ActorExtractor._keep_found``), as a
                # name after a title is.
                self.found[("person", (key,), toks[k].surface)] += 1

    def aged(self, toks, keys) -> None:
        """A person named before an age in brackets: «وسبق للانزيني (22 عاما) أن»، «المواطن
        محمد العتيبي (35 سنة)». A proclitic on the name's first word is left out when the word
        without it is a name word (للانزيني -> لانزيني); a common noun before the age (مواطن،
        المريضة) is no name word of a corpus that also writes it with the article."""
        names = self.names
        for k in range(1, len(toks)):
            if keys[k] not in _AGE_WORDS or not _AGE_GAP.match(toks[k].gap) \
                    or k + 1 < len(toks) and not toks[k + 1].gap.lstrip().startswith(")"):
                continue
            words = names.take_name_before(toks, keys, k - 1)
            first = words[0] if words else k
            forms = [keys[j] for j in words]
            j = first - 1
            if j >= 0 and (not words or plain_gap(toks[first].gap)) and not names.name_like(keys[j], False):
                for form, _, alef in readings(keys[j])[1:]:
                    if not alef and names.name_like(form, False) and len(forms) < names.max_name_words:
                        forms.insert(0, form)
                        words.insert(0, j)
                        break
            if not words:
                continue
            surface = " ".join(toks[m].surface for m in words)
            self.found[("person", tuple(forms), surface)] += 1
            self.said.add(tuple(forms))

    def quoted_organisations(self, toks, keys) -> None:
        """An organisation named in quotation marks where a speaker or an addressee stands:
        «وذكرت "فورد" أنها»، «قالت «بوينغ» إن»، «في حديثه لـ«الشرق الأوسط»». Companies, papers
        and agencies are quoted so; a quotation of what was said is longer or opens with إن."""
        names = self.names
        for i in range(len(toks) - 2):
            if not (names.is_verb(keys[i]) or keys[i] == "ل") or not any(q in toks[i + 1].gap for q in OPEN_QUOTES):
                continue
            for j in range(i + 1, min(i + 4, len(toks) - 1)):
                if j > i + 1 and not plain_gap(toks[j].gap):
                    break
                if any(q in toks[j + 1].gap for q in CLOSE_QUOTES):
                    span = list(range(i + 1, j + 1))
                    if any(keys[m] in names.stop or names.is_verb(keys[m]) for m in span):
                        break
                    if keys[i] != "ل" and keys[j + 1] not in _SAID_OPENERS:
                        break
                    self._count("institution", toks, keys, span)
                    self.said.add(tuple(keys[m] for m in span))
                    break

    def datelines(self, toks, keys) -> None:
        """The outlet of a dateline that opens a line: «رويترز- كراتشي:»، «الرياض - واس:». One
        side of the dash is a known place, the other (one or two words, no place, no verb, no
        word of a name) is the paper or agency that filed the story."""
        if len(toks) < 3 or toks[0].gap.strip():
            return
        dash = next((d for d in range(1, min(3, len(toks) - 1) + 1) if _DASH.search(toks[d].gap)), None)
        if dash is None:
            return
        colon = next((c for c in range(dash + 1, min(dash + 4, len(toks))) if ":" in toks[c].gap), None)
        if colon is None or not all(plain_gap(toks[j].gap) for j in range(1, colon) if j != dash):
            return
        names = self.names
        left, right = list(range(0, dash)), list(range(dash, colon))

        def place(span):
            return all(keys[j] in names.gaz_places for j in span)

        def outlet(span):
            return len(span) <= 2 and not any(
                keys[j] in names.gaz_places or keys[j] in names.stop or keys[j] in names.shipped_given
                or names.is_verb(keys[j]) for j in span)

        for named, other in ((right, left), (left, right)):
            if place(other) and outlet(named):
                self._count("institution", toks, keys, named)
                self.said.add(tuple(keys[j] for j in named))
                return

    # -- persons named without a title (after the passes above: it learns from them)
    def given_names(self) -> set[str]:
        """The shipped given names and the first words of names found after titles at least
        twice in this corpus."""
        firsts = Counter()
        for (kind, words, _), n in self.found.items():
            if kind == "person" and len(words) >= 2:
                firsts[words[0]] += n
        # A given name whose normalized form is a function word (منى -> مني "from me", علي)
        # opens a name only after a title.
        return ((self.names.shipped_given | {w for w, n in firsts.items() if n >= 2 and not self.names.conjoined(w)})
                - _FUNCTION_WORD_FORMS - self.names.stop)

    def _kunya(self, toks, keys, i, given: set[str]):
        """The reading of token ``i`` as أبو/ابن/أم opening a person's name (أم محمد، ابن سينا،
        أبو مازن): أم (also "or") only before a given name; ابن and أبو also before a name word
        that carries no pronoun (ابن عمه، أبو أبنائها) and is no known place (أبو ظبي)."""
        if i + 1 >= len(toks) or not plain_gap(toks[i + 1].gap):
            return None
        nxt = keys[i + 1]
        for form, cut, alef in readings(keys[i]):
            if form not in ("ابن", "ابو", "ام"):
                continue
            if nxt in given:
                return form, cut, alef
            if form != "ام" and self.names.name_like(nxt) and not toks[i + 1].surface.endswith(("ه", "ها", "هم")) \
                    and nxt not in self.names.gaz_places:
                return form, cut, alef
        return None

    def _word_given(self, toks, keys, i):
        """The reading of token ``i`` as a given name that is also an ordinary word (سالم، صالح),
        when a family name with the article follows whose bare form is no word of the corpus and
        that is no known place."""
        names = self.names
        if i + 1 >= len(toks) or not plain_gap(toks[i + 1].gap) or not keys[i + 1].startswith("ال"):
            return None
        nxt = keys[i + 1]
        for form, cut, alef in readings(keys[i]):
            if form in names.word_given and len(nxt) >= 5 and nxt[2:] not in names.words.vocabulary \
                    and nxt not in names.stop and nxt not in names.special and not names.verbal_noun(nxt) \
                    and not nxt.endswith(_NOT_PLACE_ENDINGS) and nxt not in names.gaz_places:
                return form, cut, alef
        return None

    def _a_word_itself(self, key: str, given: set[str]) -> bool:
        """Whether ``key`` is a word of its own, not a proclitic before a given name: a given
        name itself, a function word (لدينا is not ل + دينا) or a word the corpus also writes
        with the article (كريم is not ك + ريم)."""
        names = self.names
        return key in given or key in names.word_given or key in names.stop or names.words.articled(key)

    def untitled(self, toks, keys, given: set[str], given_reading: dict) -> None:
        """A given name (or أبو/ابن/أم before a name: ``_kunya``) and one or two name words after
        it. ``given_reading``: each distinct
        word's reading as a given name, shared across lines (read once: this runs over every
        token)."""
        for i in range(len(toks) - 1):
            reading = given_reading.get(keys[i], False)
            if reading is False:
                reading = given_reading[keys[i]] = next(((f, c, a) for f, c, a in readings(keys[i])
                                                         if f in given and not (c and self._a_word_itself(keys[i], given))),
                                                        None)
            if reading is None and keys[i].endswith(("ابن", "ابو", "ام")):  # (a cheap test first)
                reading = self._kunya(toks, keys, i, given)
            if reading is None:
                reading = self._word_given(toks, keys, i)
            if reading is None:
                continue
            if i and plain_gap(toks[i].gap) and (keys[i - 1] in given or keys[i - 1] in _COMPOUND_HEADS
                                                  or (keys[i - 1],) in self.title_trie.entries):
                continue  # inside a name (محمد بن سلمان، محمد إسحاق) or after a title (done above)
            form, cut, alef = reading
            rest = self.names.take_name(toks, keys, i + 1, self.names.max_name_words - 1, after=form)
            if rest:
                span = [toks[i], *(toks[j] for j in rest)]
                self.found[("person", (form, *(keys[j] for j in rest)), mention_surface(span, cut, alef))] += 1


# --------------------------------------------------------------------------- contexts
def context_word(key: str, written: set) -> str:
    """A context word without a leading و/ف when what remains is a word of the corpus
    (وقال، فقال -> قال), so that the forms of one word pool their evidence."""
    if key[:1] in "وف" and len(key) >= 4 and key[1:] in written:
        return key[1:]
    return key


class NameContexts:
    """The words before a person's name, learned from this corpus's known names, and the
    persons named after them (the contexts half of Collins and Singer's bootstrapping: the
    names the titles and the gazetteer find teach the contexts; the contexts find names that
    carry no title).

    ``count`` (per partition) counts, for each word standing right before a mention of a known
    actor, how often the actor is a person and how often a place or institution, and which
    persons; ``learn`` keeps the words before which at least ``min_share`` of the known actors
    are persons, over at least ``min_persons`` different persons; ``read`` (per partition)
    takes the name after each such word where no known actor stands."""

    def __init__(self, min_share: float = 0.9, min_persons: int = 3):
        self.min_share = min_share
        self.min_persons = min_persons
        self.person_words_: dict[str, tuple[int, int, int]] = {}

    @staticmethod
    def count(corpus: "CorpusWords", known_names, kinds: list[str], written: set) -> Counter:
        """(context word, kind, entry) -> occurrences; kind and entry of the known actor after it.
        ``known_names(tokens, keys)``: the line's mentions as the mentions pass finds them
        (``Trie.scan``), so that a context is counted before each mention counted later."""
        counts = Counter()
        for toks, keys in corpus.token_lines():
            for i, entry, _, cut, _ in known_names(toks, keys):
                if i and cut == 0 and plain_gap(toks[i].gap):  # a proclitic is a context of its own
                    counts[(context_word(keys[i - 1], written), kinds[entry], entry)] += 1
        return counts

    def learn(self, parts: list[Counter], names: "NameWords", given: set[str]) -> "NameContexts":
        """Keep the words before which the known actors are persons (``person_words_``: word ->
        (persons after it, others after it, distinct persons)), from the partitions' ``count``."""
        persons, others = Counter(), Counter()
        for part in parts:
            for (word, kind, _), n in part.items():
                if kind == "person":
                    persons[word] += n
                else:
                    others[word] += n
        # Distinct persons from the partitions' (word, entry) pairs, merged so that a person seen
        # in two partitions counts once.
        entries: dict[str, set] = {}
        for part in parts:
            for (word, kind, entry) in part:
                if kind == "person":
                    entries.setdefault(word, set()).add(entry)
        self.person_words_ = {}
        for word, people in sorted(entries.items()):
            # A word of a name is no context of one: بن، أبو، حسن and سيف stand before a
            # person's later name words (محمد بن سلمان), which are no names of their own.
            if word in _COMPOUND_HEADS or word in given or names.name_like(word):
                continue
            p, o = persons[word], others[word]
            if len(people) >= self.min_persons and p >= self.min_share * (p + o):
                self.person_words_[word] = (p, o, len(people))
        return self

    @staticmethod
    def may_open(tok, key: str, names: "NameWords", written: set) -> bool:
        """Whether a word after a context may open a name. A context word is often a noun that a
        clause, a state or a prepositional phrase follows, so the word after it is no name when
        it reads as a verb (يحث; ``NameWords.inflected``: سيخوض، أظهروا، تستغني، خاطبت) or an
        indefinite accusative (محبا), as a noun with its pronoun (خطوته، تمارينه), or as a
        preposition or "and" on a word of the corpus or on a short stem (لضمان، بضخ، بالمجان،
        وخص). Each shape is asked of the corpus, so that names shaped alike stay (ستيفن، سيرجيو،
        ايفان، بايدن، لافروف، عبدالله)."""
        if key in names.shipped_given:
            return True
        if key.startswith(("بال", "لل", "كال", "فال", "وال")) or (key[:1] == "و" and (len(key) <= 3 or key[1:] in written)):
            return False  # a preposition or "and" on a word (بالمجان، وخص)
        if names.verb_shaped(key) or names.inflected(key):
            return False
        if names.possessive(tok.surface) and not key.endswith("الله"):
            return False
        return not (tok.surface[:1] in "بل" and (len(key) <= 3 or key[1:] in written
                                                 or names.words.articled(key[1:])))

    def read(self, corpus: "CorpusWords", trie: "Trie", names: "NameWords", written: set) -> Counter:
        """(words, surface, context word) -> occurrences of the names after a learned context
        word, where no known actor stands."""
        found = Counter()
        words = self.person_words_
        if not words:
            return found
        for toks, keys in corpus.token_lines():
            for i in range(1, len(toks)):
                if not plain_gap(toks[i].gap) or context_word(keys[i - 1], written) not in words:
                    continue
                if trie.match(toks, i, keys) or names.conjoined(keys[i]) or not self.may_open(toks[i], keys[i], names, written):
                    continue
                span = names.take_name(toks, keys, i, names.max_name_words)
                if span:
                    found[(tuple(keys[j] for j in span), " ".join(toks[j].surface for j in span),
                           context_word(keys[i - 1], written))] += 1
        return found
