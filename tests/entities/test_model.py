"""The optional spaCy model: fills gaps beside the catalogue, and fails loudly when missing."""

from __future__ import annotations

import pytest
import spacy

from tasks.entities import configure, entities_batch, find_mentions, model
from tasks.entities.model import NerModelError
from tasks.records import Doc


@pytest.fixture
def ruler_model(tmp_path):
    """A real spaCy pipeline on disk whose entity ruler plays the part of an installed model."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "Vostok SOS"},
            {"label": "GPE", "pattern": "Kyiv"},  # the catalogue already has it: the model must not double it
            {"label": "GPE", "pattern": "Ankara"},
            {"label": "PRODUCT", "pattern": "Patriot"},  # not a table type: ignored
        ]
    )
    path = tmp_path / "toy_model"
    nlp.to_disk(path)
    configure(str(path))
    yield path
    configure(None)


def test_model_entities_fill_gaps_without_overlapping_the_catalogue(ruler_model):
    text = "Vostok SOS said in Kyiv that a Patriot battery had been moved to Ankara."
    rows = find_mentions(text)
    assert [(m["surface"], m["type"], m["source"]) for m in rows] == [
        ("Vostok SOS", "ORG", "model"),
        ("Kyiv", "GPE", "catalog"),
        ("Ankara", "GPE", "catalog"),
    ]
    assert rows[0]["entity_id"] == "auto:org:vostok-sos"
    for m in rows:
        assert text[m["start"] : m["end"]] == m["surface"]


def test_model_spans_link_to_the_catalogue_when_they_name_a_known_entity(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "zelensky"}])
    nlp.to_disk(tmp_path / "m")
    configure(str(tmp_path / "m"))
    try:
        rows = find_mentions("a lower-case note from zelensky.")  # the catalogue wants a capital
    finally:
        configure(None)
    assert [(m["surface"], m["entity_id"], m["source"]) for m in rows] == [("zelensky", "person:volodymyr-zelensky", "model")]


def test_a_missing_model_is_a_clear_error_and_the_default_needs_none():
    with pytest.raises(NerModelError, match="cannot be loaded"):
        configure("en_core_web_nonexistent_model")
    configure(None)
    assert [(m["surface"], m["source"]) for m in find_mentions("Hanna Maliar said so in Kyiv.")] == [
        ("Hanna Maliar", "rule"), ("Kyiv", "catalog")]


def test_a_pipeline_without_an_entity_recogniser_is_refused(tmp_path):
    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(NerModelError, match="no entity recogniser"):
        configure(str(tmp_path / "blank"))


def test_the_batch_parses_with_the_model_once_and_keeps_per_document_rows(ruler_model):
    texts = ["Vostok SOS said in Kyiv that aid had arrived.", "Kyiv thanked Vostok SOS."]
    docs = [Doc(source_path=f"{i}", source_format="text", article_id=str(i), text=t, text_normalized=t) for i, t in enumerate(texts)]
    result = entities_batch.fn(docs)
    assert [[(m["surface"], m["source"]) for m in d.mentions] for d in result.docs] == [
        [("Vostok SOS", "model"), ("Kyiv", "catalog")],
        [("Kyiv", "catalog"), ("Vostok SOS", "model")],
    ]


def test_the_environment_variable_turns_the_model_on(tmp_path, monkeypatch):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Vostok SOS"}])
    nlp.to_disk(tmp_path / "env_model")
    monkeypatch.setenv(model.MODEL_ENV, str(tmp_path / "env_model"))
    monkeypatch.setattr(model, "_env_checked", False)
    monkeypatch.setattr(model, "_nlp", None)
    try:
        assert [m["source"] for m in find_mentions("Vostok SOS said in Kyiv that aid had arrived.")] == ["model", "catalog"]
    finally:
        configure(None)
