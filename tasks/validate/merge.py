"""Combine GX results of one expectation over consecutive chunks into the whole table's result.

Row-local expectations are run chunk by chunk; the report and the Data Docs must still show one
result per expectation, equal to what GX gives for the whole table at once. For map expectations
GX's own result is a function of the counts (rows, missing, unexpected), the first unexpected
values and their row indexes, all of which add up across chunks, so the merged result is rebuilt
with GX's own formatter and success rule (including `mostly`). Table-level results (column set,
column type) describe every chunk alike; the first failing chunk's result is kept.
"""

from __future__ import annotations

from typing import Any

from great_expectations.core.expectation_validation_result import ExpectationValidationResult
from great_expectations.expectations.expectation import _format_map_output, _mostly_success
from great_expectations.expectations.expectation_configuration import parse_result_format

# Map expectations whose success counts missing values as considered rows (GX gives them no
# missing_count); the rest consider only non-missing rows.
WHOLE_ROW_TYPES = {"expect_column_values_to_be_null", "expect_column_values_to_not_be_null"}


def merge_results(
    chunks: list[ExpectationValidationResult], result_format: dict[str, Any]
) -> ExpectationValidationResult:
    """One expectation's result over all chunks, in chunk (row) order."""
    first = chunks[0]
    if len(chunks) == 1:
        return first
    if not all(_is_map_result(r) for r in chunks):
        failing = [r for r in chunks if not r.success]
        return failing[0] if failing else first
    limit = parse_result_format(result_format).get("partial_unexpected_count", 20)
    has_missing = all("missing_count" in r.result for r in chunks)
    return rebuild(
        first,
        element_count=sum(r.result["element_count"] for r in chunks),
        nonnull_count=(
            sum(r.result["element_count"] - r.result["missing_count"] for r in chunks) if has_missing else None
        ),
        unexpected_count=sum(r.result["unexpected_count"] for r in chunks),
        unexpected_list=_first(chunks, "partial_unexpected_list", limit),
        index_list=_first(chunks, "partial_unexpected_index_list", limit),
        result_format=result_format,
    )


def with_table_counts(
    found: ExpectationValidationResult, element_count: int, nonnull_count: int, result_format: dict[str, Any]
) -> ExpectationValidationResult:
    """A result found on some rows only (uniqueness candidates), with the whole table's counts."""
    res = found.result or {}
    if (found.exception_info or {}).get("raised_exception") or "element_count" not in res:
        return found  # an error (a key column missing) reads the same for any rows
    return rebuild(
        found,
        element_count=element_count,
        nonnull_count=nonnull_count,
        unexpected_count=res.get("unexpected_count") or 0,
        unexpected_list=res.get("partial_unexpected_list", []),
        index_list=res.get("partial_unexpected_index_list", []),
        result_format=result_format,
    )


def rebuild(
    first: ExpectationValidationResult,
    *,
    element_count: int,
    nonnull_count: int | None,
    unexpected_count: int,
    unexpected_list: list[Any] | None,
    index_list: list[Any] | None,
    result_format: dict[str, Any],
) -> ExpectationValidationResult:
    """The result GX gives for these counts and first unexpected values (its formatter, its rule)."""
    cfg = first.expectation_config
    mostly = cfg.kwargs.get("mostly")
    mostly = 1.0 if mostly is None else mostly
    if cfg.type in WHOLE_ROW_TYPES or nonnull_count is None:
        success = element_count == 0 or (element_count - unexpected_count) / element_count >= mostly
    elif element_count == 0 or nonnull_count == 0:
        success = True
    else:
        success = _mostly_success(nonnull_count, unexpected_count, mostly)
    formatted = _format_map_output(
        result_format=parse_result_format(result_format),
        success=success,
        element_count=element_count,
        nonnull_count=nonnull_count,
        unexpected_count=unexpected_count,
        unexpected_list=unexpected_list,
        unexpected_index_list=index_list,
    )
    return ExpectationValidationResult(
        success=success,
        expectation_config=cfg,
        result=formatted.get("result", {}),
        meta=first.meta,
        exception_info=first.exception_info,
    )


def _is_map_result(r: ExpectationValidationResult) -> bool:
    res = r.result or {}
    raised = bool(r.exception_info and r.exception_info.get("raised_exception"))
    return not raised and "element_count" in res and res.get("unexpected_count") is not None


def _first(chunks: list[ExpectationValidationResult], key: str, limit: int) -> list[Any] | None:
    if not all(key in r.result for r in chunks):
        return None
    out: list[Any] = []
    for r in chunks:
        out.extend(r.result[key])
        if len(out) >= limit:
            break
    return out[:limit]

