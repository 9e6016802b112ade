"""Who said it: find each quote's attribution and resolve it to a named speaker.

Attribution is looked for where reporters put it, in this order: right after the quote
(`"...," he said` / `said Zelensky`), before it in the same sentence (`Zelensky said: "..."`,
`Macron stated that "..."`, `..., saying: "..."`), at the end of the sentence
(`a "compromise", Zelensky said`), then from the previous quote of a run of quotes (a second
sentence or paragraph of the same speech). Pronouns go to the nearest preceding compatible
person outside quotes; descriptions ("the Ukrainian leader") to a person of that role and country
the article names.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any, Callable

from tasks.quotes.lexicon import Lexicon, lexicon
from tasks.quotes.marks import QuoteSpan, find_quotes
from tasks.quotes.phrases import (
    INDEFINITE,
    MASK,
    PARTICLES,
    SpeakerPhrase,
    Token,
    name_from,
    abbreviation,
    backward_phrase,
    forward_phrase,
    is_title,
    is_verb,
    tokenize,
)

_TERMINAL = ".!?…"
# Verbs whose object, not subject, follows them: `"…", told the Kyiv Independent` names no speaker.
NOT_INVERTED = frozenset({"told", "tell", "tells", "telling", "urged", "warned", "accused", "called", "described"})
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@dataclass
class Found:
    """A quote with its attribution, offsets into the text it was found in."""

    start: int
    end: int
    is_partial: bool
    phrase: SpeakerPhrase | None = None
    verb: str | None = None
    speaker: str | None = None
    speaker_entity_id: str | None = None
    speaker_surface: str | None = None
    paragraph: int = 0
    end_paragraph: int = 0
    starts_paragraph: bool = False
    inherited: bool = False


@dataclass
class Person:
    start: int
    end: int
    name: str | None  # None: someone the article does not name ("a soldier")
    entity_id: str | None
    gender: str | None  # "m" | "f" | None
    is_org: bool = False
    subject: bool = False  # subject of its sentence or of a reporting verb


class Resolver:
    """Turns speaker phrases into canonical names, using the article's mentions and names.

    Built once per article from its masked body: who is named (PERSON mentions, titled names,
    appositions), who is the subject of each sentence (so "he" goes to the one talked about, not
    the one talked to), which roles people are introduced with ("German Chancellor Friedrich
    Merz") and which descriptions are unnamed ("a Kremlin spokesman").
    """

    def __init__(
        self,
        body: str,
        body_masked: str,
        spans: list[QuoteSpan],
        mentions: list[dict[str, Any]],
        lookup: Callable | None,
    ):
        self.lex = lexicon()
        self.body = body
        self.masked = body_masked
        self.mentions = sorted(
            (m for m in mentions if m.get("start") is not None and m.get("end") is not None),
            key=lambda m: (m["start"], m["end"]),
        )
        self.lookup = lookup
        self._lookup_cache: dict[str, dict | None] = {}
        self.persons: list[Person] = []
        self.titled: list[tuple[int, str | None, str | None, Person]] = []  # (pos, role, country, person)
        self.unnamed: list[tuple[int, str]] = []  # (pos, role) of "a Kremlin spokesman"
        self.article_names: list[tuple[str, str | None]] = []  # (name, entity_id)
        for m in self.mentions:
            if m.get("name"):
                self.article_names.append((m["name"], m.get("entity_id")))
        self.toks = tokenize(body_masked)
        self.sentences = sentence_spans(body_masked, body, spans, self.lex)
        self.sentence_starts = [s for s, _ in self.sentences]
        self._index_names()
        self._index_subjects()

    # --- lookups -------------------------------------------------------------------------
    def _lookup(self, name: str) -> dict | None:
        if not self.lookup or not name:
            return None
        if name not in self._lookup_cache:
            try:
                try:
                    hit = self.lookup(name, self.mentions)
                except TypeError:
                    hit = self.lookup(name)
            except Exception:  # noqa: BLE001 - a broken lookup must not cost the quote
                hit = None
            self._lookup_cache[name] = hit
        return self._lookup_cache[name]

    def _mention_at(self, start: int, end: int) -> dict | None:
        """The mention naming [start, end): a PERSON inside it, or any entity covering all of it
        ("California" inside "Personal Insurance Federation of California" names something else)."""
        best, best_score = None, 0
        for m in self.mentions:
            if m["start"] >= end:
                break
            overlap = min(end, m["end"]) - max(start, m["start"])
            if overlap > 0 and (m.get("type") == "PERSON" or (m["start"] <= start and m["end"] >= end)):
                score = overlap + (1000 if m.get("type") == "PERSON" else 0)
                if score > best_score:
                    best, best_score = m, score
        return best

    # --- names ---------------------------------------------------------------------------
    def canonical(self, surface: str, bare: str, span: tuple[int, int] | None) -> tuple[str, str | None, bool]:
        """(name, entity_id, is_org): overlapping mention, then lookup, then the article's fuller name."""
        if span is not None:
            m = self._mention_at(*span)
            if m is not None and m.get("name"):
                if m.get("type") == "PERSON":
                    fuller = self._expand(m["name"])  # "De Wever" -> the article's "Bart De Wever"
                    if fuller is not None and fuller[1]:
                        return fuller[0], fuller[1], False
                return m["name"], m.get("entity_id"), m.get("type") not in (None, "PERSON")
        for cand in (bare, surface):
            hit = self._lookup(cand)
            if hit:
                return hit["name"], hit.get("entity_id"), hit.get("type") not in (None, "PERSON")
        fuller = self._expand(bare)
        if fuller is not None:
            name, eid = fuller
            if eid is None:
                hit = self._lookup(name)
                if hit:
                    return hit["name"], hit.get("entity_id"), hit.get("type") not in (None, "PERSON")
            return name, eid, False
        return bare, None, bare.lower() in self.lex.place_of

    def _expand(self, bare: str) -> tuple[str, str | None] | None:
        """`Zelensky` -> the article's `Vladimir Zelensky` (same surname, more words)."""
        words = bare.split()
        if not words:
            return None
        last = _fold(words[-1])
        best = None
        for name, eid in self.article_names:
            parts = name.split()
            if len(parts) > len(words) and _fold(parts[-1]) == last:
                if best is None or (eid and not best[1]) or (bool(eid) == bool(best[1]) and len(name) > len(best[0])):
                    best = (name, eid)
        return best

    def looks_like_name(self, phrase: SpeakerPhrase, text: str, in_body: bool) -> bool:
        """A capitalised word that starts a sentence ("Critics said") is only a name if the
        article also capitalises it mid-sentence, or knows it as an entity."""
        bare = text[phrase.name_start : phrase.name_end]
        if phrase.titles or len(bare.split()) > 1 or not in_body:
            return True
        if self._mention_at(phrase.name_start, phrase.name_end) is not None or self._lookup(bare):
            return True
        if not self._at_sentence_start(phrase.start):
            return True
        for m in re.finditer(r"\b" + re.escape(bare) + r"\b", self.body):
            if m.start() != phrase.name_start and not self._at_sentence_start(m.start()):
                return True
        return False

    def _at_sentence_start(self, pos: int) -> bool:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i < 0:
            return True
        return not self.masked[self.sentence_starts[i] : pos].strip(" \t\n\u00a0([{—–-\"'“‘")

    def _gender(self, surface: str, bare: str) -> str | None:
        for w in surface.split():
            w = w.lower().rstrip(".")
            if w in self.lex.honorifics.get("male", ()):
                return "m"
            if w in self.lex.honorifics.get("female", ()):
                return "f"
        first = bare.split()[0].lower() if bare.split() else ""
        return self.lex.given_gender.get(first)

    # --- indexing the article's people ----------------------------------------------------
    def _add_person(self, person: Person) -> None:
        keys = [p.end for p in self.persons]
        self.persons.insert(bisect.bisect_right(keys, person.end), person)

    def _index_names(self) -> None:
        """People named anywhere: PERSON mentions, titled names, appositions; unnamed descriptions."""
        lex, toks = self.lex, self.toks
        for m in self.mentions:
            if m.get("type") == "PERSON" and MASK not in self.masked[m["start"] : m["end"]]:
                surface = self.body[m["start"] : m["end"]]
                self._add_person(
                    Person(m["start"], m["end"], m["name"], m.get("entity_id"), self._gender(surface, m["name"]))
                )
        # Runs of capitalised and title words: "former NATO Secretary General Jens Stoltenberg".
        n = 0
        while n < len(toks):
            if not (toks[n].cap or is_title(toks[n], lex)):
                n += 1
                continue
            j = n
            while j + 1 < len(toks):
                nxt = toks[j + 1]
                if nxt.cap or is_title(nxt, lex):
                    j += 1
                elif nxt.low in PARTICLES and j + 2 < len(toks) and toks[j + 2].cap:
                    j += 1
                elif nxt.text == "." and abbreviation(toks[j], lex):
                    j += 1
                else:
                    break
            phrase = name_from(toks, n, j, lex) if toks[j].cap else None
            if phrase is not None and phrase.kind == "name" and phrase.titles:
                self._add_name(phrase, subject=False)
            elif phrase is not None and phrase.kind == "name":
                bare = re.sub(r"['’]s?$", "", self.body[phrase.name_start : phrase.name_end])
                if len(bare.split()) > 1 and bare.split()[0].lower() not in lex.stopwords:
                    self.article_names.append((bare, None))  # for "Boyle" -> "Danny Boyle"
            n = j + 1
        # Appositions: "the country's leader, Vladimir Zelensky," / "Maria Keller, Helvion's chief executive,"
        for n, tok in enumerate(toks):
            if tok.text != ",":
                continue
            left = backward_phrase(toks, n - 1, lex)
            right = forward_phrase(toks, n + 1, lex)
            if left is None or right is None:
                continue
            right_phrase, after = right
            if after < len(toks) and toks[after].text not in ",." and not is_verb(toks[after], lex):
                continue
            pair = (left, right_phrase)
            desc = next((p for p in pair if p.kind == "description" and p.determiner not in INDEFINITE), None)
            name = next((p for p in pair if p.kind == "name"), None)
            if desc is None or name is None or desc.plural:
                continue
            person = self._add_name(name, subject=False)
            if desc.role == "organisation":
                person.is_org = True
            self.titled.append((name.start, desc.role, self._country(desc), person))
        # Unnamed people: "a Kremlin spokesman", "one official", "an analyst".
        for n, tok in enumerate(toks):
            if tok.low in INDEFINITE:
                got = forward_phrase(toks, n, lex)
                if got and got[0].kind == "description" and got[0].role:
                    self.unnamed.append((got[0].start, got[0].role))
        self.titled.sort(key=lambda t: t[0])

    def _index_subjects(self) -> None:
        """The subject of each sentence and of each reporting verb: names first, then (in text
        order, so each can use the people before it) pronouns and descriptions, resolved."""
        lex, toks = self.lex, self.toks
        starts = [t.start for t in toks]
        phrases: list[SpeakerPhrase] = []
        for s_start, s_end in self.sentences:
            lo, hi = bisect.bisect_left(starts, s_start), bisect.bisect_left(starts, s_end)
            first = _sentence_subject(toks, lo, hi, lex)
            if first is not None:
                phrases.append(first)
            for v in range(lo, hi):
                if not is_verb(toks[v], lex):
                    continue
                subj = _subject_of(toks, v, lo, lex)
                if subj is None and v + 1 < hi and v > lo and toks[v - 1].kind == "q" or (
                    subj is None and v > lo and toks[v - 1].text == "," and toks[v - 2].kind == "q"
                ):  # "…," said Fissette
                    got = forward_phrase(toks, v + 1, lex) if toks[v].low not in NOT_INVERTED else None
                    subj = got[0] if got and got[0].kind == "name" else None
                if subj is not None:
                    phrases.append(subj)
        seen: set[tuple[int, int]] = set()
        unique = []
        for phrase in sorted(phrases, key=lambda p: p.start):
            if (phrase.start, phrase.end) not in seen:
                seen.add((phrase.start, phrase.end))
                unique.append(phrase)
        for phrase in unique:
            if phrase.kind == "name" and self.looks_like_name(phrase, self.body, True):
                self._add_name(phrase, subject=True)
        self._index_surnames()
        for phrase in unique:
            if phrase.kind != "name":
                name, eid, _ = self.resolve(phrase, self.body, True)
                if name:
                    self._add_person(Person(phrase.start, phrase.end, name, eid, None, subject=True))
                elif phrase.kind == "description" and not phrase.plural and phrase.role != "organisation":
                    # "A soldier ... told the Kyiv Independent": the next "he" is this unnamed man
                    self._add_person(Person(phrase.start, phrase.end, None, None, None, subject=True))

    def _index_surnames(self) -> None:
        """Every later bare mention of a known person ("Murphy's appearance") is a person too."""
        taken = [(p.start, p.end) for p in self.persons]
        known: dict[str, Person] = {}
        for p in self.persons:
            if not p.is_org and p.name and p.name.split():
                known.setdefault(p.name.split()[-1], p)
        for surname, person in known.items():
            for m in re.finditer(r"\b" + re.escape(surname) + r"\b", self.masked):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                taken.append((m.start(), m.end()))
                self._add_person(Person(m.start(), m.end(), person.name, person.entity_id, person.gender))

    def _add_name(self, phrase: SpeakerPhrase, subject: bool) -> Person:
        surface = self.body[phrase.start : phrase.end]
        bare = self.body[phrase.name_start : phrase.name_end]
        name, eid, is_org = self.canonical(surface, bare, (phrase.name_start, phrase.name_end))
        person = Person(phrase.start, phrase.end, name, eid, self._gender(surface, bare), is_org, subject)
        is_org = is_org or surface.lower().startswith("the ")
        person.is_org = is_org
        self._add_person(person)
        if len(bare.split()) > 1:
            self.article_names.append((bare, None))
        if phrase.titles:
            role = None
            for w in phrase.titles:
                role = self.lex.role_of.get(w, role)
            role = self.lex.role_of.get(" ".join(phrase.titles[-2:]), role)
            country = next((self.lex.place_of[w] for w in phrase.titles if w in self.lex.place_of), None)
            if role:
                self.titled.append((phrase.start, role, country, person))
                self.titled.sort(key=lambda t: t[0])
        return person

    def _country(self, desc: SpeakerPhrase) -> str | None:
        for w in desc.titles:
            for key in (w, re.sub(r"['’]s$", "", w)):
                if key in self.lex.place_of:
                    return self.lex.place_of[key]
        return None

    # --- resolving phrases ----------------------------------------------------------------
    def resolve(self, phrase: SpeakerPhrase, text: str, in_body: bool) -> tuple[str | None, str | None, str]:
        """(speaker, speaker_entity_id, speaker_surface) for a phrase found in `text`."""
        surface = text[phrase.start : phrase.end]
        if phrase.kind == "name":
            if not self.looks_like_name(phrase, text, in_body):
                return None, None, surface
            bare = text[phrase.name_start : phrase.name_end]
            name, eid, _ = self.canonical(surface, bare, (phrase.name_start, phrase.name_end) if in_body else None)
            return name, eid, surface
        if phrase.kind == "pronoun":
            if phrase.plural or not in_body:
                return None, None, surface
            gender = self.lex.pronouns.get(surface.lower(), {}).get("gender")
            person = self.nearest_person(phrase.start, gender)
            return (person.name, person.entity_id, surface) if person else (None, None, surface)
        if phrase.plural or phrase.determiner is None or phrase.determiner in INDEFINITE:
            return None, None, surface
        pos = phrase.start if in_body else len(self.body)
        person = self.by_role(phrase.role, self._country(phrase), pos)
        return (person.name, person.entity_id, surface) if person else (None, None, surface)

    def _holds(self, person: Person, role: str) -> bool:
        lex = self.lex
        for _, held, _, other in self.titled:
            if other.name == person.name and held and lex.roles_compatible(role, held):
                return True
        surname = _fold(person.name.split()[-1]) if person.name else ""
        for holder in lex.office_holders:
            names = {_fold(a.split()[-1]) for a in (holder.name, *holder.aliases)}
            if surname in names and any(lex.roles_compatible(role, r) for r in holder.roles):
                return True
        return False

    def nearest_person(self, pos: int, gender: str | None) -> Person | None:
        """The person talked about last before `pos`: the nearest sentence subject, else the
        nearest person named at all."""
        nearest = subject = None
        for p in reversed(self.persons):
            if p.end > pos or p.is_org:
                continue
            if gender in ("m", "f") and p.gender and p.gender != gender:
                continue
            if nearest is None and p.name:
                nearest = p
            if p.subject:
                subject = p
                break
        if subject is not None and self._sentence_of(pos) - self._sentence_of(subject.start) <= SUBJECT_REACH:
            return subject if subject.name else None
        return nearest if nearest is not None and nearest.name else None

    def _sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_starts, pos) - 1

    def by_role(self, role: str | None, country: str | None, pos: int) -> Person | None:
        """A definite description's referent: the person last introduced with a compatible role
        (and country), unless an unnamed one of that role came after ("a spokesman ... the
        spokesman"); else a known office holder the article names; else, for offices, the person
        talked about last."""
        if role is None:
            return None
        lex = self.lex
        if role == "person":
            return self.nearest_person(pos, None)
        if role == "organisation":
            named = [t for t in self.titled if t[1] == "organisation" and t[0] <= pos]
            orgs = [m for m in self.mentions if m.get("type") == "ORG" and m["end"] <= pos]
            best_at = max([t[0] for t in named] + [m["start"] for m in orgs], default=-1)
            for at, _, _, person in named:
                if at == best_at:
                    return person
            for m in orgs:
                if m["start"] == best_at:
                    return Person(m["start"], m["end"], m["name"], m.get("entity_id"), None, True)
            return None
        if country is None:
            # "Trump ... weighed in. "...," the president wrote": the one being talked about, if
            # the article or the office-holder list gives them that office
            current = self.nearest_person(pos, None)
            if current is not None and self._holds(current, role):
                return current
        best = None
        for at, held, held_country, person in self.titled:
            if at > pos or held is None or not lex.roles_compatible(role, held):
                continue
            if country and held_country and country != held_country:
                continue
            rank = (country is None or held_country == country, at)
            if best is None or rank > best[0]:
                best = (rank, person)
        unnamed_at = max((at for at, r in self.unnamed if at < pos and r == role), default=-1)
        if best is not None and best[0][1] > unnamed_at and (country is None or best[0][0]):
            return best[1]
        if unnamed_at >= 0:
            return None
        for holder in lex.office_holders:
            if country and holder.country != country:
                continue
            if not any(lex.roles_compatible(role, r) for r in holder.roles):
                continue
            for alias in (holder.name, *holder.aliases):
                m = re.search(r"\b" + re.escape(alias) + r"\b", self.body)
                if m:
                    name, eid, _ = self.canonical(alias, alias, (m.start(), m.end()))
                    return Person(m.start(), m.end(), name, eid, None)
        if best is not None:
            return best[1]
        if role in lex.nearest_roles and country is None:
            return self.nearest_person(pos, None)
        return None


