"""Who a speaker phrase names: a canonical person (or organisation) of the article.

Names go to the entities stage's mention or lookup, else to the article's fuller form of the
name; pronouns to the person last talked about (the subject of a recent sentence) of a
compatible gender; descriptions ("the Ukrainian leader") to the person the article introduced
with that role and country, never to someone it left unnamed ("a Kremlin spokesman").
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator
from itertools import compress, count
from operator import itemgetter
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

from tasks.quotes.clauses import NOT_INVERTED, sentence_spans, sentence_subject, subject_of
from tasks.quotes.lexicon import Lexicon, lexicon
from tasks.quotes.marks import QuoteSpan
from tasks.quotes.phrases import (
    INDEFINITE,
    MASK,
    PARTICLES,
    POSSESSIVE,
    SpeakerPhrase,
    Token,
    abbreviation,
    backward_phrase,
    forward_phrase,
    is_title,
    is_verb,
    name_from,
    Tokens,
    qualified,
    tokens,
    verb_phrases_at,
)

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
        strict_names: bool = False,
    ):
        self.lex = lexicon()
        # Outside English, capitals mark nouns too (German): only entities and titled names count.
        self.strict_names = strict_names
        self.body = body
        self.masked = body_masked
        self.mentions = sorted(
            [m for m in mentions if m.get("start") is not None and m.get("end") is not None], key=_START_END
        )
        self._mention_starts = [m["start"] for m in self.mentions]
        self.lookup = lookup
        self._lookup_cache: dict[str, dict | None] = {}
        self._distinct_mentions: list[dict[str, Any]] | None = None
        self.persons: list[Person] = []
        self.titled: list[tuple[int, str | None, str | None, Person]] = []  # (pos, role, country, person)
        self.unnamed: list[tuple[int, str]] = []  # (pos, role) of "a Kremlin spokesman"
        self._names_by_surname: dict[str, list[tuple[str, str | None]]] = {}  # for _expand
        # Answers that depend on the names above, while they stay as they are: the same names are
        # canonicalised again and again (every mention of a person).
        self._names_version = 0  # bumped by each name remembered
        self._by_names: dict[tuple, tuple[int, Any]] = {}  # (method, args) -> (version, answer)
        self._genders: dict[tuple[str, str], str | None] = {}
        self._person_ends: list[int] = []  # sorted ends of self.persons, for insertion
        named = dict.fromkeys((m["name"], m.get("entity_id")) for m in self.mentions if m.get("name"))
        for name, entity_id in named:  # each once: a person is mentioned again and again
            self._remember_name(name, entity_id)
        # "the Rapid Support Forces (RSF)": the article's own spelling-out of an acronym
        self.acronyms: dict[str, str] = {}
        spelled_out = _SPELLED_OUT.finditer(body_masked) if _ACRONYM_IN_PARENS.search(body_masked) else ()
        for m in spelled_out:
            words, acronym = m.group(1).split(), m.group(2)
            for n in range(len(words) - 1, -1, -1):  # the shortest run of words spelling it out
                if "".join(w[0] for w in words[n:] if w[0].isupper()) == acronym:
                    self.acronyms.setdefault(acronym, " ".join(words[n:]))
                    break
        tk = tokens(body_masked)
        self.toks = tk.toks
        self.token_starts = tk.starts  # for bisect, here and in attribution
        self.sentences = sentence_spans(body_masked, body, spans, self.lex)
        self.sentence_starts = [s for s, _ in self.sentences]
        self._cues = _find_cues(tk, self.lex)
        self.commas = self._cues.commas  # indexes of the comma tokens
        # forward_phrase(self.toks, i) for i after every comma: appositions and sentence
        # subjects both parse there (SpeakerPhrases are not changed once made: shared)
        self.after_comma: dict[int, tuple[SpeakerPhrase, int] | None] = {}
        self._index_names()
        self._index_subjects()

    # --- lookups -------------------------------------------------------------------------
    def _lookup(self, name: str) -> dict | None:
        if not self.lookup or not name:
            return None
        if name not in self._lookup_cache:
            try:
                try:
                    hit = self.lookup(name, self._mentions_for_lookup())
                except TypeError:
                    hit = self.lookup(name)
            except Exception:  # noqa: BLE001 - a broken lookup must not cost the quote
                hit = None
            self._lookup_cache[name] = hit
        return self._lookup_cache[name]

    def _mentions_for_lookup(self) -> list[dict[str, Any]]:
        """The mentions, each saying of a name what no earlier one says (the same surface, name,
        type and IDs, elsewhere in the text): what a lookup reads of them and answers with, in
        their order, so its answer is the same; an article names a person again and again, and a
        lookup reads every mention it is given."""
        if self._distinct_mentions is None:
            seen: set[tuple] = set()
            distinct = []
            try:
                for m in self.mentions:
                    key = (m.get("surface"), m.get("name"), m.get("type"), m.get("entity_id"), m.get("wikidata_id"))
                    if key not in seen:
                        seen.add(key)
                        distinct.append(m)
            except TypeError:  # an unhashable value: give them all
                distinct = self.mentions
            self._distinct_mentions = distinct
        return self._distinct_mentions

    def _mention_at(self, start: int, end: int) -> dict | None:
        """The mention naming [start, end): a PERSON inside it, or any entity covering all of it
        ("California" inside "Personal Insurance Federation of California" names something else)."""
        best, best_score = None, 0
        # mentions do not overlap: those reaching into [start, end) end just before `end`'s index
        i = bisect.bisect_left(self._mention_starts, end)
        for m in reversed(self.mentions[max(0, i - 8) : i]):
            if m["end"] <= start:
                continue  # ends before the span: no overlap (a cheap test for most of them)
            overlap = min(end, m["end"]) - max(start, m["start"])
            if overlap > 0 and (m.get("type") == "PERSON" or (m["start"] <= start and m["end"] >= end)):
                score = overlap + (1000 if m.get("type") == "PERSON" else 0)
                if score > best_score:
                    best, best_score = m, score
        return best

    # --- names ---------------------------------------------------------------------------
    def canonical(self, surface: str, bare: str, span: tuple[int, int] | None) -> tuple[str, str | None, bool]:
        """(name, entity_id, is_org): overlapping mention, then lookup, then the article's fuller name."""
        if bare in self.acronyms:
            return self._spelled_out(bare)
        if span is not None:
            m = self._mention_at(*span)
            if (
                m is not None
                and m.get("type") == "PERSON"
                and m["end"] < span[1]
                and re.match(r"[\s-]+(?:[A-Z]|(?:al|el|ad|as|ash|at|az|an|ul|ud|bin|ibn|abu|abd)-[A-Z])", self.body[m["end"] : span[1]])
            ):
                m = None  # "Mohamed Ibrahim al-Sheikh" is more than the "Mohamed Ibrahim" found
            if m is not None and m.get("name") and m.get("type") in ("GPE", "LOC") and self._gender(surface, bare):
                # "Lyudmila, 61," typed a place: a given name says person; keep the name, not the ID
                return m["name"], None, False
            if m is not None and m.get("name"):
                if m.get("type") == "PERSON":
                    fuller = self._expand(m["name"])  # "De Wever" -> the article's "Bart De Wever"
                    if fuller is not None and fuller[1]:
                        return fuller[0], fuller[1], False
                    own = self._article_name_instead(bare, m["name"], m.get("entity_id"))
                    if own is not None:
                        return own  # "Wang" is the article's "Wang Yiwei", not a Wang it never names
                return m["name"], m.get("entity_id"), m.get("type") not in (None, "PERSON")
        for cand in (bare, surface):
            hit = self._lookup(cand)
            if hit:
                if hit.get("type") == "PERSON":
                    own = self._article_name_instead(bare, hit["name"], hit.get("entity_id"))
                    if own is not None:
                        return own  # "Wang" is the article's "Wang Yiwei", not a Wang it never names
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

    def _article_name_instead(self, bare: str, name: str, eid: str | None) -> tuple[str, str | None, bool] | None:
        """The article's own full name for `bare`, when the entity found for it is someone the
        article never names in full and the article's name is someone else."""
        key = ("article_name_instead", bare, name, eid)
        got = self._by_names.get(key)
        if got is None or got[0] != self._names_version:
            got = self._by_names[key] = (self._names_version, self._find_article_name_instead(bare, name, eid))
        return got[1]

    def _find_article_name_instead(self, bare: str, name: str, eid: str | None) -> tuple[str, str | None, bool] | None:
        if next(word_starts(self.body, name), None) is not None:
            return None
        own = self._article_name(bare)
        if own is None:
            return None
        hit = self._lookup(own[0])
        if hit is not None and hit.get("entity_id") == eid:
            return None  # "Putin" and the article's "Vladimir V. Putin" are one man
        return own

    def _article_name(self, bare: str) -> tuple[str, str | None, bool] | None:
        """The one full name in the article that `bare` (one word) opens or ends: surname first
        ("Wang Yiwei") or last."""
        if len(bare.split()) != 1:
            return None
        key = fold_name(bare)
        found = {
            (name, eid)
            for names in self._names_by_surname.values()
            for name, eid in names
            if len(name.split()) > 1 and key in (fold_name(name.split()[0]), fold_name(name.split()[-1]))
        }
        if len({fold_name(n) for n, _ in found}) != 1:
            return None
        name, eid = max(found, key=lambda f: bool(f[1]))
        return name, eid, False

    def _spelled_out(self, acronym: str) -> tuple[str, str | None, bool]:
        full = self.acronyms[acronym]
        hit = self._lookup(full)
        if hit:
            return hit["name"], hit.get("entity_id"), hit.get("type") not in (None, "PERSON")
        return full, None, True

    def _remember_name(self, name: str, entity_id: str | None) -> None:
        """Keep `name` for _expand and _article_name; once: a name said again changes neither,
        and most names are said again (every mention of the person)."""
        parts = name.split()
        if parts:
            known = self._names_by_surname.setdefault(fold_name(parts[-1]), [])
            if (name, entity_id) not in known:
                known.append((name, entity_id))
                self._names_version += 1

    def _expand(self, bare: str) -> tuple[str, str | None] | None:
        """`Zelensky` -> the article's `Vladimir Zelensky` (same surname, more words)."""
        key = ("expand", bare)
        got = self._by_names.get(key)
        if got is None or got[0] != self._names_version:
            got = self._by_names[key] = (self._names_version, self._find_expanded(bare))
        return got[1]

    def _find_expanded(self, bare: str) -> tuple[str, str | None] | None:
        words = bare.split()
        if not words:
            return None
        best = None
        for name, eid in self._names_by_surname.get(fold_name(words[-1]), ()):
            if len(words) > 1 and not set(map(fold_name, words)) <= set(map(fold_name, name.split())):
                continue  # "Ablassé Ouédraogo" is not the article's "Pingdwendé Gilbert Ouédraogo"
            if len(name.split()) > len(words):
                if best is None or (eid and not best[1]) or (bool(eid) == bool(best[1]) and len(name) > len(best[0])):
                    best = (name, eid)
        if best is None and len(words) == 1:
            # "Sir Keir", "Iga": a given name alone, if it is one person's in this article
            first = fold_name(words[0])
            matches = {
                (name, eid)
                for names in self._names_by_surname.values()
                for name, eid in names
                if len(name.split()) > 1 and fold_name(name.split()[0]) == first
            }
            canonical = {fold_name(n) for n, _ in matches}
            if len(canonical) == 1 or len({e for _, e in matches if e}) == 1:
                best = max(matches, key=lambda m: (bool(m[1]), len(m[0])))
        return best

    def looks_like_name(self, phrase: SpeakerPhrase, text: str, in_body: bool) -> bool:
        """A capitalised plural that starts a sentence ("Critics said") is only a name if the
        article also capitalises it mid-sentence, or knows it as an entity."""
        bare = text[phrase.name_start : phrase.name_end]
        if self.strict_names:
            known = in_body and self._mention_at(phrase.name_start, phrase.name_end) is not None
            return bool(phrase.titles) or known or bool(self._lookup(bare))
        if phrase.titles or len(bare.split()) > 1 or not in_body or not bare.endswith("s"):
            return True  # only plural-looking words ("Critics", "Analysts") are in doubt
        if self._mention_at(phrase.name_start, phrase.name_end) is not None or self._lookup(bare):
            return True
        if not self._at_sentence_start(phrase.start):
            return True
        for at in word_starts(self.body, bare):
            if at != phrase.name_start and not self._at_sentence_start(at):
                return True
        return False

    def _at_sentence_start(self, pos: int) -> bool:
        i = bisect.bisect_right(self.sentence_starts, pos) - 1
        if i < 0:
            return True
        return not self.masked[self.sentence_starts[i] : pos].strip(" \t\n\u00a0([{—–-\"'“‘")

    def _gender(self, surface: str, bare: str) -> str | None:
        key = (surface, bare)
        if key not in self._genders:
            self._genders[key] = self._find_gender(surface, bare)
        return self._genders[key]

    def _find_gender(self, surface: str, bare: str) -> str | None:
        for w in surface.split():
            w = w.lower().rstrip(".")
            if w in self.lex.honorifics.get("male", ()):
                return "m"
            if w in self.lex.honorifics.get("female", ()):
                return "f"
        for w in _WORDS.findall(surface[: len(surface) - len(bare)] if surface.endswith(bare) else ""):
            if w.lower() in self.lex.noun_gender:  # "Kremlin spokesman Dmitry Peskov"
                return self.lex.noun_gender[w.lower()]
        first = bare.split()[0].lower() if bare.split() else ""
        return self.lex.given_gender.get(first)

    # --- indexing the article's people ----------------------------------------------------
    def _add_person(self, person: Person) -> None:
        at = bisect.bisect_right(self._person_ends, person.end)
        self._person_ends.insert(at, person.end)
        self.persons.insert(at, person)

    def _index_names(self) -> None:
        """People named anywhere: PERSON mentions, titled names, appositions; unnamed descriptions."""
        lex, toks = self.lex, self.toks
        for m in self.mentions:
            if m.get("type") == "PERSON" and MASK not in self.masked[m["start"] : m["end"]]:
                surface = self.body[m["start"] : m["end"]]
                self._add_person(
                    Person(m["start"], m["end"], m["name"], m.get("entity_id"), self._gender(surface, m["name"]))
                )
        # "Joan, 74, who has waited eight months": a person the story turns to
        for p in self.persons:
            if _AGE_AFTER.match(self.masked, p.end, p.end + 8):
                p.subject = True
        # Runs of capitalised and title words: "former NATO Secretary General Jens Stoltenberg".
        in_name = self._cues.in_name
        after_run = 0
        for n in self._cues.name_words:
            if n < after_run:
                continue  # inside the run before
            j = n
            while j + 1 < len(toks):
                nxt = toks[j + 1]
                if in_name[j + 1]:
                    j += 1
                elif nxt.low in PARTICLES and j + 2 < len(toks) and toks[j + 2].cap:
                    j += 1
                elif nxt.text == "." and abbreviation(toks[j], lex):
                    j += 1
                else:
                    break
            after_run = j + 1
            if j == n:  # one word alone is neither a titled name nor a full name to remember
                continue
            phrase = name_from(toks, n, j, lex) if toks[j].cap else None
            if phrase is not None and phrase.kind == "name" and phrase.titles:
                self._add_name(phrase, subject=False)
            elif phrase is not None and phrase.kind == "name":
                bare = POSSESSIVE.sub("", self.body[phrase.name_start : phrase.name_end])
                if len(bare.split()) > 1 and bare.split()[0].lower() not in lex.stopwords:
                    self._remember_name(bare, None)  # for "Boyle" -> "Danny Boyle"
        # Appositions: "the country's leader, Vladimir Zelensky," / "Maria Keller, Helvion's chief executive,"
        after_comma = self.after_comma
        for n in self._cues.commas:
            # the phrase after the comma first: it is the cheaper to parse and the rarer to be there
            right = after_comma[n + 1] = forward_phrase(toks, n + 1, lex)
            if right is None:
                continue
            right_phrase, after = right
            if after < len(toks) and toks[after].text not in ",.;)" and "\n" not in toks[after].text:
                continue  # "Asked about Zelensky, the Russian leader replied": no apposition
            left = backward_phrase(toks, n - 1, lex)
            if left is None:
                continue
            pair = (left, right_phrase)
            desc = next((p for p in pair if p.kind == "description" and p.determiner not in INDEFINITE), None)
            name = next((p for p in pair if p.kind == "name"), None)
            if desc is None or name is None or desc.plural:
                continue
            person = self._add_name(name, subject=False)
            if desc.role == "organisation" and " of " not in self.body[desc.start : desc.end]:
                person.is_org = True  # "Helvion, the Swiss maker" (not "the head of the administration")
            self.titled.append((name.start, desc.role, self._country(desc), person))
        # Offices in a relative clause: "Sophie Lemaire, who served as culture minister, ..."
        for n in self._cues.whos:
            if n < 2 or toks[n - 1].text != "," or n + 1 >= len(toks):
                continue
            if toks[n + 1].low not in _OFFICE_VERBS:
                continue
            name = backward_phrase(toks, n - 2, lex)
            if name is None or name.kind != "name":
                continue
            words = []
            for t in toks[n + 2 : n + 10]:
                if t.kind != "w" or t.low in ("between", "from", "until", "since", "in", "at", "for", "of"):
                    break
                words.append(t.low)
            role = None
            for width in (3, 2, 1):
                for a in range(len(words) - width + 1):
                    role = role or lex.role_of.get(" ".join(words[a : a + width]))
            if role and role not in ("person", "organisation"):
                person = self._add_name(name, subject=False)
                self.titled.append((name.start, qualified(role, words), None, person))
        # Unnamed people: "a Kremlin spokesman", "one official", "an analyst", and "the brigade's
        # commander, who asked not to be named,". Most texts have no such clause: no "the" to try.
        anonymity_said = _ANONYMOUS.search(self.masked) is not None
        for n in self._cues.determiners:
            tok = toks[n]
            if tok.low == "the" and not anonymity_said:
                continue
            got = forward_phrase(toks, n, lex)
            if not (got and got[0].kind == "description" and got[0].role):
                continue
            if tok.low == "the" and not _ANONYMOUS.match(self.masked, got[0].end):
                continue
            self.unnamed.append((got[0].start, got[0].role))
        self.titled.sort(key=lambda t: t[0])

    def _index_subjects(self) -> None:
        """The subject of each sentence and of each reporting verb: names first, then (in text
        order, so each can use the people before it) pronouns and descriptions, resolved."""
        lex, toks, starts = self.lex, self.toks, self.token_starts
        phrase_openers, verbs = self._cues.phrase_openers, self._cues.verbs
        phrases: list[SpeakerPhrase] = []
        embedded: set[tuple[int, int]] = set()  # subjects of a reported clause ("said that Putin asked")
        for s_start, s_end in self.sentences:
            lo, hi = bisect.bisect_left(starts, s_start), bisect.bisect_left(starts, s_end)
            first = sentence_subject(toks, lo, hi, lex, self.commas, self.after_comma)
            if first is not None:
                phrases.append(first)
            # "According to Irish MEP Maria Walsh, ...": who the sentence reports
            for v in _between(phrase_openers, lo, hi):
                for _, width in verb_phrases_at(toks, v, lex):
                    got = forward_phrase(toks, v + width, lex)
                    if got is not None and got[0].kind == "name":
                        phrases.append(got[0])
            for v in _between(verbs, lo, hi):
                subj = subject_of(toks, v, lo, lex)
                if subj is None and v + 1 < hi and v > lo and toks[v - 1].kind == "q" or (
                    subj is None and v > lo and toks[v - 1].text == "," and toks[v - 2].kind == "q"
                ):  # "…," said Fissette
                    got = forward_phrase(toks, v + 1, lex) if toks[v].low not in NOT_INVERTED else None
                    subj = got[0] if got and got[0].kind == "name" else None
                if subj is not None:
                    if self._embedded(toks, subj, lo):
                        embedded.add((subj.start, subj.end))
                    phrases.append(subj)
        seen: set[tuple[int, int]] = set()
        unique = []
        for phrase in sorted(phrases, key=lambda p: p.start):
            if (phrase.start, phrase.end) not in seen:
                seen.add((phrase.start, phrase.end))
                unique.append(phrase)
        for phrase in unique:
            if phrase.kind == "name" and self.looks_like_name(phrase, self.body, True):
                self._add_name(phrase, subject=(phrase.start, phrase.end) not in embedded)
        self._index_surnames()
        for phrase in unique:
            if phrase.kind != "name":
                name, eid, _ = self.resolve(phrase, self.body, True)
                if name and phrase.role == "organisation":
                    # "Russia's defence ministry claimed ... the ministry said": an organisation
                    # named by a description is the latest one spoken of
                    org = Person(phrase.start, phrase.end, name, eid, None, is_org=True, subject=True)
                    self._add_person(org)
                    bisect.insort(self.titled, (phrase.start, "organisation", None, org), key=lambda t: t[0])
                elif name:
                    self._add_person(Person(phrase.start, phrase.end, name, eid, None, subject=True))
                elif phrase.kind == "description" and not phrase.plural and phrase.role != "organisation":
                    # "A soldier ... told the Kyiv Independent": the next "he" is this unnamed man
                    self._add_person(Person(phrase.start, phrase.end, None, None, None, subject=True))

    def _embedded(self, toks: list, subj: SpeakerPhrase, lo: int) -> bool:
        """`Ushakov said that Putin had asked ...`: Putin is the subject of what was reported,
        not of the sentence, so the next "he" is still Ushakov."""
        k = bisect.bisect_left(self.token_starts, subj.start) - 1
        if k >= lo and toks[k].low == "that":
            k -= 1
        return k >= lo and is_verb(toks[k], self.lex) and not toks[k].low.endswith("ing")

    def _index_surnames(self) -> None:
        """Every later bare mention of a known person ("Murphy's appearance") is a person too."""
        taken = bytearray(len(self.masked) + 1)
        for p in self.persons:
            taken[p.start : p.end] = b"\x01" * (p.end - p.start)
        known: dict[str, Person] = {}
        for p in self.persons:
            if not p.is_org and p.name and p.name.split():
                known.setdefault(p.name.split()[-1], p)
        for surname, person in known.items():
            for start in word_starts(self.masked, surname):
                end = start + len(surname)
                if any(taken[start:end]):
                    continue
                taken[start:end] = b"\x01" * (end - start)
                self._add_person(Person(start, end, person.name, person.entity_id, person.gender))

    def _add_name(self, phrase: SpeakerPhrase, subject: bool) -> Person:
        surface = self.body[phrase.start : phrase.end]
        bare = self.body[phrase.name_start : phrase.name_end]
        name, eid, is_org = self.canonical(surface, bare, (phrase.name_start, phrase.name_end))
        person = Person(phrase.start, phrase.end, name, eid, self._gender(surface, bare), is_org, subject)
        is_org = is_org or surface.lower().startswith("the ")
        person.is_org = is_org
        self._add_person(person)
        if len(bare.split()) > 1:
            self._remember_name(bare, None)
        if phrase.titles:
            role = None
            for w in phrase.titles:
                role = self.lex.role_of.get(w, role)
            role = self.lex.role_of.get(" ".join(phrase.titles[-2:]), role)
            role = qualified(role, phrase.titles)
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
        if phrase.kind == "group":
            m = self._mention_at(phrase.start, phrase.end) if in_body else None
            if m is not None and m.get("name") and m["start"] <= phrase.start and m["end"] >= phrase.end:
                # "the Hostages and Missing Families Forum said": one name with "and" in it
                return m["name"], m.get("entity_id"), surface
            return None, None, surface
        if phrase.kind == "name":
            if not self.looks_like_name(phrase, text, in_body):
                return None, None, surface
            bare = text[phrase.name_start : phrase.name_end]
            name, eid, is_org = self.canonical(surface, bare, (phrase.name_start, phrase.name_end) if in_body else None)
            name, eid = self._with_country(phrase, surface, name, eid, is_org)
            return name, eid, surface
        if phrase.kind == "pronoun":
            if phrase.plural or not in_body:
                return None, None, surface
            low = surface.lower()
            gender = self.lex.pronouns.get(low, {}).get("gender")
            if gender is None and low.endswith(("-il", "-elle")):  # dit-il, ajoute-t-elle
                gender = "m" if low.endswith("-il") else "f"
            person = self.nearest_person(phrase.start, gender)
            return (person.name, person.entity_id, surface) if person else (None, None, surface)
        if phrase.role == "organisation" and in_body and not phrase.plural and self._owned_by_place(phrase, surface):
            # "Russia's defence ministry", "Burkina Faso's military government": named by its owner
            bare = re.sub(r"^(?:the|The)\s+", "", surface)
            hit = self._lookup(bare)
            if hit:
                return hit["name"], hit.get("entity_id"), surface
            return bare, None, surface
        # Headlines drop articles: "..., says Estonian PM" is definite.
        if phrase.plural or phrase.determiner in INDEFINITE or (phrase.determiner is None and in_body):
            return None, None, surface
        pos = phrase.start if in_body else len(self.body)
        gender = next((self.lex.noun_gender[w] for w in _WORDS.findall(surface.lower()) if w in self.lex.noun_gender), None)
        person = self.by_role(phrase.role, self._country(phrase), pos, gender, near=in_body)
        if person is None and not in_body and phrase.role in self.lex.nearest_roles:
            # the office holder the story is about: the first person its sentences are about
            person = next((p for p in sorted(self.persons, key=lambda p: p.start) if p.subject and p.name), None)
        return (person.name, person.entity_id, surface) if person else (None, None, surface)

    def _with_country(
        self, phrase: SpeakerPhrase, surface: str, name: str | None, eid: str | None, is_org: bool
    ) -> tuple[str | None, str | None]:
        """"Israel's Ministry of Foreign Affairs" is not any "Ministry of Foreign Affairs": an
        organisation whose name says no country keeps the country the text gave it."""
        if not (is_org and name and phrase.titles):
            return name, eid
        country = next((self.lex.place_of[w] for w in phrase.titles if w in self.lex.place_of), None)
        if country is None or any(w.lower() in self.lex.place_of for w in re.findall(r"[\w'’]+", name)):
            return name, eid
        return re.sub(r"^(?:the|The)\s+", "", surface), None

    def _owned_by_place(self, phrase: SpeakerPhrase, surface: str) -> bool:
        """The description opens with a country's possessive: "Burkina Faso's military government"."""
        m = re.match(r"(?:the\s+)?((?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)['’]s\s", surface)
        if m is None:
            return False
        if m.group(1).lower() in self.lex.place_of:
            return True
        at = phrase.start + m.start(1)
        place = self._mention_at(at, phrase.start + m.end(1))
        return place is not None and place.get("type") in ("GPE", "LOC") and place["start"] <= at

    def is_person(self, name: str | None) -> bool:
        """Whether the article knows `name` as a person (not an organisation or a place)."""
        return bool(name) and any(p.name == name and not p.is_org for p in self.persons)

    def _holds(self, person: Person, role: str) -> bool:
        lex = self.lex
        for _, held, _, other in self.titled:
            if other.name == person.name and held and lex.roles_compatible(role, held):
                return True
        surname = fold_name(person.name.split()[-1]) if person.name else ""
        for holder in lex.office_holders:
            names = {fold_name(a.split()[-1]) for a in (holder.name, *holder.aliases)}
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

    def _last_naming(self, name: str | None, at: int, pos: int) -> int:
        """The last place before `pos` where the text names `name` again (else `at`)."""
        if name:
            for start in word_starts(self.masked[:pos], name):
                at = max(at, start)
        return at

    def _sentence_of(self, pos: int) -> int:
        return bisect.bisect_right(self.sentence_starts, pos) - 1

    def by_role(
        self, role: str | None, country: str | None, pos: int, gender: str | None = None, near: bool = False
    ) -> Person | None:
        """A definite description's referent: the person last introduced with a compatible role
        (and country), unless an unnamed one of that role came after ("a spokesman ... the
        spokesman"); else a known office holder the article names; else, for offices, the person
        talked about last."""
        if role is None:
            return None
        lex = self.lex
        if role == "person":
            return self.nearest_person(pos, gender)
        if role == "organisation":
            named = [t for t in self.titled if t[1] == "organisation" and t[0] <= pos]
            # "Helvion, the Swiss maker, ... According to Helvion, ...": its latest naming counts
            named = [(self._last_naming(person.name, at, pos), r, c, person) for at, r, c, person in named]
            orgs = [
                m for m in self.mentions
                if m.get("type") == "ORG" and m["end"] <= pos and self.masked[m["start"]] != MASK  # not quoted words
            ]
            # "Copa-Cogeca, the EU's main farmers' lobby,": the owner inside a named organisation's
            # apposition is not the one speaking
            orgs = [
                m for m in orgs
                if self.masked[m["end"] : m["end"] + 2] not in ("'s", "’s")
                or not any(
                    at < m["start"] and "," in self.masked[at : m["start"]] and "." not in self.masked[at : m["start"]]
                    for at, *_ in named
                )
            ]
            best_at = max([t[0] for t in named] + [m["start"] for m in orgs], default=-1)
            for at, _, _, person in named:
                if at == best_at:
                    return person
            for m in orgs:
                if m["start"] == best_at:
                    said = self.body[m["start"] : m["end"]]
                    if said in self.acronyms:
                        name, eid, _ = self._spelled_out(said)
                        return Person(m["start"], m["end"], name, eid, None, True)
                    return Person(m["start"], m["end"], m["name"], m.get("entity_id"), None, True)
            return None
        if country is None:
            # "Trump ... weighed in. "...," the president wrote": the one being talked about, if
            # the article or the office-holder list gives them that office
            current = self.nearest_person(pos, gender)
            if current is not None and self._holds(current, role):
                return current
        best = None
        for at, held, held_country, person in self.titled:
            if at > pos or held is None or not lex.roles_compatible(role, held):
                continue
            if gender and person.gender and person.gender != gender:
                continue  # "the spokeswoman" is not the spokesman
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
                start = next(word_starts(self.body, alias), None)
                if start is not None:
                    end = start + len(alias)
                    name, eid, _ = self.canonical(alias, alias, (start, end))
                    return Person(start, end, name, eid, None)
        if best is not None:
            return best[1]
        if role in lex.nearest_roles and country is None:
            return self.nearest_person(pos, gender)
        if near and role.split(":")[-1] in lex.subject_roles:
            # "Parlevliet said the agency needed money. "...," the UN official said": whom the
            # sentence or the one before is about, when the article gave no one else that office
            current = self.nearest_person(pos, gender)
            if current is not None and current.subject and self._sentence_of(pos) - self._sentence_of(current.start) <= 1:
                return current
        return None


