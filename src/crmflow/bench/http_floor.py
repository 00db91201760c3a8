"""The HTTP bench's floor: the least a FastAPI app can do per event, served as crmflow is.

`POST /async` and `POST /sync` validate the same body shape as `POST /api/v1/events` and
answer 201 with a small JSON object, without a database: what is left is uvicorn, Starlette,
FastAPI and Pydantic on this machine, in this run.
Run: `python -m crmflow.bench.http_floor PORT`.
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi import FastAPI, status
from pydantic import BaseModel, Field

from crmflow.common.enums import ExecutionStatus
from crmflow.main import serve_app


class FloorEvent(BaseModel):
    """The shape of an inbound event, as the real endpoint validates it."""

    type: str = Field(min_length=1, max_length=60)
    entity_type: str | None = None
    entity_id: int | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


app = FastAPI()


@app.post("/async", status_code=status.HTTP_201_CREATED)
async def accept_async(body: FloorEvent) -> dict[str, Any]:
    """Answer as an async endpoint (no thread hop)."""
    return {"id": 1, "type": body.type, "status": ExecutionStatus.PENDING}


@app.post("/sync", status_code=status.HTTP_201_CREATED)
def accept_sync(body: FloorEvent) -> dict[str, Any]:
    """Answer as a sync endpoint (run in the thread pool, like crmflow's routes)."""
    return {"id": 1, "type": body.type, "status": ExecutionStatus.PENDING}


if __name__ == "__main__":
    serve_app(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
