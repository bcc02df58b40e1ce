"""Staff-only routes: a bearer token that must match the `api_token` setting (TWINGUARD_API_TOKEN)."""

from __future__ import annotations

import hmac

from starlette.exceptions import HTTPException

from assistant.config import Settings


def require_staff(settings: Settings, authorization: str | None) -> None:
    """Raise 403 when staff routes are off (no token configured), 401 when the token is missing or wrong."""
    if not settings.api_token:
        raise HTTPException(403, "Adding documents is turned off: no staff token (TWINGUARD_API_TOKEN) is set.")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), settings.api_token.encode()):
        raise HTTPException(401, "A staff token is needed: send 'Authorization: Bearer <token>'.",
                            headers={"WWW-Authenticate": "Bearer"})
