from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract.dates import DATE_PATTERNS, _DIGIT, _first_date, find_date, not_future


@pytest.mark.parametrize(
    "text, expected",
    [
        ("26 Sep, 2025 16:44 / Home / Russia & FSU", datetime(2025, 9, 26, 16, 44)),
        ("18 December 2024, 22:04", datetime(2024, 12, 18, 22, 4)),
        (" date 2025-03-27 Volodymyr Zelensky said", datetime(2025, 3, 27)),
        ("R Randal Walker 9/26/2025 at 7:51 PM 0", datetime(2025, 9, 26, 19, 51)),
        ("March 12, 2025 10:30 AM GMT Updated 2 hours ago", datetime(2025, 3, 12, 10, 30)),
        ("Published April 23, 2025 7:15am EDT", datetime(2025, 4, 23, 11, 15)),
        ("Mon 3 Mar 2025 14.05 GMT", datetime(2025, 3, 3, 14, 5)),
        ("18 mar 2025 - 19:45 CET", datetime(2025, 3, 18, 18, 45)),
        ("Stand: 27.03.2025 14:30 Uhr", datetime(2025, 3, 27, 14, 30)),
        ("2025-03-27T10:00:00+02:00", datetime(2025, 3, 27, 8, 0)),
    ],
)
def test_news_date_formats(text, expected):
    assert find_date(text).value == expected.replace(tzinfo=timezone.utc)


def test_no_date_in_plain_numbers():
    assert find_date("He said 12 soldiers were wounded in 3 attacks.") is None


def test_future_dates_dropped():
    assert not_future(datetime(2999, 1, 1, tzinfo=timezone.utc)) is None


NUMBERS = st.sampled_from(["1", "3", "03", "12", "25", "31", "2025", "1999", "20250", "٢٠٢٥", "14:05", "7:51 PM"])
SEPARATORS = st.sampled_from(["/", ".", "-", " ", ", ", " Mar ", " March ", " de ", "T", "年", "月", "日 ", " at ", " GMT ", "x"])


@st.composite
def date_like(draw) -> str:
    """Numbers and separators in turn: dates of every pattern, near misses and plain numbers."""
    parts = [draw(NUMBERS)]
    for _ in range(draw(st.integers(0, 5))):
        parts += [draw(SEPARATORS), draw(NUMBERS)]
    return draw(st.sampled_from(["", "Posted ", "Mar "])) + "".join(parts)


@given(date_like())
@settings(max_examples=600, deadline=None)
def test_cheap_gates_never_change_the_result(text):
    """find_date skips patterns its year and numeric-date tests rule out: same answer as trying all."""
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert find_date(text, now) == (_first_date(text, range(len(DATE_PATTERNS)), now) if _DIGIT.search(text) else None)
