"""A JSON document sent as a file to save (exports)."""

from __future__ import annotations

import re

from fastapi import Response


def json_download(text: str, *, name: str, suffix: str) -> Response:
    """`text` as application/json with a file name made of `name` (ASCII, dashed) and `suffix`."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "export"
    return Response(
        text,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{stem}{suffix}"'},
    )
