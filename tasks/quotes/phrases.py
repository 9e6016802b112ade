"""Tokens and speaker phrases: the names, pronouns and descriptions that can say something.

Works on a *masked* text, where every quoted span is blanked out, so that words inside quotes
("I", "Putin") are never taken for the reporter's attribution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, repeat
from operator import contains, itemgetter
from typing import NamedTuple

from tasks.quotes.lexicon import Lexicon

MASK = "\x01"
# Paragraph breaks are tokens too, so that no phrase runs from one paragraph into the next.
TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|\x01+|[^\W_][\w’'\-]*\+?|\n+|[^\w\s]")  # "OPEC+" is one word
_TOKEN_SPLIT = re.compile(f"({TOKEN_RE.pattern})")  # re.split on it: the tokens and what lies between
DETERMINERS = frozenset({"the", "a", "an", "another", "one", "his", "her", "its", "their", "our"})
INDEFINITE = frozenset({"a", "an", "another", "one"})
PARTICLES = frozenset(
    {"de", "van", "von", "der", "den", "bin", "al", "da", "di", "du", "la", "le", "del", "dos", "ibn", "of", "for"}
)
POSSESSIVE = re.compile(r"['’]s?$")
# How a word token ends when POSSESSIVE finds it, or it ends in "'s": backward_phrase's test
_POSSESSIVE_ENDINGS = ("'", "’", "'s", "’s")
# "al-Farra", "el-Sisi", "bin-Salman": a name that starts with a lowercase article
_ARABIC_ARTICLE = re.compile(r"(?:al|el|ad|ar|as|ash|at|az|an|ul|ud|bin|ibn|abu|abd)-[A-Z]")


class Token:
    """One word, masked quote, punctuation mark or paragraph break of a masked text.

    `low` and `cap` are computed once here: speaker search asks for them millions of times.
    """

    __slots__ = ("text", "start", "end", "kind", "headline", "low", "cap")

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        kind: str,
        headline: bool = False,
        low: str | None = None,
        cap: bool | None = None,
    ):
        self.text = text
        self.start = start
        self.end = end
        self.kind = kind  # "w" word, "q" masked quote, "p" punctuation
        self.headline = headline  # from a Title Case headline, where verbs are capitalised too
        # `low` and `cap` as tokenize computed them, else from the text
        self.low = text.lower() if low is None else low
        if cap is None:
            cap = kind == "w" and (text[0].isupper() or ("-" in text and bool(_ARABIC_ARTICLE.match(text))))
        self.cap = cap

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end}, {self.kind!r})"


class Tokens(NamedTuple):
    """The tokens of a masked text, and columns of them for scans over every token."""

    toks: list[Token]
    texts: list[str]
    starts: list[int]
    lows: list[str]
    caps: list[bool]


# A token's kind, and whether it is capitalised, by its first character (the Arabic-article
# exception aside): tokenising looks these up instead of testing every token. Filled as
# characters come; only ever added to, so threads may share them.
_KIND_OF_FIRST: dict[str, str] = {}
_CAP_OF_FIRST: dict[str, bool] = {}
_first = itemgetter(0)


def _learn_first_chars(firsts: set[str]) -> None:
    for c in firsts:
        kind = "q" if c == MASK else ("w" if c.isalnum() else "p")
        _KIND_OF_FIRST[c] = kind
        _CAP_OF_FIRST[c] = kind == "w" and c.isupper()  # written last: present means both are


def tokenize(masked: str, headline: bool = False) -> list[Token]:
    """The tokens of TOKEN_RE.finditer(masked)."""
    return tokens(masked, headline).toks


def tokens(masked: str, headline: bool = False) -> Tokens:
    """The tokens of TOKEN_RE.finditer(masked), with their texts, starts, lowercase forms and capitals.

    Tokenising is a large share of the stage, so no Python code runs per token but Token's own
    __init__: splitting on the pattern (one capturing group) gives every token with the text
    skipped before it, so offsets are running sums of lengths; kind and capital come from the
    first character, looked up."""
    parts = _TOKEN_SPLIT.split(masked)  # skipped, token, skipped, token, ..., skipped
    offsets = list(accumulate(map(len, parts)))  # where each part ends
    texts = parts[1::2]
    starts = offsets[0:-1:2]
    firsts = list(map(_first, texts))
    cap_of = _CAP_OF_FIRST
    new = set(firsts).difference(cap_of)
    if new:
        _learn_first_chars(new)
    kinds = list(map(_KIND_OF_FIRST.__getitem__, firsts))
    caps = list(map(cap_of.__getitem__, firsts))
    if "-" in masked:
        # "al-Farra": capitalised after its lowercase article
        for n in compress(count(), map(contains, texts, repeat("-"))):
            if not caps[n] and kinds[n] == "w" and _ARABIC_ARTICLE.match(texts[n]):
                caps[n] = True
    lows = list(map(str.lower, texts))
    toks = list(map(Token, texts, starts, offsets[1::2], kinds, repeat(headline), lows, caps))
    return Tokens(toks, texts, starts, lows, caps)


@dataclass
class SpeakerPhrase:
    """How a sentence names whoever speaks: a name, a pronoun or a description."""

    kind: str  # "name" | "pronoun" | "description" | "group" ("X and Y said": no one speaker)
    start: int
    end: int
    name_start: int = 0  # for names: the bare name, titles stripped
    name_end: int = 0
    titles: list[str] = field(default_factory=list)  # lowercase title/modifier words
    determiner: str | None = None
    role: str | None = None
    plural: bool = False


def is_pronoun(tok: Token, lex: Lexicon) -> bool:
    entry = lex.pronouns.get(tok.low) if tok.kind == "w" else None
    return entry is not None and (not entry.get("lowercase_only") or tok.text.islower())


def is_verb(tok: Token, lex: Lexicon) -> bool:
    """A reporting verb: "said", "says" - but not "States" in "the United States" (a capital
    is only a verb in a Title Case headline, or in capitals)."""
    return (
        tok.kind == "w"
        and tok.low in lex.verbs
        and (tok.headline or not tok.text[0].isupper() or tok.text.isupper())
    )


def abbreviation(tok: Token, lex: Lexicon) -> bool:
    """A word a full stop may follow inside a name: "Mr.", "Sen.", "J." (initials)."""
    return tok.kind == "w" and (tok.low in lex.title_like or len(tok.text) == 1)


def is_title(tok: Token, lex: Lexicon) -> bool:
    low = tok.low.rstrip(".")
    return low in lex.title_like or (tok.cap and low in lex.place_of) or tok.text in lex.capital_titles


_AGE = re.compile(r"\d+-year-olds?$")


def _role_backward(toks: list[Token], j: int, lex: Lexicon) -> tuple[int, str, bool] | None:
    """If toks[..j] ends with a role noun ("foreign minister", "officials"), its first index and role."""
    if j < 0:
        return None
    low = toks[j].low
    if low not in lex.role_end_words:  # _may_end_role: most words end no role
        if toks[j].kind == "w" and "-year-old" in low and _AGE.match(low):
            return j, "person", low.endswith("s")
        return None
    if toks[j].kind == "w" and "-year-old" in low and _AGE.match(low):
        return j, "person", low.endswith("s")
    if toks[j].kind != "w":
        return None
    # the words ending at j, up to three (the longest role phrases): phrases[w - 1] is the last w
    phrases = [low]
    if j >= 1 and toks[j - 1].kind == "w":
        phrases.append(f"{toks[j - 1].low} {low}")
        if j >= 2 and toks[j - 2].kind == "w":
            phrases.append(f"{toks[j - 2].low} {phrases[1]}")
    # the longest first; each as a role noun, or its plural in "s", or in "men" (spokesmen)
    forms = lex.role_forms
    for width in range(len(phrases), 0, -1):
        got = forms.get(phrases[width - 1])
        if got is not None:
            return j - width + 1, got[0], got[1]
    return None


# Words that make an office someone else's: "the shadow home secretary" is not "the home secretary".
QUALIFIERS = ("shadow", "former", "ex", "ex-", "deputy", "vice", "parliamentary")


def qualified(role: str | None, words: list[str]) -> str | None:
    """`role`, marked with a qualifier among `words` ("shadow:minister"); people and
    organisations are not qualified."""
    if role is None or role in ("person", "organisation"):
        return role
    for w in words:
        if w in QUALIFIERS:
            return f"{w.rstrip('-')}:{role}"
    return role


def _may_end_role(low: str, lex: Lexicon) -> bool:
    """Whether a word can end a role phrase, singular or plural ("officials", "spokesmen"): one
    of the role nouns' last words, or one of those plus "s", or with "man" made "men"."""
    return low in lex.role_end_words


