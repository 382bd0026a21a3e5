"""A person named in full once, then by the family name alone, within one article.

News writing names a person in full at the first reference (أكد إبراهيم الدعيلج مدير العلاقات)
and by the family name after it (وأشار الدعيلج إلى أن): the second reference has no title and
no given name, so neither the patterns nor the corpus's contexts find it, and a family name is
not safe corpus-wide (two different men named الصباغ). Inside one article it is: the article
itself says whose family name it is. ``DocumentSurnames`` links, per document, each bare
occurrence of a family name to the one person of that document named in full with it.

Which last words are family names is asked of the corpus's words (``names.NameWords``), as the
name rules ask it: a word with the article whose bare form the corpus does not use on its own
(الدعيلج، الصباغ; not الأمين, أمين being a word), or a name-like word without it that is no given
name (لانزيني; not محمد: أحمد محمد names a father, and محمد alone is anybody). A name whose last
word follows بن / عبد / أبو (محمد بن سلمان، خالد عبد الله) has no family name to cut off.
"""

from __future__ import annotations

from .names import _COMPOUND_HEADS, NameWords, Trie
from .words import CLOSE_QUOTES, OPEN_QUOTES, plain_gap, readings

# A preposition with a pronoun after an ال-word makes it a participle (المحتفى به، المشار إليه),
# never a family name.
_PARTICIPLE_OBJECTS = frozenset(p + s for p in ("ب", "ل", "الي", "علي", "عن", "من", "في")
                                for s in ("ه", "ها", "هم", "هما", "هن"))


def family_name(words: tuple[str, ...], names: NameWords) -> str | None:
    """The family name of a person's full name (merge keys), or None."""
    if len(words) < 2 or words[-2] in _COMPOUND_HEADS:
        return None
    last = words[-1]
    if last in names.shipped_given or last in _COMPOUND_HEADS or len(last) < 4:
        return None
    if last.startswith("ال"):
        return last if len(last) >= 5 and names.later_name_word(last, "") else None
    return last if names.name_like(last) and not names.inflected(last) and not names.conjoined(last) else None


class DocumentSurnames:
    """The family names of one document's persons named in full, and their bare mentions.

    ``families``: the known persons' full names (trie keys) -> their family names, judged on
    the corpus's words once (``family_name``; the tasks that read mentions get this table, not
    the word statistics); ``given``: the words that open persons' names (the shipped given
    names, those the corpus's titled names teach, the first words of its known persons');
    ``kin``: per family name, the name words the corpus writes right before it (فراس الراوي:
    another man of the family, whose given name no list has); ``titles``: one-word titles
    (الأمير، الشيخ), before which a name word and the family name are another's full name."""

    def __init__(self, families: dict[tuple[str, ...], str], given: frozenset[str],
                 kin: dict[str, frozenset[str]] | None = None, titles: frozenset[str] = frozenset()):
        self.families = families
        self.given = given
        self.kin = kin or {}
        self.titles = titles
        self._openers = given | _COMPOUND_HEADS  # words that open another's name

    @classmethod
    def of_persons(cls, entries: dict[tuple[str, ...], int], kinds, names: NameWords,
                   given=frozenset(), titles=frozenset()) -> "DocumentSurnames":
        """From a trie's entries (words -> actor entry), each actor's kind and the given names
        the corpus knows besides the shipped ones."""
        families = {}
        for words, entry in entries.items():
            if kinds[entry] == "person" and len(words) >= 2:
                family = family_name(words, names)
                if family is not None:
                    families[words] = family
        given = frozenset(names.shipped_given) | frozenset(given)
        surnames, kin = set(families.values()), {}
        for phrase in names.phrases:
            if len(phrase) == 2 and phrase[1] in surnames and (phrase[0] in given or names.name_like(phrase[0])):
                kin.setdefault(phrase[1], set()).add(phrase[0])
        return cls(families, given, {f: frozenset(w) for f, w in kin.items()}, frozenset(titles))

    def learn(self, full_names) -> Trie:
        """A trie of the document's family names: ``full_names`` are (words, entry) of its
        mentions; a family name two persons of the document share links to neither."""
        owners: dict[str, set[int]] = {}
        for words, entry in full_names:
            family = self.families.get(words)
            if family is not None:
                owners.setdefault(family, set()).add(entry)
        trie = Trie()
        for family, entries in sorted(owners.items()):
            if len(entries) == 1:
                trie.add((family,), next(iter(entries)))
        return trie

    def _another_of_the_family(self, toks, keys, i: int, family: str) -> bool:
        """Whether the word before the family name at ``i`` names another man of the family: a
        given name, a compound head, a name word the corpus writes before this family name, or
        a word after a given name, a compound head or a title (محمد بن عايش الداموكي)."""
        kin = self.kin.get(family, frozenset())
        before = {form for form, _, _ in readings(keys[i - 1])}
        if before & self._openers or before & kin:
            return True
        # Two words back: a given name, a compound head or a title, and the word between is a
        # name word of another man (محمد صقر الدوسري، بن سعيد الجندبي الزهراني، الأمير تركي الفيصل).
        if i < 2 or not plain_gap(toks[i - 1].gap):
            return False
        two_back = {form for form, _, _ in readings(keys[i - 2])}
        return bool(two_back & self._openers) or (
            bool(two_back & self.titles) and not keys[i - 1].startswith("ال"))

    def mentions(self, trie: Trie, toks, keys, covered: set[int]):
        """A line's bare family names (``Trie.scan`` hits, one word each) outside the tokens
        ``covered`` by known names; not one right after a given name or a compound head
        (فهد الصباغ is another man of the family), nor one in quotation marks («الخضري»: the
        family's company), nor a participle with its object (المحتفي به), nor a word that opens
        another's name (الحسين بن علي)."""
        if not trie.entries:
            return
        for i in range(len(toks)):
            if i in covered:
                continue
            hit = trie.match(toks, i, keys)
            if hit is None:  # the trie holds one-word names only
                continue
            family = Trie.key_at(keys, i, 1, hit[2], hit[3])[0]
            if i > 0 and plain_gap(toks[i].gap) and self._another_of_the_family(toks, keys, i, family):
                continue
            after = toks[i + 1].gap if i + 1 < len(toks) else ""
            if any(q in toks[i].gap for q in OPEN_QUOTES) and any(q in after for q in CLOSE_QUOTES):
                continue
            if i + 1 < len(toks) and plain_gap(after) and (keys[i + 1] in _PARTICIPLE_OBJECTS
                                                          or keys[i + 1] in ("بن", "ابن", "بنت")):
                continue  # a participle, or the first word of another's name (مسجد الحسين بن علي)
            yield (i, *hit)
