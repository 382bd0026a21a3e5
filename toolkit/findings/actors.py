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

This module holds the resources and the estimator; how names are read in running text (the
corpus's word statistics, what may be a name word, the patterns' passes) is ``findings.names``,
over the tokens of ``findings.words``.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from ..corpus.normalize import normalize_arabic
from ..resources import RESOURCES
from ..schema import ACTOR_MENTIONS, ACTORS
from .names import CorpusWords, NameContexts, NameWords, PatternReader, Trie, WordStatistics
from .surnames import DocumentSurnames, family_name
from .words import mention_surface, plain_gap

KINDS = ("person", "institution", "place")


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


def load_patterns(path: str | Path | None = None) -> dict[str, list[tuple[str, ...]]]:
    """Title, connector, institution-head, place-trigger and not-a-name word lists, normalized."""
    path = Path(path or RESOURCES / "actor_patterns.yml")
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return {key: [tuple(normalize_arabic(w).split()) for w in data.get(key) or []]
            for key in ("person_titles", "title_connectors", "institution_heads", "place_triggers", "not_name",
                        "cldr_not_places", "given_names", "word_given_names", "facility_nouns", "descriptor_heads",
                        "club_heads")}


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
    context_share, context_persons : a word is learned as a person's context when at least
        ``context_share`` of the known actors standing right after it in the corpus are persons,
        over at least ``context_persons`` different persons (``names.NameContexts``); names
        after such words are persons. ``context_persons=0`` turns this off.
    given_share : a one-word name the contexts find is a given name, no actor of its own, when
        the corpus writes it before another name word (without the article) in at least this
        share of its occurrences (مايك، دافيد; not ساركوزي).
    document_surnames : within a document, a person's family name alone after (or before) the
        full name is a mention of that person (``surnames.DocumentSurnames``): وأشار الدعيلج
        after إبراهيم الدعيلج.
    cldr_places : also count the countries, regions and cities CLDR names in Arabic
        (``cldr_places``; the ordinary words among them are listed in the patterns file,
        ``cldr_not_places``).

    Attributes (after ``fit``)
    --------------------------
    mentions_ : ``schema.ACTOR_MENTIONS``; counts_ : ``schema.ACTORS``;
    merged_variants_ : table name, variant, merged_by (spellings joined into one actor);
    discovered_ : names found by patterns (after a title, head or trigger, where a speaker
        stands, by a given name: ``found_by`` "pattern") and after a learned person context
        (``found_by`` "context"), with how often;
    person_contexts_ : the words learned as standing before persons' names (word, persons and
        others seen after it, distinct persons).
    """

    def __init__(self, gazetteer=None, merge_rules=None, patterns=None, min_extend_ratio=0.6,
                 max_name_words=3, min_pattern_share=0.2, cldr_places=True, context_share=0.9,
                 context_persons=3, given_share=0.2, document_surnames=True):
        self.gazetteer = gazetteer
        self.cldr_places = cldr_places
        self.merge_rules = merge_rules
        self.patterns = patterns
        self.min_extend_ratio = min_extend_ratio
        self.max_name_words = max_name_words
        self.min_pattern_share = min_pattern_share
        self.context_share = context_share
        self.context_persons = context_persons
        self.given_share = given_share
        self.document_surnames = document_surnames

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
        gives each document's outlet.

        The steps below are those a run takes over the partitions of a corpus
        (``toolkit.study.findings_stages``), here over one: each partition step returns a
        small summary, each ``learn_*`` step combines the partitions' summaries."""
        self.begin()
        corpus = self.partition_words(lines)
        self.learn_words([self.word_statistics(corpus)])  # 1. which words, which phrases
        self.learn_given([self.read_titled(corpus)])  # 2. names after titles, heads, triggers
        self.learn_untitled([self.read_untitled(corpus)])  # 3. persons named by a given name
        self.learn_names([self.count_asked(corpus)])  # 4. the names the corpus supports
        self.learn_contexts([self.count_contexts(corpus)])  # 5. the words before persons' names
        self.learn_context_names([self.read_contexts(corpus)])  # 6. persons named after them
        rows, surfaces = self.find_mentions(corpus)  # 7. every mention
        self.learn_spellings([surfaces])
        self.mentions_ = self.mention_table(rows)
        self.finish([self.document_counts(self.mentions_)], [surfaces], documents)
        return self

    # -- the steps, per partition (``partition_words`` .. ``document_counts``) and combined (``learn_*``)
    def begin(self) -> "ActorExtractor":
        """Read the resources; the gazetteer's and CLDR's names."""
        if self.context_persons < 0 or not 0 <= self.context_share <= 1 or self.given_share < 0:
            raise ValueError(f"context_persons and given_share must be >= 0 and context_share in [0, 1], got "
                             f"{self.context_persons!r}, {self.given_share!r}, {self.context_share!r}")
        self._rules = load_merge_rules(self.merge_rules)
        self._pats = load_patterns(self.patterns)
        gaz = load_gazetteer(self.gazetteer)
        self._listed = {row.name: {normalize_arabic(v) for v in row.variants} for row in gaz.itertuples(index=False)}
        self._actors: list[_Actor] = []
        self._by_key: dict[tuple[str, ...], int] = {}
        self._word_keys: dict[str, str] = {}
        self._descriptor_heads = {w[0] for w in self._pats["descriptor_heads"] if len(w) == 1}
        self._club_heads = {w[0] for w in self._pats["club_heads"] if len(w) == 1}
        self._headless: set[tuple[str, ...]] = set()  # trie keys whose mentions start after the head
        self._as_written: dict[tuple[str, ...], set[str]] = {}  # short listed names: their spellings
        self._trie = self._listed_names(gaz, self._pats)
        self._gaz_places = {w for words, e in self._trie.entries.items() if self._actors[e].kind == "place"
                            for w in words}
        # What may stand before a place without making it an adjective (``_nisba_after_noun``),
        # kept past the pattern passes (their reader and name words are gone by the mentions').
        from ..model.topics import arabic_stop_words

        self._place_nouns = {tuple(w) for w in self._pats["place_triggers"]}
        self._stop_words = set(arabic_stop_words())
        return self

    def partition_words(self, lines: pd.DataFrame) -> CorpusWords:
        """A partition's lines as tokens with their merge keys."""
        word_keys = self._word_keys  # each distinct word's merge key, computed once per process

        def merged_word(key: str) -> str:
            if key not in word_keys:
                word_keys[key] = self._merge_key((key,))[0][0]
            return word_keys[key]

        return CorpusWords(lines, merged_word)

    def _name_words(self, words: WordStatistics) -> NameWords:
        return NameWords(self._pats, words, self._gaz_places, self.max_name_words, self.min_extend_ratio)

    def word_statistics(self, corpus: CorpusWords) -> WordStatistics:
        """A partition's words, and its counts of the phrases a name may be made of (judged on
        the partition's words: at least every phrase the whole corpus will ask about)."""
        stats = corpus.word_sets()
        names = self._name_words(stats)
        stats.phrases = corpus.count_phrases(self.max_name_words, names.may_name, names.openers)
        return stats

    def learn_words(self, parts: list[WordStatistics]) -> None:
        words = WordStatistics.merge(parts)
        names = self._name_words(words)
        # Phrases counted because a partition's words allowed them, but not the corpus's, are
        # never asked for: dropped, so that what is sent to each task stays small.
        words.phrases = names.phrases = Counter({k: n for k, n in words.phrases.items()
                                                 if all(map(names.may_name, k)) or names.given_pair(k)})
        for k, n in words.phrases.items():
            if names.given_pair(k):
                words.after_given[k[1]] += n
        # Only a word that may stand after a given name often enough is asked about again.
        words.after_given = Counter({w: n for w, n in words.after_given.items() if n >= 2})
        for w in words.after_given:
            if (w,) not in words.phrases and names.name_like(w):
                # a name word only by ``mostly_after_given``: its occurrences alone, which the
                # phrases (counted for words ``may_name`` accepts) lack, for the tests of how
                # often a name is written without the word before it (``_linked``, surnames)
                words.phrases[(w,)] = words.counts[w]
        self._names = names
        self._reader = PatternReader(self._pats, self._names)

    def read_titled(self, corpus: CorpusWords) -> tuple[Counter, set, dict]:
        """Names after titles, heads and triggers; speakers; persons before their age; quoted
        organisations."""
        reader = PatternReader(self._pats, self._names)
        for toks, keys in corpus.token_lines():
            reader.titled(toks, keys)
            reader.said_family_names(toks, keys)
            reader.aged(toks, keys)
            reader.quoted_organisations(toks, keys)
            reader.datelines(toks, keys)
        return reader.found, reader.said, reader.extended

    def learn_given(self, parts: list[tuple[Counter, set, dict]]) -> None:
        """The given names the titled names teach (``PatternReader.given_names``)."""
        for found, said, extended in parts:
            self._reader.found.update(found)
            self._reader.said |= said
            self._reader.extended.update(extended)
        self._given = self._reader.given_names()

    def read_untitled(self, corpus: CorpusWords) -> Counter:
        """Persons named by a given name and one or two name words after it."""
        reader, given_reading = PatternReader(self._pats, self._names), {}
        for toks, keys in corpus.token_lines():
            reader.untitled(toks, keys, self._given, given_reading)
        return reader.found

    def learn_untitled(self, parts: list[Counter]) -> None:
        for found in parts:
            self._reader.found.update(found)
        # The phrases ``learn_names`` asks the corpus about that are not name words only (an
        # institution's head and qualifiers): counted in one more pass.
        # (a given name and the word after it are counted already, whatever the word)
        self._asked = {words for (_, words, _) in self._reader.found
                       if len(words) <= self.max_name_words and not all(map(self._names.may_name, words))
                       and not self._names.given_pair(words)}

    def count_asked(self, corpus: CorpusWords) -> Counter:
        return corpus.count_these(self._asked, self.max_name_words)

    def learn_names(self, parts: list[Counter]) -> None:
        """The names the patterns found that the corpus supports; surnames."""
        for counts in parts:
            self._names.phrases.update(counts)
        discovered, pattern_persons = self._keep_found(self._reader, self._names, self._trie)
        self._add_surnames(self._trie, pattern_persons, self._names)
        self._discovered = discovered
        del self._reader, self._asked

    def count_contexts(self, corpus: CorpusWords) -> Counter:
        """The words right before this partition's mentions of known actors (``NameContexts.count``)."""
        return NameContexts.count(corpus, self._known_names, [a.kind for a in self._actors], self._names.words.written)

    def learn_contexts(self, parts: list[Counter]) -> None:
        """The words learned as persons' contexts from the partitions' ``count_contexts``
        (``person_contexts_``)."""
        self._contexts = NameContexts(self.context_share, self.context_persons).learn(parts, self._names, self._given) \
            if self.context_persons else NameContexts()
        self.person_contexts_ = pd.DataFrame(
            [{"word": w, "persons": p, "others": o, "distinct_persons": d}
             for w, (p, o, d) in sorted(self._contexts.person_words_.items())],
            columns=["word", "persons", "others", "distinct_persons"])

    def read_contexts(self, corpus: CorpusWords) -> Counter:
        """Names after a learned person context where no known actor stands."""
        return self._contexts.read(corpus, self._trie, self._names, self._names.words.written)

    def learn_context_names(self, parts: list[Counter]) -> None:
        """The persons the contexts found: a name found after two different context words (one
        context word, however often, may stand before other things too: المواطن، الشاب); a
        one-word name must also stand in such a context in at least ``min_pattern_share`` of
        its occurrences (as a name after a title)."""
        found: Counter = Counter()
        for part in parts:
            found.update(part)
        contexts, spellings = defaultdict(set), defaultdict(Counter)
        for (words, surface, context), n in found.items():
            contexts[words].add(context)
            spellings[words][surface] += n
        names, added = self._names, set()
        # The first words of the persons' longer names are given names too (خوان، مارتن), and so
        # is a word the corpus mostly writes before another name word (مايك، دافيد).
        firsts = {words[0] for words, entry in self._trie.entries.items()
                  if len(words) >= 2 and self._actors[entry].kind == "person"} | self._given
        singles = {words[0] for words in spellings if len(words) == 1}
        before_names = Counter()
        for phrase, n in names.phrases.items():
            if len(phrase) == 2 and phrase[0] in singles and not phrase[1].startswith("ال"):
                before_names[phrase[0]] += n
        firsts |= {w for w in singles if before_names[w] >= self.given_share * names.words.counts[w]}
        for words, written in sorted(spellings.items()):
            # one row per name: its most frequent spelling (ties by the spelling), every occurrence
            surface = min(written, key=lambda w: (-written[w], w))
            n = sum(written.values())
            if len(contexts[words]) < 2:
                continue
            # A given name alone (سلمان، فهد; خوان، مارتن, first words of longer names) names
            # many people: no actor of its own.
            if len(words) == 1 and (names.verb_shaped(words[0]) or words[0] in firsts
                                    or n < self.min_pattern_share * names.words.counts[words[0]]):
                continue
            key = self._merge_key(words)[0]
            if key in self._trie.entries:
                continue
            entry = self._entry_for(words, "person")
            self._trie.add(key, entry)
            added.add(entry)
            self._discovered.append({"name": surface, "kind": "person", "occurrences": n, "found_by": "context"})
        self._add_surnames(self._trie, added, names)
        titles = {w[0] for w in self._pats["person_titles"] if len(w) == 1}
        self._families = (DocumentSurnames.of_persons(self._trie.entries, [a.kind for a in self._actors], names,
                                                      firsts, titles) if self.document_surnames else None)
        self.discovered_ = pd.DataFrame(self._discovered, columns=["name", "kind", "occurrences", "found_by"])
        # What the tasks after this need is the trie and the actors: the word statistics stay here.
        del self._names, self._contexts, self._discovered

    def find_mentions(self, corpus: CorpusWords) -> tuple[list[dict], Counter]:
        """Every mention of a known name, longest first, with its offsets in its document (the
        actor's entry number), and, per document, the bare family names of its persons named in
        full (``surnames.DocumentSurnames``, when ``document_surnames``); and how often each
        entry is written each way."""
        rows, surfaces = [], Counter()
        family = self._families
        hits = [list(self._known_names(toks, keys)) for keys, (_, _, _, toks) in zip(corpus.keys, corpus.lines)]
        if family is not None:
            by_document: dict[str, list[int]] = {}
            for k, (doc, _, _, _) in enumerate(corpus.lines):
                by_document.setdefault(doc, []).append(k)
            for document in by_document.values():
                trie = family.learn((Trie.key_at(corpus.keys[k], i, n, cut, alef), entry)
                                    for k in document for i, entry, n, cut, alef in hits[k] if n >= 2)
                for k in document:
                    covered = {j for i, _, n, _, _ in hits[k] for j in range(i, i + n)}
                    hits[k].extend(family.mentions(trie, corpus.lines[k][3], corpus.keys[k], covered))
                    hits[k].sort(key=lambda hit: hit[0])
        for keys, (doc, line, start, toks), line_hits in zip(corpus.keys, corpus.lines, hits):
            for i, entry, n, cut, alef in line_hits:
                rows.append(self._mention_row(doc, line, start, toks, keys, i, entry, n, cut, alef, surfaces))
        return rows, surfaces

    def _mention_row(self, doc, line, start, toks, keys, i, entry, n, cut, alef, surfaces: Counter) -> dict:
        first = toks[i]
        surface = named = mention_surface(toks[i:i + n], cut, alef)
        if n >= 2 and self._headless and Trie.key_at(keys, i, n, cut, alef) in self._headless:
            # The describing head is outside the mention (شركة فيليبس -> فيليبس) but
            # names the actor: the name alone may be another actor's (a person's, a place's).
            first, surface, cut = toks[i + 1], mention_surface(toks[i + 1:i + n], 0, False), 0
        surfaces[(entry, named)] += 1
        return {"doc": doc, "line": line, "start": start + first.start + cut,
                "end": start + toks[i + n - 1].end, "entry": entry, "surface": surface}

    def _known_names(self, toks, keys):
        """A line's mentions of known names (``Trie.scan``): a short listed acronym only as written,
        a place written like its nisba not where it is a noun's adjective (``_as_listed``)."""
        return self._trie.scan(toks, keys, self._as_listed)

    def _as_listed(self, toks, keys, i, hit) -> bool:
        # A short acronym matches only as written: وام (WAM) is not وأم "and a mother".
        entry, n, cut, alef = hit
        if n > 1:
            return True
        key = Trie.key_at(keys, i, n, cut, alef)
        spellings = self._as_written.get(key) if self._as_written else None
        if spellings is not None and toks[i].surface[cut:] not in spellings:
            return False
        return not (self._actors[entry].kind == "place" and self._nisba_after_noun(toks, keys, i, key[0], cut))

    def _nisba_after_noun(self, toks, keys, i, key: str, cut: int) -> bool:
        """Whether a place written like its feminine nisba (السعودية) stands as the adjective of
        the definite noun before it: الأراضي السعودية، الجمارك السعودية are no mention of the
        country; after a place noun it stays the place's name (المنطقة الشرقية)."""
        if cut or not (key.startswith("ال") and key.endswith("يه")) or i == 0 or not plain_gap(toks[i].gap):
            return False
        before = keys[i - 1]
        return (before.startswith("ال") and len(before) > 3 and before not in self._stop_words
                and (before,) not in self._place_nouns)

    def learn_spellings(self, parts: list[Counter]) -> None:
        """Each actor's name: the gazetteer's, or the longest of its frequent spellings."""
        for surfaces in parts:
            for (entry, surface), n in surfaces.items():
                self._actors[entry].names[surface] += n
        self._names_of = {}
        for entry, actor in enumerate(self._actors):
            if actor.gazetteer_name:
                self._names_of[entry] = actor.gazetteer_name
            elif actor.names:
                # The longest of the frequent spellings: a full name over a surname alone.
                self._names_of[entry] = sorted(actor.names.items(),
                                               key=lambda kv: (-len(kv[0].split()), -kv[1], kv[0]))[0][0]

    def mention_table(self, rows: list[dict]) -> pd.DataFrame:
        """``schema.ACTOR_MENTIONS`` of a partition's mention rows."""
        mentions = pd.DataFrame(rows, columns=["doc", "line", "start", "end", "entry", "surface"])
        mentions["name"] = mentions["entry"].map(self._names_of).astype(str)
        mentions["kind"] = mentions["entry"].map(lambda e: self._actors[e].kind).astype(str)
        return ACTOR_MENTIONS.check(mentions.astype({"line": "int64", "start": "int64", "end": "int64"}),
                                    "actors.fit")

    @staticmethod
    def document_counts(mentions: pd.DataFrame) -> pd.DataFrame:
        """Mentions per actor and document (a document lies in one partition)."""
        return mentions.groupby(["name", "kind", "doc"], sort=True).size().rename("mentions").reset_index()

    def finish(self, counts: list[pd.DataFrame], surfaces: list[Counter], documents: pd.DataFrame | None) -> None:
        """``counts_`` from the partitions' ``document_counts``; ``merged_variants_``."""
        spellings: dict[str, Counter] = defaultdict(Counter)  # each name's surfaces, with their counts
        for part in surfaces:
            for (entry, surface), n in part.items():
                spellings[self._names_of[entry]][surface] += n
        outlet = outlets(documents) if documents is not None else None
        counts = pd.concat(counts, ignore_index=True).groupby(["name", "kind", "doc"], sort=True)["mentions"].sum() \
            .reset_index()
        counts["variants"] = counts["name"].map({name: " | ".join(sorted(s)) for name, s in spellings.items()})
        counts["outlet"] = counts["doc"].map(outlet) if outlet is not None else counts["doc"]
        counts = counts.sort_values(["name", "doc"]).reset_index(drop=True)
        self.counts_ = ACTORS.check(counts.astype({"mentions": "int64"}), "actors.fit")
        self.merged_variants_ = self._merged_variants(spellings)

    def _head_left_out(self, words: tuple[str, ...]) -> bool:
        """Whether a mention of ``words`` starts after its first word, a head that describes the
        body (``descriptor_heads`` before a name without the article in any of its words,
        ``club_heads`` before any)."""
        if len(words) < 2:
            return False
        # (no word of the rest with the article: وكالة غوث وتشغيل اللاجئين is built on its head)
        return words[0] in self._club_heads or (
            words[0] in self._descriptor_heads and not any(w.startswith(("ال", "لل", "بال", "وال")) for w in words[1:]))

    def _add_key(self, trie: Trie, key: tuple[str, ...], entry: int) -> None:
        trie.add(key, entry)
        if self._head_left_out(key):
            self._headless.add(key)

    def _listed_names(self, gaz: pd.DataFrame, pats: dict) -> Trie:
        """The gazetteer's actors and, when ``cldr_places``, the countries, regions and cities
        CLDR names that the gazetteer does not list."""
        trie = Trie()
        for row in gaz.itertuples(index=False):
            entry = self._entry_for(tuple(normalize_arabic(row.name).split()), row.kind)
            self._actors[entry].gazetteer_name = self._actors[entry].gazetteer_name or row.name
            for variant in [row.name, *row.variants]:
                key = self._merge_key(tuple(normalize_arabic(variant).split()))[0]
                self._add_key(trie, key, entry)
                if len(key) == 1 and len(key[0]) <= 3:  # matched only as written (``_as_listed``)
                    self._as_written.setdefault(key, set()).add(variant.strip())
        if self.cldr_places:
            for name in cldr_places({" ".join(w) for w in pats["cldr_not_places"]}):
                key = self._merge_key(tuple(normalize_arabic(name).split()))[0]
                if key not in trie.entries and key not in self._by_key:
                    entry = self._entry_for(key, "place")
                    self._actors[entry].gazetteer_name = name
                    trie.add(key, entry)
        return trie

    def _keep_found(self, reader: PatternReader, names: NameWords, trie: Trie):
        """The names the patterns found that the corpus supports, added to ``trie``. Returns the
        discovered names (for ``discovered_``) and the new persons' entries."""
        discovered = []
        support = Counter()
        for (kind, words, _), n in reader.found.items():
            support[(kind, words)] += n
        pattern_persons = set()
        for (kind, words, surface), n in sorted(reader.found.items()):
            base = reader.extended.get(words)
            if base is not None and not (support[(kind, words)] >= 2
                                         and support[(kind, words)] >= self.min_extend_ratio * support[(kind, base)]):
                # A complement in لـ the body is seldom named with (مجلس الأمن للتدخل), or seen
                # once: what the body did, not its name.
                continue
            if len(words) == 1 and (support[(kind, words)] < 2 or kind == "person" and names.verb_shaped(words[0])
                                    and words[0] not in names.shipped_given) \
                    and (kind != "place" or names.verb_shaped(words[0])) and words not in reader.said:
                # (a word after a title that reads as a verb, however often: يتفقد)
                # One word after a title once: as often a verb (أوعز) as a name. After a place
                # trigger (مدينة بوكروفسك) it is a name unless it reads as a verb.
                continue
            if len(words) == 1 and support[(kind, words)] < self.min_pattern_share * names.words.counts[words[0]]:
                # Mostly seen without a title: a common word (كانت، بشكل), not a name. Not
                # asked of a longer name: a well-known person is named without a title far
                # more often than with one (خالد الفيصل: 7 titled of 64 in the dev split).
                continue
            key = self._merge_key(words)[0]
            existing = trie.entries.get(key)
            if existing is None and kind == "institution" and self._head_left_out(key):
                alone = trie.entries.get(key[1:])  # شركة فيليبس is فيليبس when that body is known
                existing = alone if alone is not None and self._actors[alone].kind == "institution" else None
            entry = existing if existing is not None else self._entry_for(words, kind)
            self._add_key(trie, key, entry)
            if kind == "person" and existing is None:
                pattern_persons.add(entry)
            discovered.append({"name": surface, "kind": kind, "occurrences": n, "found_by": "pattern"})
        return discovered, pattern_persons

    def _add_surnames(self, trie: Trie, pattern_persons: set[int], names: NameWords) -> None:
        """Surnames of persons found by a title (باتيل for فيدانت باتيل), when unambiguous; the
        gazetteer lists its own short forms (Arabic names such as محمد بن سلمان have no surname
        to cut off)."""
        surnames: dict[str, set[int]] = defaultdict(set)
        for words, entry in list(trie.entries.items()):
            # The family name as ``surnames.family_name`` reads it (none after بن/أبو/أم, and no
            # given name: أم خالد names a mother, خالد alone is anybody), without the article,
            # ... and only when the word is not mostly used on its own (طلبا after a name once).
            if entry in pattern_persons and not words[-1].startswith("ال") \
                    and family_name(words, names) == words[-1] and \
                    names.phrases[words] >= self.min_pattern_share * names.phrases[words[-1:]]:
                surnames[words[-1]].add(entry)
        for word, entries in surnames.items():
            if len(entries) == 1 and (word,) not in trie.entries:
                trie.add((word,), next(iter(entries)))

    def _merged_variants(self, spellings: dict[str, Counter]) -> pd.DataFrame:
        merged = []
        for name in sorted(spellings):
            name_key = normalize_arabic(name)
            _, name_rules = self._merge_key(tuple(name_key.split()))
            for s, n in sorted(spellings[name].items()):
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
        return pd.DataFrame(merged, columns=["name", "variant", "mentions", "merged_by"])

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
