"""The stage on documents: fields filled, published text untouched, audit rows fit the table."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest

from tasks.normalise import find_variants, normalise_batch, normalise_doc, undo
from tasks.normalise.normalizer import Change
from tasks.publish.schema import NORMALIZATIONS
from tasks.records import Doc

# The spellings the issue names, checked independently of the lexicon.
ISSUE_VARIANTS = re.compile(
    r"(?<!\w)(?:Kiev|Zelenskyy|Zelenskiy|Vladimir Zelensky|Lugansk|Zaporozhye|Donbass|Kharkov)(?!\w)",
    re.IGNORECASE,
)


def _doc(text: str, title: str | None = None, article_id: str = "a1") -> Doc:
    doc = Doc(source_path="x.txt", source_format="text", text=text, title=title)
    doc.article_id = article_id
    return doc


def test_normalise_doc_fills_its_fields_and_keeps_the_published_ones():
    doc = _doc("Zelenskyy went to Kiev.", title="KIEV VISIT")
    normalise_doc(doc)
    assert doc.text == "Zelenskyy went to Kiev."
    assert doc.title == "KIEV VISIT"
    assert doc.text_normalized == "Zelensky went to Kyiv."
    assert doc.title_normalized == "KYIV VISIT"
    assert doc.normalizations == [
        {"article_id": "a1", "field": "text", "start": 0, "end": 9, "original": "Zelenskyy",
         "replacement": "Zelensky", "rule": "zelensky"},
        {"article_id": "a1", "field": "text", "start": 18, "end": 22, "original": "Kiev",
         "replacement": "Kyiv", "rule": "kyiv"},
        {"article_id": "a1", "field": "title", "start": 0, "end": 4, "original": "KIEV",
         "replacement": "KYIV", "rule": "kyiv"},
    ]


def test_a_missing_title_stays_missing():
    doc = _doc("Kiev", title=None)
    normalise_doc(doc)
    assert doc.title_normalized is None
    assert [r["field"] for r in doc.normalizations] == ["text"]


def test_audit_rows_fit_the_normalizations_table():
    doc = _doc("Vladimir Zelenskyy in Lugansk", title="Kharkov")
    normalise_doc(doc)
    table = pa.Table.from_pylist(doc.normalizations, schema=NORMALIZATIONS)
    assert table.num_rows == 4
    assert set(doc.normalizations[0]) == set(NORMALIZATIONS.names)


def test_audit_rows_undo_the_normalisation():
    doc = _doc("Chernigov and Rovno, not the Chernobyl disaster; Zelenskiy’s aides", title="Odessa")
    normalise_doc(doc)
    for field, published, normalised in (
        ("text", doc.text, doc.text_normalized),
        ("title", doc.title, doc.title_normalized),
    ):
        rows = [r for r in doc.normalizations if r["field"] == field]
        changes = [Change(r["start"], r["end"], r["original"], r["replacement"], r["rule"]) for r in rows]
        for c in changes:
            assert published[c.start : c.end] == c.original
        assert undo(normalised, changes) == published


def test_batch_task_runs_the_stage_over_documents():
    docs = [_doc("Kiev", article_id="a"), _doc("Odessa, Texas", article_id="b")]
    result = normalise_batch.fn(docs)
    assert result.stats["in"] == 2 and result.stats["out"] == 2
    assert [d.text_normalized for d in result.docs] == ["Kyiv", "Odessa, Texas"]
    assert result.quarantined == []


def test_a_document_that_breaks_the_stage_is_quarantined_not_lost():
    bad = _doc("Kiev")
    bad.text = None  # type: ignore[assignment]  # a broken upstream record
    bad.title = 42  # type: ignore[assignment]
    result = normalise_batch.fn([bad, _doc("Kiev", article_id="ok")])
    assert [d.article_id for d in result.docs] == ["ok"]
    assert len(result.quarantined) == 1
    assert result.quarantined[0]["stage"] == "normalise"


def test_seeds_have_no_variant_left_and_keep_their_published_text(seeds_dir):
    paths = sorted(seeds_dir.glob("*.txt"))
    assert paths
    found_any = False
    for path in paths:
        text = path.read_text(encoding="utf-8")
        doc = _doc(text, article_id=path.stem)
        normalise_doc(doc)
        assert doc.text == text
        found_any |= bool(ISSUE_VARIANTS.search(text))
        assert ISSUE_VARIANTS.search(doc.text_normalized) is None, path.name
        assert find_variants(doc.text_normalized) == []
        for row in doc.normalizations:
            assert text[row["start"] : row["end"]] == row["original"]
    assert found_any, "the seeds should exercise the issue's variants"


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text(text):
    doc = _doc(text)
    normalise_doc(doc)
    assert doc.text_normalized == text
    assert doc.normalizations == []
