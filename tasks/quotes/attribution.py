"""Quotes of one text with their attribution: the per-article driver of the stage.

Finds the quoted spans (marks.py), drops furniture paragraphs (related links, read-more lines)
and names in quote marks (titles of works, call signs), flags fragments embedded in the
reporter's sentence as partial, and looks for each quote's attribution where reporters put it:
right after it, before it in its sentence, at the end of its sentence, in the previous reported
sentence, else it continues the previous quote's speech. Speakers are resolved by speakers.py.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Callable

from tasks.quotes.clauses import (
    TERMINAL,
    Attribution,
    after_quote,
    before_quote,
    by_agent,
    end_of_sentence,
    fragment_inside,
    is_full,
    previous_sentence,
    sentence_spans,
    sentence_subject,
)
from tasks.quotes.lexicon import Lexicon, lexicon
from tasks.quotes.marks import QuoteSpan, find_quotes
from tasks.quotes.phrases import MASK, SpeakerPhrase, Token, backward_phrase, is_verb, tokenize
from tasks.quotes.speakers import Resolver

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
# Longest quote row (characters); the validate stage's quote_chars bound.
MAX_QUOTE_CHARS = 2000
MARKS = "\"'“”‘’«»„‟‚‹› "


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
    weak: bool = False  # attributed only as its sentence's subject: kept if that is a person


def _furniture_paragraphs(text: str, quotes: list[QuoteSpan], lex: Lexicon) -> list[tuple[int, int]]:
    """Paragraph spans that are page furniture: read-more lines, and short lines that end no
    sentence (related-link headlines, section headings, captions)."""
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
        if all(q.close_end <= m.end() and q.closed for q in inside):  # not a speech running on
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
    if headline or not before or not title_case or len(words) > 5 or inner[-1:] in TERMINAL + "," or "\n" in inner:
        return False
    # A short Title Case run inside a sentence, not introduced as speech: a name or a title.
    last = before[-1]
    introduced = last.text in ":," or is_verb(last, lex) or last.low in ("as", "that")
    return not introduced


def _masked(text: str, spans: list[QuoteSpan]) -> str:
    """`text` with every quote blanked out; `spans` are in order and do not overlap."""
    pieces, last = [], 0
    for q in spans:
        pieces += [text[last : q.open_start], MASK * (q.close_end - q.open_start)]
        last = q.close_end
    pieces.append(text[last:])
    return "".join(pieces)


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
    masked = _masked(text, spans)
    if resolver is None and resolver_factory is not None:
        resolver = resolver_factory(masked, spans)
    reuse = resolver is not None and resolver.masked == masked and resolver.body == text
    toks = resolver.toks if reuse else tokenize(masked, headline)
    starts = resolver.token_starts if reuse else [t.start for t in toks]
    sentences = resolver.sentences if reuse else sentence_spans(masked, text, spans, lex)
    sent_starts = [s for s, _ in sentences]
    # the resolver's commas and parses of the same tokens, for sentence_subject
    known = (resolver.commas, resolver.after_comma) if reuse else ()
    furniture = [] if headline else _furniture_paragraphs(text, spans, lex)
    para_starts = [0] + [m.end() for m in re.finditer(r"\n\s*", text)]
    # Paragraph numbers that skip furniture, so a speech interrupted by a left-over link goes on.
    content_para: list[int] = []
    for n, start in enumerate(para_starts):
        is_furniture = any(a <= start < b for a, b in furniture)
        content_para.append((content_para[-1] if n else 0) + (0 if is_furniture or n == 0 else 1))

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
        full = is_full(before, lex) and (
            # "Arteta: 'We showed who we are' after Arsenal beat Tottenham"
            (headline and before and before[-1].text == ":")
            or not fragment_inside(toks, qend, hi, lex)
        )
        attribution = (
            after_quote(toks[:hi], qend, lex)
            or before_quote(toks, lo, qi, lex)
            or end_of_sentence(toks, qend, hi, lex)
            or (None if full else by_agent(toks, qend, hi, lex))
        )
        para = bisect.bisect_right(para_starts, q.open_start) - 1
        weak = False
        if attribution is None and full and not before and s_idx > 0:
            attribution = previous_sentence(toks, starts, sentences[s_idx - 1], lex)
            prev_lo = bisect.bisect_left(starts, sentences[s_idx - 1][0])
            if attribution is None and "\n" not in text[sentences[s_idx - 1][1] : q.open_start]:
                # `Asked whether he trusts the US, he pauses. "We trust Nato."`: the person the
                # previous sentence of the paragraph is about, if it quoted no one
                prev = toks[prev_lo:qi]
                subject = None if any(t.kind == "q" for t in prev) else sentence_subject(toks, prev_lo, qi, lex, *known)
                if subject is not None and subject.kind in ("name", "pronoun"):
                    attribution, weak = Attribution(subject, None), True
        if attribution is None and not full:
            # `Merz ruled out sending Taurus "for now"`: a fragment in a sentence about someone is
            # theirs, if that someone turns out to be a person; in a headline, `Zelensky 'ready'`
            subject = sentence_subject(toks, lo, qi, lex, *known)
            if subject is None and headline and qi > lo:
                subject = backward_phrase(toks, qi - 1, lex)
            if subject is not None and subject.kind in ("name", "pronoun", "description"):
                attribution, weak = Attribution(subject, None), True
        for piece_start, piece_end in _pieces(text, start, end):
            found.append(
                Found(
                    piece_start,
                    piece_end,
                    not full,
                    attribution.phrase if attribution else None,
                    attribution.verb if attribution else None,
                    paragraph=content_para[para],
                    end_paragraph=content_para[bisect.bisect_right(para_starts, q.close_start) - 1],
                    starts_paragraph=not text[para_starts[para] : q.open_start].strip(),
                    weak=weak,
                )
            )
    if resolver is not None:
        for f in found:
            if f.phrase is not None:
                f.speaker, f.speaker_entity_id, f.speaker_surface = resolver.resolve(f.phrase, text, not headline)
                if f.weak and not resolver.is_person(f.speaker):
                    f.phrase = f.speaker = f.speaker_entity_id = f.speaker_surface = None
    else:
        for f in found:
            if f.weak:
                f.phrase = None
    _inherit(found)
    return found, masked, resolver


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


def _pieces(text: str, start: int, end: int, limit: int = MAX_QUOTE_CHARS) -> list[tuple[int, int]]:
    """A quote longer than `limit` as consistent rows: one per paragraph, long paragraphs cut
    after sentences. (The validate stage quarantines an article with a longer quote, taking it
    for a run-away quote mark.)"""
    if end - start <= limit:
        return [(start, end)]
    out: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text[start:end]):
        a, b = _trim(text, start + para.start(), start + para.end())
        while a < b and text[a] in MARKS:  # the mark reopening a continued paragraph
            a += 1
        while b - a > limit:
            cut = max((m.end() for m in re.finditer(r"[.!?…]\s", text[a : a + limit])), default=limit)
            out.append(_trim(text, a, a + cut))
            a = _trim(text, a + cut, b)[0]
        if a < b:
            out.append((a, b))
    return [(a, b) for a, b in out if a < b]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Quoted words without surrounding spaces or the comma that stands in for a full stop."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end
