"""Bake the normalisation lexicon's spellings into the entity catalogue file.

The normaliser rewrites known variants, but a text it missed (or a new variant) should still link,
so every lexicon spelling is also a catalogue alias. The catalogue picks up new lexicon spellings
when it loads; this writes them into catalog.yaml so they are reviewed and visible there:

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

from tasks.entities.catalog import lexicon_additions  # noqa: E402

def write(add: dict[str, list[str]], new: list[dict], names: dict[str, str]) -> None:
    text = CATALOG.read_text(encoding="utf-8")
    for entity_id, aliases in add.items():
        name = names[entity_id]
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
    header = "# ---------------------------------------------------------------- from the normalisation lexicon"
    if new:
        text = text.rstrip("\n") + ("\n" if header in text else f"\n\n{header}\n")
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
    entries = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    add, new = lexicon_additions(entries, lexicon)
    from tasks.entities.catalog import Catalog

    names = {e.entity_id: e.name for e in Catalog(entries).entities.values()}
    for entity_id, aliases in add.items():
        print(f"{names[entity_id]}: + {aliases}")
    for e in new:
        print(f"NEW {e['type']} {e['name']}: {e['aliases']}")
    if args.write:
        write(add, new, names)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
