"""The quotes stage: direct quotes with their speakers, as analysts of the news want them.

`quotes_doc` finds the quotes of one article (body and headline) and who said them;
`cluster_quotes` then links reports of one utterance across articles and outlets.

Conventions of the rows:
- `start`/`end` index the article's `text_normalized` for body quotes and its `title_normalized`
  for headline quotes (`is_headline` True); `text` is the same words as published. The quoted
  words exclude the marks and a trailing comma that stands in for a full stop.
- `quote_id` is `content_id(article_id, start, end)`, with "title" after the article ID for
  headline quotes (their offsets could equal a body quote's).
- A quote running over paragraphs is one row (the paragraph breaks and reopening marks inside
  it included); one longer than the validate stage allows becomes one row per paragraph.
  `"A," he said, "B."` is two rows with the same speaker.
- `is_partial`: the quote is a fragment of the reporter's sentence (`a good "compromise"`,
  `said that "..."`), not a sentence of its own or introduced by `said:` / `said,`.
- `speaker` is the canonical name (entities stage) or null when the text names nobody ("a
  Brussels spokesman", "officials", "X and Y said"); `speaker_surface` keeps how it was named.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, Callable

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult, run_stage
from tasks.quotes.attribution import Found, find_attributed
from tasks.quotes.cluster import cluster_quotes, cluster_staged_quotes
from tasks.quotes.offsets import published_span
from tasks.quotes.speakers import Resolver
from tasks.records import Doc, content_id

__all__ = ["quotes_doc", "cluster_quotes", "quotes_batch", "cluster_staged_quotes_task", "published_span"]


def _entity_lookup() -> Callable[[str], dict | None] | None:
    """tasks.entities.lookup when that stage is importable; quotes still work without it."""
    try:
        from tasks.entities import lookup
    except Exception:  # noqa: BLE001 - missing or broken entities stage: fall back to names
        return None
    return lookup


def _row(article_id: str, found: Found, published: str, normalized: str, headline: bool) -> dict[str, Any]:
    parts = (article_id, "title") if headline else (article_id,)
    return {
        "quote_id": content_id(*parts, str(found.start), str(found.end)),
        "article_id": article_id,
        "text": published,
        "text_normalized": normalized,
        "speaker": found.speaker,
        "speaker_entity_id": found.speaker_entity_id,
        "speaker_surface": found.speaker_surface,
        "verb": found.verb,
        "start": found.start,
        "end": found.end,
        "is_partial": found.is_partial,
        "is_headline": headline,
        "quote_cluster_id": None,
    }


def quotes_doc(doc: Doc) -> None:
    """Set doc.quotes: every direct quote of the body and headline, with its speaker."""
    body = doc.text_normalized or doc.text or ""
    published_body = doc.text or body
    article_id = doc.article_id or content_id(published_body)
    lookup = _entity_lookup()
    found, _, resolver = find_attributed(
        body, lambda masked, spans: Resolver(
            body, masked, spans, list(doc.mentions or []), lookup, strict_names=doc.language not in (None, "en")
        )
    )
    changes = [r for r in doc.normalizations or [] if r.get("field", "text") == "text"]
    rows = []
    for f in found:
        ps, pe = published_span(changes, f.start, f.end) if doc.text_normalized else (f.start, f.end)
        rows.append(_row(article_id, f, published_body[ps:pe], body[f.start : f.end], False))
    title = doc.title_normalized or doc.title
    if title:
        published_title = doc.title or title
        title_changes = [r for r in doc.normalizations or [] if r.get("field") == "title"]
        hfound, _, _ = find_attributed(title, headline=True, resolver=resolver)
        _speakers_from_body(hfound, title, found, body)
        for f in hfound:
            ps, pe = (
                published_span(title_changes, f.start, f.end) if doc.title_normalized else (f.start, f.end)
            )
            rows.append(_row(article_id, f, published_title[ps:pe], title[f.start : f.end], True))
    doc.quotes = rows


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("’", "'"))


def _speakers_from_body(headline: list[Found], title: str, body_quotes: list[Found], body: str) -> None:
    """A headline quote the headline does not attribute ("'It's like a war zone': residents count
    cost") is said by whoever says those words in the body."""
    for h in headline:
        if h.speaker is not None:
            continue
        words = _words(title[h.start : h.end])
        if not words or (h.is_partial and len(words) < 3):
            continue  # "Hospital staff 'exhausted'": a word in common is not the same words
        needle = " " + " ".join(words) + " "
        for b in body_quotes:
            if b.speaker is not None and needle in " " + " ".join(_words(body[b.start : b.end])) + " ":
                h.speaker, h.speaker_entity_id = b.speaker, b.speaker_entity_id
                break
        if h.speaker is None and not h.is_partial and len(set(words)) >= 5:
            # a headline shortens the quote: "'I was told my son was a traitor'" for "...said my
            # son had surrendered, that he was a traitor": most of its words in one speaker's quote
            wanted = set(words)
            shares: dict[str | None, float] = {}
            for b in body_quotes:
                if b.speaker is not None:
                    share = len(wanted & set(_words(body[b.start : b.end]))) / len(wanted)
                    shares[b.speaker] = max(shares.get(b.speaker, 0.0), share)
            ranked = sorted(shares.items(), key=lambda kv: -kv[1])
            if ranked and ranked[0][1] >= 0.75 and (len(ranked) == 1 or ranked[1][1] < ranked[0][1] - 0.2):
                b = next(b for b in body_quotes if b.speaker == ranked[0][0])
                h.speaker, h.speaker_entity_id = b.speaker, b.speaker_entity_id


@task(name="quotes", cache_policy=NO_CACHE)
def quotes_batch(docs: list[Doc]) -> StageResult:
    return run_stage("quotes", quotes_doc, docs)


@task(name="cluster-quotes", cache_policy=NO_CACHE)
def cluster_staged_quotes_task(path: Path, executor: Executor | None = None) -> int:
    """Cluster every quote of a run's staged table across articles; returns how many.

    With an `executor` (a process of its own) it runs there: clustering's state grows with the
    number of quotes, and there it is all given back when it ends, instead of staying in the
    flow's process as allocator fragments through validation.
    """
    if executor is not None:
        return executor.submit(cluster_staged_quotes, path).result()
    return cluster_staged_quotes(path)
