"""Dates as news pages print them ("26 Sep, 2025 16:44", "9/26/2025 at 7:51 PM", "2025-03-27").

Hand-written regexes, compiled once: the cleaner looks for dates on many short lines, and
dateparser costs about a millisecond per call, too much to run on every line. Month names and
time-zone abbreviations live in dates.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import yaml

_DATA = yaml.safe_load((Path(__file__).with_name("dates.yaml")).read_text(encoding="utf-8"))
MONTHS: dict[str, int] = {
    name.lower(): int(num) for num, names in _DATA["months"].items() for name in names
}
TIMEZONES: dict[str, float] = {k.lower(): float(v) for k, v in _DATA["timezones"].items()}
AMBIGUOUS_TZ: dict[str, list[float]] = {
    k.lower(): [float(x) for x in v] for k, v in _DATA["ambiguous_timezones"].items()
}



def _same_letter(a: str, b: str) -> bool:
    """Whether some character matches both `a` and `b` case-insensitively ("i" and "ı" do)."""
    variants = {c for x in (a, b) for c in (x, x.lower(), x.upper(), x.casefold(), x.title()) if len(c) == 1}
    return any(re.fullmatch(re.escape(a), c, re.I) and re.fullmatch(re.escape(b), c, re.I) for c in variants)


def _trie_alternation(words: list[str]) -> str:
    """A regex matching the same as the alternation of `words`, longest first, but as a prefix
    tree: at each character one branch is tried instead of every word. Falls back to the plain
    alternation when two branches of a node could match the same character case-insensitively
    (then more than one word could match the same text and the orders could differ)."""
    plain = "(?:" + "|".join(sorted(map(re.escape, words), key=len, reverse=True)) + ")"
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str | None:
        branches = [ch for ch in node if ch]
        for i, a in enumerate(branches):
            if any(_same_letter(a, b) for b in branches[i + 1 :]):
                return None
        parts = []
        for ch in branches:
            rest = render(node[ch])
            if rest is None:
                return None
            parts.append(re.escape(ch) + rest)
        if not parts:
            return ""
        group = "(?:" + "|".join(parts) + ")"
        return group + "?" if "" in node else group

    rendered = render(tree)
    return plain if rendered is None else "(?:" + rendered + ")"


_MONTH = _trie_alternation(list(MONTHS)) + r"\.?"
_TZ_NAMES = "|".join(sorted(list(TIMEZONES) + list(AMBIGUOUS_TZ), key=len, reverse=True))
_TIME = (
    r"(?P<H>\d{1,2})(?::|h|\.(?=\d{2}\b))(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\.\d+)?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\b\.?)?"
)
_TZ = (
    r"(?:\s*\(?(?P<tz>(?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|z\b|(?:"
    + _TZ_NAMES
    + r")\b)\)?)?"
)
_JOIN = r"(?:\s*(?:,|at|-|–|—|/|\||@|•|·|um|à|a las|alle|в|о|o)?\s*)"

DATE_PATTERNS = [
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)(?:(?:T|\s+|,\s*)" + _TIME + ")?" + _TZ,
        re.I,
    ),
    re.compile(
        r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th|\.)?\s*(?:de\s+)?(?P<mon>" + _MONTH + r"),?\s+(?:de\s+)?"
        r"(?P<y>(?:19|20)\d{2})(?!\d)(?:г\.?)?(?:" + _JOIN + _TIME + ")?" + _TZ,
        re.I,
    ),
    re.compile(
        r"(?<![\w])(?P<mon>" + _MONTH + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})(?!\d)"
        r"(?:" + _JOIN + _TIME + ")?" + _TZ,
        re.I,
    ),
    re.compile(
        r"(?<![\d/.])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2}|\d{2})(?![\d/])"
        r"(?:" + _JOIN + _TIME + ")?" + _TZ,
        re.I,
    ),
]
# Chinese/Japanese "2025年3月27日 10:30" and Korean "2025년 3월 27일".
DATE_PATTERNS.append(
    re.compile(
        r"(?P<y>(?:19|20)\d{2})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]?(?:\s*" + _TIME + ")?" + _TZ,
        re.I,
    )
)
# A time printed before the date, maybe with the weekday between: "7:12 AM EDT, Thu March 13, 2025".
_TIME_BEFORE = re.compile(_TIME + _TZ + r"\s*(?:,|\||/|-|–|—|on)?\s*(?:[^\W\d_]{2,11}\.?,?\s+)?$", re.I)
_DIGIT = re.compile(r"\d")
# Necessary conditions, cheap to test: every pattern but the numeric one prints a four-digit
# year, and the numeric one "d/m/y" or "d.m.y".
_FOUR_DIGIT_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
_NUMERIC_DATE = re.compile(r"\d[/.]\d{1,2}[/.]\d\d")
_NUMERIC_PATTERN = next(i for i, p in enumerate(DATE_PATTERNS) if "(?P<sep>" in p.pattern)
# Characters each pattern cannot match without one of ("": no such test): the ISO dash, the
# numeric date's separator, the CJK year sign. Tested with `in` before running the pattern.
_NEEDS: list[str] = ["-", "", "", "/.", "年년"]
assert len(_NEEDS) == len(DATE_PATTERNS) and all(len(n) <= 2 for n in _NEEDS)
_PREFILTER = re.compile(r"\d[年년]|\d{1,4}[-/.:]\d|\d\s*[^\W\d_]{3}|[^\W\d_]{3}\.?\s+\d", re.I)


@dataclass(frozen=True)
class DateMatch:
    value: datetime  # timezone-aware, UTC
    start: int
    end: int
    has_time: bool


def _offset(tz: str | None, month: int) -> float | None:
    if not tz:
        return None
    t = tz.lower().replace(" ", "")
    if t in TIMEZONES:
        return TIMEZONES[t]
    if t in AMBIGUOUS_TZ:
        std, dst = AMBIGUOUS_TZ[t]
        return dst if 3 <= month <= 10 else std
    m = re.fullmatch(r"(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?", t)
    if m:
        hours = int(m.group(2)) + int(m.group(3) or 0) / 60
        return hours if m.group(1) == "+" else -hours
    return None


def _build(y: int, mo: int, d: int, gd: dict, now: datetime) -> tuple[datetime, bool] | None:
    if y < 100:
        y += 2000
    if not (1990 <= y <= now.year + 1 and 1 <= mo <= 12):
        return None
    hour = minute = second = 0
    has_time = gd.get("H") is not None
    if has_time:
        hour, minute, second = int(gd["H"]), int(gd["M"]), int(gd.get("S") or 0)
        ampm = (gd.get("ampm") or "").lower()
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm == "p" else 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
    try:
        naive = datetime(y, mo, d, hour, minute, second)
    except ValueError:
        return None
    tz = gd.get("tz")
    off = _offset(tz, mo) if tz else None
    value = naive.replace(tzinfo=timezone.utc)
    if off:
        value -= timedelta(hours=off)
    return value, has_time


def _from_match(idx: int, m: re.Match, now: datetime) -> tuple[datetime, bool] | None:
    gd = m.groupdict()
    if gd.get("m"):
        return _build(int(gd["y"]), int(gd["m"]), int(gd["d"]), gd, now)
    if idx in (1, 2):
        mo = MONTHS.get(gd["mon"].lower().rstrip("."))
        if mo is None:
            return None
        return _build(int(gd["y"]), mo, int(gd["d"]), gd, now)
    a, b = int(gd["a"]), int(gd["b"])
    if gd["sep"] == ".":
        day, mo = a, b  # 26.09.2025 is day-first everywhere it is used
    elif a > 12:
        day, mo = a, b
    elif b > 12 or gd.get("ampm"):
        mo, day = a, b  # US style: 9/26/2025, 9/5/2025 7:51 PM
    else:
        day, mo = a, b
    return _build(int(gd["y"]), mo, day, gd, now)


def find_date(text: str, now: datetime | None = None) -> DateMatch | None:
    """The first date (with its time when printed next to it) in `text`, or None."""
    if not _DIGIT.search(text):
        return None
    if _FOUR_DIGIT_YEAR.search(text):
        candidates = range(len(DATE_PATTERNS))
    elif _NUMERIC_DATE.search(text):
        candidates = range(_NUMERIC_PATTERN, _NUMERIC_PATTERN + 1)
    else:
        return None
    if not _PREFILTER.search(text):
        return None
    return _first_date(text, candidates, now or datetime.now(timezone.utc))


def _first_date(text: str, candidates: range, now: datetime) -> DateMatch | None:
    """The earliest match of the patterns at positions `candidates` (the first listed wins a tie)."""
    best: DateMatch | None = None
    for idx in candidates:
        needs = _NEEDS[idx]
        if needs and needs[0] not in text and (len(needs) == 1 or needs[1] not in text):
            continue
        pattern = DATE_PATTERNS[idx]
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best.start:
                break
            built = _from_match(idx, m, now)
            if built is None:
                continue
            value, has_time = built
            start = m.start()
            if not has_time:
                before = _TIME_BEFORE.search(text[max(0, start - 36) : start])
                if before:
                    extra = _build(value.year, value.month, value.day, before.groupdict(), now)
                    if extra:
                        value, has_time = extra
                        start = max(0, start - 36) + before.start()
            best = DateMatch(value, start, m.end(), has_time)
            break
    return best


@lru_cache(maxsize=4096)
def parse_date(text: str) -> datetime | None:
    """A date from a short metadata string; dateparser only when the regexes find nothing."""
    if not text:
        return None
    found = find_date(text)
    if found:
        return found.value
    if len(text) > 80 or not re.search(r"\d", text):
        return None
    import dateparser  # slow import, rarely needed

    parsed = dateparser.parse(
        text, settings={"TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True, "PREFER_DATES_FROM": "past"}
    )
    return parsed.astimezone(timezone.utc) if parsed else None


def not_future(value: datetime | None, now: datetime | None = None) -> datetime | None:
    """Drop dates after now (a mis-parsed day/month order or a scheduled-event date)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(timezone.utc)
    now = now or datetime.now(timezone.utc)
    return None if value > now + timedelta(minutes=5) else value
