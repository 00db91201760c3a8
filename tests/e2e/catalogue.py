"""The UI's message catalogues, read from web/src/i18n, so browser tests name what they click in
the language under test exactly as the interface writes it."""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from tests.e2e.server import ROOT

WEB = ROOT / "web"
ESBUILD = WEB / "node_modules" / ".bin" / "esbuild"


@cache
def _catalogues(outdir: Path = Path("/tmp/crmflow-e2e-catalogues")) -> dict[str, Any]:
    """Every language's catalogue: the TypeScript bundled by esbuild, then printed by node."""
    assert ESBUILD.is_file(), f"{ESBUILD} is missing: run `cd web && npm ci`"
    sources = [str(WEB / "src" / "i18n" / lang / "index.ts") for lang in ("en", "fr")]
    subprocess.run(
        [
            str(ESBUILD),
            *sources,
            "--bundle",
            "--format=esm",
            "--platform=node",
            f"--outdir={outdir}",
            "--log-level=warning",
        ],
        check=True,
    )
    script = (
        f"import {{ en }} from {json.dumps(str(outdir / 'en' / 'index.js'))};"
        f"import {{ fr }} from {json.dumps(str(outdir / 'fr' / 'index.js'))};"
        "console.log(JSON.stringify({ en, fr }));"
    )
    printed = subprocess.run(
        ["node", "--input-type=module", "-e", script], check=True, capture_output=True, text=True
    )
    loaded: dict[str, Any] = json.loads(printed.stdout)
    return loaded


def text(lang: str, key: str, **params: Any) -> str:
    """The text at `key` ("editor:save.saved") in `lang`, its {{placeholders}} filled in."""
    namespace, _, path = key.partition(":")
    value: Any = _catalogues()[lang][namespace]
    for part in path.split("."):
        value = value[part]
    assert isinstance(value, str), f"{key} is not a text in the {lang} catalogue"
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: str(params[m.group(1)]), value)
