"""Actors and places: who and where the coverage names, counted per document.

Contract in: the coverage lines (``doc``, ``line``, ``start``, ``text``; see ``coverage_lines``).
Out: ``schema.ACTORS`` (one row per actor per document) and ``schema.ACTOR_MENTIONS`` (one row
per mention, with character offsets into the document, so every count traces to its line).

No model is downloaded. Names come from three sources, all data a researcher can edit:

1. a gazetteer (``resources/actors.csv``: name, kind, variants), and the Arabic names of
   countries, regions and cities in CLDR (shipped in the ``babel`` package);
2. patterns (``resources/actor_patterns.yml``): a title followed by a name (وزير الخارجية
   الروسي سيرغي لافروف), an institution head followed by its qualifiers (وزارة الدفاع
   الأمريكية), a place trigger followed by a name (منطقة كورسك);
3. the corpus itself: how far a name found after a title extends (كيم جونغ أون: three words;
   مارك روته وجود: two) is decided by how often the longer phrase recurs in the corpus, and a
   person's surname alone (لافروف) counts as a mention of the full name when no other actor
   shares it.

Spelling variants are merged by ``resources/actor_merge_rules.csv``, applied after orthographic
normalization (``normalize.normalize_arabic``); ``merged_variants`` lists what each merge joined.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..corpus.normalize import normalize_arabic, strip_diacritics, strip_invisible, strip_tatweel
from ..schema import ACTOR_MENTIONS, ACTORS

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
KINDS = ("person", "institution", "place")

# A word: letters with their diacritics and tatweel, hyphen-joined parts kept together
# (دايز-بيرغون). Digits and punctuation separate words.
_LETTER = r"[^\W\d_]|[\u064b-\u065f\u0670\u0640]"
WORD = re.compile(rf"(?:{_LETTER})+(?:-(?:{_LETTER})+)*")
# Proclitics a name can carry in running text (و بوتين، لبوتين، وللولايات -> الولايات).
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_OPEN_QUOTES = "«“\"'‘"
_CLOSE_QUOTES = "»”\"'’"
_TRANSPARENT = "()[]«»“”\"'‘’"  # brackets and quotes do not break a name: الرئيس (جو) بايدن
_PRONOUN_SUFFIX = re.compile(r"(ها|هم|هما|هن|كم|نا)$")
# Words that open a compound name with the next word (عبد الله، أبو بكر، بن سلمان), normalized.
# Given names whose normalized form is also a function word: على "on" folds to علي "Ali", and
# scraped text often writes it علي. They open a name only after a title.
_FUNCTION_WORD_FORMS = frozenset({"علي"})
# What opens the reported words after «قال فلان»: أن/إن، بأن، إلى (أن)، خلال (حديثه)، في (تصريح).
# Endings of an adjective (-ية), a dual or a plural (المحيطين، الأخرون، الجديدات): after a place
# trigger such an ال-word describes the place, it is not its name.
_NOT_PLACE_ENDINGS = ("يه", "ين", "ون", "ات")
# Titles that bodies and places are named after (جامعة الملك فيصل، مركز الشيخ زايد); other
# titles after a head start the next phrase (حكومة الرئيس ...).
_NAMING_TITLES = frozenset({"الملك", "الامير", "الشيخ", "الامام", "السلطان"})
_SAID_OPENERS = frozenset({"ان", "بان", "الي", "خلال", "في", "ل", "انه", "انها", "انهم", "بانه", "بانها",
                           "بانهم"})
_COMPOUND_HEADS = frozenset({"عبد", "ابو", "ابي", "ابا", "بن", "ابن", "بنت", "ام"})


# --------------------------------------------------------------------------- resources
def load_gazetteer(path: str | Path | None = None) -> pd.DataFrame:
    """The gazetteer as a table: name, kind, variants (list)."""
    path = Path(path or RESOURCES / "actors.csv")
    rows = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            kind = (row.get("kind") or "").strip()
            if kind not in KINDS:
                raise ValueError(f"{path}: kind must be one of {KINDS}, got {kind!r} for {row.get('name')!r}")
            variants = [v.strip() for v in (row.get("variants") or "").split("|") if v.strip()]
            rows.append({"name": row["name"].strip(), "kind": kind, "variants": variants})
    return pd.DataFrame(rows, columns=["name", "kind", "variants"])


@dataclass(frozen=True)
class MergeRule:
    find: str
    replace: str
    scope: str  # "letters" or "word"
    note: str = ""
    min_letters: int = 0  # a letters rule leaves shorter words alone (غدة is not جدة)

    def apply(self, words: tuple[str, ...]) -> tuple[str, ...]:
        if self.scope == "word":
            return tuple(self.replace if w == self.find else w for w in words)
        return tuple(w.replace(self.find, self.replace) if len(w) >= self.min_letters else w for w in words)

    def describe(self) -> str:
        return f"{self.find} → {self.replace}" + (f" ({self.note})" if self.note else "")


def load_merge_rules(path: str | Path | None = None) -> list[MergeRule]:
    """Merge rules from the editable table; words are normalized like the names they apply to."""
    path = Path(path or RESOURCES / "actor_merge_rules.csv")
    rules = []
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            scope = (row.get("scope") or "").strip()
            if scope not in ("letters", "word"):
                raise ValueError(f"{path}: scope must be 'letters' or 'word', got {scope!r}")
            rules.append(MergeRule(normalize_arabic(row["find"].strip()), normalize_arabic(row["replace"].strip()),
                                   scope, (row.get("note") or "").strip(), int(row.get("min_letters") or 0)))
    return rules


def _speech_verbs() -> set[str]:
    """Verbs of speech (``resources/attribution.yml``), normalized: never a word of a name."""
    data = yaml.safe_load((RESOURCES / "attribution.yml").read_text("utf-8")) or {}
    return {normalize_arabic(str(w)) for w in data.get("verbs") or []}


def load_patterns(path: str | Path | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Title, connector, institution-head, place-trigger and not-a-name word lists, normalized."""
    path = Path(path or RESOURCES / "actor_patterns.yml")
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return {key: [tuple(normalize_arabic(w).split()) for w in data.get(key) or []]
            for key in ("person_titles", "title_connectors", "institution_heads", "place_triggers", "not_name",
                        "cldr_not_places", "given_names", "facility_nouns")}