# Verbs after "who" that give someone an office: "who served as", "who is the", "who became"
_OFFICE_VERBS = frozenset(
    {"is", "was", "served", "serves", "became", "becomes", "remains", "has", "had", "acted", "acts", "works", "worked"}
)

_ANONYMOUS = re.compile(
    r",\s*(?:who\s+(?:asked|declined|requested|did not want|spoke)[^,.\n]{0,60}?(?:named|identified|anonymity)"
    r"|speaking on condition of anonymity)"
)

# "the Rapid Support Forces (RSF)": capitalised words, then the acronym they spell out. The
# pattern backtracks from every capital, so texts without a parenthesised acronym skip it.
_SPELLED_OUT = re.compile(r"((?:[A-Z][\w'’-]*\s+(?:(?:of|for|and|the)\s+)?){1,6})\(([A-Z]{2,6})\)")
_ACRONYM_IN_PARENS = re.compile(r"\([A-Z]{2,6}\)")

_WORDS = re.compile(r"[\w-]+")
_START_END = itemgetter("start", "end")  # a mention's (start, end)
_AGE_AFTER = re.compile(r",\s*\d{1,3},")  # "Joan, 74,"

SUBJECT_REACH = 2  # sentences back to look for a subject before settling for the nearest name


class _Cues(NamedTuple):
    """Where the indexing starts parsing: few tokens are any of these, and one pass over the
    tokens to find them all costs less than one per kind."""

    in_name: list[bool]  # per token: capitalised or a title word, what names are runs of
    name_words: list[int]  # where in_name is true
    commas: list[int]  # appositions
    whos: list[int]  # offices in a relative clause
    determiners: list[int]  # unnamed people: "a", "an", "another", "one", "the"
    phrase_openers: list[int]  # first words of reporting phrases ("according to")
    verbs: list[int]  # reporting verbs


