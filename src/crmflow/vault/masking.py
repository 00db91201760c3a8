"""Keep credentials out of what people read: the mask, `{{ secrets.NAME }}` references, and
credential-like webhook headers in definitions, step records and responses.

One mask for the whole API: MASK replaces a credential wherever a response, a step record or an
export would otherwise show it. A header value that only refers to the secrets store
(`Bearer {{ secrets.CRM_TOKEN }}`) is not a credential and is shown as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from jinja2 import Environment, TemplateSyntaxError, nodes

from crmflow.common.json_leaves import string_leaves

MASK = "********"
# A secret's name: what `{{ secrets.NAME }}` can reach (a leading `_` would be refused by the
# template sandbox, which forbids underscore attributes).
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
_NAME = re.compile(NAME_PATTERN)
# Header names whose values are credentials (Authorization, Proxy-Authorization, Cookie,
# X-Api-Key, X-Auth-Token, X-Session-Id...), matched anywhere in the name, any case.
_CREDENTIAL_HEADER = re.compile(
    r"auth|token|secret|passw|api[-_]?key|session|cookie|signature|credential", re.I
)
# A value that holds no literal credential: an optional scheme word, then templates only, whose
# only quotes are those of `secrets['NAME']`. Anything else may be a pasted credential.
_TEMPLATE = r"\{\{(?:secrets\[(['\"])[A-Za-z][A-Za-z0-9_]*\1\]|[^{}'\"])*\}\}"
_LITERAL_FREE = re.compile(
    rf"\s*(?:(?:Bearer|Basic|Token|Digest|Bot|ApiKey|Key)\s+)?(?:{_TEMPLATE}\s*)+", re.I
)
# Echoes of a header credential shorter than this are not hunted in outputs (too many false
# hits); the header itself is still masked whole.
MIN_ECHO_CHARS = 6
_JINJA = Environment()  # the default syntax, as the template sandbox uses


def is_credential_header(name: str) -> bool:
    """Tell whether a header's value is a credential (by its name)."""
    return bool(_CREDENTIAL_HEADER.search(name))


def holds_literal_credential(value: Any) -> bool:
    """Tell whether a credential header's value is written in clear (not only templates)."""
    return not (isinstance(value, str) and _LITERAL_FREE.fullmatch(value))


# --- `{{ secrets.NAME }}` references ----------------------------------------------------------


@dataclass(frozen=True)
class SecretUse:
    """One use of `secrets` in a template string: the name it reads, or what is wrong."""

    path: str
    name: str | None
    problem: str | None = None


@lru_cache(maxsize=4096)
def _uses_in(source: str) -> tuple[tuple[str | None, str | None], ...]:
    try:
        tree = _JINJA.parse(source)
    except TemplateSyntaxError:
        return ()  # the template checks report the syntax error
    found: list[tuple[str | None, str | None]] = []
    reached: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        assert isinstance(node, nodes.Getattr | nodes.Getitem)
        target = node.node
        if not (isinstance(target, nodes.Name) and target.name == "secrets"):
            continue
        reached.add(id(target))
        if isinstance(node, nodes.Getattr):
            name: Any = node.attr
        elif isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            name = node.arg.value
        else:
            found.append((None, "write the secret's name: {{ secrets.NAME }}"))
            continue
        if _NAME.fullmatch(name):
            found.append((name, None))
        else:
            found.append(
                (
                    None,
                    f"invalid secret name {name!r}: a letter, then letters, digits or _ "
                    "(64 at most)",
                )
            )
    for name_node in tree.find_all(nodes.Name):
        if name_node.name == "secrets" and id(name_node) not in reached:
            found.append((None, "`secrets` is read one secret at a time: {{ secrets.NAME }}"))
    return tuple(found)


def secret_uses(value: Any, path: str = "config") -> list[SecretUse]:
    """Every use of `secrets` in the template strings of `value` (a config), with its path."""
    uses: list[SecretUse] = []
    for where, text in string_leaves(value, path):
        if "secrets" in text and ("{{" in text or "{%" in text):
            uses.extend(SecretUse(where, name, problem) for name, problem in _uses_in(text))
    return uses


def referenced_names(value: Any) -> frozenset[str]:
    """The secret names a config reads as `{{ secrets.NAME }}` (well-formed uses only)."""
    return frozenset(use.name for use in secret_uses(value) if use.name is not None)


# --- masking text and data --------------------------------------------------------------------


