"""POST /api/messages: the Bot Framework / Teams endpoint, JWT-validated by the Agents SDK."""
from __future__ import annotations

import functools
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from microsoft_agents.hosting.fastapi import (
    jwt_authorization_decorator,
    start_agent_process,
)
from pydantic import ValidationError

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

NOT_SIGNED_IN = "Niet aangemeld: dit verzoek heeft geen geldig Teams-token."


def teams_auth(func):
    """The SDK's JWT check, with every refusal a Dutch 401 {"detail": …}.

    The SDK answers an odd token with a KeyError (no "kid" in its header) and refusals in English
    {"error": …}; a failure inside the handler itself is not a refusal and goes to the error handlers.
    """

    @functools.wraps(func)
    async def entered(request: Request, *args, **kwargs):
        request.state.teams_token_accepted = True
        return await func(request, *args, **kwargs)

    checked = jwt_authorization_decorator(entered)

    @functools.wraps(func)
    async def wrapper(request: Request, *args, **kwargs):
        try:
            response = await checked(request, *args, **kwargs)
        except Exception as exc:
            if getattr(request.state, "teams_token_accepted", False):
                raise
            log.info("teams token refused: %s: %s", type(exc).__name__, exc)
            return _refused()
        if not getattr(request.state, "teams_token_accepted", False) and response.status_code >= 400:
            log.info("teams token refused with %d", response.status_code)
            return _refused()
        return response

    return wrapper


def _refused() -> JSONResponse:
    return JSONResponse({"detail": NOT_SIGNED_IN}, status_code=401, headers={"WWW-Authenticate": "Bearer"})


@router.post("/api/messages")
@teams_auth
async def messages(request: Request):
    """Hand the activity to the agent application (the decorator has checked the token)."""
    bot = request.app.state.teams
    try:
        return await start_agent_process(request, bot.app, bot.adapter)
    except ValidationError as exc:
        log.info("invalid activity: %s", exc.errors()[:3])
        return JSONResponse({"detail": "Ongeldige activity."}, status_code=400)
