"""The lexicon file: every entry normalises, every exception holds, and bad files are refused."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
import yaml

from tasks.normalise import LEXICON, LEXICON_VERSION, find_variants, normalize_text
from tasks.normalise.lexicon import LEXICON_PATH, LexiconError, expand, key, load_lexicon

RAW = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
ENTRIES = RAW["entries"]
TYPES = {"person", "city", "town", "village", "oblast", "region", "river", "landmark"}


def _forms(entry_id: str):
    return [
        (k, f)
        for table in (LEXICON.forms, LEXICON.context_forms)
        for k, f in table.items()
        if f.rule == entry_id
    ]


def test_version_is_read_from_the_file():
    assert LEXICON_VERSION == str(RAW["version"])
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", LEXICON_VERSION)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_entry_is_well_formed(entry):
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry["id"])
    assert entry["type"] in TYPES
    assert entry["canonical"].strip() == entry["canonical"]
    assert _forms(entry["id"]), "an entry that changes nothing"
    if entry["type"] == "person":
        assert entry.get("given_name"), "people are matched with their first name"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_every_spelling_of_an_entry_becomes_canonical(entry):
    suffix = " region" if entry.get("only_before") else ""
    for _, form in _forms(entry["id"]):
        sentence = f"Reports from {form.variant}{suffix} came in on Tuesday."
        result = normalize_text(sentence)
        assert result.text == f"Reports from {form.canonical}{suffix} came in on Tuesday.", form
        assert {c.rule for c in result.changes} == {entry["id"]}
        assert find_variants(result.text) == []


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["id"] for e in ENTRIES])
def test_every_exception_of_an_entry_is_left_as_published(entry):
    for phrase in entry.get("exceptions") or []:
        for expanded in expand(phrase):
            sentence = f"He wrote about {expanded} last year."
            result = normalize_text(sentence)
            assert result.text == sentence, expanded
            assert [k.rule for k in result.kept] == [entry["id"]]


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.get("only_before")], ids=lambda e: e["id"]
)
def test_oblast_only_spelling_without_an_oblast_word_goes_to_the_city_entry(entry):
    for variant in entry["variants"]:
        result = normalize_text(f"Shelling hit {variant} overnight.")
        assert [c.rule for c in result.changes] != [entry["id"]]


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.get("namesake_surname")], ids=lambda e: e["id"]
)
def test_namesake_surnames_after_a_first_name_or_title_are_kept(entry):
    for variant in entry["variants"]:
        for prefix in ("Ivan", "Mr", "Gen.", "A."):
            sentence = f"The report quoted {prefix} {variant} at length."
            assert normalize_text(sentence).text == sentence
        assert normalize_text(f"Strikes on {variant} continued.").text == (
            f"Strikes on {entry['canonical']} continued."
        )


def test_no_variant_is_a_canonical_form():
    canon = {key(c) for c in LEXICON.canonicals}
    assert not canon & set(LEXICON.forms)


def test_choices_expand_to_every_phrase():
    assert expand("Odessa{,|} {TX|Texas}") == ["Odessa, TX", "Odessa, Texas", "Odessa TX", "Odessa Texas"]
    assert expand("plain") == ["plain"]


def _write(tmp_path, body: str):
    path = tmp_path / "lexicon.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_spelling_claimed_by_two_entries_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: a, type: city, canonical: Alpha, variants: [Shared]}
          - {id: b, type: city, canonical: Beta, variants: [Shared]}
        """,
    )
    with pytest.raises(LexiconError, match="Shared"):
        load_lexicon(path)


def test_a_variant_that_is_another_entrys_canonical_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: a, type: city, canonical: Alpha, variants: [Beta]}
          - {id: b, type: city, canonical: Beta, variants: [Gamma]}
        """,
    )
    with pytest.raises(LexiconError, match="canonical"):
        load_lexicon(path)


def test_duplicate_ids_are_refused(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: a, type: city, canonical: Alpha, variants: [Alfa]}
          - {id: a, type: city, canonical: Beta, variants: [Betta]}
        """,
    )
    with pytest.raises(LexiconError, match="duplicate"):
        load_lexicon(path)


def test_canonical_form_is_configurable(tmp_path):
    """Switching the canonical spelling is a one-line edit: the old canonical becomes a variant."""
    path = _write(
        tmp_path,
        """
        version: "test"
        entries:
          - id: zelensky
            type: person
            canonical: Zelenskyy
            variants: [Zelensky, Zelenskyy, Zelenskiy]
            given_name: Volodymyr
            given_variants: [Vladimir]
        """,
    )
    from tasks.normalise.normalizer import scan

    lex = load_lexicon(path)
    assert lex.version == "test"
    assert scan(lex, "Vladimir Zelensky and Zelenskiy's aide").text == (
        "Volodymyr Zelenskyy and Zelenskyy's aide"
    )


def test_a_variant_ending_in_an_apostrophe_is_refused(tmp_path):
    """A closing quote after 'Irpen' would be read as part of "Irpen'": unstable when run twice."""
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: irpin, type: city, canonical: Irpin, variants: [Irpen, "Irpen'"]}
        """,
    )
    with pytest.raises(LexiconError, match="apostrophe"):
        load_lexicon(path)


@pytest.mark.parametrize(
    "entry", [e for e in ENTRIES if e.get("exceptions")], ids=lambda e: e["id"]
)
def test_every_exception_contains_a_spelling_of_its_entry(entry):
    """An exception without one of its entry's spellings protects nothing (a typo, most likely)."""
    spellings = [key(v) for v in entry.get("variants") or []]
    for phrase in entry["exceptions"]:
        for expanded in expand(phrase):
            k = key(expanded)
            assert any(re.search(rf"(?<!\w){re.escape(s)}(?!\w)", k) for s in spellings), expanded


def test_an_exception_that_is_a_whole_variant_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: kyiv, type: city, canonical: Kyiv, variants: [Kiev], exceptions: [kiev]}
        """,
    )
    with pytest.raises(LexiconError, match="never change"):
        load_lexicon(path)


def test_another_lexicon_can_be_chosen_by_environment(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "9.9.9"
        entries:
          - {id: kyiv, type: city, canonical: Kyiv, variants: [Kiev]}
        """,
    )
    env = {**os.environ, "NEWSETL_LEXICON": str(path)}
    code = "import tasks.normalise as n; print(n.LEXICON_VERSION, n.normalize_text('Kiev, Odessa').text)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "9.9.9 Kyiv, Odessa"


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.get("renamed")], ids=lambda e: e["id"])
def test_renamed_places_give_their_former_name_after_a_history_cue(entry):
    for variant in entry["variants"]:
        result = normalize_text(f"He was born in Soviet-era {variant} in 1950.")
        assert result.text == f"He was born in Soviet-era {entry['former_name']} in 1950."
        assert normalize_text(result.text).changes == []


def test_a_former_name_that_another_entry_replaces_is_refused(tmp_path):
    path = _write(
        tmp_path,
        """
        version: "1"
        entries:
          - {id: a, type: city, canonical: Alpha, variants: [Oldname], renamed: 2016, former_name: Beta}
          - {id: b, type: city, canonical: Gamma, variants: [Beta]}
        """,
    )
    with pytest.raises(LexiconError, match="former name"):
        load_lexicon(path)
