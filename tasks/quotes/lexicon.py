"""The word lists quote attribution reads, loaded once from the data files beside this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    out = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _yaml(name: str):
    return yaml.safe_load((HERE / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class OfficeHolder:
    name: str
    aliases: tuple[str, ...]
    country: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, str]  # inflected form -> lemma
    verb_phrases_by_first: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]  # first word -> (phrase, words)
    skip_words: frozenset[str]
    pronouns: dict[str, dict]
    furniture: tuple[str, ...]
    abbreviations: frozenset[str]
    works: tuple[str, ...]
    honorifics: dict[str, frozenset[str]]  # gender -> honorifics (lowercase, no dot)
    title_words: frozenset[str]
    role_of: dict[str, str]  # description noun phrase -> role
    role_last_words: frozenset[str]  # the last word of every role_of phrase, to rule words out fast
    role_end_words: frozenset[str]  # those and their plurals ("officials", "spokesmen"): _may_end_role
    # every role_of phrase, its plural in "s" and its plural of "man" in "men" -> (role, plural);
    # a phrase that is more than one of these is what role_of says first: itself, then "s", "men"
    role_forms: dict[str, tuple[str, bool]]
    compatible_roles: dict[str, frozenset[str]]
    place_of: dict[str, str]  # word -> country/bloc
    office_holders: tuple[OfficeHolder, ...]
    given_gender: dict[str, str]  # given name (lowercase) -> "m" | "f"
    noun_gender: dict[str, str]  # "spokeswoman" -> "f"
    stopwords: frozenset[str]
    nearest_roles: frozenset[str]
    subject_roles: frozenset[str]  # descriptions that may name whom the text was just talking about
    finite_verbs: frozenset[str]
    prepositions: frozenset[str]
    title_like: frozenset[str]  # title words and honorifics, lowercase, no trailing dot
    capital_titles: frozenset[str]  # ranks that are titles only in capitals ("DI")
    works_re: re.Pattern  # a works cue ending the text before a quote

    @property
    def role_pattern(self) -> str:
        """Regex alternation of role nouns, longest first, for descriptions."""
        nouns = sorted(self.role_of, key=len, reverse=True)
        return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in nouns)

    def is_honorific(self, word: str) -> bool:
        w = word.lower().rstrip(".")
        return any(w in s for s in self.honorifics.values())

    def works_cue(self, before: str) -> str | None:
        m = self.works_re.search(before)
        return m.group(1) if m else None

    def roles_compatible(self, wanted: str, held: str) -> bool:
        if wanted.startswith("former:") and held == wanted[len("former:") :]:
            return True  # "the former minister": whom the article gave that office ("served as")
        return held in self.compatible_roles.get(wanted, frozenset({wanted}))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    verbs: dict[str, str] = {}
    for line in _lines("reporting_verbs.txt"):
        forms = line.split()
        for form in forms:
            verbs.setdefault(form.lower(), forms[0].lower())
    titles = _yaml("titles.yaml")
    honorifics = {
        g: frozenset(w.lower().rstrip(".") for w in words) for g, words in titles["honorifics"].items()
    }
    role_of = {}
    for role, nouns in titles["roles"].items():
        for noun in nouns:
            role_of[noun.lower()] = role
    compatible = {k: frozenset(v) for k, v in titles["compatible_roles"].items()}
    place_of = {}
    for place, words in _yaml("places.yaml").items():
        for w in words:
            place_of[str(w).lower()] = place
    holders = tuple(
        OfficeHolder(h["name"], tuple(h.get("aliases", [])), h["country"], tuple(h.get("roles", [])))
        for h in _yaml("office_holders.yaml")
    )
    given = _yaml("given_names.yaml")
    given_gender = {}
    for g, key in (("female", "f"), ("male", "m")):
        for n in given[g]:
            given_gender.setdefault(str(n).lower(), key)
    last_words = {noun.split(" ")[-1] for noun in role_of}
    verb_phrases = tuple(p.lower() for p in _lines("verb_phrases.txt"))
    by_first: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for phrase in verb_phrases:
        words = tuple(phrase.split())
        if words:
            by_first.setdefault(words[0], []).append((phrase, words))
    return Lexicon(
        verbs=verbs,
        verb_phrases_by_first={k: tuple(v) for k, v in by_first.items()},
        skip_words=frozenset(w.lower() for w in _lines("skip_words.txt")),
        pronouns={k.lower(): v for k, v in _yaml("pronouns.yaml").items()},
        furniture=tuple(p.lower() for p in _lines("furniture.txt")),
        abbreviations=frozenset(a.lower() for a in _lines("abbreviations.txt")),
        works=tuple(w.lower() for w in _lines("works.txt")),
        honorifics=honorifics,
        title_words=frozenset(w.lower() for w in titles["title_words"]),
        role_of=role_of,
        role_last_words=frozenset(last_words),
        role_forms={
            **{noun[:-3] + "men": (role, True) for noun, role in role_of.items() if noun.endswith("man")},
            **{noun + "s": (role, True) for noun, role in role_of.items()},
            **{noun: (role, False) for noun, role in role_of.items()},
        },
        role_end_words=frozenset(
            last_words | {w + "s" for w in last_words} | {w[:-3] + "men" for w in last_words if w.endswith("man")}
        ),
        compatible_roles=compatible,
        place_of=place_of,
        office_holders=holders,
        given_gender=given_gender,
        noun_gender={
            str(n).lower(): key
            for g, key in (("female", "f"), ("male", "m"))
            for n in titles.get("gendered_nouns", {}).get(g, [])
        },
        stopwords=frozenset(w.lower() for w in _lines("stopwords.txt")),
        nearest_roles=frozenset(titles.get("nearest_roles", [])),
        subject_roles=frozenset(titles.get("subject_roles", [])),
        finite_verbs=frozenset(w.lower() for w in _lines("finite_verbs.txt")),
        prepositions=frozenset(w.lower() for w in _lines("prepositions.txt")),
        capital_titles=frozenset(titles.get("capital_titles", [])),
        title_like=frozenset(
            {w.lower().rstrip(".") for w in titles["title_words"]} | set().union(*honorifics.values())
        ),
        works_re=re.compile(
            r"(?:^|\s)(" + "|".join(re.escape(w.lower()) for w in sorted(_lines("works.txt"), key=len, reverse=True)) + r")$"
        ),
    )