# What a token's lowercase form may make it a cue for, as bits: _cue_table's values.
_TITLE, _COMMA, _WHO, _DETERMINER, _OPENER, _VERB = 1, 2, 4, 8, 16, 32
_CUE_TABLES: dict[int, tuple[Lexicon, dict[str, int], frozenset[str]]] = {}


def _cue_table(lex: Lexicon) -> tuple[dict[str, int], frozenset[str]]:
    """Lowercase word -> its cue bits, for every word that is some cue; and the capital titles
    ("DI") that is_title finds by their text whose tokens would not be capitalised anyway
    (none, as the lexicon has it). Made once per lexicon."""
    got = _CUE_TABLES.get(id(lex))
    if got is not None and got[0] is lex:
        return got[1], got[2]
    table: dict[str, int] = {}
    # is_title on a lowercase word: its dotless form is title-like. Only "." ends in a dot
    # without being capitalised (acronyms are), and it is a title word only if "" is one.
    for word in lex.title_like:
        table[word] = table.get(word, 0) | _TITLE
    if "" in lex.title_like:
        table["."] = table.get(".", 0) | _TITLE
    for word, bit in ((",", _COMMA), ("who", _WHO)):
        table[word] = table.get(word, 0) | bit
    for word in INDEFINITE | {"the"}:
        table[word] = table.get(word, 0) | _DETERMINER
    for word in lex.verb_phrases_by_first:
        table[word] = table.get(word, 0) | _OPENER
    for word in lex.verbs:
        table[word] = table.get(word, 0) | _VERB
    uncapitalised = frozenset(t for t in lex.capital_titles if not (t[:1].isalnum() and t[:1].isupper()))
    _CUE_TABLES[id(lex)] = (lex, table, uncapitalised)
    return table, uncapitalised


