"""Bring the normalisation lexicon's spellings into the entity catalogue.

The normaliser rewrites known variants, but a text it missed (or a new variant) should still link,
so every lexicon spelling is also a catalogue alias. Run after the lexicon changes:

    python bench/entities/sync_lexicon.py           # report what is missing
    python bench/entities/sync_lexicon.py --write   # add it to tasks/entities/catalog.yaml

Aliases are added to the matching entry's alias list; places and people the catalogue lacks are
appended as new entries (no Wikidata ID: add one by hand only when certain).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tasks" / "entities" / "catalog.yaml"
LEXICON = ROOT / "tasks" / "normalise" / "lexicon.yaml"
sys.path.insert(0, str(ROOT))

from tasks.entities.catalog import Catalog, fold  # noqa: E402

PLACE_TYPES = {"city": "GPE", "town": "GPE", "village": "GPE", "region": "GPE", "river": "LOC", "landmark": "LOC"}


def wanted(lexicon: dict, catalog: Catalog) -> tuple[dict[str, list[str]], list[dict]]:
    """(aliases to add per existing entity name, new entries) so every lexicon spelling links."""
    by_form: dict[str, list] = {}
    for entity in catalog.entities.values():
        for form in (entity.name, *entity.aliases):
            by_form.setdefault(fold(form), []).append(entity)
    add: dict[str, list[str]] = {}
    new: list[dict] = []
    for entry in lexicon["entries"]:
        kind, canonical = entry["type"], entry["canonical"]
        if kind == "oblast":
            continue  # "<city spelling> Oblast" forms are derived from the city entries at load time
        variants = [v for v in entry.get("variants") or [] if v != canonical]
        gated = entry.get("gated_variants") or []
        if kind == "person":
            given = entry.get("given_name", "")
            full = f"{given} {canonical}".strip()
            forms = [f"{given} {v}".strip() for v in variants + gated]
            forms += [f"{g} {canonical}" for g in entry.get("given_variants") or [] if g != given]
            target = _person(catalog, canonical, given)
            if target is not None and fold(canonical) in {fold(a) for a in (target.name, *target.aliases)}:
                forms += variants  # the bare surname links anywhere, so its spellings do too
            name = target.name if target else full
        else:
            forms = variants
            matches = [e for e in by_form.get(fold(canonical), []) if e.type in {"GPE", "LOC"}]
            name = matches[0].name if matches else canonical
            target = matches[0] if matches else None
        known = {fold(a) for a in ((target.name, *target.aliases) if target else ())}
        missing = [f for f in dict.fromkeys(forms) if fold(f) not in known and fold(f) != fold(name)]
        if target is None:
            type_ = "PERSON" if kind == "person" else PLACE_TYPES.get(kind, "GPE")
            new.append({"name": name, "type": type_, "aliases": missing})
        elif missing:
            add.setdefault(name, []).extend(missing)
    return add, new


def _person(catalog: Catalog, surname: str, given: str):
    people = [e for e in catalog.entities.values() if e.type == "PERSON" and fold(e.name.split()[-1]) == fold(surname)]
    exact = [e for e in people if fold(e.name.split()[0]) == fold(given)]
    return (exact or people or [None])[0]


def write(add: dict[str, list[str]], new: list[dict]) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    for name, aliases in add.items():
        flow = re.compile(r"(- \{name: " + re.escape(name) + r",[^\n]*?aliases: \[)([^\]]*)(\])")
        block = re.compile(r"(- name: " + re.escape(name) + r"\n(?:  (?!aliases)[^\n]*\n)*  aliases: \[)([^\]]*)(\])")
        quoted = ", ".join(_q(a) for a in aliases)
        for pattern in (flow, block):
            m = pattern.search(text)
            if m:
                sep = ", " if m.group(2).strip() else ""
                text = text[: m.end(2)] + sep + quoted + text[m.end(2) :]
                break
        else:
            raise SystemExit(f"cannot find catalogue entry {name!r}")
    if new:
        text = text.rstrip("\n") + "\n\n# ---------------------------------------------------------------- from the normalisation lexicon\n"
        for e in new:
            text += f"- {{name: {_q(e['name'])}, type: {e['type']}, aliases: [{', '.join(_q(a) for a in e['aliases'])}]}}\n"
    CATALOG.write_text(text, encoding="utf-8")


def _q(s: str) -> str:
    return f'"{s}"' if re.search(r"[:'’\[\]{},#]", s) else s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="edit the catalogue instead of reporting")
    args = parser.parse_args()
    lexicon = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    catalog = Catalog(yaml.safe_load(CATALOG.read_text(encoding="utf-8")))
    add, new = wanted(lexicon, catalog)
    for name, aliases in add.items():
        print(f"{name}: + {aliases}")
    for e in new:
        print(f"NEW {e['type']} {e['name']}: {e['aliases']}")
    if args.write:
        write(add, new)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
