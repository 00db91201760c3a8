"""Pydantic models of the process-template (blueprint) API, with the seed's field names."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from crmflow.blueprints.semver import parse_version
from crmflow.common.enums import TriggerType
from crmflow.common.text import NameChars, Text
from crmflow.workflows.schemas import WorkflowName

BlueprintName = Annotated[str, StringConstraints(min_length=1, max_length=200), NameChars]
TemplateType = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Author = Annotated[str, StringConstraints(max_length=200), NameChars]
EXPORT_FORMAT = 1


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BlueprintIn(_In):
    """A blueprint to create or import: a workflow's trigger and steps, with typed inputs."""

    crmflow_blueprint: int | None = Field(
        None, description="the export format (1); present in exported files"
    )
    name: BlueprintName
    version: str = Field(
        max_length=100, description="Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH[-pre][+build]"
    )
    template_type: TemplateType = "general"
    description: Text = ""
    author: Author = ""
    trigger_type: TriggerType
    trigger_config: dict[str, Any] = Field(default_factory=dict)
    conditions: Any = None
    process_steps: list[Any] = Field(
        default_factory=list, description="the steps, as a workflow's `actions`"
    )
    variables: Any = Field(
        None,
        description="the inputs asked at instantiation: a JSON Schema object (properties with "
        "type, title, default, enum, bounds and an `x-widget` UI hint), or the seed's list form; "
        "steps use them as {{ inputs.NAME }}",
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="`category`, and `run_policy` given to instances"
    )
    graph_spec: dict[str, Any] | None = Field(
        None,
        description="{nodes: [{id, type, x, y}], edges: [{from, to}]}; derived from the steps "
        "(tidy layout) when absent; node ids are `trigger` and step paths; edges always follow "
        "the steps",
    )
    checksum: str | None = Field(
        None,
        max_length=64,
        description="SHA-256 of the exported blueprint; when given it must match the content",
    )

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        return str(parse_version(value))


class PublishWorkflow(_In):
    """Publish a workflow's current definition (and its arranged graph) as a blueprint version."""

    workflow_id: int = Field(ge=1)
    name: BlueprintName | None = Field(None, description="default: the workflow's name")
    version: str = Field("1.0.0", max_length=100, description="SemVer; above any installed one")
    template_type: TemplateType = "general"
    description: Text | None = Field(None, description="default: the workflow's description")
    author: Author = ""

    @field_validator("version")
    @classmethod
    def _semver(cls, value: str) -> str:
        return str(parse_version(value))


class BlueprintPatch(_In):
    """What may change in an installed version: its description, type, author and graph layout.

    The steps and inputs of a published version never change: publish a new version instead.
    """

    description: Text | None = None
    template_type: TemplateType | None = None
    author: Author | None = None
    graph_spec: dict[str, Any] | None = None


class BlueprintOut(BaseModel):
    """An installed blueprint version."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    version: str
    template_type: str
    description: str
    author: str
    builtin: bool = Field(description="shipped with crmflow (read-only; deleting archives it)")
    slug: str | None
    trigger_type: str
    trigger_config: dict[str, Any]
    conditions: dict[str, Any] | None
    process_steps: list[Any]
    variables: dict[str, Any]
    settings: dict[str, Any]
    graph_spec: dict[str, Any]
    checksum: str
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    versions: list[str] = Field(
        default_factory=list, description="every installed version of this name, newest first"
    )
    inputs_used: list[str] = Field(
        default_factory=list, description="the inputs the steps refer to"
    )


class InstantiateIn(_In):
    """Create a draft workflow from a blueprint, with values for its inputs."""

    inputs: dict[str, Any] = Field(default_factory=dict, max_length=50)
    name: WorkflowName | None = Field(
        None, description="the workflow's name (default: the blueprint's)"
    )
