"""JSON Schemas whose automatic field titles read as people write: "Due date", not "Due Date"."""

from __future__ import annotations

from typing import Final

from pydantic.json_schema import GenerateJsonSchema

# Words a title keeps in capitals ("Entity ID", "HTML body", "URL").
_ACRONYMS: Final = {"id": "ID", "ids": "IDs", "url": "URL", "html": "HTML", "json": "JSON"}


def sentence_case(name: str) -> str:
    """A field name (`html_body`, `assignee_id`) in sentence case (`HTML body`, `Assignee ID`)."""
    words = [_ACRONYMS.get(word.lower(), word.lower()) for word in name.replace("_", " ").split()]
    title = " ".join(words)
    return title[:1].upper() + title[1:]


class SentenceCaseTitles(GenerateJsonSchema):
    """Pydantic's schema generator, titling an untitled field in sentence case.

    A title given with `Field(title=...)` is kept; a model keeps its own (class) title.
    """

    def get_title_from_name(self, name: str) -> str:
        """The title of a field that has none of its own."""
        return sentence_case(name)
