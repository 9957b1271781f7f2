"""POST /api/messages: the Bot Framework / Teams endpoint, JWT-validated by the Agents SDK."""
from __future__ import annotations

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


@router.post("/api/messages")
@jwt_authorization_decorator
async def messages(request: Request):
    """Hand the activity to the agent application (the decorator has checked the token)."""
    bot = request.app.state.teams
    try:
        return await start_agent_process(request, bot.app, bot.adapter)
    except ValidationError as exc:
        log.info("invalid activity: %s", exc.errors()[:3])
        return JSONResponse({"detail": "Ongeldige activity."}, status_code=400)
