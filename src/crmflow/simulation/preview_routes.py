"""Template preview for the workflow editor: a `{{ }}` text rendered on a sample record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from crmflow.auth.deps import CurrentUser
from crmflow.common.deps import DbSession
from crmflow.simulation.preview import preview_template
from crmflow.simulation.schemas import TemplatePreviewCreate, TemplatePreviewOut

router = APIRouter(prefix="/workflows", tags=["workflows"])


@router.post(
    "/template-preview",
    response_model=TemplatePreviewOut,
    summary="Render a template on a sample record (nothing is written)",
)
def template_preview(
    body: TemplatePreviewCreate, session: DbSession, principal: CurrentUser
) -> Any:
    """Render `template` with the engine's sandbox and limits on the given record of the
    company, else its most recent record of the trigger's type, else a built-in sample. A
    template that fails gives `errors` (status 200); bad input is a 422, another company's
    record a 404. Secrets render empty."""
    return preview_template(
        session,
        company_id=principal.company_id,
        user_id=principal.user_id,
        template=body.template,
        trigger_type=body.trigger_type.value if body.trigger_type else None,
        record_type=body.record_type,
        record_id=body.record_id,
    )