def verb_phrases_at(toks: list[Token], v: int, lex: Lexicon) -> list[tuple[str, int]]:
    """(phrase, its length in tokens) of every reporting phrase starting at toks[v] ("according to").
    A list, not a generator: it is asked of every token before a quote, and most start none."""
    found = []
    for phrase, words in lex.verb_phrases_by_first.get(toks[v].low, ()):
        if tuple([t.low for t in toks[v : v + len(words)]]) == words:
            found.append((phrase, len(words)))
    return found


def _description_backward(toks: list[Token], j: int, lex: Lexicon) -> SpeakerPhrase | None:
    hit = _role_backward(toks, j, lex)
    if hit is None:
        return None
    i, role, plural = hit
    if role == "organisation" and toks[j].cap:
        return None  # "the European Union", "the Labour Party": a name, not a description
    if (
        role == "person"
        and toks[j].low in lex.place_of
        and i == j
        and (i == 0 or toks[i - 1].low not in DETERMINERS)
    ):
        return None  # "Italian" alone is an adjective ("Italian Prime Minister ..."); "the Italian" a man
    mods: list[str] = []
    det = None
    k = i - 1
    while k >= 0 and len(mods) <= 4:
        t = toks[k]
        if t.kind != "w":
            break
        if t.low in DETERMINERS:
            det = t.low
            break
        if t.low in lex.verbs or (t.low in lex.stopwords and t.low not in lex.place_of):
            break
        mods.append(t.low)
        k -= 1
    role = qualified(role, mods)
    start = toks[k].start if det else toks[k + 1].start
    if det is None and k >= 0 and toks[k].kind == "w" and not mods:
        # "Zelensky adviser said" is a name with a title; a bare role after a word is not a speaker
        return None
    return SpeakerPhrase(
        "description", start, toks[j].end, titles=list(reversed(mods)), determiner=det, role=role, plural=plural
    )