class Redactor:
    """Replaces known plaintexts (and their JSON- and URL-encoded forms) with MASK."""

    __slots__ = ("_needles",)

    def __init__(self, plaintexts: Iterable[str] = ()) -> None:
        needles: set[str] = set()
        for text in plaintexts:
            if not text:
                continue
            needles.update({text, json.dumps(text)[1:-1], quote(text, safe=""), quote_plus(text)})
        self._needles = sorted(needles, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._needles)

    def extend(self, plaintexts: Iterable[str]) -> Redactor:
        """Return a redactor that also hides `plaintexts`."""
        return Redactor([*self._needles, *plaintexts])

    def text(self, value: str) -> str:
        """Mask every occurrence of a plaintext in a string."""
        for needle in self._needles:
            if needle in value:
                value = value.replace(needle, MASK)
        return value

    def data(self, value: Any) -> Any:
        """Mask plaintexts in every string (keys included) of JSON-like data."""
        if not self._needles:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.data(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def mask_headers(headers: Any, *, all_credentials: bool = False) -> Any:
    """Mask credential header values: literal ones, or every one when `all_credentials`."""
    if not isinstance(headers, dict):
        return headers
    return {
        name: MASK
        if is_credential_header(str(name)) and (all_credentials or holds_literal_credential(value))
        else value
        for name, value in headers.items()
    }


def header_credentials(headers: Any) -> list[str]:
    """The values of credential headers (and their token after a scheme), to hunt in echoes."""
    found: list[str] = []
    if isinstance(headers, dict):
        for name, value in headers.items():
            if isinstance(value, str) and is_credential_header(str(name)):
                found.extend(
                    part for part in (value, value.partition(" ")[2]) if len(part) >= MIN_ECHO_CHARS
                )
    return found


# --- definitions ------------------------------------------------------------------------------


def _is_step(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("type"), str) and "config" in value


def mask_definition(value: Any) -> Any:
    """Copy a definition (or its steps) with literal credential headers masked."""
    if _is_step(value) and isinstance(value["config"], dict) and "headers" in value["config"]:
        config = {**value["config"], "headers": mask_headers(value["config"]["headers"])}
        rest = {k: mask_definition(v) for k, v in value.items() if k != "config"}
        return {**rest, "config": config}
    if isinstance(value, dict):
        return {k: mask_definition(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_definition(v) for v in value]
    return value


def _steps(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every step of a definition's `actions` with its JSON path, at any depth."""
    if _is_step(value):
        yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in ("config", "when"):
                yield from _steps(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _steps(item, f"{path}[{index}]")


def credential_warnings(actions: Any, path: str = "actions") -> list[str]:
    """Save-time hints: credential headers written in clear instead of `{{ secrets.NAME }}`."""
    warnings = []
    for step_path, step in _steps(actions, path):
        headers = step["config"].get("headers") if isinstance(step["config"], dict) else None
        for name, value in (headers or {}).items() if isinstance(headers, dict) else ():
            if is_credential_header(str(name)) and holds_literal_credential(value):
                warnings.append(
                    f"{step_path}.config.headers.{name}: a credential is written in the "
                    "definition (it is masked in responses, exports and step records); an "
                    "admin can store it under Secrets and the step use {{ secrets.NAME }}"
                )
    return warnings


class MaskedValueError(ValueError):
    """A definition sent back with a mask where no stored credential can be kept."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path


def restore_masked(actions: Any, previous: Any, path: str = "actions") -> Any:
    """Put back the stored credential wherever a header comes back as MASK.

    A header keeps its stored value only on the step at the same place, of the same type and
    calling the same URL, so a credential is never sent anywhere it was not typed for.
    """
    old_steps = dict(_steps(previous, path))
    for step_path, step in _steps(actions, path):
        config = step["config"]
        headers = config.get("headers") if isinstance(config, dict) else None
        if not isinstance(headers, dict) or MASK not in headers.values():
            continue
        old = old_steps.get(step_path)
        old_config = old["config"] if old is not None and isinstance(old["config"], dict) else {}
        same_call = (
            old is not None
            and old["type"] == step["type"]
            and old_config.get("url") == config.get("url")
        )
        stored = old_config.get("headers")
        old_headers = (
            {str(k).lower(): v for k, v in stored.items()} if isinstance(stored, dict) else {}
        )
        for name, value in headers.items():
            if value != MASK:
                continue
            kept = old_headers.get(str(name).lower())
            if not same_call or not isinstance(kept, str) or kept == MASK:
                raise MaskedValueError(
                    f"{MASK} stands for a stored credential, and this step has none to keep "
                    "(new, moved, or calling another URL): type the value again or use "
                    "{{ secrets.NAME }}",
                    f"{step_path}.config.headers.{name}",
                )
            headers[name] = kept
    return actions


def secret_fields(schema: Any) -> frozenset[str]:
    """Top-level properties a JSON Schema marks secret (`writeOnly` or `x-secret`)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(properties, dict):
        return frozenset()
    return frozenset(
        name
        for name, prop in properties.items()
        if isinstance(prop, dict)
        and (prop.get("writeOnly") is True or prop.get("x-secret") is True)
    )
