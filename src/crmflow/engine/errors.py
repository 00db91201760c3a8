"""Errors raised by the workflow engine's pure modules (conditions, templating, dates)."""

from __future__ import annotations


class DefinitionError(Exception):
    """A workflow definition problem found at save time.

    `path` is the JSON path of the offending value, e.g. `actions[2].config.due_date`, so the API
    can answer 422 naming the exact field.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class TemplateRenderError(Exception):
    """A template failed at run time (syntax, sandbox violation, size or time limit).

    `path` is the JSON path of the offending string, e.g. `config.subject` or `config.items[2]`.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"
