"""Which places a paragraph names, for the separation's question *is this the same story?*

A piece glued in from an article on a neighbouring subject uses the corpus's words of the
focus (forces, talks, the war) and embeds as close to the focus as its host, but it happens
somewhere else: a war report from Libya glued into Yemen coverage names Derna and Libya, not
Aden or Yemen. The places the focus's own paragraphs name are learnt from the corpus (the
share of the focus's paragraphs that name each place, ``FocusPlaces``); what is known in
advance is only which words are place names, from general sources the actor extraction uses
too: the countries, regions and cities CLDR names in Arabic (the ``babel`` package), less the
ordinary words among them (``actor_patterns.yml``: ``cldr_not_places``), and the gazetteer's
places with their variants (``actors.csv``), and the relative adjectives of the countries (يمني، الإسرائيلي: ``nisba_forms``).

Names are matched as sequences of ``lexical.content_terms`` (orthography folded, the article
and common suffixes stripped), so اليمن، باليمن، لليمن are one place and a multi-word name
(كوريا الشمالية) matches only as a whole. Each match is reported under one key per real place
(a gazetteer variant under its entry's name).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from .lexical import content_terms

_PROCLITICS = "وفبلك"

class PlaceNames:
    """Place names as content-term sequences; ``find`` lists the places a paragraph names."""

    def __init__(self, names: Iterable[tuple[str, str]]):
        """``names``: (spelling, key) pairs; every spelling is matched and reported as its key."""
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        seen = set()
        for spelling, key in names:
            terms = tuple(content_terms(spelling))
            if not terms or terms in seen:
                continue
            seen.add(terms)
            self._by_first.setdefault(terms[0], []).append((terms, key))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: (-len(e[0]), e[0]))  # longest first: الولايات المتحدة before a shorter one

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_first.values())

    def find(self, terms: list[str]) -> tuple[str, ...]:
        """The distinct places named in a paragraph's content terms, sorted."""
        found = set()
        i = 0
        while i < len(terms):
            step = 1
            for first in self._readings(terms[i]):
                match = next((e for e in self._by_first.get(first, ()) if (first, *terms[i + 1:i + len(e[0])]) == e[0]),
                             None)
                if match is not None:
                    found.add(match[1])
                    step = len(match[0])
                    break
            i += step
        return tuple(sorted(found))

    @staticmethod
    def _readings(term: str) -> tuple[str, ...]:
        """The term, then without a one-letter proclitic (وعدن، بدمشق، لليبيا after the article
        is stripped): ``content_terms`` strips the article but not a bare conjunction or
        preposition. The whole word is tried first, so واشنطن stays واشنطن."""
        if len(term) >= 4 and term[0] in _PROCLITICS:
            return term, term[1:]
        return (term,)


@lru_cache(maxsize=1)
def known_places() -> PlaceNames:
    """Places from CLDR (less its ordinary words) and the gazetteer's places, built once per
    process. CLDR's time-zone cities are reported as their zone's country, so that القاهرة and
    مصري both say Egypt; the gazetteer's cities are reported as their country where they are
    its variants (صنعاء، عدن under اليمن) and under their own name where they are entries of
    their own (جدة، موسكو، جنيف). A country CLDR spells otherwise than the gazetteer (المملكة
    العربية السعودية) is reported under the gazetteer's name. Known ambiguities, after
    orthography is folded: عمان is Oman, not Amman; اليمنى ("right", of a side) reads as
    Yemeni; صلاة المغرب (the sunset prayer) names Morocco."""
    from ..corpus.normalize import normalize_arabic
    from ..findings.actors import cldr_places, load_gazetteer, load_patterns

    names: list[tuple[str, str]] = []
    # Ordinary words that are also place names (مسقط in مسقط رأسه "birthplace") are left out
    # of the gazetteer's variants too, not only of CLDR's list.
    exclude = {" ".join(words) for words in load_patterns()["cldr_not_places"]}
    gazetteer = load_gazetteer()
    key_of: dict[str, str] = {}
    for row in gazetteer[gazetteer["kind"] == "place"].itertuples(index=False):
        spellings = [s for s in [row.name, *row.variants, *nisba_forms(row.name)] if normalize_arabic(s) not in exclude]
        names += [(s, row.name) for s in spellings]
        key_of.update({normalize_arabic(s): row.name for s in spellings})
    places = set(cldr_places(exclude))
    country_of = _zone_countries(places)
    for name in sorted(places):
        country = country_of.get(name, name)
        names.append((name, key_of.get(normalize_arabic(country), country)))
    for name in _countries(places):
        names += [(adjective, key_of.get(normalize_arabic(name), name)) for adjective in nisba_forms(name)]
    return PlaceNames(names)


def _zone_countries(places: set[str]) -> dict[str, str]:
    """CLDR's time-zone cities (of those kept) -> the Arabic name of their zone's territory."""
    from babel import Locale
    from babel.core import get_global

    locale = Locale("ar")
    territory_of = get_global("zone_territories")
    out = {}
    for zone, names in sorted(locale.time_zones.items()):
        city = " ".join(str(names.get("city") or "").split())
        country = locale.territories.get(territory_of.get(zone, ""))
        if city in places and country:
            out[city] = " ".join(str(country).split())
    return out


