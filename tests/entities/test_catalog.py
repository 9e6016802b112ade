"""The curated catalogue: well-formed, joinable, and covering the normalisation lexicon's spellings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tasks.entities import ENTITY_TYPES, catalog_rows, lookup
from tasks.entities.catalog import Catalog, entity_id_for, fold, load_catalog, slug

ROOT = Path(__file__).resolve().parents[2]
LEXICON = ROOT / "tasks" / "normalise" / "lexicon.yaml"


def test_rows_are_unique_typed_and_carry_only_plausible_qids():
    rows = catalog_rows()
    ids = [r["entity_id"] for r in rows]
    assert len(ids) == len(set(ids))
    assert len(rows) > 500
    for r in rows:
        assert set(r) == {"entity_id", "name", "type", "wikidata_id", "aliases"}
        assert r["type"] in ENTITY_TYPES
        assert r["wikidata_id"] is None or re.fullmatch(r"Q[1-9]\d*", r["wikidata_id"])
        assert all(isinstance(a, str) and a and "[" not in a for a in r["aliases"])


def test_ids_are_readable_slugs_of_type_and_name():
    assert slug("Donetsk People's Republic") == "donetsk-peoples-republic"
    assert slug("Recep Tayyip Erdoğan") == "recep-tayyip-erdogan"
    assert entity_id_for("PERSON", "Volodymyr Zelensky") == "person:volodymyr-zelensky"
    entities = load_catalog().entities
    for key in ("person:volodymyr-zelensky", "person:vladimir-putin", "gpe:kyiv", "gpe:ukraine", "org:nato", "org:iaea", "org:kremlin"):
        assert key in entities


def test_qids_we_are_sure_of():
    entities = load_catalog().entities
    assert entities["gpe:ukraine"].wikidata_id == "Q212"
    assert entities["gpe:russia"].wikidata_id == "Q159"
    assert entities["gpe:kyiv"].wikidata_id == "Q1899"
    assert entities["person:vladimir-putin"].wikidata_id == "Q7747"
    assert entities["org:nato"].wikidata_id == "Q7184"


def test_the_same_qid_never_names_two_entities():
    qids = [r["wikidata_id"] for r in catalog_rows() if r["wikidata_id"]]
    assert len(qids) == len(set(qids))


def test_a_bad_type_or_duplicate_id_is_refused():
    with pytest.raises(ValueError, match="unknown type"):
        Catalog([{"name": "Kyiv", "type": "CITY"}])
    with pytest.raises(ValueError, match="duplicate"):
        Catalog([{"name": "Kyiv", "type": "GPE"}, {"name": "Kyiv", "type": "GPE"}])


def test_region_links_point_at_catalogue_entries():
    entities = load_catalog().entities
    for entity in entities.values():
        if entity.region:
            assert entities[entity.region].type == "GPE"


def test_extra_mentions_add_rows_for_rule_made_entities_only():
    mention = {"entity_id": "auto:person:tigran-keosayan", "name": "Tigran Keosayan", "type": "PERSON",
               "surface": "Keosayan", "wikidata_id": None}
    catalogue = {"entity_id": "gpe:kyiv", "name": "Kyiv", "type": "GPE", "surface": "Kiev", "wikidata_id": "Q1899"}
    base = catalog_rows()
    rows = catalog_rows(extra_mentions=[mention, dict(mention), catalogue])
    assert len(rows) == len(base) + 1
    assert rows[-1] == {"entity_id": "auto:person:tigran-keosayan", "name": "Tigran Keosayan", "type": "PERSON",
                        "wikidata_id": None, "aliases": ["Keosayan"]}


@pytest.mark.skipif(not LEXICON.exists(), reason="normalisation lexicon not present")
def test_every_lexicon_spelling_links_to_the_same_entity_as_its_canonical_form():
    lexicon = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    unresolved = []
    for entry in lexicon["entries"]:
        if entry["type"] == "oblast":
            continue
        canonical = entry["canonical"]
        if entry["type"] == "person":
            given = entry.get("given_name", "")
            forms = [f"{given} {v}" for v in (entry.get("variants") or []) + (entry.get("gated_variants") or [])]
            target = lookup(f"{given} {canonical}")
        else:
            forms = entry.get("variants") or []
            target = lookup(canonical)
        if target is None:
            unresolved.append(canonical)
            continue
        for form in forms:
            hit = lookup(form)
            if hit is None or hit["entity_id"] != target["entity_id"]:
                unresolved.append(form)
    assert unresolved == []


def test_fold_ignores_case_accents_and_curly_apostrophes():
    assert fold("Türkiye") == fold("turkiye")
    assert fold("People’s") == "people's"


def test_each_city_spelling_with_a_capitalised_head_names_its_oblast():
    for name in ("Kharkov Oblast", "Kharkow Region", "Odessa Province", "Nikolaev Oblast", "Kiev Region", "Rostov Region"):
        hit = lookup(name)
        assert hit is not None and hit["name"].endswith("Oblast"), name
    assert lookup("Kherson")["entity_id"] == "gpe:kherson"


def test_rows_list_the_surname_forms_that_link_after_the_full_name():
    rows = {r["entity_id"]: r for r in catalog_rows()}
    assert "Terekhov" in rows["person:ihor-terekhov"]["aliases"]
    assert "Zelenskyy" in rows["person:volodymyr-zelensky"]["aliases"]
    assert rows["person:kim-jong-un"]["aliases"].count("Kim") == 1
