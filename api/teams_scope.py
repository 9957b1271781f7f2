"""The scope (region or municipality) a Teams message is answered for, from the per-tenant/channel setting.

INBURGERING_TEAMS_SCOPES='{"<channel, team, conversation or tenant id>": "regio:amrd"}': the most
specific id that is configured wins, so one channel of a tenant can differ from the tenant's default.
"""
from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)
_SCOPE = re.compile(r"^(national|regio:[a-z0-9-]+|gemeente:[a-z0-9-]+)$")


def _id(data: dict, key: str) -> str | None:
    """channelData[key]["id"], when present."""
    value = data.get(key) if isinstance(data, dict) else None
    return value.get("id") if isinstance(value, dict) else None


def teams_scope(activity, scopes: dict[str, str]) -> str | None:
    """The configured scope for this activity's channel, team, conversation or tenant (in that order)."""
    if not scopes:
        return None
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    conversation = activity.conversation
    ids = [_id(data, "channel"), _id(data, "team"), getattr(conversation, "id", None),
           _id(data, "tenant"), getattr(conversation, "tenant_id", None)]
    for key in ids:
        scope = scopes.get(key) if key else None
        if scope and _SCOPE.match(scope):
            return scope
        if scope:
            log.warning("ignoring invalid teams scope %r for %s", scope, key)
    return None