def _countries(places: set[str]) -> list[str]:
    """CLDR's Arabic names of countries and regions (territories, not its cities), of those kept."""
    from babel import Locale

    return sorted(name for name in (" ".join(str(v).split()) for v in Locale("ar").territories.values())
                  if name in places)


def nisba_forms(name: str) -> list[str]:
    """The relative adjective of a one-word country name, the way news names a country as often
    as by its name (اليمن: يمني، اليمنية، اليمنيين; سوريا: السوري; إسرائيل: الإسرائيلي): the
    name without the article and a final alef or taa marbuta, with ي، ية، يين. Only for
    countries and regions (CLDR's territories, the gazetteer's places: mostly countries), and
    only when three letters or more remain: a city's adjective is often an ordinary word
    (الرياض: رياضي "sporting"; جدة: جدي "serious")."""
    words = name.split()
    if len(words) != 1:
        return []
    base = words[0]
    if base.startswith("ال"):
        base = base[2:]
    base = base.rstrip("اةهى")
    if len(base) < 3:
        return []
    stem = base if base.endswith("ي") else base + "ي"  # السعودية is already an adjective: سعودي
    return [stem, stem + "ة", stem + "ين", "ال" + stem, "ال" + stem + "ة"]


@dataclass
class FocusPlaces:
    """The places the focus's paragraphs name, and how much of the focus each one anchors.

    ``share``: place -> share of the focus's paragraphs that name it. A place is one of the
    focus's when at least ``min_share`` of them name it and it is named at least
    ``relative_share`` times as often as the focus's most named place (Iraq coverage names
    Iraq in nearly every paragraph and Saudi Arabia in one of twenty: a piece about Saudi aid to
    Aden is not about Iraq); the focus is *anchored in places* when
    its most named place reaches ``anchor_share`` (Yemen coverage names Yemen or Aden in a large
    part of its paragraphs; coverage of oil prices names many places, none of them often, and
    then where a text happens says nothing about whether it is on the focus). Its *main* places
    are those named at least ``main_share`` times as often as the most named one (Yemen for the
    war in Yemen, not Saudi Arabia, which a Saudi sports page names as often): a run of
    paragraphs that keeps naming them is about the focus, however few of the focus's words it
    uses (a Yemen article's turn to the Yemenis' residence papers in Jazan).
    """

    share: dict[str, float]
    min_share: float = 0.05
    relative_share: float = 0.1
    anchor_share: float = 0.15
    main_share: float = 0.5
    min_paragraphs: int = 20
    paragraphs: int = 0

    def __post_init__(self):
        top = max(self.share.values(), default=0.0)
        needed = max(self.min_share, self.relative_share * top)
        self.places = frozenset(p for p, v in self.share.items() if v >= needed)
        self.main_places = frozenset(p for p, v in self.share.items() if v >= max(needed, self.main_share * top))

    @classmethod
    def learn(cls, paragraph_places: Iterable[tuple[str, ...]], **kwargs) -> "FocusPlaces":
        counts: Counter = Counter()
        n = 0
        for places in paragraph_places:
            n += 1
            counts.update(set(places))
        share = {p: round(c / n, 6) for p, c in sorted(counts.items())} if n else {}
        return cls(share, paragraphs=n, **kwargs)

    @property
    def anchored(self) -> bool:
        """Whether the focus's paragraphs (``min_paragraphs`` at least: on fewer, one mention
        would make a place the focus's) name one place often (``anchor_share``)."""
        return (self.paragraphs >= self.min_paragraphs and bool(self.share)
                and max(self.share.values()) >= self.anchor_share)

    def is_focus_place(self, place: str) -> bool:
        return place in self.places

    def marks(self, places: tuple[str, ...]) -> tuple[bool, bool, bool]:
        """(names one of the focus's places, names another place, names one of the focus's
        main places) for one paragraph."""
        focus = any(self.is_focus_place(p) for p in places)
        return focus, any(not self.is_focus_place(p) for p in places), any(p in self.main_places for p in places)

    def top(self, n: int = 8) -> list[tuple[str, float]]:
        return sorted(self.share.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def record(self) -> dict:
        """What was learnt, for the manifest and the report."""
        import babel

        focus = sorted(self.places, key=lambda p: (-self.share[p], p))
        return {"anchored": self.anchored, "paragraphs": self.paragraphs,
                "places": [[p, round(self.share[p], 3)] for p in focus], "main_places": sorted(self.main_places),
                "most_named": [[p, round(v, 3)] for p, v in self.top()],
                "rule": (f"a place is the focus's when at least {self.min_share:.0%} of the focus's paragraphs name "
                         f"it, and at least {self.relative_share:g} times as many as name its most named place; a "
                         f"main place, at least {self.main_share:g} times as many; places are used only when the "
                         f"most named one is in {self.anchor_share:.0%} of {self.min_paragraphs} or more paragraphs"),
                "place_names": f"CLDR via babel {babel.__version__}, resources/actors.csv"}
