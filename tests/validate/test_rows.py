"""Row checks: a bad article is quarantined with a reason, a wrong field is nulled, good ones pass."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tasks.records import Doc, Quarantined
from tasks.validate.checks import furniture_line, row_rules
from tasks.validate.rows import check_row, check_rows_batch, row_problems

from .conftest import seed_docs

EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"

# Lines left in real text dumps (seeds/000..., seeds/003...) by sites' page furniture.
FURNITURE_LINES = [
    "Top stories",
    "READ MORE: Trump changes rhetoric on Ukraine conflict",
    "Read more: Volodymyr Zelenskyy 'prepared to end Ukraine war' in exchange for Nato membership",
    "Listen to this article",
    "Loading audio...",
    "You can share this story on social media:",
    "Subscribe to RT newsletter to get news highlights of the day right in your mailbox",
    "Subscribe",
    "Sign In",
    "[Reply](#)",
    "[Russia-Ukraine conflict](#), [Ukraine](#), [Vladimir Zelensky](#)",
    "Question more: Why many Americans aren't buying the official story of Charlie Kirk's murder EXPLAINER",
    "QUESTION MORE",
    "Your comment here",
    "Sort by Recently updated ▾",
]
# Reporting that uses the same words, which must never count as furniture.
PROSE_LINES = [
    "Readers were urged to subscribe to the emergency alerts, officials said.",
    "Top stories on state television ignored the talks entirely.",
    "He told reporters to read more of the constitution before asking again.",
    "“Sign in, and you will see the list,” the clerk said.",
]


@pytest.fixture
def docs() -> list[Doc]:
    return seed_docs()


@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_furniture_lines_from_real_dumps_are_found(line: str):
    assert furniture_line(f"Zelensky spoke on Friday.\n\n{line}\n\nHe left.") == line


@pytest.mark.parametrize("line", PROSE_LINES)
def test_reporting_that_shares_their_words_is_not_furniture(line: str):
    assert furniture_line(line) is None


def test_finished_seed_articles_have_no_row_problems(docs):
    for doc in docs:
        assert row_problems(doc) == [], doc.source_path


@pytest.mark.parametrize(
    ("problem", "spoil"),
    [
        ("empty-text", lambda d: setattr(d, "text_normalized", "  \n")),
        ("word-count", lambda d: setattr(d, "text", "news " * 30001)),
        ("furniture", lambda d: setattr(d, "text", d.text + "\n\nTop stories")),
        ("variant-spelling", lambda d: setattr(d, "text_normalized", d.text_normalized.replace("Kyiv", "Kiev"))),
        ("span-mismatch", lambda d: d.quotes[0].update(start=d.quotes[0]["start"] + 2)),
        ("span-mismatch", lambda d: d.mentions[0].update(end=len(d.text_normalized) + 3)),
        ("span-mismatch", lambda d: d.normalizations[0].update(original="Kyiv")),
        ("entity-type", lambda d: d.mentions[0].update(type="PLACE")),
        ("quote-length", lambda d: d.quotes[0].update(text_normalized="", end=d.quotes[0]["start"])),
    ],
)
def test_a_bad_article_is_quarantined_with_its_reason(docs, problem: str, spoil):
    doc = docs[1]
    spoil(doc)
    assert problem in row_problems(doc)
    with pytest.raises(Quarantined) as caught:
        check_row(doc)
    assert caught.value.reason == f"row-check:{problem}"


def test_quarantine_rows_keep_the_source_and_reason(docs):
    docs[0].text += "\n\nREAD MORE: Trump changes rhetoric on Ukraine conflict"
    result = check_rows_batch.fn(docs)
    assert [d.source_path for d in result.docs] == [docs[1].source_path]
    [row] = result.quarantined
    assert row["source_path"] == docs[0].source_path
    assert row["stage"] == "validate"
    assert row["reason"] == "row-check:furniture"
    assert "READ MORE: Trump changes rhetoric" in row["detail"]
    assert result.stats["in"] == 2 and result.stats["out"] == 1


@pytest.mark.parametrize(
    ("published_at", "problem"),
    [
        (datetime.now(timezone.utc) + timedelta(days=30), "published_at-future"),
        (datetime(1989, 6, 1, tzinfo=timezone.utc), "published_at-too-early"),
    ],
)
def test_a_date_outside_the_window_is_nulled_and_the_article_kept(docs, published_at, problem):
    docs[0].published_at = published_at
    result = check_rows_batch.fn(docs)
    assert len(result.docs) == 2 and not result.quarantined
    assert result.docs[0].published_at is None
    assert result.docs[1].published_at is not None
    assert result.stats[f"nulled:{problem}"] == 1


def test_an_absurd_title_is_nulled_with_what_points_into_it(docs):
    doc = docs[0]
    doc.title = doc.title_normalized = "Zelensky " * 60
    doc.quotes.append(dict(doc.quotes[0], quote_id="headline", is_headline=True, start=0, end=8,
                           text_normalized="Zelensky"))
    doc.normalizations.append({"article_id": doc.article_id, "field": "title", "start": 0, "end": 8,
                               "original": "Zelensky", "replacement": "Zelensky", "rule": "zelensky"})
    assert check_row(doc) == ["title-too-long"]
    assert doc.title is None and doc.title_normalized is None
    assert not any(q["is_headline"] for q in doc.quotes)
    assert not any(n["field"] == "title" for n in doc.normalizations)
    assert doc.quotes and doc.normalizations  # the body's rows stay


def test_every_problem_has_one_action():
    rules = row_rules()
    assert not set(rules["quarantine"]) & set(rules["null_field"])


def _critical(suite: str, kind: str, column: str) -> dict:
    data = json.loads((EXPECTATIONS / f"{suite}.json").read_text())
    [found] = [e["kwargs"] for e in data["expectations"]
               if e["type"] == kind and e["kwargs"].get("column") == column and e["severity"] == "critical"]
    return found


def test_row_bounds_are_the_suites_critical_bounds():
    rules = row_rules()
    words = _critical("articles", "expect_column_values_to_be_between", "word_count")
    assert (words["min_value"], words["max_value"]) == (rules["word_count"]["min"], rules["word_count"]["max"])
    dates = _critical("articles", "expect_column_values_to_be_between", "published_at")
    assert dates["min_value"] == rules["published_at"]["earliest"]
    title = _critical("articles", "expect_column_value_lengths_to_be_between", "title")
    assert title["max_value"] == rules["title_max_chars"]
    quotes = _critical("quotes", "expect_column_value_lengths_to_be_between", "text_normalized")
    assert (quotes["min_value"], quotes["max_value"]) == (rules["quote_chars"]["min"], rules["quote_chars"]["max"])


def test_entity_type_sets_are_the_entity_stage_s():
    from tasks.entities import ENTITY_TYPES

    for suite in ("entities", "entity_catalog"):
        kwargs = _critical(suite, "expect_column_values_to_be_in_set", "type")
        assert sorted(kwargs["value_set"]) == sorted(ENTITY_TYPES)
