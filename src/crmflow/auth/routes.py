"""HTTP routes for sign-in, API tokens and users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response, status

from crmflow.auth import session_routes
from crmflow.auth import users as user_admin
from crmflow.auth.browser_session import set_session_cookies
from crmflow.auth.deps import Admin, CurrentUser
from crmflow.auth.models import User
from crmflow.auth.schemas import (
    LoginIn,
    LoginOut,
    TokenCreate,
    TokenCreated,
    TokenOut,
    UserCreate,
    UserOut,
    UserUpdate,
)
from crmflow.auth.service import create_user, revoke_token, sign_in
from crmflow.auth.throttle import SignInThrottled, ThrottlePolicy
from crmflow.common.deps import DbSession
from crmflow.common.enums import Role
from crmflow.common.errors import NotFound
from crmflow.common.ids import Id
from crmflow.common.pagination import Page, Paging, page_of

router = APIRouter()
auth = APIRouter(prefix="/auth", tags=["auth"])
users = APIRouter(prefix="/users", tags=["users"])


@auth.post(
    "/login",
    response_model=LoginOut,
    summary="Sign in with email and password",
    responses={
        401: {"description": "unknown email or wrong password"},
        429: {"description": "too many failed sign-ins for the account or the address"},
    },
)
def sign_in_route(
    body: LoginIn, session: DbSession, request: Request, response: Response
) -> dict[str, Any]:
    """Exchange email and password for an expiring sign-in token (public).

    The token is returned for API clients and set as the browser's HttpOnly session cookie.
    Failed attempts are limited per account and per client address (429 with Retry-After).
    """
    settings = request.app.state.settings
    policy = ThrottlePolicy(
        per_account=settings.login_max_failures_per_account,
        per_address=settings.login_max_failures_per_address,
        window_seconds=settings.login_failure_window_seconds,
    )
    try:
        user, token = sign_in(
            session,
            email=body.email,
            password=body.password,
            address=request.client.host if request.client else "unknown",
            policy=policy,
            token_ttl_hours=settings.login_token_ttl_hours,
        )
    except SignInThrottled as exc:
        session.commit()  # the expired failures it pruned
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            exc.reason,
            headers={"Retry-After": str(exc.retry_after)},
        ) from None
    except NotFound:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "unknown email or wrong password",
            headers={"WWW-Authenticate": "Bearer"},
        ) from None
    set_session_cookies(response, request, token=token, ttl_hours=settings.login_token_ttl_hours)
    return {"access_token": token, "token_type": "bearer", "user": UserOut.model_validate(user)}


@auth.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token for yourself",
)
def create_token(body: TokenCreate, session: DbSession, principal: CurrentUser) -> dict[str, Any]:
    """Create a token with your own rights; the plain token is returned only this once."""
    row, plain = user_admin.create_token(
        session, principal=principal, name=body.name, expires_in_days=body.expires_in_days
    )
    session.commit()
    return {**TokenOut.model_validate(row).model_dump(), "token": plain}


@auth.get("/tokens", response_model=Page[TokenOut], summary="List your API tokens")
def list_tokens(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    user_id: Annotated[Id | None, Query(description="admins: another user's tokens")] = None,
) -> dict[str, Any]:
    """List your tokens (never the tokens themselves)."""
    query = user_admin.tokens_query(principal=principal, user_id=user_id)
    return page_of(session, query, paging, TokenOut)


@auth.delete(
    "/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an API token"
)
def delete_token(token_id: Id, session: DbSession, principal: CurrentUser) -> None:
    """Revoke one of your tokens (admins: any token of the company)."""
    revoke_token(session, principal=principal, token_id=token_id)
    session.commit()


@users.get("", response_model=Page[UserOut], summary="List users")
def list_users(
    session: DbSession,
    principal: CurrentUser,
    paging: Paging,
    q: Annotated[str | None, Query(description="name or email contains")] = None,
    role: Role | None = None,
    title: str | None = None,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """List your company's users by name."""
    query = user_admin.users_query(
        company_id=principal.company_id,
        q=q,
        role=role.value if role else None,
        title=title,
        is_active=is_active,
    )
    return page_of(session, query, paging, UserOut)


@users.get("/me", response_model=UserOut, summary="Who am I")
def get_me(session: DbSession, principal: CurrentUser) -> User:
    """Return the calling user."""
    return user_admin.get_user(session, company_id=principal.company_id, user_id=principal.user_id)


@users.get("/{user_id}", response_model=UserOut, summary="Get a user")
def get_user(user_id: Id, session: DbSession, principal: CurrentUser) -> User:
    """Return one user of your company."""
    return user_admin.get_user(session, company_id=principal.company_id, user_id=user_id)


@users.post(
    "", response_model=UserOut, status_code=status.HTTP_201_CREATED, summary="Create a user"
)
def create_user_route(body: UserCreate, session: DbSession, principal: Admin) -> User:
    """Create a user in your company (admins); without a password they sign in by token only."""
    user = create_user(
        session,
        company_id=principal.company_id,
        email=body.email,
        name=body.name,
        role=body.role,
        titles=body.titles,
        manager_id=body.manager_id,
        password=body.password,
    )
    session.commit()
    return user


@users.patch("/{user_id}", response_model=UserOut, summary="Update a user")
def update_user(user_id: Id, body: UserUpdate, session: DbSession, principal: Admin) -> User:
    """Change a user (admins); deactivating revokes their tokens."""
    user = user_admin.update_user(
        session, principal=principal, user_id=user_id, values=body.model_dump(exclude_unset=True)
    )
    session.commit()
    return user


@users.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Deactivate a user")
def deactivate_user(user_id: Id, session: DbSession, principal: Admin) -> None:
    """Deactivate a user and revoke their tokens (their records keep them as owner)."""
    user_admin.deactivate_user(session, principal=principal, user_id=user_id)
    session.commit()


auth.include_router(session_routes.router)
router.include_router(auth)
router.include_router(users)
