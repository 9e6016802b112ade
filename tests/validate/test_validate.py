"""The suites over real tables: good tables pass; each critical rule fails on a doctored copy.

The doctored copy (`broken_tables` in conftest.py) holds one fault per rule, each in its own row,
so a single validation run shows every rule failing on exactly the fault meant for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.publish.schema import TABLES
from tasks.validate import ACCOUNTING, load_suites, table_sources, validate_dir

from .conftest import BEFORE_1990, FAR_FUTURE, FURNITURE, ORPHAN_ID


def failure(report, name: str):
    found = [o for o in report.critical_failures if o.name == name]
    assert found, f"{name} did not fail; critical failures: {[o.name for o in report.critical_failures]}"
    return found[0]


def test_every_table_has_a_suite_named_after_it():
    assert set(load_suites()) == set(TABLES)


def test_good_tables_pass_every_suite_and_write_reports(good_tables: Path, good_rows, tmp_path: Path):
    accounted = sum(len(good_rows[t]) for t in ("articles", "duplicates", "quarantine"))
    (good_tables / "_manifest.json").write_text(json.dumps({"inputs": accounted}))
    report = validate_dir(good_tables, tmp_path / "reports")
    assert report.success, report.to_markdown()
    assert not report.warnings, report.to_markdown()
    assert {o.table for o in report.outcomes} == {*TABLES, "run"}
    assert report.accounting == {"inputs": accounted, "articles": 2, "duplicates": 1, "quarantined": 1}
    assert (tmp_path / "reports" / "index.html").exists()
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["success"] is True and summary["failing"] == []
    assert summary["tables"]["articles"]["rows"] == 2
    assert summary["html"] == str(tmp_path / "reports" / "index.html")
    listed = [e for t in summary["tables"].values() for e in t["expectations"]]
    assert len(listed) == len(report.outcomes)
    start_type = next(e for e in summary["tables"]["quotes"]["expectations"]
                      if e["type"] == "expect_column_values_to_be_of_type" and e["column"] == "start")
    assert start_type["success"] is True and start_type["observed"] == "int32"
    markdown = (tmp_path / "reports" / "summary.md").read_text()
    assert markdown.startswith("## ✅ newsetl data quality PASSED")
    assert "Inputs: 4 = 2 articles + 1 duplicates + 1 quarantined" in markdown


@pytest.mark.parametrize(
    ("name", "sample"),
    [
        # keys
        ("articles.expect_column_values_to_be_unique(article_id)", None),
        ("quotes.expect_column_values_to_be_unique(quote_id)", None),
        # referential integrity
        ("quotes.expect_column_values_to_be_null(check_orphan_article_id)", [ORPHAN_ID]),
        ("entities.expect_column_values_to_be_null(check_orphan_article_id)", [ORPHAN_ID]),
        ("entities.expect_column_values_to_be_null(check_orphan_entity_id)", ["person:nobody"]),
        ("comments.expect_column_values_to_be_null(check_orphan_article_id)", [ORPHAN_ID]),
        ("normalizations.expect_column_values_to_be_null(check_orphan_article_id)", [ORPHAN_ID]),
        ("duplicates.expect_column_values_to_be_null(check_orphan_article_id)", [ORPHAN_ID]),
        ("quarantine.expect_column_values_to_be_null(check_source_also_article)", ["004_786d0f0dc838fab5.txt"]),
        # offsets pointing at their words
        ("quotes.expect_column_values_to_be_null(check_span_mismatch)", None),
        ("entities.expect_column_values_to_be_null(check_span_mismatch)", None),
        ("normalizations.expect_column_values_to_be_null(check_span_mismatch)", None),
        # text
        ("articles.expect_column_values_to_be_null(check_furniture_line)", [FURNITURE]),
        ("articles.expect_column_values_to_be_null(check_variant_spelling)", ["Kiev -> Kyiv"]),
        # bounds and sets
        ("articles.expect_column_values_to_be_between(published_at)", None),
        ("articles.expect_column_values_to_be_between(word_count)", [0]),
        ("quotes.expect_column_value_lengths_to_be_between(text_normalized)", None),
        ("entities.expect_column_values_to_be_in_set(type)", ["PLACE"]),
        # schema and types
        ("comments.expect_table_columns_to_match_set(table)", None),
        ("entities.expect_column_values_to_be_of_type(start)", None),
    ],
)
def test_each_critical_rule_fails_on_its_fault(broken_report, name: str, sample):
    found = failure(broken_report, name)
    assert found.severity == "critical"
    if sample is not None:
        assert found.unexpected_sample == sample


def test_failures_carry_their_evidence(broken_report):
    spans = failure(broken_report, "entities.expect_column_values_to_be_null(check_span_mismatch)")
    # the shifted mention, the orphan's (no article text), and the mention of the respelt Kyiv
    assert spans.unexpected_count == 3
    assert "no such article text" in spans.unexpected_sample
    assert any(s.endswith("is 'Kiev', not 'Kyiv'") for s in spans.unexpected_sample)
    dates = failure(broken_report, "articles.expect_column_values_to_be_between(published_at)")
    assert dates.unexpected_count == 2
    assert sorted(dates.unexpected_sample) == sorted(str(d.replace(tzinfo=None)) + "+00:00" for d in (FAR_FUTURE, BEFORE_1990))
    typed = failure(broken_report, "entities.expect_column_values_to_be_of_type(start)")
    assert typed.observed == "int64"
    dropped = failure(broken_report, "comments.expect_column_values_to_be_of_type(author)")
    assert dropped.observed == "no column 'author'"
    assert [o.name for o in broken_report.critical_failures if o.table == "run"] == [f"run.{ACCOUNTING}(table)"]


def test_the_failing_summary_names_each_failure(broken_report):
    markdown = (broken_report.report_dir / "summary.md").read_text()
    assert markdown.splitlines()[0].startswith("## ❌ newsetl data quality FAILED")
    summary = json.loads((broken_report.report_dir / "summary.json").read_text())
    assert summary["success"] is False
    assert summary["critical_failures"] == len(broken_report.critical_failures)
    for o in broken_report.critical_failures:
        assert f"`{o.name}`" in markdown
        assert o.name in summary["failing"]
    assert summary["tables"]["articles"]["success"] is False


def test_only_the_faults_fail(broken_report):
    expected = {
        "articles": 5,  # unique article_id, furniture, variant, published_at, word_count
        "quotes": 4,  # unique quote_id, orphan, span (shifted and run-away), length
        "entities": 5,  # orphan article, orphan entity, span, type, start's type
        "comments": 3,  # orphan, column set, type of the dropped column (cannot be checked)
        "normalizations": 2,
        "duplicates": 1,
        "quarantine": 1,
        "run": 1,
    }
    counts = {t: sum(o.table == t for o in broken_report.critical_failures) for t in expected}
    assert counts == expected, [o.name for o in broken_report.critical_failures]


def test_naive_timestamps_fail_the_type_check(good_tables: Path):
    path = good_tables / "articles.parquet"
    table = pq.read_table(path)
    i = table.schema.get_field_index("published_at")
    naive = table["published_at"].cast(pa.timestamp("us"))
    pq.write_table(table.set_column(i, pa.field("published_at", pa.timestamp("us")), naive), path)
    report = validate_dir(good_tables, None)
    failure(report, "articles.expect_column_values_to_be_of_type(published_at)")


def test_warnings_are_reported_without_blocking(doctored):
    def undated(rows):
        for row in rows:
            row["published_at"] = row["language"] = None

    report = validate_dir(doctored("articles", undated), None)
    assert report.success, [o.name for o in report.critical_failures]
    assert {o.name for o in report.warnings} == {
        "articles.expect_column_values_to_not_be_null(published_at)",
        "articles.expect_column_values_to_not_be_null(language)",
    }


def test_reading_a_folder_without_tables_raises(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        table_sources(tmp_path)
    with pytest.raises(FileNotFoundError):
        table_sources(tmp_path / "absent")
