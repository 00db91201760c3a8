"""HTTP routes for browser sessions (cookie), sign-out and the demo's sign-in help."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from crmflow.auth import users as user_admin
from crmflow.auth.browser_session import (
    clear_session_cookies,
    end_all_sessions,
    end_session,
    set_session_cookies,
    start_session,
)
from crmflow.auth.deps import CurrentUser
from crmflow.auth.schemas import SessionOut, SignInHelp, SignOutEverywhereOut, UserOut
from crmflow.auth.sign_in_help import sign_in_help
from crmflow.common.deps import DbSession

router = APIRouter()


@router.get(
    "/sign-in-help",
    response_model=SignInHelp,
    summary="How to sign in to the demo (public; empty outside demo mode)",
)
def sign_in_help_route(session: DbSession, request: Request) -> dict[str, Any]:
    """In demo mode (`crmflow serve --demo`) list the demo accounts, their password and the
    admin token; otherwise answer `demo: false` and nothing else."""
    return sign_in_help(session, settings=request.app.state.settings)


@router.post(
    "/session",
    response_model=SessionOut,
    summary="Start a browser session from an API token",
)
def start_session_route(
    session: DbSession, principal: CurrentUser, request: Request, response: Response
) -> dict[str, Any]:
    """Exchange a valid token (Bearer) for a session cookie holding a new sign-in token.

    The API token itself never reaches the cookie, so signing out never revokes it.
    """
    ttl = request.app.state.settings.login_token_ttl_hours
    user = user_admin.get_user(session, company_id=principal.company_id, user_id=principal.user_id)
    token = start_session(session, user=user, ttl_hours=ttl)
    session.commit()
    set_session_cookies(response, request, token=token, ttl_hours=ttl)
    return {"user": UserOut.model_validate(user)}


@router.post(
    "/sign-out",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out this browser",
)
def sign_out(session: DbSession, principal: CurrentUser, request: Request) -> Response:
    """Revoke the sign-in token used (a named API token is kept) and clear the cookies."""
    end_session(session, principal=principal)
    session.commit()
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    clear_session_cookies(response, request)
    return response


@router.post(
    "/sign-out-everywhere",
    response_model=SignOutEverywhereOut,
    summary="Sign out every browser you are signed in on",
)
def sign_out_everywhere(
    session: DbSession, principal: CurrentUser, request: Request, response: Response
) -> dict[str, Any]:
    """Revoke all your sign-in sessions (your named API tokens keep working); clear the cookies."""
    revoked = end_all_sessions(session, principal=principal)
    session.commit()
    clear_session_cookies(response, request)
    return {"revoked_sessions": revoked}