def _find_cues(tk: Tokens, lex: Lexicon) -> _Cues:
    """The cues of the tokens `tk`: the few tokens with a cue are found by a lookup of every
    lowercase form at once, then each of them read."""
    toks = tk.toks
    table, uncapitalised_titles = _cue_table(lex)
    flags = list(map(table.get, tk.lows))
    in_name = list(tk.caps)  # capitalised, or is_title (below)
    if uncapitalised_titles and not uncapitalised_titles.isdisjoint(tk.texts):
        for n, text in enumerate(tk.texts):
            if text in uncapitalised_titles:
                in_name[n] = True
    commas: list[int] = []
    whos: list[int] = []
    determiners: list[int] = []
    openers: list[int] = []
    verbs: list[int] = []
    for n in compress(count(), flags):
        f = flags[n]
        if f & _TITLE:
            in_name[n] = True
        if f & _COMMA:
            commas.append(n)
        elif f & _WHO:
            whos.append(n)
        elif f & _DETERMINER:
            determiners.append(n)
        if f & _OPENER:
            openers.append(n)
        if f & _VERB and is_verb(toks[n], lex):
            verbs.append(n)
    return _Cues(in_name, list(compress(count(), in_name)), commas, whos, determiners, openers, verbs)


def _between(indexes: list[int], lo: int, hi: int) -> list[int]:
    """The sorted `indexes` in [lo, hi)."""
    return indexes[bisect.bisect_left(indexes, lo) : bisect.bisect_left(indexes, hi)]


@functools.lru_cache(maxsize=65536)  # the same few names are folded over and over
def fold_name(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().rstrip("'’s")


def word_starts(text: str, word: str) -> Iterator[int]:
    r"""Where `word` stands as a whole word in `text`: the starts `re.finditer(r"\b" + re.escape(word)
    + r"\b", text)` gives, found by substring search. A regex per name would be compiled for each
    new name and tried at every position of the text, and names are looked up many times per article."""
    if not word:  # nothing to search for: every word boundary, as the regex would say
        yield from (m.start() for m in re.finditer(r"\b", text))
        return
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if _word_boundary(text, at) and _word_boundary(text, end):
            yield at
            at = text.find(word, end)
        else:
            at = text.find(word, at + 1)


def _word_boundary(text: str, pos: int) -> bool:
    r"""Whether `pos` is a regex `\b` of `text`: a word character on one side only."""
    before = pos > 0 and _is_word_char(text[pos - 1])
    after = pos < len(text) and _is_word_char(text[pos])
    return before != after


def _is_word_char(char: str) -> bool:
    r"""A regex `\w` of a str pattern: a letter, digit or other numeric character, or "_"."""
    return char.isalnum() or char == "_"