SUBJECT_REACH = 2  # sentences back to look for a subject before settling for the nearest name


def _fold(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().rstrip("'’s")


def _skip_back(toks: list[Token], j: int, lex: Lexicon) -> int:
    """Step back over auxiliaries and adverbs between a subject and its verb."""
    while j >= 0 and toks[j].kind == "w" and (toks[j].low in lex.skip_words or toks[j].low.endswith("ly")):
        j -= 1
    return j


def _skip_forward(toks: list[Token], i: int, lex: Lexicon) -> int:
    while i < len(toks) and toks[i].kind == "w" and (toks[i].low in lex.skip_words or toks[i].low.endswith("ly")):
        i += 1
    return i


# --- sentences -------------------------------------------------------------------------------


def sentence_spans(masked: str, text: str, quotes: list[QuoteSpan], lex: Lexicon) -> list[tuple[int, int]]:
    """Sentence boundaries of the masked text; a quote ending in . ! ? may end a sentence."""
    cuts = {0, len(masked)}
    for m in re.finditer(r"\n\s*", masked):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in re.finditer(r"[.!?…]+(?=\s+[A-Z\x01\d(\[“\"‘'])", masked):
        before = masked[: m.start()]
        word = re.search(r"([\w.]+)$", before)
        if m.group(0) == "." and word:
            w = word.group(1).lower()
            if w in lex.abbreviations or (len(w) == 1 and w.isalpha()) or re.fullmatch(r"(?:[a-z]\.)+[a-z]", w):
                continue
        cuts.add(m.end())
    for q in quotes:
        inner = text[q.open_end : q.close_start].rstrip()
        nxt = re.match(r"\s+([A-Z\x01“\"‘'])", masked[q.close_end :])
        if inner and inner[-1] in _TERMINAL and nxt:
            cuts.add(q.close_end)
    ordered = sorted(cuts)
    spans = []
    for a, b in zip(ordered, ordered[1:]):
        if masked[a:b].strip():
            spans.append((a, b))
    return spans


# --- the attribution search -------------------------------------------------------------------


@dataclass
class Attribution:
    phrase: SpeakerPhrase
    verb: str | None


def _after(toks: list[Token], n: int, lex: Lexicon) -> Attribution | None:
    """`"...," he said` / `"...," said Zelensky` / `"..." – Zelensky`, starting at token n."""
    k = n
    while k < len(toks) and k - n < 2 and toks[k].text in ",.!?–—-:":
        k += 1
    if k >= len(toks):
        return None
    if is_verb(toks[k], lex) and toks[k].low not in NOT_INVERTED:
        got = forward_phrase(toks, k + 1, lex)
        if got and got[0].kind != "pronoun" or got and toks[k].low in ("says", "said"):
            return Attribution(got[0], toks[k].low)
        return None
    got = forward_phrase(toks, k, lex)
    if got is None:
        return None
    phrase, after = got
    v = _skip_forward(toks, after, lex)
    if v < len(toks) and is_verb(toks[v], lex):
        return Attribution(phrase, toks[v].low)
    if v < len(toks) and toks[v].text == "," and phrase.kind == "name":
        # "Zelensky, the president, said" / "Sen. Roger Wicker, R-Miss., chairman of ..., said"
        for w in range(v + 1, min(len(toks), v + 30)):
            if toks[w].kind == "q" or "\n" in toks[w].text:
                break
            if toks[w].text == ",":
                v2 = _skip_forward(toks, w + 1, lex)
                if v2 < len(toks) and is_verb(toks[v2], lex):
                    return Attribution(phrase, toks[v2].low)
    if k > n and toks[k - 1].text in "–—-" and phrase.kind in ("name", "description"):
        return Attribution(phrase, None)  # "'We will rebuild every home' – Zelensky visits ..."
    return None


def _subject_of(toks: list[Token], v: int, lo: int, lex: Lexicon) -> SpeakerPhrase | None:
    """The subject of the verb at v, looking no further back than lo."""
    j = _skip_back(toks, v - 1, lex)
    if j - 2 >= lo and toks[j].text == ")" and toks[j - 2].text == "(":
        j -= 3  # "Scottish and Southern Electricity Networks (SSEN) said"
    if j < lo:
        return None
    if toks[j].low in ("who", "which") and j - 1 >= lo and toks[j - 1].text == ",":
        # "comments by Hungarian Foreign Minister Peter Szijjarto, who said"
        return backward_phrase(toks, j - 2, lex) if j - 2 >= lo else None
    if toks[j].text == ",":
        return _subject_before_insertions(toks, j, lo, lex)
    phrase = backward_phrase(toks, j, lex)
    if phrase is not None and phrase.start < toks[lo].start:
        return None
    if phrase is not None:
        first = next(n for n in range(lo, j + 1) if toks[n].start >= phrase.start)
        if first > lo and toks[first - 1].low in lex.prepositions and not toks[v].low.endswith("ing"):
            # "A soldier serving near Pokrovsk told": the clause's own subject comes first
            got = forward_phrase(toks, lo, lex)
            return got[0] if got and got[1] <= first - 1 else None
    return phrase


def _subject_before_insertions(toks: list[Token], j: int, lo: int, lex: Lexicon) -> SpeakerPhrase | None:
    """Subject of a verb preceded by comma-set insertions: an apposed name ("the leader, Vladimir
    Zelensky, said") or the phrase opening the clause ("Hegseth, speaking at NATO headquarters,
    stated"; "A soldier ..., who asked ..., "Hunter", told")."""
    c = j
    for _ in range(4):
        k = c - 1
        while k >= lo and toks[k].text != ",":
            k -= 1
        if c == j:
            inner = forward_phrase(toks, k + 1, lex)
            if inner and inner[1] == j and inner[0].kind == "name":
                return inner[0]
        if k < lo:
            got = forward_phrase(toks, lo, lex)
            return got[0] if got else None
        phrase = backward_phrase(toks, k - 1, lex) if k - 1 >= lo else None
        if phrase is not None:
            first = next((n for n in range(lo, k) if toks[n].start >= phrase.start), k)
            if first == lo or toks[first - 1].text == ",":
                return phrase
        c = k
    return None


def _main_subject(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """Subject of the sentence toks[lo:hi]: of an earlier reporting verb, or its first phrase."""
    for v in range(hi - 1, lo - 1, -1):
        if is_verb(toks[v], lex) and not toks[v].low.endswith("ing"):
            subj = _subject_of(toks, v, lo, lex)
            if subj is not None:
                return Attribution(subj, toks[v].low)
    p = lo
    if p < hi and toks[p].kind == "w" and (toks[p].low in lex.stopwords or toks[p].low.endswith("ing")):
        while p < hi and toks[p].text != ",":
            p += 1
        p += 1
    got = forward_phrase(toks, p, lex) if p < hi else None
    if got and got[1] <= hi:
        return Attribution(got[0], None)
    return None


def _finite(tok: Token, lex: Lexicon) -> bool:
    low = tok.low
    if tok.kind != "w" or not tok.text[0].islower():
        return False
    return low in lex.verbs or low in lex.finite_verbs or (low.endswith("ed") and len(low) > 4)


def _sentence_subject(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> SpeakerPhrase | None:
    """The first phrase of the sentence that a finite verb follows ("the president stopped")."""
    for p in range(lo, hi):
        if p != lo and toks[p - 1].text != ",":
            continue
        got = forward_phrase(toks, p, lex)
        if got is None:
            continue
        phrase, after = got
        if after < hi and _finite(toks[after], lex):
            return phrase
        if after + 1 < hi and toks[after].text == "," and (
            toks[after + 1].low in ("who", "whose") or toks[after + 1].text.isdigit()
        ):
            return phrase  # "Cillian Murphy, who won an Oscar, ..." / "Boyle, 69, described"
        a = _skip_forward(toks, after, lex)
        if a != after and a < hi and _finite(toks[a], lex):
            return phrase
    return None


def _before(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """Attribution in toks[lo:hi], the sentence before the quote; a person-like subject is
    preferred to a country ("demanded that Russia agree to ... "without preconditions"")."""
    found = [a for a in _before_all(toks, lo, hi, lex)]
    for a in found:
        if not _is_place(a.phrase, toks, lex):
            return a
    return found[0] if found else None


def _is_place(phrase: SpeakerPhrase, toks: list[Token], lex: Lexicon) -> bool:
    if phrase.kind != "name" or phrase.titles:
        return False
    words = [t for t in toks if phrase.name_start <= t.start < phrase.name_end and t.kind == "w"]
    return bool(words) and all(t.low in lex.place_of for t in words)


def _before_all(toks: list[Token], lo: int, hi: int, lex: Lexicon):
    for v in range(hi - 1, lo - 1, -1):
        tok = toks[v]
        if tok.low == "according" and v + 1 < hi and toks[v + 1].low == "to":
            got = forward_phrase(toks, v + 2, lex)
            if got:
                yield Attribution(got[0], "according to")
        if not is_verb(tok, lex):
            continue
        if tok.low.endswith("ing"):
            if v - 1 >= lo and toks[v - 1].text == ",":
                main = _main_subject(toks, lo, v - 1, lex)
                if main is not None:
                    yield Attribution(main.phrase, tok.low)
            elif v > lo:  # "with Secretary General Mark Rutte warning that"
                subj = _subject_of(toks, v, lo, lex)
                if subj is not None and subj.kind != "pronoun":
                    yield Attribution(subj, tok.low)
            continue
        subj = _subject_of(toks, v, lo, lex)
        if subj is not None:
            yield Attribution(subj, tok.low)
            continue
        j = _skip_back(toks, v - 1, lex)
        if j >= lo and (toks[j].low == "and" or toks[j].text == ","):
            # subject shared with an earlier verb: "Newsom signs the law, calls it "a promise kept""
            main = _main_subject(toks, lo, j, lex)
            if main is not None:
                yield Attribution(main.phrase, tok.low)
    if hi - 1 >= lo and toks[hi - 1].text == ":":
        main = _main_subject(toks, lo, hi - 1, lex)
        if main is not None:
            yield main


def _end_of_sentence(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """`..., Zelensky said.` / `..., said Zelensky.` after a quote inside the sentence."""
    for c in range(lo, hi):
        if toks[c].text != ",":
            continue
        got = _after(toks[: hi], c, lex)
        if got is not None:
            return got
    return None


def _by(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """`regarded as a good "compromise" by the Ukrainian leader`."""
    if lo < hi and toks[lo].low == "by":
        got = forward_phrase(toks, lo + 1, lex)
        if got and got[0].kind != "pronoun":
            return Attribution(got[0], None)
    return None


def is_full(before: list[Token], lex: Lexicon) -> bool:
    """A quote standing as its own sentence(s), not a fragment embedded in the reporter's."""
    words = [t for t in before if t.kind != "q"]
    if not before or not words:
        return True
    last = before[-1]
    if last.text == ":":
        return True
    if last.kind == "q":
        return True
    if last.text == ",":
        # split quote or attribution first: `"A," he said, "B."` / `Zelensky declared, "B."`
        j = len(before) - 2
        while j >= 0 and before[j].kind == "w" and not is_verb(before[j], lex) and j > len(before) - 8:
            j -= 1
        return j >= 0 and is_verb(before[j], lex)
    if is_verb(last, lex):
        return True
    return False


# --- the per-text driver ----------------------------------------------------------------------


def _furniture_paragraphs(text: str, quotes: list[QuoteSpan], lex: Lexicon) -> list[tuple[int, int]]:
    """Paragraph spans that are page furniture: related-link headlines, read-more lines."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        para = m.group(0).strip()
        if not para:
            continue
        low = para.lower()
        if low.startswith(lex.furniture):
            out.append((m.start(), m.end()))
            continue
        tail = para.rstrip("\"'“”’‘»« ")
        ends_sentence = bool(tail) and (tail[-1] in ".!?…:;," or (para[-1] in ")"))
        if ends_sentence or len(para.split()) > 30:
            continue
        inside = [q for q in quotes if m.start() <= q.open_start < m.end()]
        if inside and all(q.close_end <= m.end() and q.closed for q in inside):
            out.append((m.start(), m.end()))
    return out


def _is_name_not_quote(text: str, q: QuoteSpan, before: list[Token], headline: bool, lex: Lexicon) -> bool:
    """Titles of works and names in quote marks (`the film "Oppenheimer"`, `dubbed "Spiderweb"`)."""
    inner = text[q.open_end : q.close_start].strip(" ,.")
    words = _WORD.findall(inner)
    if not words:
        return True
    title_case = all(w[0].isupper() for w in words if len(w) > 3) and words[0][0].isupper()
    tail = list(before)
    while tail and tail[-1].text in ",:":
        tail.pop()  # "his call sign, "Hunter""
    cue = lex.works_cue(" ".join(t.low for t in tail[-3:] if t.kind == "w"))
    if cue is not None:
        if cue in ("called", "known as", "named", "dubbed", "titled", "entitled") and not title_case:
            return False
        if len(words) <= 8:
            return True
    if headline or not before or not title_case or len(words) > 5 or inner[-1:] in _TERMINAL + "," or "\n" in inner:
        return False
    # A short Title Case run inside a sentence, not introduced as speech: a name or a title.
    last = before[-1]
    introduced = last.text in ":," or is_verb(last, lex) or last.low in ("as", "that")
    return not introduced


def find_attributed(
    text: str,
    resolver_factory: Callable[[str, list[QuoteSpan]], Resolver] | None = None,
    *,
    headline: bool = False,
    resolver: Resolver | None = None,
) -> tuple[list[Found], str, Resolver | None]:
    """Quotes of `text` with their attributions (speaker resolved if a resolver is given)."""
    lex = lexicon()
    spans = find_quotes(text)
    # Blank out every quote (paragraph breaks inside a multi-paragraph quote included).
    masked_chars = list(text)
    for q in spans:
        masked_chars[q.open_start : q.close_end] = MASK * (q.close_end - q.open_start)
    masked = "".join(masked_chars)
    if resolver is None and resolver_factory is not None:
        resolver = resolver_factory(masked, spans)
    toks = tokenize(masked)
    starts = [t.start for t in toks]
    sentences = sentence_spans(masked, text, spans, lex)
    sent_starts = [s for s, _ in sentences]
    furniture = [] if headline else _furniture_paragraphs(text, spans, lex)
    para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", text)]

    found: list[Found] = []
    for q in spans:
        if any(a <= q.open_start < b for a, b in furniture):
            continue
        s_idx = bisect.bisect_right(sent_starts, q.open_start) - 1
        s_start, s_end = sentences[s_idx]
        lo = bisect.bisect_left(starts, s_start)
        qi = bisect.bisect_left(starts, q.open_start)  # the masked quote token
        hi = bisect.bisect_left(starts, s_end)
        # The masked token may start before the quote if two quotes touch; find ours.
        while qi < len(toks) and toks[qi].end <= q.open_start:
            qi += 1
        qend = qi
        while qend < len(toks) and toks[qend].start < q.close_end:
            qend += 1
        before = toks[lo:qi]
        if _is_name_not_quote(text, q, before, headline, lex):
            continue
        start, end = _trim(text, q.open_end, q.close_start)
        if start >= end:
            continue
        full = is_full(before, lex) and not _fragment_inside(toks, qend, hi, lex)
        attribution = (
            _after(toks[:hi], qend, lex)
            or _before(toks, lo, qi, lex)
            or _end_of_sentence(toks, qend, hi, lex)
            or (None if full else _by(toks, qend, hi, lex))
        )
        para = bisect.bisect_right(para_starts, q.open_start) - 1
        if attribution is None and full and not before and s_idx > 0:
            attribution = _previous_sentence(toks, starts, sentences[s_idx - 1], lex)
        f = Found(
            start,
            end,
            not full,
            attribution.phrase if attribution else None,
            attribution.verb if attribution else None,
            paragraph=para,
            end_paragraph=bisect.bisect_right(para_starts, q.close_start) - 1,
            starts_paragraph=not text[para_starts[para] : q.open_start].strip(),
        )
        found.append(f)
    if resolver is not None:
        for f in found:
            if f.phrase is not None:
                f.speaker, f.speaker_entity_id, f.speaker_surface = resolver.resolve(f.phrase, text, not headline)
    _inherit(found)
    return found, masked, resolver


def _previous_sentence(
    toks: list[Token], starts: list[int], sentence: tuple[int, int], lex: Lexicon
) -> Attribution | None:
    """`Zelensky said talks had failed. "We are disappointed."`: the quote opening a sentence with
    no attribution of its own is the previous sentence's reporter's, if that sentence reported
    someone and quoted no one."""
    lo, hi = bisect.bisect_left(starts, sentence[0]), bisect.bisect_left(starts, sentence[1])
    if any(t.kind == "q" for t in toks[lo:hi]):
        return None
    return next((a for a in _before_all(toks, lo, hi, lex) if a.verb), None)


def _fragment_inside(toks: list[Token], qend: int, hi: int, lex: Lexicon) -> bool:
    """The sentence goes on after the quote with more of the reporter's words, not an attribution
    (`Kremlin says "no basis" for talks`)."""
    if qend >= hi or toks[qend].kind != "w":
        return False
    return _after(toks[:hi], qend, lex) is None


def _inherit(found: list[Found]) -> None:
    """An unattributed full quote continues the previous quote's speech (same or previous paragraph)."""
    prev: Found | None = None
    for f in found:
        if f.phrase is None and not f.is_partial and prev is not None:
            if prev.end_paragraph == f.paragraph or (f.starts_paragraph and prev.end_paragraph == f.paragraph - 1):
                f.speaker, f.speaker_entity_id = prev.speaker, prev.speaker_entity_id
                f.speaker_surface, f.verb, f.phrase = prev.speaker_surface, prev.verb, prev.phrase
                f.inherited = True
        if f.phrase is not None:
            prev = f


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Quoted words without surrounding spaces or the comma that stands in for a full stop."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end
