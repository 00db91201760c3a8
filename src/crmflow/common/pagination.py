"""Page/size pagination shared by every list endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")

MAX_SIZE = 500
# The row offset, (page - 1) * size, must stay a signed 64-bit integer (SQLite, PostgreSQL);
# a billion pages of 500 is far beyond any table and far inside that range.
MAX_PAGE = 1_000_000_000


class Page(BaseModel, Generic[T]):
    """A page of results with the total count."""

    items: list[T]
    total: int
    page: int
    size: int
    pages: int


class PageParams(BaseModel):
    """Validated page and size."""

    page: int = 1
    size: int = 50


def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_SIZE, description="items per page")] = 50,
) -> PageParams:
    """Read `page` and `size` query parameters."""
    return PageParams(page=page, size=size)


Paging = Annotated[PageParams, Depends(page_params)]
SortParam = Annotated[
    str, Query(description="column to sort by, `-` prefix for descending (e.g. `-created_at`)")
]


def paginate(session: Session, query: Select[Any], params: PageParams) -> tuple[list[Any], int]:
    """Run a select for one page and count the whole result."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(params.size).offset((params.page - 1) * params.size)))
    return rows, total


def make_page(items: list[Any], total: int, params: PageParams) -> dict[str, Any]:
    """Build the page body from converted items."""
    pages = (total + params.size - 1) // params.size if total else 0
    return {
        "items": items,
        "total": total,
        "page": params.page,
        "size": params.size,
        "pages": pages,
    }


def page_of(
    session: Session,
    query: Select[Any],
    params: PageParams,
    item_model: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """Build one page of a select's rows, converted to `item_model` if given (else by the route)."""
    rows, total = paginate(session, query, params)
    items = rows if item_model is None else [item_model.model_validate(row) for row in rows]
    return make_page(items, total, params)
