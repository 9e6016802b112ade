"""The table contract: every Parquet table's Arrow schema, defined once.

Code, GX suites (`expectations/`), and the README's data dictionary all take their column names
from here (`newsetl docs` regenerates the dictionary), so they cannot drift apart. Timestamps are
UTC; offsets are character offsets (Python `str` indices) into the text they name.
"""

from __future__ import annotations

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")


def _f(name: str, type_: pa.DataType, doc: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"doc": doc})


ARTICLES = pa.schema(
    [
        _f("article_id", pa.string(), "Deterministic ID: hash of the body text as published.", False),
        _f("source_path", pa.string(), "Input file relative to the input root; `feed.jsonl:3` for a JSONL line.", False),
        _f("source_format", pa.string(), "Format of the input: text or html.", False),
        _f("encoding", pa.string(), "Detected encoding of the input bytes."),
        _f("url", pa.string(), "Canonical URL when the page or feed gives one."),
        _f("outlet", pa.string(), "Publishing outlet (site name) when recognisable."),
        _f("title", pa.string(), "Headline as published."),
        _f("title_normalized", pa.string(), "Headline with canonical spellings."),
        _f("author", pa.string(), "Byline author(s) when given."),
        _f("published_at", UTC_TS, "Publication time in UTC; null when unknown."),
        _f("language", pa.string(), "ISO 639-1 language code of the body."),
        _f("text", pa.string(), "Body as published, paragraphs separated by a blank line.", False),
        _f("text_normalized", pa.string(), "Body with canonical spellings (same paragraphs).", False),
        _f("word_count", pa.int32(), "Whitespace-separated words in `text`.", False),
        _f("extractor", pa.string(), "Method that produced the body (e.g. trafilatura, text-classifier)."),
        _f("sha256", pa.string(), "SHA-256 of the input bytes."),
        _f("lexicon_version", pa.string(), "Version of the spelling lexicon applied."),
    ]
)

QUOTES = pa.schema(
    [
        _f("quote_id", pa.string(), "Deterministic ID: hash of article_id and offsets.", False),
        _f("article_id", pa.string(), "Article the quote appears in (articles.article_id).", False),
        _f("text", pa.string(), "Quoted words as published, without the quote marks.", False),
        _f("text_normalized", pa.string(), "Quoted words with canonical spellings.", False),
        _f("speaker", pa.string(), "Canonical name of the speaker; null when unknown."),
        _f("speaker_entity_id", pa.string(), "entities.entity_id of the speaker; null when unknown."),
        _f("speaker_surface", pa.string(), "How the text names the speaker (name, title or pronoun)."),
        _f("verb", pa.string(), "Reporting verb of the attribution (said, stated, told...)."),
        _f("start", pa.int32(), "Start offset of the quoted words in the article's text_normalized.", False),
        _f("end", pa.int32(), "End offset (exclusive) in the article's text_normalized.", False),
        _f("is_partial", pa.bool_(), "A fragment quoted inside a sentence (scare quotes, phrases).", False),
        _f("is_headline", pa.bool_(), "Quote found in the headline rather than the body.", False),
        _f("quote_cluster_id", pa.string(), "Shared by reports of the same utterance across articles."),
    ]
)

ENTITIES = pa.schema(
    [
        _f("article_id", pa.string(), "Article of the mention (articles.article_id).", False),
        _f("entity_id", pa.string(), "Canonical entity (entity_catalog.entity_id).", False),
        _f("name", pa.string(), "Canonical name of the entity.", False),
        _f("type", pa.string(), "PERSON, ORG, GPE, LOC, NORP or EVENT.", False),
        _f("surface", pa.string(), "Mention as written: text_normalized[start:end].", False),
        _f("start", pa.int32(), "Start offset in the article's text_normalized.", False),
        _f("end", pa.int32(), "End offset (exclusive) in the article's text_normalized.", False),
        _f("wikidata_id", pa.string(), "Wikidata QID when certain; null otherwise."),
        _f("source", pa.string(), "How the mention was found: catalog, rule or model."),
    ]
)

ENTITY_CATALOG = pa.schema(
    [
        _f("entity_id", pa.string(), "Stable entity key.", False),
        _f("name", pa.string(), "Canonical name.", False),
        _f("type", pa.string(), "PERSON, ORG, GPE, LOC, NORP or EVENT.", False),
        _f("wikidata_id", pa.string(), "Wikidata QID when certain; null otherwise."),
        _f("aliases", pa.list_(pa.string()), "Other names and spellings matched to this entity."),
    ]
)

COMMENTS = pa.schema(
    [
        _f("article_id", pa.string(), "Article the reader comment was posted under.", False),
        _f("author", pa.string(), "Commenter's display name."),
        _f("posted_at", UTC_TS, "When the comment was posted, UTC; null when unknown."),
        _f("text", pa.string(), "Comment text.", False),
        _f("position", pa.int32(), "Order of the comment on the page, from 0.", False),
    ]
)

NORMALIZATIONS = pa.schema(
    [
        _f("article_id", pa.string(), "Article changed (articles.article_id).", False),
        _f("field", pa.string(), "Column changed: text or title (quotes inherit from text).", False),
        _f("start", pa.int32(), "Start offset of the original spelling in the published field.", False),
        _f("end", pa.int32(), "End offset (exclusive) in the published field.", False),
        _f("original", pa.string(), "Spelling as published.", False),
        _f("replacement", pa.string(), "Canonical spelling written instead.", False),
        _f("rule", pa.string(), "Lexicon entry that fired.", False),
    ]
)

QUARANTINE = pa.schema(
    [
        _f("source_path", pa.string(), "Input that could not become an article.", False),
        _f("source_format", pa.string(), "Format as sniffed, when known."),
        _f("stage", pa.string(), "Stage that rejected it: ingest, extract, normalise, ...", False),
        _f("reason", pa.string(), "Short machine-readable reason (empty, binary, too-large, ...).", False),
        _f("detail", pa.string(), "Human-readable detail for re-processing."),
        _f("size_bytes", pa.int64(), "Size of the input in bytes."),
        _f("sha256", pa.string(), "SHA-256 of the input bytes, when read."),
    ]
)

DUPLICATES = pa.schema(
    [
        _f("source_path", pa.string(), "Input whose content duplicates an article already kept.", False),
        _f("article_id", pa.string(), "The article it duplicates (articles.article_id).", False),
        _f("duplicate_of", pa.string(), "source_path of the kept copy.", False),
        _f("kind", pa.string(), "exact (same bytes) or body (same extracted body).", False),
    ]
)

# Table name -> schema. The order is the order of the data dictionary.
TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "quotes": QUOTES,
    "entities": ENTITIES,
    "entity_catalog": ENTITY_CATALOG,
    "comments": COMMENTS,
    "normalizations": NORMALIZATIONS,
    "duplicates": DUPLICATES,
    "quarantine": QUARANTINE,
}


def columns(table: str) -> list[str]:
    return TABLES[table].names


# Free text: no Parquet min/max statistics. Nobody filters on the alphabetical range of article
# bodies, and their statistics made the articles file's footer 6 MB at 100,000 articles, which
# every reader loads on open.
FREE_TEXT_COLUMNS = frozenset({"text", "text_normalized"})


def statistics_columns(schema: pa.Schema) -> list[str]:
    """Columns whose Parquet min/max statistics are worth writing (all but free text)."""
    return [name for name in schema.names if name not in FREE_TEXT_COLUMNS]
