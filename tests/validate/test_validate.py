import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tasks.publish import TableWriter, rows_from_docs
from tasks.records import Doc
from tasks.validate import load_suites, validate_dir
from tasks.publish.schema import TABLES


def _doc(n: int) -> Doc:
    doc = Doc(source_path=f"{n}.txt", source_format="text", encoding="utf-8")
    doc.article_id = f"a{n}"
    doc.title = doc.title_normalized = f"Headline {n}"
    doc.language = "en"
    doc.text = doc.text_normalized = "Zelensky said: “We will never recognize it.”"
    doc.mentions = [
        {"article_id": doc.article_id, "entity_id": "person:volodymyr-zelensky", "name": "Volodymyr Zelensky",
         "type": "PERSON", "surface": "Zelensky", "start": 0, "end": 8, "wikidata_id": None, "source": "catalog"}
    ]
    doc.quotes = [
        {"quote_id": f"q{n}", "article_id": doc.article_id, "text": "We will never recognize it.",
         "text_normalized": "We will never recognize it.", "speaker": "Volodymyr Zelensky",
         "speaker_entity_id": "person:volodymyr-zelensky", "speaker_surface": "Zelensky", "verb": "said",
         "start": 16, "end": 43, "is_partial": False, "is_headline": False, "quote_cluster_id": f"q{n}"}
    ]
    return doc


def _tables(tmp_path: Path) -> Path:
    writer = TableWriter(tmp_path / "tables")
    writer.write_all(rows_from_docs([_doc(1), _doc(2)], "v1"))
    writer.write("entity_catalog", [{"entity_id": "person:volodymyr-zelensky", "name": "Volodymyr Zelensky",
                                     "type": "PERSON", "wikidata_id": None, "aliases": ["Zelenskyy"]}])
    writer.close()
    return tmp_path / "tables"


def test_every_table_has_a_suite_named_after_it():
    assert set(load_suites()) == set(TABLES)


def test_suites_are_sorted_and_indented_for_review():
    for path in Path("expectations").glob("*.json"):
        text = path.read_text()
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n", path


def test_valid_tables_pass_and_write_reports(tmp_path: Path):
    report = validate_dir(_tables(tmp_path), tmp_path / "reports")
    assert report.success, report.to_markdown()
    assert (tmp_path / "reports" / "index.html").exists()
    summary = json.loads((tmp_path / "reports" / "summary.json").read_text())
    assert summary["success"] is True
    assert summary["tables"]["articles"]["rows"] == 2


def test_offsets_that_miss_their_surface_fail_critically(tmp_path: Path):
    tables = _tables(tmp_path)
    ent = pq.read_table(tables / "entities.parquet").to_pylist()
    ent[0]["start"] = 1
    w = TableWriter(tmp_path / "bad")
    w.write("entities", ent)
    w.close()
    for t in TABLES:
        if t != "entities":
            shutil.copy(tables / f"{t}.parquet", tmp_path / "bad" / f"{t}.parquet")
    report = validate_dir(tmp_path / "bad", None)
    assert not report.success
    failing = {(o.table, o.column) for o in report.critical_failures}
    assert ("entities", "check_offsets_match") in failing
