"""Semantic Versioning 2.0.0: parsing, precedence, and which part of a version was bumped."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

# The regular expression semver.org gives, anchored: no leading zeros, optional pre-release
# and build metadata.
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


@total_ordering
@dataclass(frozen=True)
class Version:
    """A parsed semantic version; ordered by SemVer precedence (build metadata ignored)."""

    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        # A release ranks above its pre-releases; numeric identifiers rank below alphanumeric.
        pre = tuple(
            (0, int(part), "") if part.isdigit() else (1, 0, part) for part in self.prerelease
        )
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return text + (f"+{self.build}" if self.build else "")

    def breaking_bump_over(self, older: Version) -> bool:
        """Whether going from `older` to this version may break its users (SemVer rule 4 and 8).

        A new major version may; so may anything while the major version is 0 ("anything may
        change at any time") if the minor version moved.
        """
        if self.major != older.major:
            return self.major > older.major
        return self.major == 0 and self.minor > older.minor


def parse_version(text: str) -> Version:
    """Parse `MAJOR.MINOR.PATCH[-pre][+build]`; ValueError naming what is wrong."""
    match = SEMVER.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValueError(
            f"{text!r} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0 or 2.0.0-rc.1)"
        )
    major, minor, patch, pre, build = match.groups()
    return Version(
        int(major), int(minor), int(patch), tuple(pre.split(".")) if pre else (), build or ""
    )
