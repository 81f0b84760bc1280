"""The endpoints of the UN votes: alignment, agreement, cohesion, blocs, ideal points."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from starlette.responses import Response

from comity.errors import BadInput, ComityError
from comity.web._api._common import (
    _CSV_RESPONSES,
    _LAST_YEAR,
    ALL_ROWS,
    Format,
    Issue,
    Limit,
    Offset,
    YearFrom,
    YearTo,
    _answer,
    _items,
    _states,
    router,
)
from comity.web._present import paginate, round_floats
from comity.web._service import WebData


@router.get(
    "/votes/alignment", tags=["votes"], summary="Voting alignment of states", responses=_CSV_RESPONSES
)
async def alignment(
    request: Request,
    states: Annotated[
        str,
        Query(
            max_length=2000, description="States, comma-separated (ISO3 or names).", examples=["USA,CHN,RUS"]
        ),
    ],
    reference: Annotated[
        str | None, Query(max_length=400, description="Only pairs with these states.")
    ] = None,
    by: Annotated[Literal["year", "all"], Query(description="Per year, or pooled over the period.")] = "year",
    issue: Annotated[Issue | None, Query(description="Voeten issue code.")] = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    measure: Annotated[Literal["agree", "lijphart", "s", "kappa", "pi"], Query()] = "agree",
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """Pairwise alignment (share of identical votes, Lijphart, Signorino-Ritter S, Cohen's kappa,
    Scott's pi), as ``comity votes agree``."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        chosen = tuple(_states(states, data))
        refs = tuple(_states(reference, data))
        if len(set(chosen) | set(refs)) < 2:
            raise BadInput("Alignment needs at least two states.", hint="Give e.g. states=USA,CHN,RUS.")
        rows = data.votes().alignment(
            chosen, refs, None if by == "all" else "year", issue, year_from, year_to, measure
        )
        size = ALL_ROWS if format == "csv" else limit
        return paginate(round_floats([dict(r) for r in rows]), size, offset).body(
            states=list(chosen), reference=list(refs), by=by, issue=issue, measure=measure
        )

    return await _answer(request, compute, _items)


def _check_order(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and start > end:
        raise BadInput(f"The period runs backwards: from {start} to {end}.", hint="Give from <= to.")


@router.get(
    "/votes/agreement",
    tags=["votes"],
    summary="Agreement matrix of states in one year",
    responses=_CSV_RESPONSES,
)
async def agreement(
    request: Request,
    year: Annotated[int, Query(ge=1946, le=_LAST_YEAR, examples=[2023])],
    states: Annotated[
        str, Query(max_length=2000, description="States, comma-separated.", examples=["USA,CHN,RUS,FRA,GBR"])
    ],
    measure: Annotated[Literal["agree", "lijphart", "s", "kappa", "pi"], Query()] = "agree",
    format: Format = "json",
) -> Response:
    """All-pairs agreement of the given states in one year (the heatmap of the coalition page).
    As CSV: one row per ordered pair of states (state_a, state_b, the measure)."""

    def compute(data: WebData) -> dict[str, Any]:
        return data.votes().agreement(year, tuple(_states(states, data)), measure)

    def pairs(value: dict[str, Any]) -> list[dict[str, Any]]:
        names = value["states"]
        return [
            {"year": year, "state_a": a, "state_b": b, measure: value["matrix"][i][j]}
            for i, a in enumerate(names)
            for j, b in enumerate(names)
        ]

    return await _answer(request, compute, pairs)


@router.get(
    "/votes/cohesion",
    tags=["votes"],
    summary="Cohesion of a group against random groups",
    responses=_CSV_RESPONSES,
)
async def cohesion(
    request: Request,
    group: Annotated[
        str,
        Query(
            max_length=2000,
            description="A coalition id, or states comma-separated.",
            examples=["GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"],
        ),
    ],
    year_from: YearFrom = None,
    year_to: YearTo = None,
    issue: Annotated[Issue | None, Query(description="Voeten issue code.")] = None,
    draws: Annotated[int, Query(ge=10, le=5000, description="Random groups drawn per year.")] = 1000,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Seed of the random groups.")] = 0,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """Per year: the group's Rice index and Hix-Noury-Roland agreement index (``ai``), the mean and
    2.5-97.5 percentile band of random groups of the same size, its percentile, and whether it is a
    bloc (percentile >= 95), as ``comity votes cohesion``. A coalition's members are taken per year."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        members = _group(data, group)
        rows = data.cohesion(members, year_from, year_to, issue, draws, seed)
        size = ALL_ROWS if format == "csv" else limit
        return paginate(round_floats([dict(r) for r in rows]), size, offset).body(
            group=members if isinstance(members, str) else list(members), issue=issue, draws=draws
        )

    return await _answer(request, compute, _items)


def _group(data: WebData, group: str) -> str | tuple[str, ...]:
    """A registry group id (its members are taken per year), or a tuple of ISO3 codes."""
    names = [part for part in re.split(r"[,\s]+", group) if part]
    if len(names) == 1:
        try:
            return str(data.resolve(names[0], types=("organisation",)).id)
        except ComityError:
            pass
    members = tuple(_states(group, data))
    if len(members) < 2:
        raise BadInput(
            f"The group {group!r} is neither a coalition nor two or more states.",
            hint="Give a coalition id such as GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER, or ISO3 codes.",
        )
    return members


@router.get("/votes/blocs", tags=["votes"], summary="Voting blocs of one year", responses=_CSV_RESPONSES)
async def blocs(
    request: Request,
    year: Annotated[int, Query(ge=1946, le=_LAST_YEAR, examples=[2023])],
    resolution: Annotated[float, Query(gt=0, le=10, description="Higher: more, smaller blocs.")] = 1.0,
    metric: Annotated[
        Literal["agree", "lijphart", "s", "kappa", "pi"], Query(description="Edge weight.")
    ] = "agree",
    seed: Annotated[int, Query(ge=0, le=2**31, description="Seed of the Leiden algorithm.")] = 0,
    format: Format = "json",
) -> Response:
    """Voting blocs (Leiden communities of the year's agreement graph), the states that moved since
    the year before, and the stability of the partition, as ``comity votes blocs``. As CSV: one row
    per state and its bloc."""
    return await _answer(
        request, lambda data: data.votes().blocs(year, resolution, metric, seed), lambda value: value["blocs"]
    )


@router.get("/votes/ideal", tags=["votes"], summary="Ideal points over time", responses=_CSV_RESPONSES)
async def ideal(
    request: Request,
    states: Annotated[
        str | None,
        Query(
            max_length=2000, description="States, comma-separated (default all).", examples=["USA,CHN,RUS"]
        ),
    ] = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """One-dimensional ideal points per state and year (USA positive), with standard errors,
    as ``comity votes ideal``."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        chosen = _states(states, data)
        rows = round_floats(data.votes().ideal(chosen, year_from, year_to))
        return paginate(rows, ALL_ROWS if format == "csv" else limit, offset).body(states=chosen)

    return await _answer(request, compute, _items)
