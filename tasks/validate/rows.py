"""Row-level checks: each finished article is checked on its own before it is written.

The table suites block a whole publication on a critical failure; these checks keep one bad
article from doing that. A problem listed under `quarantine` in rows.yaml sends the article to the
quarantine table (reason `row-check:<name>`), so the input stays visible; one listed under
`null_field` clears the wrong field and keeps the article. The suites still run afterwards and
catch anything these checks miss.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult, run_stage
from tasks.records import Doc, Quarantined
from tasks.validate.checks import entity_types, furniture_line, row_rules, span_mismatch, variant_spelling

STAGE = "validate"


@dataclass(frozen=True)
class Problem:
    name: str  # a name listed in rows.yaml
    detail: str


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def find_problems(doc: Doc, now: datetime | None = None) -> list[Problem]:
    """Every row-level problem of a finished article, quarantining ones and field ones alike."""
    rules = row_rules()
    now = now or datetime.now(timezone.utc)
    problems: list[Problem] = []

    if not (doc.text_normalized or "").strip():
        problems.append(Problem("empty-text", "text_normalized is empty"))
    lo, hi = rules["word_count"]["min"], rules["word_count"]["max"]
    if not lo <= doc.word_count <= hi:
        problems.append(Problem("word-count", f"{doc.word_count} words, outside {lo}..{hi}"))
    if line := furniture_line(doc.text):
        problems.append(Problem("furniture", f"furniture line left in text: {line[:120]!r}"))
    if variant := variant_spelling(doc.text_normalized):
        problems.append(Problem("variant-spelling", f"variant spelling left in text_normalized: {variant}"))
    problems += _span_problems(doc)
    problems += _entity_type_problems(doc)
    problems += _quote_length_problems(doc, rules["quote_chars"]["min"], rules["quote_chars"]["max"])

    if doc.published_at is not None:
        published = _utc(doc.published_at)
        earliest = datetime.fromisoformat(rules["published_at"]["earliest"])
        if published > now:
            problems.append(Problem("published_at-future", f"published_at {published.isoformat()} is after now"))
        elif published < earliest:
            problems.append(Problem("published_at-too-early", f"published_at {published.isoformat()} is before {earliest.date()}"))
    if doc.title is not None and len(doc.title) > rules["title_max_chars"]:
        problems.append(Problem("title-too-long", f"title of {len(doc.title)} characters"))
    return problems


def row_problems(doc: Doc, now: datetime | None = None) -> list[str]:
    """The names of the article's row-level problems (see rows.yaml); empty for a good article."""
    return [p.name for p in find_problems(doc, now)]


def _span_problems(doc: Doc) -> list[Problem]:
    out = []
    for q in doc.quotes:
        text = doc.title_normalized if q.get("is_headline") else doc.text_normalized
        if why := span_mismatch(text, q.get("start"), q.get("end"), q.get("text_normalized")):
            out.append(Problem("span-mismatch", f"quote {q.get('quote_id')}: {why}"))
    for m in doc.mentions:
        if why := span_mismatch(doc.text_normalized, m.get("start"), m.get("end"), m.get("surface")):
            out.append(Problem("span-mismatch", f"mention {m.get('entity_id')}: {why}"))
    for n in doc.normalizations:
        text = doc.title if n.get("field") == "title" else doc.text
        if why := span_mismatch(text, n.get("start"), n.get("end"), n.get("original")):
            out.append(Problem("span-mismatch", f"normalization {n.get('rule')}: {why}"))
    return out


def _entity_type_problems(doc: Doc) -> list[Problem]:
    allowed = entity_types()
    if allowed is None:
        return []
    return [
        Problem("entity-type", f"mention {m.get('surface')!r} typed {m.get('type')!r}")
        for m in doc.mentions
        if m.get("type") not in allowed
    ]


def _quote_length_problems(doc: Doc, lo: int, hi: int) -> list[Problem]:
    return [
        Problem("quote-length", f"quote {q.get('quote_id')} of {len(q.get('text_normalized') or '')} characters, outside {lo}..{hi}")
        for q in doc.quotes
        if not lo <= len(q.get("text_normalized") or "") <= hi
    ]


def _null_field(doc: Doc, name: str) -> None:
    if name.startswith("published_at-"):
        doc.published_at = None
    elif name == "title-too-long":
        # Headline quotes and title spelling changes point into the title: they go with it.
        doc.title = doc.title_normalized = None
        doc.quotes = [q for q in doc.quotes if not q.get("is_headline")]
        doc.normalizations = [n for n in doc.normalizations if n.get("field") != "title"]
    else:
        raise ValueError(f"rows.yaml lists {name!r} under null_field but no field is known for it")


def check_row(doc: Doc, now: datetime | None = None) -> list[str]:
    """Quarantine the article (raise) or repair it in place; returns the fields it nulled."""
    rules = row_rules()
    problems = find_problems(doc, now)
    blocking = [p for p in problems if p.name in rules["quarantine"]]
    if blocking:
        raise Quarantined(f"row-check:{blocking[0].name}", "; ".join(p.detail for p in blocking))
    nulled = []
    for p in problems:
        if p.name in rules["null_field"]:
            _null_field(doc, p.name)
            nulled.append(p.name)
        else:
            raise ValueError(f"row problem {p.name!r} is in neither list of rows.yaml")
    return nulled


@task(name="check-rows", cache_policy=NO_CACHE)
def check_rows_batch(docs: list[Doc]) -> StageResult:
    """Row checks over a batch: problem articles become quarantine rows, wrong fields are nulled."""
    nulled: Counter[str] = Counter()

    def check(doc: Doc) -> Any:
        nulled.update(f"nulled:{name}" for name in check_row(doc))

    result = run_stage(STAGE, check, docs)
    result.stats.update(nulled)
    return result