def cldr_places(exclude: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Arabic names of countries, regions and cities from CLDR (the Unicode Common Locale Data
    Repository, shipped in the ``babel`` package: territory names and time-zone exemplar
    cities), in a fixed order; names in ``exclude`` (normalized) and names with brackets,
    commas or Latin letters (Kyiv untranslated) are left out."""
    from babel import Locale

    arabic = re.compile(r"^[\u0621-\u064a\u064b-\u065f\u0670 ]+$")
    locale = Locale("ar")
    names = list(locale.territories.values())
    names += [zone.get("city") for _, zone in sorted(locale.time_zones.items()) if zone.get("city")]
    out, seen = [], set()
    for name in names:
        name = " ".join(str(name).split())
        key = normalize_arabic(name)
        if not arabic.match(name) or key in exclude or key in seen or len(key.split()) > 4:
            continue
        seen.add(key)
        out.append(name)
    return out


# --------------------------------------------------------------------------- tokens
@dataclass
class Token:
    start: int  # offset in the line
    end: int
    surface: str  # without diacritics, tatweel, invisible marks
    key: str  # normalize_arabic(surface)
    gap: str  # raw text between the previous word and this one


def tokenize(text: str) -> list[Token]:
    tokens, last = [], 0
    for m in WORD.finditer(text):
        surface = strip_invisible(strip_tatweel(strip_diacritics(m.group())))
        tokens.append(Token(m.start(), m.end(), surface, normalize_arabic(surface), text[last:m.start()]))
        last = m.end()
    return tokens


def _plain_gap(gap: str) -> bool:
    """Only spaces (and brackets/quotes) between two words of one name."""
    return not gap.strip(" \t" + _TRANSPARENT)


def _comma_gap(gap: str) -> bool:
    return gap.strip(" \t" + _TRANSPARENT) in (",", "،")


def _forms(key: str) -> list[tuple[str, int, bool]]:
    """Readings of a word: as written, and without a proclitic. Each is (form, letters cut from
    the front, whether the article's alef was restored: للولايات -> الولايات)."""
    forms = [(key, 0, False)]
    for p in _PROCLITICS:
        if key.startswith(p) and len(key) - len(p) >= 2:
            rest = key[len(p):]
            if p.endswith("ل") and rest.startswith("ل"):
                forms.append(("ا" + rest, len(p), True))
            forms.append((rest, len(p), False))
    return forms


def _surface(tokens: list[Token], cut: int, alef: bool) -> str:
    """The words of a mention as written, without the proclitic cut from the first word."""
    text = " ".join(t.surface for t in tokens)
    if cut >= len(tokens[0].surface):
        return text
    return ("ا" if alef else "") + text[cut:]


class _Trie:
    """Word-sequence lookup: the longest known name starting at a token (proclitic allowed on
    the first word), spans only across plain gaps."""

    def __init__(self):
        self.entries: dict[tuple[str, ...], int] = {}
        self.max_len = 0

    def add(self, words: tuple[str, ...], entry: int) -> None:
        if words and words not in self.entries:
            self.entries[words] = entry
            self.max_len = max(self.max_len, len(words))

    def match(self, tokens: list[Token], i: int, keys: list[str]):
        limit = min(self.max_len, len(tokens) - i)
        for n in range(limit, 0, -1):
            if any(not _plain_gap(tokens[j].gap) for j in range(i + 1, i + n)):
                continue
            rest = tuple(keys[i + 1:i + n])
            for form, cut, alef in _forms(keys[i]):
                entry = self.entries.get((form, *rest))
                if entry is not None:
                    return entry, n, cut, alef
        return None


# --------------------------------------------------------------------------- the estimator
@dataclass
class _Actor:
    kind: str
    names: Counter = field(default_factory=Counter)  # surface full names seen or listed
    gazetteer_name: str | None = None


class ActorExtractor:
    """Find and count actors and places (scikit-learn style: parameters in ``__init__``,
    learning in ``fit``).

    Parameters
    ----------
    gazetteer, merge_rules, patterns : paths of the resource files (None: the shipped ones).
    min_extend_ratio : a name found after a title grows by one word when the longer phrase
        makes up at least this share of the shorter one's occurrences in the corpus.
    max_name_words : longest name a pattern takes.
    min_pattern_share : a name found by a pattern is kept when at least this share of its
        occurrences in the corpus are in a pattern (after a title, head or trigger); a word
        that follows a title now and then but mostly stands alone (كانت، بشكل) is not a name.
    cldr_places : also count the countries, regions and cities CLDR names in Arabic
        (``cldr_places``; the ordinary words among them are listed in the patterns file,
        ``cldr_not_places``).

    Attributes (after ``fit``)
    --------------------------
    mentions_ : ``schema.ACTOR_MENTIONS``; counts_ : ``schema.ACTORS``;
    merged_variants_ : table name, variant, merged_by (spellings joined into one actor);
    discovered_ : names found by patterns, with the pattern and how often.
    """

    def __init__(self, gazetteer=None, merge_rules=None, patterns=None, min_extend_ratio=0.6,
                 max_name_words=3, min_pattern_share=0.2, cldr_places=True):
        self.gazetteer = gazetteer
        self.cldr_places = cldr_places
        self.merge_rules = merge_rules
        self.patterns = patterns
        self.min_extend_ratio = min_extend_ratio
        self.max_name_words = max_name_words
        self.min_pattern_share = min_pattern_share

    # -- merge keys
    def _merge_key(self, words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
        applied = []
        for rule in self._rules:
            new = rule.apply(words)
            if new != words:
                applied.append(rule.describe())
                words = new
        return words, applied

    def _entry_for(self, words: tuple[str, ...], kind: str) -> int:
        key, _ = self._merge_key(words)
        if key not in self._by_key:
            self._by_key[key] = len(self._actors)
            self._actors.append(_Actor(kind))
        return self._by_key[key]

    def fit(self, lines: pd.DataFrame, documents: pd.DataFrame | None = None) -> "ActorExtractor":
        """``lines``: the coverage lines (doc, line, start, text); ``documents`` (doc, source)
        gives each document's outlet."""
        from ..model.topics import arabic_stop_words

        self._rules = load_merge_rules(self.merge_rules)
        pats = load_patterns(self.patterns)
        gaz = load_gazetteer(self.gazetteer)
        self._listed = {row.name: {normalize_arabic(v) for v in row.variants} for row in gaz.itertuples(index=False)}
        self._actors: list[_Actor] = []
        self._by_key: dict[tuple[str, ...], int] = {}
        tokenized = [(row.doc, int(row.line), int(row.start), tokenize(row.text))
                     for row in lines[["doc", "line", "start", "text"]].itertuples(index=False)]

        # Corpus statistics: vocabulary (for "this word also occurs with the article, so it is a
        # common word, not a name") and counts of short phrases (for how far a name extends).
        vocabulary: set[str] = set()  # every word, also read without a proclitic
        written: set[str] = set()  # every word as written
        phrases: Counter = Counter()
        word_keys: dict[str, str] = {}  # each distinct word's merge key, computed once

        def word_key(key: str) -> str:
            if key not in word_keys:
                word_keys[key] = self._merge_key((key,))[0][0]
            return word_keys[key]

        merged_keys = [[word_key(t.key) for t in toks] for _, _, _, toks in tokenized]
        for keys, (_, _, _, toks) in zip(merged_keys, tokenized):
            written.update(keys)
            vocabulary.update(f for k in keys for f, _, _ in _forms(k))
            for i in range(len(toks)):
                phrase = ()
                for j in range(i, min(i + self.max_name_words, len(toks))):
                    if j > i and not _plain_gap(toks[j].gap):
                        break
                    phrase = phrase + (keys[j],)
                    phrases[phrase] += 1
        stop = set(arabic_stop_words())
        special = {w for key in ("person_titles", "title_connectors", "institution_heads", "place_triggers",
                                 "not_name") for words in pats[key] for w in words}
        verbs = _speech_verbs()

        def is_verb(key: str) -> bool:  # a verb of speech, bare or with و/ف (حذر، وقال)
            return key in verbs or (key[:1] in "وف" and key[1:] in verbs)

        def name_like(key: str, first: bool = True) -> bool:
            # A name word is not a proclitic in front of a common word of the corpus (بمنطقة،
            # لرئيس; منطقة آمور بأقصى شرق روسيا: the name stops before بأقصى).
            if any(len(f) >= 3 and (f in written or "ال" + f in vocabulary) for f, cut, _ in _forms(key)[1:]):
                return False
            return (len(key) >= 2 and not key.startswith("ال") and key not in stop and key not in special
                    and not is_verb(key)
                    and "ال" + key not in vocabulary and not (len(key) > 4 and _PRONOUN_SUFFIX.search(key))
                    and not key.isascii())

        def verb_shaped(key: str) -> bool:
            # A word right after an indefinite trigger can open a relative clause (في منطقة تخضع
            # لسيطرة، مدينة شهدت): an imperfect (ي/ت/ن + a short stem) or a short perfect in -ت.
            return is_verb(key) or (len(key) <= 5 and key[:1] in "يتن") or (len(key) <= 4 and key.endswith("ت"))

        # 1. gazetteer
        trie = _Trie()
        for row in gaz.itertuples(index=False):
            entry = self._entry_for(tuple(normalize_arabic(row.name).split()), row.kind)
            self._actors[entry].gazetteer_name = self._actors[entry].gazetteer_name or row.name
            for variant in [row.name, *row.variants]:
                trie.add(self._merge_key(tuple(normalize_arabic(variant).split()))[0], entry)
        if self.cldr_places:
            # Countries, regions and cities the gazetteer does not list, from CLDR.
            for name in cldr_places({" ".join(w) for w in pats["cldr_not_places"]}):
                key = self._merge_key(tuple(normalize_arabic(name).split()))[0]
                if key not in trie.entries and key not in self._by_key:
                    entry = self._entry_for(key, "place")
                    self._actors[entry].gazetteer_name = name
                    trie.add(key, entry)
        gaz_places = {w for words, e in trie.entries.items() if self._actors[e].kind == "place" for w in words}

        # 2. patterns over the corpus
        title_trie, head_trie, trigger_trie = _Trie(), _Trie(), _Trie()
        for words in pats["person_titles"]:
            title_trie.add(words, 0)
        for words in pats["institution_heads"]:
            head_trie.add(words, 0)
        for words in pats["place_triggers"]:
            trigger_trie.add(words, 0)
        connectors = {w for words in pats["title_connectors"] for w in words}
        found: Counter = Counter()  # (kind, words, surface) -> occurrences

        def modifier(tok: Token) -> bool:
            k = tok.key
            return (k.startswith(("ال", "لل", "بال", "وال")) or k in connectors or k in gaz_places
                    or any(f in connectors for f, _, _ in _forms(k)))

        def later_name_word(key: str, previous: str) -> bool:
            # A later word of a person's name may carry the article (حيدر العبادي، عادل الجبير,
            # عبد الرحمن): an ال-word whose bare form the corpus does not use as a word of its
            # own (الشهر: شهر is a word; الجبير: جبير is not), or any ال-word after عبد/أبو/بن.
            if not key.startswith("ال") or len(key) < 4 or key in stop or key in special or is_verb(key):
                return False
            if verbal_noun(key):
                return False
            # A family name may be a given name with the article (خالد الفيصل، آل الحسين).
            return previous in _COMPOUND_HEADS or key[2:] not in vocabulary or key[2:] in shipped_given

        shipped_given = {w[0] for w in pats["given_names"] if len(w) == 1}
        named_after = ({w[0] for w in pats["facility_nouns"] if len(w) == 1}
                       | {w[-1] for w in pats["institution_heads"]} | {w[-1] for w in pats["place_triggers"]})

        def conjoined(key: str) -> bool:
            # A name does not open with "and": after a title, وبعثة، وتعيين start the next
            # phrase (وليد، وائل are given names; a foreign name in و is lost: ويليام).
            return key[:1] == "و" and len(key) >= 4 and key not in shipped_given

        def verbal_noun(key: str) -> bool:
            # The verbal nouns of derived verbs take the article on a prefix of their own
            # (الاستعداد، الانسحاب; التعاون، التزام): no family name but a nisba (التميمي) is
            # shaped so (الاجتماع and most others are also ruled out by their bare form, a word of
            # any corpus).
            return (key.startswith("الت") and not key.endswith("ي")) or key.startswith(("الاست", "الانت", "الانس"))

        def possessive(surface: str) -> bool:
            # A noun with an attached pronoun: -ه as written (not ة), on a word of 4+ letters,
            # or any -ه/-ها/-هم word carrying ل/ب/ك in front.
            if surface.endswith("ه") and len(surface) >= 4:
                return True
            return surface[:1] in "لبك" and bool(re.search(r"(ه|ها|هم)$", surface))

        def take_name(toks, keys, k, max_words, articled=True, after="", kind_place=False, titled=False):
            """The name words from token ``k`` on; ``after``: the name word just before ``k``
            (a given name found on its own), so that a family name may follow it."""
            words, heads, family = [], 0, False
            while k < len(toks) and len(words) < max_words + 2 * heads and (not words or _plain_gap(toks[k].gap)):
                key = keys[k]
                previous = keys[words[-1]] if words else after
                if (words or after) and key[:1] == "و" and k + 1 < len(toks) and _plain_gap(toks[k + 1].gap) \
                        and later_name_word(keys[k + 1], key):
                    break  # عبدالله عواجي وسالم الخيبري: "and" opens the next name
                if words and key in _COMPOUND_HEADS and not family:
                    # بن/ابن/عبد inside a name link it on (عزام بن محمد الدخيل): stop words
                    # elsewhere, they do not count against the name's length.
                    words.append(k)
                    heads += 1
                    k += 1
                    continue
                if words and previous not in _COMPOUND_HEADS and possessive(toks[k].surface):
                    break  # أحمد سليمان شكره "his thanks", ماجد سرور لظروفه "for his circumstances"
                if family:  # after the family name (الفيصل) only another ال-name (الحسيني الشيرازي)
                    ok = later_name_word(key, previous)
                elif titled and not words and key in _FUNCTION_WORD_FORMS and toks[k].surface == key:
                    ok = True  # رئيس البلدية علي الرفاعي: علي spelled with ي right after a title
                else:
                    ok = ((name_like(key, not words and not after) and (words or after or not conjoined(key)))
                          or (articled and bool(words or after) and later_name_word(key, previous)
                              and not (kind_place and key.endswith(_NOT_PLACE_ENDINGS))))
                if not ok:
                    break
                family = family or (key.startswith("ال") and previous not in _COMPOUND_HEADS)
                words.append(k)
                k += 1
            # Shorten to the extent the corpus supports (a phrase that recurs as a whole); the
            # corpus counts phrases up to max_name_words: a longer بن-chain stays whole.
            n = 1
            while n < len(words):
                if n >= self.max_name_words:
                    n = len(words)
                    break
                longer = tuple(keys[w] for w in words[:n + 1])
                shorter = longer[:-1]
                # A family name with the article (خالد الفيصل) is part of the name however often
                # the given name occurs with others.
                if keys[words[n - 1]] not in _COMPOUND_HEADS and not keys[words[n]].startswith("ال") \
                        and phrases[longer] < self.min_extend_ratio * phrases[shorter]:
                    break
                n += 1
            words = words[:n]
            while words and keys[words[-1]] in _COMPOUND_HEADS:
                words.pop()  # عبد alone, or a name cut after بن
            return words

        def take_name_before(toks, keys, k):
            words = []
            # A word with و is a name word (روبرت وود) unless it reads as و + a stop word or a verb
            # (وقال، وتشير; و + a word of the corpus is already refused by name_like).
            while k >= 0 and len(words) < self.max_name_words and \
                    (not words or _plain_gap(toks[k + 1].gap)) and name_like(keys[k], False) \
                    and not (keys[k].startswith("و") and keys[k][1:] in stop):
                words.insert(0, k)
                k -= 1
            n = 1
            while n < len(words):
                longer = tuple(keys[w] for w in words[-(n + 1):])
                if phrases[longer] < self.min_extend_ratio * phrases[longer[1:]]:
                    break
                n += 1
            return words[len(words) - n:]

        for keys, (_, _, _, toks) in zip(merged_keys, tokenized):
            for i in range(len(toks)):
                for tr, kind in ((title_trie, "person"), (head_trie, "institution"), (trigger_trie, "place")):
                    hit = tr.match(toks, i, keys)
                    if not hit:
                        continue
                    k = i + hit[1]
                    if kind == "person" and i >= 1 and _plain_gap(toks[i].gap) and \
                            any(f in named_after for f, _, _ in _forms(keys[i - 1])):
                        break  # مطار الملك خالد، جامعة الملك فيصل: a place or body named after a person
                    if kind == "person" and i >= 1 and _comma_gap(toks[i].gap):
                        # Apposition: the name before the title (باسكال دايز-بيرغون، المتخصص ...).
                        name = take_name_before(toks, keys, i - 1)
                        if name:
                            found[("person", tuple(keys[j] for j in name),
                                   " ".join(toks[j].surface for j in name))] += 1
                    if kind == "person":
                        skipped = 0
                        while k < len(toks) and skipped < 7 and _plain_gap(toks[k].gap) and modifier(toks[k]):
                            k, skipped = k + 1, skipped + 1
                        gap = toks[k].gap if k < len(toks) else ""
                        if any(q in gap for q in _OPEN_QUOTES) or not (_plain_gap(gap) or _comma_gap(gap)):
                            break  # a quotation or a clause follows the title, not a name
                        name = take_name(toks, keys, k, self.max_name_words, titled=True)
                        if name:
                            found[("person", tuple(keys[j] for j in name),
                                   " ".join(toks[j].surface for j in name))] += 1
                    elif kind == "place":
                        if k < len(toks) and _plain_gap(toks[k].gap):
                            name = take_name(toks, keys, k, 2, kind_place=True)  # محافظة حفر الباطن
                            if not name and later_name_word(keys[k], "") and not keys[k].endswith(_NOT_PLACE_ENDINGS):
                                # محافظة الطائف، مدينة الرمادي: طائف is no word of the corpus (an
                                # adjective in -ية is not a name: العاصمة الإيرانية).
                                name = [k]
                            if name:
                                found[("place", tuple(keys[j] for j in name),
                                       " ".join(toks[j].surface for j in name))] += 1
                    else:
                        quals = []
                        while k < len(toks) and len(quals) < 3:
                            gap = toks[k].gap
                            quoted = any(q in gap for q in _OPEN_QUOTES) and not gap.strip(" " + _TRANSPARENT)
                            if quoted and not quals:
                                quals.append(k)  # مركز «كارنيغي»
                                k += 1
                                break
                            if any(q in gap for q in _OPEN_QUOTES) or not _plain_gap(gap) or \
                                    not (keys[k].startswith("ال") or keys[k] in connectors or keys[k] in gaz_places
                                         or (keys[k],) in trigger_trie.entries) or \
                                    (keys[k] in stop and keys[k] not in connectors) or \
                                    (keys[k] in special and keys[k] not in connectors and
                                     (keys[k],) not in title_trie.entries and (keys[k],) not in trigger_trie.entries):
                                break  # التحالف الذي، الجيش إلى، الحكومة السبت: the name has ended
                            quals.append(k)
                            k += 1
                            if (keys[k - 1],) in trigger_trie.entries and k < len(toks) and _plain_gap(toks[k].gap):
                                place = take_name(toks, keys, k, 2, kind_place=True)  # شرطة منطقة الرياض
                                if not place and later_name_word(keys[k], "") and not keys[k].endswith(_NOT_PLACE_ENDINGS):
                                    place = [k]
                                if not place and keys[k] in gaz_places:
                                    place = [k]
                                quals += place
                                k += len(place)
                            if (keys[k - 1],) in title_trie.entries and (len(quals) > 1 or keys[k - 1] not in _NAMING_TITLES):
                                quals.pop()  # شرطة المنطقة الشرقية العقيد …: a title opens the next phrase
                                break
                            if keys[k - 1] in _NAMING_TITLES and k < len(toks) and _plain_gap(toks[k].gap):
                                named = take_name(toks, keys, k, self.max_name_words)  # جامعة الملك فيصل
                                if not named:
                                    quals.pop()  # إدارة الرئيس الحالي: no body named after anyone
                                    break
                                quals += named
                                k += len(named)
                        if quals:
                            span = range(i, quals[-1] + 1)
                            form, cut, alef = _forms(keys[i])[0] if hit[2] == 0 else (keys[i][hit[2]:], hit[2], hit[3])
                            if alef:
                                form = "ا" + form
                            words = (form, *(keys[j] for j in span[1:]))
                            surface = _surface([toks[j] for j in span], cut, alef)
                            found[("institution", words, surface)] += 1
                    break
        # A speaker named by the family name alone, right after a verb of speech and before
        # what is said: «وأضاف العويفي: إن»، «وأكد المالكي أن». A nisba in -ي whose bare form is
        # no word of the corpus; a common noun there (البيان، المصدر) is one.
        said: set[tuple[str, ...]] = set()
        for keys, (_, _, _, toks) in zip(merged_keys, tokenized):
            for i in range(len(toks) - 2):
                k = i + 1
                if not is_verb(keys[i]) or not _plain_gap(toks[k].gap) or not _plain_gap(toks[k + 1].gap) \
                        and ":" not in toks[k + 1].gap:
                    continue
                key = keys[k]
                opens = ":" in toks[k + 1].gap or keys[k + 1] in _SAID_OPENERS
                if opens and key.endswith("ي") and later_name_word(key, "") and not possessive(toks[k].surface):
                    found[("person", (key,), toks[k].surface)] += 1
                    said.add((key,))
        # An organisation named in quotation marks where a speaker or an addressee stands:
        # «وذكرت "فورد" أنها»، «قالت «بوينغ» إن»، «في حديثه لـ«الشرق الأوسط»». Companies, papers
        # and agencies are quoted so; a quotation of what was said is longer or opens with إن.
        for keys, (_, _, _, toks) in zip(merged_keys, tokenized):
            for i in range(len(toks) - 2):
                if not (is_verb(keys[i]) or keys[i] == "ل") or not any(q in toks[i + 1].gap for q in _OPEN_QUOTES):
                    continue
                for j in range(i + 1, min(i + 4, len(toks) - 1)):
                    if j > i + 1 and not _plain_gap(toks[j].gap):
                        break
                    if any(q in toks[j + 1].gap for q in _CLOSE_QUOTES):
                        span = list(range(i + 1, j + 1))
                        if any(keys[m] in stop or is_verb(keys[m]) for m in span):
                            break
                        if keys[i] != "ل" and keys[j + 1] not in _SAID_OPENERS:
                            break
                        words = tuple(keys[m] for m in span)
                        found[("institution", words, " ".join(toks[m].surface for m in span))] += 1
                        said.add(words)
                        break
        # Persons named without a title: a given name (the shipped list, and the first words of
        # names found after titles at least twice in this corpus) and one or two name words.
        firsts = Counter()
        for (kind, words, _), n in found.items():
            if kind == "person" and len(words) >= 2:
                firsts[words[0]] += n
        given = (shipped_given | {w for w, n in firsts.items() if n >= 2 and not conjoined(w)}) \
            - _FUNCTION_WORD_FORMS
        given_reading: dict[str, tuple | None] = {}
        for keys, (_, _, _, toks) in zip(merged_keys, tokenized):
            for i in range(len(toks) - 1):
                reading = given_reading.get(keys[i], False)
                if reading is False:  # each distinct word read once: the pass runs over every token
                    reading = given_reading[keys[i]] = next(
                        ((f, c, a) for f, c, a in _forms(keys[i]) if f in given), None)
                if reading is None:
                    continue
                if i and _plain_gap(toks[i].gap) and (keys[i - 1] in given or keys[i - 1] in _COMPOUND_HEADS
                                                      or (keys[i - 1],) in title_trie.entries):
                    continue  # inside a name (محمد بن سلمان، محمد إسحاق) or after a title (done above)
                form, cut, alef = reading
                rest = take_name(toks, keys, i + 1, self.max_name_words - 1, after=form)
                if rest:
                    span = [toks[i], *(toks[j] for j in rest)]
                    found[("person", (form, *(keys[j] for j in rest)), _surface(span, cut, alef))] += 1
        discovered = []
        support = Counter()
        for (kind, words, _), n in found.items():
            support[(kind, words)] += n
        pattern_persons = set()
        for (kind, words, surface), n in sorted(found.items()):
            if len(words) == 1 and (support[(kind, words)] < 2 or kind == "person" and verb_shaped(words[0])
                                    and words[0] not in shipped_given) \
                    and (kind != "place" or verb_shaped(words[0])) and words not in said:
                # (a word after a title that reads as a verb, however often: يتفقد)
                # One word after a title once: as often a verb (أوعز) as a name. After a place
                # trigger (مدينة بوكروفسك) it is a name unless it reads as a verb.
                continue
            if support[(kind, words)] < self.min_pattern_share * phrases[words]:
                continue  # mostly seen without a title: a common word (كانت، بشكل), not a name
            existing = trie.entries.get(self._merge_key(words)[0])
            entry = existing if existing is not None else self._entry_for(words, kind)
            trie.add(self._merge_key(words)[0], entry)
            if kind == "person" and existing is None:
                pattern_persons.add(entry)
            discovered.append({"name": surface, "kind": kind, "occurrences": n})

        # 3. surnames of persons found by a title (باتيل for فيدانت باتيل), when unambiguous; the
        # gazetteer lists its own short forms (Arabic names such as محمد بن سلمان have no surname
        # to cut off).
        surnames: dict[str, set[int]] = defaultdict(set)
        for words, entry in list(trie.entries.items()):
            # ... and only when the word is not mostly used on its own (طلبا after a name once).
            if entry in pattern_persons and len(words) >= 2 and len(words[-1]) >= 4 \
                    and name_like(words[-1]) and phrases[words] >= self.min_pattern_share * phrases[words[-1:]]:
                surnames[words[-1]].add(entry)
        for word, entries in surnames.items():
            if len(entries) == 1 and (word,) not in trie.entries:
                trie.add((word,), next(iter(entries)))

        # 4. count mentions
        rows = []
        for keys, (doc, line, start, toks) in zip(merged_keys, tokenized):
            i = 0
            while i < len(toks):
                hit = trie.match(toks, i, keys)
                if not hit:
                    i += 1
                    continue
                entry, n, cut, alef = hit
                first = toks[i]
                surface = _surface(toks[i:i + n], cut, alef)
                rows.append({"doc": doc, "line": line, "start": start + first.start + cut,
                             "end": start + toks[i + n - 1].end, "entry": entry, "surface": surface})
                self._actors[entry].names[surface] += 1
                i += n
        self._finish(rows, documents, discovered)
        return self

    def _finish(self, rows, documents, discovered) -> None:
        names = {}
        for entry, actor in enumerate(self._actors):
            if actor.gazetteer_name:
                names[entry] = actor.gazetteer_name
            elif actor.names:
                # The longest of the frequent spellings: a full name over a surname alone.
                names[entry] = sorted(actor.names.items(), key=lambda kv: (-len(kv[0].split()), -kv[1], kv[0]))[0][0]
        mentions = pd.DataFrame(rows, columns=["doc", "line", "start", "end", "entry", "surface"])
        mentions["name"] = mentions["entry"].map(names).astype(str)
        mentions["kind"] = mentions["entry"].map(lambda e: self._actors[e].kind).astype(str)
        self.mentions_ = ACTOR_MENTIONS.check(
            mentions.astype({"line": "int64", "start": "int64", "end": "int64"}), "actors.fit")
        outlet = outlets(documents) if documents is not None else None
        counts = (self.mentions_.groupby(["name", "kind", "doc"], sort=True).size().rename("mentions").reset_index())
        variants = self.mentions_.groupby("name")["surface"].agg(lambda s: " | ".join(sorted(set(s))))
        counts["variants"] = counts["name"].map(variants)
        counts["outlet"] = counts["doc"].map(outlet) if outlet is not None else counts["doc"]
        counts = counts.sort_values(["name", "doc"]).reset_index(drop=True)
        self.counts_ = ACTORS.check(counts.astype({"mentions": "int64"}), "actors.fit")

        merged = []
        for name, group in self.mentions_.groupby("name"):
            name_key = normalize_arabic(name)
            _, name_rules = self._merge_key(tuple(name_key.split()))
            for s, n in sorted(Counter(group["surface"]).items()):
                if normalize_arabic(s) == name_key:
                    continue  # the name itself, up to orthography
                _, rules = self._merge_key(tuple(normalize_arabic(s).split()))
                differing = [r for r in rules if r not in name_rules] + [r for r in name_rules if r not in rules]
                if self._is_listed(name, s):
                    how = "gazetteer variant"
                elif len(s.split()) == 1 and normalize_arabic(s) == name_key.split()[-1]:
                    how = "surname of the full name"
                elif differing:
                    how = "rule: " + "; ".join(differing)
                else:
                    how = "same spelling after normalization"
                merged.append({"name": name, "variant": s, "mentions": n, "merged_by": how})
        self.merged_variants_ = pd.DataFrame(merged, columns=["name", "variant", "mentions", "merged_by"])
        self.discovered_ = pd.DataFrame(discovered, columns=["name", "kind", "occurrences"])

    def _is_listed(self, name: str, surface: str) -> bool:
        return normalize_arabic(surface) in self._listed.get(name, ())


def outlets(documents: pd.DataFrame) -> pd.Series:
    """Each document's outlet: its ``source`` metadata, or the document itself when unknown."""
    source = documents["source"].fillna("").astype(str)
    return pd.Series(source.where(source != "", documents["doc"]).values, index=documents["doc"].values)


def coverage_lines(lines: pd.DataFrame, line_labels: pd.DataFrame, labels=("core",)) -> pd.DataFrame:
    """The lines labelled ``labels`` (the coverage under study), with their text and offsets."""
    keep = line_labels.loc[line_labels["label"].isin(labels), ["doc", "line"]]
    return lines.merge(keep, on=["doc", "line"])[["doc", "line", "start", "end", "text"]]


def by_outlet(counts: pd.DataFrame, top_n: int = 25) -> pd.DataFrame:
    """Mentions per actor (rows, the ``top_n`` most mentioned) and outlet (columns)."""
    table = counts.pivot_table(index="name", columns="outlet", values="mentions", aggfunc="sum", fill_value=0)
    order = table.sum(axis=1).sort_values(ascending=False, kind="stable").index[:top_n]
    return table.loc[order]