def backward_phrase(toks: list[Token], j: int, lex: Lexicon) -> SpeakerPhrase | None:
    """The speaker phrase ending at token j (inclusive), if there is one."""
    if j < 0 or toks[j].kind != "w":
        return None
    t = toks[j]
    low = t.low
    pronoun = lex.pronouns.get(low)  # is_pronoun
    if pronoun is not None and (not pronoun.get("lowercase_only") or t.text.islower()):
        return SpeakerPhrase("pronoun", t.start, t.end, plural=bool(pronoun.get("plural")))
    # POSSESSIVE.search(text) and text[-1] != "s", or text.endswith(("'s", "’s")): a word has no
    # line break for $ to stop before
    if t.text.endswith(_POSSESSIVE_ENDINGS):
        return None  # "Zelensky's comments said" – a possessive is not the subject
    if low in lex.role_end_words or "-year-old" in low:  # else _description_backward says None
        desc = _description_backward(toks, j, lex)
        if desc is not None:
            return desc
    stopwords, verbs = lex.stopwords, lex.verbs
    if not t.cap or low in stopwords or low in verbs:
        return None
    i = j
    while i - 1 >= 0:
        p = toks[i - 1]
        if p.kind == "w" and (
            (p.cap and p.low not in stopwords and p.low not in verbs)
            or (p.low in PARTICLES and i - 2 >= 0 and toks[i - 2].cap)
            or is_title(p, lex)
        ):
            i -= 1
        elif p.text == "." and i - 2 >= 0 and abbreviation(toks[i - 2], lex):
            i -= 1  # "Mr. Smith", "J. Smith"
        else:
            break
    return name_from(toks, i, j, lex)


