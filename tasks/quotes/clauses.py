"""The grammar of attribution: sentences, subjects, and where reporters put the speaker.

Everything here reads tokens of the masked text (quotes blanked out) between sentence bounds:
`after_quote` (`"...," he said` / `said Zelensky`), `before_quote` (`Zelensky said: "..."`,
`Macron stated that "..."`, `..., saying: "..."`), `end_of_sentence` (`a "compromise", Zelensky
said`), `by_agent` (`regarded as a "compromise" by the Ukrainian leader`) and
`previous_sentence` (`Zelensky said talks failed. "We are disappointed."`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, pairwise

from tasks.quotes.lexicon import Lexicon
from tasks.quotes.marks import QuoteSpan
from tasks.quotes.phrases import (
    DETERMINERS,
    SpeakerPhrase,
    Token,
    backward_phrase,
    forward_phrase,
    is_verb,
    verb_phrases_at,
)

TERMINAL = ".!?…"


# Verbs whose object, not subject, follows them: `"…", told the Kyiv Independent` names no speaker.
NOT_INVERTED = frozenset({"told", "tell", "tells", "telling", "urged", "warned", "accused", "called", "described"})


def skip_back(toks: list[Token], j: int, lex: Lexicon) -> int:
    """Step back over auxiliaries and adverbs between a subject and its verb."""
    while j >= 0 and toks[j].kind == "w" and (toks[j].low in lex.skip_words or toks[j].low.endswith("ly")):
        j -= 1
    return j


def skip_forward(toks: list[Token], i: int, lex: Lexicon) -> int:
    while i < len(toks) and toks[i].kind == "w" and (toks[i].low in lex.skip_words or toks[i].low.endswith("ly")):
        i += 1
    return i


# A dateline opening a paragraph: "MOSCOW, Nov 20 (Reuters) -", "PARIS (AFP) -", "WASHINGTON —",
# "GDANSK, Poland, Nov. 20, 2025 /PRNewswire/ --", "MOSCOW, November 21. /TASS/."
_DATELINE = re.compile(r"(?m)^[A-Z]{3,}[A-Z'. -]*(?:[,(/][^\n]{0,50}?)?(?:\)\s*[-–—]+|/\s*(?:--|[-–—.])|\s(?:--|[-–—]))(?=\s)")
_LINE_BREAK = re.compile("\n")


def _dateline_ends(masked: str) -> Iterator[int]:
    """The ends of the _DATELINE matches `_DATELINE.finditer(masked)` finds, trying the pattern
    at line starts only: it opens with ^, but finditer would try it at every character."""
    end = 0
    for line_start in chain((0,), (m.end() for m in _LINE_BREAK.finditer(masked))):
        if line_start >= end and (m := _DATELINE.match(masked, line_start)):
            end = m.end()
            yield end


# `[.!?…]+` spelled with a first character of its own, so that the search skips to candidates
# (a pattern opening with a repeat is tried at every position)
_SENTENCE_END = re.compile(r"[.!?…][.!?…]*(?=\s+[A-Z\x01\d(\[“\"‘'])")
_QUOTE_NEXT = re.compile(r"\s*\x01")  # a masked quote after the spaces
_SENTENCE_START = re.compile(r"\s+([A-Z\x01“\"‘'])")  # after a quote
_NOT_SPACE = re.compile(r"\S")
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")  # "u.s", "a.m"
_PARAGRAPH_BREAK = re.compile(r"\n\s*")
_WORD_RUN = re.compile(r"[\w.]*")
_WORD_REACH = 40  # characters back from a full stop to look for the word it ends


def _word_before(text: str, end: int, reversed_text: str | None = None) -> str:
    r"""The run of word characters and dots ending at `end` (or just before a line break there),
    no longer than _WORD_REACH: what `re.search(r"([\w.]+)$", text[end - _WORD_REACH : end])`
    finds, without a search from every position of the window for every sentence: a match of
    the run forwards in the reversed text (`text[::-1]`, which the caller may have already)."""
    lo = max(0, end - _WORD_REACH)
    if end > lo and text[end - 1] == "\n":
        end -= 1
    if reversed_text is None:
        reversed_text = text[::-1]
    n = len(text)
    # reversed_text[n - end] is text[end - 1]; the run may go back to text[lo]
    length = _WORD_RUN.match(reversed_text, n - end, n - lo).end() - (n - end)
    return text[end - length : end]


def sentence_spans(masked: str, text: str, quotes: list[QuoteSpan], lex: Lexicon) -> list[tuple[int, int]]:
    """Sentence boundaries of the masked text; a quote ending in . ! ? may end a sentence."""
    cuts = {0, len(masked)}
    cuts.update(_dateline_ends(masked))  # "PARIS (AFP) - A former minister ...": the place is no subject
    for m in _PARAGRAPH_BREAK.finditer(masked):
        cuts.add(m.start())
        cuts.add(m.end())
    reversed_masked = None  # for _word_before, made at the first full stop
    abbreviations = lex.abbreviations
    for m in _SENTENCE_END.finditer(masked):
        start, end = m.span()
        if end - start == 1 and masked[start] == ".":
            if reversed_masked is None:
                reversed_masked = masked[::-1]
            word = _word_before(masked, start, reversed_masked)
            if word:
                w = word.lower()
                if (
                    w in abbreviations or (len(w) == 1 and w.isalpha()) or ("." in w and _INITIALS.fullmatch(w))
                ) and not _QUOTE_NEXT.match(masked, end):
                    # "... in Washington, D.C. "If ..."": a full stop before a quote ends the sentence anyway
                    continue
        cuts.add(end)
    for q in quotes:
        # the quoted words end in . ! ? (text[q.open_end : q.close_start].rstrip(), uncopied)
        last = q.close_start
        while last > q.open_end and text[last - 1].isspace():
            last -= 1
        if last > q.open_end and text[last - 1] in TERMINAL and _SENTENCE_START.match(masked, q.close_end):
            cuts.add(q.close_end)
    spans = []
    for a, b in pairwise(sorted(cuts)):
        # masked[a:b].strip(), without copying the sentence: most show a non-space at once
        if not masked[a].isspace() or (a + 1 < b and not masked[a + 1].isspace()) or _NOT_SPACE.search(masked, a, b):
            spans.append((a, b))
    return spans


@dataclass
class Attribution:
    phrase: SpeakerPhrase
    verb: str | None


def after_quote(toks: list[Token], n: int, lex: Lexicon) -> Attribution | None:
    """`"...," he said` / `"...," said Zelensky` / `"..." – Zelensky`, starting at token n."""
    k = n
    while k < len(toks) and k - n < 2 and toks[k].text in ",.!?–—-:":
        k += 1
    if k >= len(toks):
        return None
    if is_verb(toks[k], lex) and toks[k].low.endswith(("-il", "-elle")):
        # « ... », dit-il / ajoute-t-elle: the verb carries its pronoun
        return Attribution(SpeakerPhrase("pronoun", toks[k].start, toks[k].end), toks[k].low)
    if is_verb(toks[k], lex) and toks[k].low not in NOT_INVERTED:
        got = forward_phrase(toks, k + 1, lex)
        # "said he" is English only in "said"/"says"; "sagte er", "dijo él" are ordinary
        if got and (
            got[0].kind != "pronoun"
            or toks[k].low in ("says", "said")
            or lex.pronouns[toks[k + 1].low].get("lowercase_only")
        ):
            phrase, after = got
            if phrase.kind == "description":
                phrase = _apposed_name(toks, after, lex) or phrase
            return Attribution(phrase, toks[k].low)
        return None
    got = forward_phrase(toks, k, lex)
    if got is None:
        return None
    phrase, after = got
    after = _skip_parenthesis(toks, after)  # "Sen. Elizabeth Warren (D-Mass.) said"
    # "a spokeswoman for Downing Street said", "the General Staff of Ukraine's armed forces said"
    after = _skip_modifier(toks, after, lex)
    v = skip_forward(toks, after, lex)
    if v < len(toks) and is_verb(toks[v], lex):
        return Attribution(phrase, toks[v].low)
    if v < len(toks) and toks[v].text == "," and phrase.kind in ("name", "description"):
        # "Zelensky, the president, said" / "Sen. Roger Wicker, R-Miss., chairman of ..., said"
        # / "one resident, Hanna, 72, said": an apposed name names the described speaker
        if phrase.kind == "description":
            named = forward_phrase(toks, v + 1, lex)
            if named and named[0].kind == "name" and named[1] < len(toks) and toks[named[1]].text == ",":
                phrase = named[0]
        for w in range(v + 1, min(len(toks), v + 30)):
            if toks[w].kind == "q" or "\n" in toks[w].text:
                break
            if toks[w].text == ",":
                v2 = skip_forward(toks, w + 1, lex)
                if v2 < len(toks) and is_verb(toks[v2], lex):
                    return Attribution(phrase, toks[v2].low)
    if k > n and phrase.kind in ("name", "description") and (
        toks[k - 1].text in "–—-"
        or (toks[k - 1].text == ":" and toks[k].headline and phrase.kind == "name" and not _is_place(phrase, toks, lex))
    ):
        # "'We will rebuild every home' – Zelensky visits ...", "'Inflation is not beaten': Bank
        # of England's Catherine Mann on rates"
        return Attribution(phrase, None)
    return None


def _skip_parenthesis(toks: list[Token], i: int) -> int:
    """Past a short parenthesis after a name: "(D-Mass.)", "(SSEN)", "(pictured)"."""
    if i < len(toks) and toks[i].text == "(":
        for n in range(i + 1, min(len(toks), i + 9)):
            if toks[n].text == ")":
                return n + 1
            if toks[n].kind == "q" or "\n" in toks[n].text:
                break
    return i


def _skip_modifier(toks: list[Token], i: int, lex: Lexicon) -> int:
    """Past a prepositional phrase after a speaker ("for the foreign ministry"), if any."""
    if i < len(toks) and toks[i].low in ("for", "of", "at", "from", "with"):
        n = i + 1
        while n < len(toks) and n - i <= 6 and toks[n].kind == "w" and not is_verb(toks[n], lex):
            n += 1
        return n
    return i


def _apposed_name(toks: list[Token], i: int, lex: Lexicon) -> SpeakerPhrase | None:
    """The name set after a description: "said the spokesman for the ministry, Oleg Nikolenko"."""
    i = _skip_modifier(toks, i, lex)
    if i < len(toks) and toks[i].text == ",":
        got = forward_phrase(toks, i + 1, lex)
        if got and got[0].kind == "name" and (got[1] >= len(toks) or toks[got[1]].text in ",.;\n"):
            return got[0]
    return None


def subject_of(toks: list[Token], v: int, lo: int, lex: Lexicon) -> SpeakerPhrase | None:
    """The subject of the verb at v, looking no further back than lo."""
    j = skip_back(toks, v - 1, lex)
    if j - 2 >= lo and toks[j].text == ")":
        # "Scottish and Southern Electricity Networks (SSEN) said", "Sen. Jane Doe (D-Mass.) said"
        for n in range(j - 1, max(lo, j - 8) - 1, -1):
            if toks[n].text == "(":
                j = n - 1
                break
            if toks[n].kind == "q":
                break
    if j < lo:
        return None
    if toks[j].low in ("who", "which") and j - 1 >= lo and toks[j - 1].text == ",":
        # "comments by Hungarian Foreign Minister Peter Szijjarto, who said"
        return backward_phrase(toks, j - 2, lex) if j - 2 >= lo else None
    if toks[j].text == "," or (toks[j].kind == "q" and j - 1 >= lo and toks[j - 1].kind == "w"):
        # a quoted name closes an insertion: `who goes by the call sign "Kit," said`
        return _subject_before_insertions(toks, j, lo, lex)
    phrase = backward_phrase(toks, j, lex)
    if phrase is None or phrase.start < toks[lo].start:
        return None
    first = bisect.bisect_left(toks, phrase.start, lo, j + 1, key=_token_start)  # the phrase's first token
    if phrase.kind == "name" and first - 2 >= lo and toks[first - 1].low == "and":
        other = backward_phrase(toks, first - 2, lex)
        other_words = [t for t in toks[lo : first - 1] if t.start >= (other.start if other else 0) and t.kind == "w"]
        if (
            other is not None
            and other.kind == "name"
            and other.start >= toks[lo].start
            and not all(t.low in lex.place_of for t in other_words)  # "Scottish and Southern ..."
        ):
            # "Keir Starmer and Emmanuel Macron said": both, so no one speaker
            return SpeakerPhrase("group", other.start, phrase.end, plural=True)
    lone_word = phrase.kind != "name" or (not phrase.titles and j == first)
    if first - 2 >= lo and toks[first - 1].low in lex.prepositions and phrase.kind == "name":
        owner = backward_phrase(toks, first - 2, lex)
        if owner is not None and owner.kind == "description" and owner.plural:
            return owner  # "Economists at Goldman Sachs wrote": the economists, not the bank
    if (
        first > lo
        and toks[first - 1].low in lex.prepositions
        and not toks[v].low.endswith("ing")
        and lone_word  # "envoy for Ukraine Keith Kellogg said" is a titled name, not an object
    ):
        # "A soldier serving near Pokrovsk told": the clause's own subject comes first
        got = forward_phrase(toks, lo, lex)
        return got[0] if got and got[1] <= first - 1 else None
    return phrase


def _token_start(tok: Token) -> int:
    return tok.start


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
            if got and got[0].kind == "name" and c - 1 >= lo:
                # "Human rights lawyer Aminata Sawadogo, speaking ..., said": the name, not "Human"
                back = backward_phrase(toks, c - 1, lex)
                if back is not None and back.kind == "name" and back.start > toks[got[1] - 1].start:
                    between = [t for t in toks[got[1] :] if t.start < back.start]
                    if between and all(
                        t.kind == "w" and t.text.isalpha() and t.text.islower()
                        and t.low not in lex.stopwords and t.low not in lex.prepositions
                        for t in between
                    ):
                        return back
            return got[0] if got else None
        phrase = backward_phrase(toks, k - 1, lex) if k - 1 >= lo else None
        if phrase is not None:
            first = next((n for n in range(lo, k) if toks[n].start >= phrase.start), k)
            if first == lo or toks[first - 1].text == ",":
                return phrase
        c = k
    return None


def main_subject(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """Subject of the sentence toks[lo:hi]: of an earlier reporting verb, or its first phrase."""
    for v in range(hi - 1, lo - 1, -1):
        if is_verb(toks[v], lex) and not toks[v].low.endswith("ing"):
            subj = subject_of(toks, v, lo, lex)
            if subj is None and v > lo and (toks[v - 1].kind == "q" or toks[v - 1].text == ","):
                got = forward_phrase(toks, v + 1, lex)  # `"...," said Sybiha, adding that`
                subj = got[0] if got and got[1] <= hi and toks[v].low not in NOT_INVERTED else None
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
    if tok.headline and low.endswith("s") and not low.endswith("ss") and len(low) > 3:
        return True  # headline present tense: "Merz rules out", "Zelensky visits"
    return low in lex.verbs or low in lex.finite_verbs or (low.endswith("ed") and len(low) > 4)


_TIME_WORDS = frozenset({"week", "month", "year", "night", "morning", "afternoon", "evening", "weekend"})


def _skip_time(toks: list[Token], i: int) -> int:
    """Past "on Wednesday", "last week", "in January" between a subject and its verb."""
    if i + 1 < len(toks) and toks[i].low in ("on", "in", "last", "this", "late", "early"):
        nxt = toks[i + 1]
        if nxt.cap or nxt.text.isdigit() or nxt.low in _TIME_WORDS:
            return i + 2
    return i


def sentence_subject(
    toks: list[Token],
    lo: int,
    hi: int,
    lex: Lexicon,
    commas: list[int] | None = None,
    parsed: dict[int, tuple[SpeakerPhrase, int] | None] | None = None,
) -> SpeakerPhrase | None:
    """The first phrase of the sentence that a finite verb follows ("the president stopped").

    `commas` (the sorted indexes of every comma of `toks`) and `parsed` (forward_phrase results
    of `toks` by index), when the caller has them, spare looking at every token and parsing
    again."""
    if lo >= hi:
        return None
    if commas is None:
        openers: Iterable[int] = (p for p in range(lo, hi) if p == lo or toks[p - 1].text == ",")
    else:  # the sentence's start and every word after a comma
        inside = commas[bisect.bisect_left(commas, lo) : bisect.bisect_left(commas, hi - 1)]
        openers = chain((lo,), (c + 1 for c in inside))
    for p in openers:
        got = parsed[p] if parsed is not None and p in parsed else forward_phrase(toks, p, lex)
        if got is None:
            continue
        phrase, after = got
        after = _skip_time(toks, after)
        if after < hi and _finite(toks[after], lex):
            return phrase
        if phrase.kind == "pronoun" and after < hi and toks[after].kind == "w" and toks[after].low.endswith("s"):
            return phrase  # "he pauses", "she laughs"
        if after + 1 < hi and toks[after].text == "," and (
            toks[after + 1].low in ("who", "whose") or toks[after + 1].text.isdigit()
        ):
            return phrase  # "Cillian Murphy, who won an Oscar, ..." / "Boyle, 69, described"
        if after < hi and toks[after].text == "," and phrase.kind == "name":
            # "Rutte, a former Dutch prime minister, declined"
            for c in range(after + 1, min(hi, after + 16)):
                if toks[c].kind == "q":
                    break
                if toks[c].text == ",":
                    a = skip_forward(toks, c + 1, lex)
                    if a < hi and _finite(toks[a], lex):
                        return phrase
                    break
        a = skip_forward(toks, after, lex)
        if a != after and a < hi and _finite(toks[a], lex):
            return phrase
    return None


def before_quote(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
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
    i = bisect.bisect_left(toks, phrase.name_start, key=lambda t: t.start)
    words = []
    while i < len(toks) and toks[i].start < phrase.name_end:
        if toks[i].kind == "w":
            words.append(toks[i])
        i += 1
    return bool(words) and all(t.low in lex.place_of for t in words)


def _before_all(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Iterator[Attribution]:
    openers, verbs = lex.verb_phrases_by_first, lex.verbs  # most words are neither: tested first
    for v in range(hi - 1, lo - 1, -1):
        tok = toks[v]
        if tok.low in openers:
            for phrase, width in verb_phrases_at(toks, v, lex):  # "according to Maria Keller, ..."
                if v + width < hi:
                    got = forward_phrase(toks, v + width, lex)
                    if got:
                        yield Attribution(got[0], phrase)
        if tok.low not in verbs or not is_verb(tok, lex):
            continue
        if tok.low.endswith("ing"):
            if v - 1 >= lo and toks[v - 1].text == ",":
                main = main_subject(toks, lo, v - 1, lex)
                if main is not None:
                    yield Attribution(main.phrase, tok.low)
            elif v > lo:  # "with Secretary General Mark Rutte warning that"
                subj = subject_of(toks, v, lo, lex)
                if subj is not None and subj.kind != "pronoun":
                    yield Attribution(subj, tok.low)
            continue
        subj = subject_of(toks, v, lo, lex)
        if subj is not None:
            yield Attribution(subj, tok.low)
            continue
        j = skip_back(toks, v - 1, lex)
        if j >= lo and (toks[j].low == "and" or toks[j].text == ","):
            # subject shared with an earlier verb: "Newsom signs the law, calls it "a promise kept""
            main = main_subject(toks, lo, j, lex)
            if main is not None:
                yield Attribution(main.phrase, tok.low)
    if hi - 1 >= lo and toks[hi - 1].text == ":":
        main = main_subject(toks, lo, hi - 1, lex)
        if main is not None:
            yield main


def end_of_sentence(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """`..., Zelensky said.` / `..., said Zelensky.` after a quote inside the sentence."""
    for c in range(lo, hi):
        if toks[c].text != ",":
            continue
        got = after_quote(toks[: hi], c, lex)
        if got is not None:
            return got
    return None


def by_agent(toks: list[Token], lo: int, hi: int, lex: Lexicon) -> Attribution | None:
    """`regarded as a good "compromise" by the Ukrainian leader`."""
    if lo < hi and toks[lo].low == "by":
        got = forward_phrase(toks, lo + 1, lex)
        if got and got[0].kind != "pronoun":
            return Attribution(got[0], None)
    return None


_NAMING = frozenset(
    {"call", "calls", "called", "calling", "term", "terms", "termed", "dub", "dubs", "dubbed", "brand", "brands",
     "branded", "label", "labels", "labelled", "labeled"}
)
_MODALS = frozenset({"will", "would", "shall", "should", "can", "could", "may", "might", "must", "to"})


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
        # `warned that without an agreement, "there will be no limits"`: a clause of the reporter's
        return j >= 0 and is_verb(before[j], lex) and not any(t.low == "that" for t in before[j + 1 :])
    if last.low in _NAMING:
        return False  # what he calls "the hardest winter": a name for something, in his words
    if is_verb(last, lex):
        # "wanted an answer "within weeks"": after a determiner the word is a noun
        # "will respond "in a measured manner"": after a modal it is the reporter's own verb
        return len(before) < 2 or before[-2].low not in DETERMINERS and before[-2].low not in _MODALS
    return False


def previous_sentence(
    toks: list[Token], starts: list[int], sentence: tuple[int, int], lex: Lexicon
) -> Attribution | None:
    """`Zelensky said talks had failed. "We are disappointed."`: the quote opening a sentence with
    no attribution of its own is the previous sentence's reporter's, if that sentence reported
    someone and quoted no one."""
    lo, hi = bisect.bisect_left(starts, sentence[0]), bisect.bisect_left(starts, sentence[1])
    if any(t.kind == "q" for t in toks[lo:hi]):
        return None
    return next((a for a in _before_all(toks, lo, hi, lex) if a.verb), None)


def fragment_inside(toks: list[Token], qend: int, hi: int, lex: Lexicon) -> bool:
    """The sentence goes on after the quote with more of the reporter's words, not an attribution
    (`Kremlin says "no basis" for talks`)."""
    if qend >= hi or toks[qend].kind != "w":
        return False
    if after_quote(toks[:hi], qend, lex) is not None:
        return False
    # an attribution too long to parse still ends in its verb: `"...," the General Staff of
    # Ukraine's armed forces said`
    for n in range(qend, min(hi, qend + 10)):
        if toks[n].kind != "w":
            return True
        if is_verb(toks[n], lex):
            return n == qend or toks[qend].low not in ("the", "a", "an") and not toks[qend].cap
    return True
