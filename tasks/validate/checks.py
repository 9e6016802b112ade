"""Pure checks shared by the table suites (via `derived.py`) and the per-article row checks.

Each returns the evidence of a problem (the offending line, spelling or span) or None, so a report
can show what was wrong, not only that something was.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
MARKERS_PATH = HERE / "furniture_markers.txt"
ROWS_PATH = HERE / "rows.yaml"


@cache
def row_rules() -> dict[str, Any]:
    """Bounds and actions of the row checks (rows.yaml)."""
    return yaml.safe_load(ROWS_PATH.read_text(encoding="utf-8"))


@cache
def furniture_markers(path: Path = MARKERS_PATH) -> re.Pattern[str]:
    """One pattern that matches a whole line of furniture (see furniture_markers.txt)."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    patterns = [ln for ln in lines if ln and not ln.startswith("#")]
    for p in patterns:
        re.compile(p)  # a bad marker fails here, naming itself
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def furniture_line(text: Any) -> str | None:
    """The first line of `text` that is page furniture, or None."""
    if not isinstance(text, str):
        return None
    pattern = furniture_markers()
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and pattern.fullmatch(stripped):
            return stripped
    return None


@cache
def variant_finder() -> Callable[[str], str | None] | None:
    """The normaliser's own variant detector, or None when `tasks.normalise` exposes none.

    Uses `find_variants(text)` (first item found) or `variant_pattern()` (a compiled regex),
    imported lazily so validation never depends on the normaliser being importable.
    """
    try:
        import tasks.normalise as normalise
    except Exception as exc:  # noqa: BLE001 - a missing or broken stage only disables this check
        log.warning("variant spelling check unavailable: %r", exc)
        return None
    find = getattr(normalise, "find_variants", None)
    if callable(find):
        return lambda text: _first_variant(find(text))
    make_pattern = getattr(normalise, "variant_pattern", None)
    if callable(make_pattern):
        pattern = make_pattern()
        return lambda text: (m.group(0) if (m := pattern.search(text)) else None)
    log.warning("variant spelling check unavailable: tasks.normalise has no find_variants()/variant_pattern()")
    return None


def _first_variant(found: Any) -> str | None:
    for item in found or ():
        if isinstance(item, str):
            return item
        if hasattr(item, "group"):
            return item.group(0)
        original, replacement = getattr(item, "original", None), getattr(item, "replacement", None)
        if isinstance(original, str) and isinstance(replacement, str):
            return f"{original} -> {replacement}"
        for attr in ("original", "text", "variant", "surface"):
            if isinstance(getattr(item, attr, None), str):
                return getattr(item, attr)
        if isinstance(item, dict):
            for attr in ("original", "text", "variant", "surface"):
                if isinstance(item.get(attr), str):
                    return item[attr]
        return str(item)
    return None


def variant_spelling(text: Any) -> str | None:
    """A spelling the lexicon would replace, still present in normalised text, or None."""
    find = variant_finder()
    if find is None or not isinstance(text, str):
        return None
    return find(text)


def span_mismatch(text: Any, start: Any, end: Any, value: Any) -> str | None:
    """Why text[start:end] is not `value` (missing text, offsets outside it, other words), or None."""
    if not isinstance(text, str):
        return "no such article text"
    try:
        s, e = int(start), int(end)
    except (TypeError, ValueError):
        return f"offsets {start!r}:{end!r} are not integers"
    if not 0 <= s <= e <= len(text):
        return f"[{s}:{e}] outside a text of {len(text)} characters"
    if text[s:e] != value:
        return f"[{s}:{e}] is {text[s:e][:60]!r}, not {str(value)[:60]!r}"
    return None


@cache
def entity_types() -> tuple[str, ...] | None:
    """The entity stage's allowed types, or None when it does not expose them."""
    for module in ("tasks.entities", "tasks.entities.catalog"):
        try:
            types = getattr(__import__(module, fromlist=["ENTITY_TYPES"]), "ENTITY_TYPES", None)
        except Exception:  # noqa: BLE001 - absent stage: the suite's own list still applies
            continue
        if types:
            return tuple(types)
    return None
