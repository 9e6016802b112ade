"""The stage contract: entities_doc, the Prefect task run as a plain function, and lookup()."""

from __future__ import annotations

from pathlib import Path

import yaml

from tasks.entities import catalog_rows, entities_batch, entities_doc, find_mentions, lookup
from tasks.publish.schema import columns
from tasks.records import Doc

DEVSET = Path(__file__).parent / "devset"


def _doc(text: str, article_id: str = "a1") -> Doc:
    return Doc(source_path="x.txt", source_format="text", article_id=article_id, text=text, text_normalized=text)


def test_entities_doc_rows_have_exactly_the_table_columns():
    doc = _doc("Vladimir Putin met Recep Tayyip Erdogan in Ankara.")
    entities_doc(doc)
    assert [m["surface"] for m in doc.mentions] == ["Vladimir Putin", "Recep Tayyip Erdogan", "Ankara"]
    for row in doc.mentions:
        assert set(row) == set(columns("entities"))
        assert row["article_id"] == "a1"


def test_entities_doc_reads_the_normalised_text():
    doc = Doc(source_path="x.txt", source_format="text", article_id="a2", text="Kiev", text_normalized="Kyiv said.")
    entities_doc(doc)
    assert [(m["surface"], m["start"], m["end"]) for m in doc.mentions] == [("Kyiv", 0, 4)]


def test_batch_quarantines_only_the_document_that_fails():
    good = _doc("NATO met in Brussels.", "good")
    bad = _doc("ignored", "bad")
    bad.text_normalized = None  # a broken upstream record
    result = entities_batch.fn([good, bad])
    assert [d.article_id for d in result.docs] == ["good"]
    assert len(result.quarantined) == 1 and result.quarantined[0]["stage"] == "entities"
    assert result.stats["in"] == 2 and result.stats["out"] == 1
    assert [m["entity_id"] for m in good.mentions] == ["org:nato", "gpe:brussels"]


def test_every_mention_on_the_dev_set_joins_to_a_catalogue_row():
    mentions = []
    for path in sorted(DEVSET.glob("*.yaml")):
        doc = _doc(yaml.safe_load(path.read_text(encoding="utf-8"))["text"], path.stem)
        entities_doc(doc)
        mentions.extend(doc.mentions)
    rows = catalog_rows(extra_mentions=mentions)
    known = {r["entity_id"] for r in rows}
    assert {m["entity_id"] for m in mentions} <= known
    assert any(m["entity_id"].startswith("auto:") for m in mentions)


def test_lookup_strips_titles_and_possessives():
    zelensky = {"entity_id": "person:volodymyr-zelensky", "name": "Volodymyr Zelensky", "type": "PERSON", "wikidata_id": "Q3881"}
    for name in ("Mr Zelenskyy", "President Zelensky's", "Volodymyr Zelenskyy", "zelensky", "Ukrainian President Zelensky"):
        assert lookup(name) == zelensky, name
    assert lookup("the Kremlin")["entity_id"] == "org:kremlin"
    assert lookup("Kiev")["name"] == "Kyiv"


def test_lookup_takes_a_surname_only_when_one_catalogue_person_has_it():
    assert lookup("Hegseth")["entity_id"] == "person:pete-hegseth"  # always-on alias
    assert lookup("Mr Terekhov")["entity_id"] == "person:ihor-terekhov"  # one catalogue person
    assert lookup("Johnson") is None  # Boris and Mike
    assert lookup("Nobody Inparticular") is None
    assert lookup("") is None


def test_lookup_resolves_rule_made_people_through_the_article_mentions():
    mentions = find_mentions("Film director Tigran Keosayan died. Keosayan was 59.")
    hit = lookup("Mr Keosayan", mentions)
    assert hit == {"entity_id": "auto:person:tigran-keosayan", "name": "Tigran Keosayan", "type": "PERSON", "wikidata_id": None}
    assert lookup("Keosayan") is None