def forward_phrase(toks: list[Token], i: int, lex: Lexicon) -> tuple[SpeakerPhrase, int] | None:
    """The speaker phrase starting at token i, and the index after it."""
    n_toks = len(toks)
    if i >= n_toks or toks[i].kind != "w":
        return None
    t = toks[i]
    pronoun = lex.pronouns.get(t.low)  # is_pronoun
    if pronoun is not None and (not pronoun.get("lowercase_only") or t.text.islower()):
        return SpeakerPhrase("pronoun", t.start, t.end, plural=bool(pronoun.get("plural"))), i + 1
    if t.low in NAME_PARTICLES and _leads_name(toks[i : i + 4]):
        # "..., von der Leyen said": a name that opens with its particles
        k = i
        while toks[k].low in NAME_PARTICLES and toks[k].text.islower():
            k += 1
        while k < len(toks) and (toks[k].cap or (toks[k].low in PARTICLES and k + 1 < len(toks) and toks[k + 1].cap)):
            k += 1
        name = name_from(toks, i, k - 1, lex)
        if name is not None and name.kind == "name":
            return name, k
    j = i
    det = None
    if t.low in DETERMINERS:
        det = t.low
        j += 1
    # "Ukraine's commander-in-chief": a country's possessive opens a definite description
    owner = t.cap and t.text.endswith(("'s", "’s")) and t.low in lex.place_of
    stopwords, verbs = lex.stopwords, lex.verbs
    k = j
    while k < n_toks and k - j < 7:
        p = toks[k]
        if p.kind == "w":
            low = p.low
            if (
                (p.cap and low not in stopwords and low not in verbs)
                or (low in PARTICLES and k > j and toks[k - 1].cap)
                or (
                    is_title(p, lex)
                    and (low not in verbs or (p.cap and not is_verb(p, lex) and k + 1 < n_toks and toks[k + 1].cap))
                )
                or ((det or (owner and k > j)) and low not in verbs and low not in stopwords and low not in DETERMINERS)
            ):
                k += 1
                continue
            break  # a word's text is never "."
        if p.text == "." and k > j and abbreviation(toks[k - 1], lex):
            k += 1
        else:
            break
    if k == j:
        return None
    # A description ends at its role noun; anything after a role noun must be a name.
    role_ends = lex.role_end_words
    for end in range(k - 1, j - 1, -1):
        low = toks[end].low
        if low not in role_ends and "-year-old" not in low:
            continue  # ends no role: _description_backward would say None
        desc = _description_backward(toks, end, lex)
        if desc is not None and (desc.start == toks[i].start or desc.start == toks[j].start):
            rest = toks[end + 1 : k]
            if rest and all(r.cap for r in rest):
                name = name_from(toks, j, k - 1, lex)
                if name is not None:
                    return name, k
            desc.determiner = det or ("the" if owner else None)
            desc.start = toks[i].start
            if end + 2 < len(toks) and toks[end + 1].low in ("named", "called") and toks[end + 2].cap:
                # "a former teacher named Iryna"
                n = end + 2
                while n + 1 < len(toks) and toks[n + 1].cap:
                    n += 1
                name = name_from(toks, end + 2, n, lex)
                if name is not None and name.kind == "name":
                    name.start = toks[i].start
                    return name, n + 1
            return desc, end + 1
    if det and det not in ("the",):
        return None
    # Not a description: a name is capitalised and title words only.
    n = j
    while n < k and (
        toks[n].cap
        or is_title(toks[n], lex)
        or (toks[n].low in PARTICLES and n > j and toks[n - 1].cap)
        or toks[n].text == "."
    ):
        n += 1
    if n == j:
        return None
    name = name_from(toks, j, n - 1, lex)
    if name is None or name.kind != "name" and det is None and n < k:
        return None
    if det:
        name.start = toks[i].start  # "the Kremlin", "the European Union"
    return name, n


NAME_PARTICLES = frozenset({"von", "van", "de", "der", "den", "del", "della", "da", "di", "du", "dos", "la", "le", "ter"})


def _leads_name(toks: list[Token]) -> bool:
    """"von der Leyen", "de Gaulle": lowercase particles, then a capitalised name."""
    n = 0
    while n < len(toks) and toks[n].low in NAME_PARTICLES and toks[n].text.islower():
        n += 1
    return 0 < n < len(toks) and toks[n].cap


def name_from(toks: list[Token], i: int, j: int, lex: Lexicon) -> SpeakerPhrase | None:
    """toks[i..j] = titles + name; split off the titles. All titles and no name: a description."""
    span = toks[i : j + 1]
    last_title = -1
    title_like, place_of, capital_titles = lex.title_like, lex.place_of, lex.capital_titles
    for n, t in enumerate(span):
        low = t.low.rstrip(".")
        if t.text == "." or low in title_like or (t.cap and low in place_of) or t.text in capital_titles:  # is_title
            last_title = n
        elif n < len(span) - 2 and t.cap and t.text.endswith(("'s", "’s")) and all(r.cap for r in span[n + 1 :]):
            last_title = n  # "Bank of England's Catherine Mann": the owner is no part of the name
    name = span[last_title + 1 :]
    # Leading capitalised sentence words that are not names ("Yesterday", "The") were cut by the
    # stopword test; a name must start and end with a capital ("Institute for Fiscal Studies").
    while name and not name[0].cap and not _leads_name(name):
        name = name[1:]
    while name and not name[-1].cap:
        name = name[:-1]
    if not name and all(t.cap and t.low.rstrip(".") in lex.place_of for t in span if t.text != "."):
        name = [t for t in span if t.text != "."]  # "the Kremlin", "NATO", "Washington" itself
        last_title = -1
    if not name:
        desc = _description_backward(toks, j, lex)
        if desc is not None:
            desc.start = min(desc.start, toks[i].start)
            return desc
        return None
    titles = [t.low for t in span[: last_title + 1] if t.text != "."]
    return SpeakerPhrase("name", span[0].start, span[-1].end, name[0].start, name[-1].end, titles=titles)
