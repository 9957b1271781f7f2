"""API keys (kept as sha256 only) and rate limits shared by every process on the same database."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass

from api.config import ServiceSettings
from api.db import Store

# Keys added to the database while the service runs are picked up after at most this long.
_REFRESH_SECONDS = 5.0


def hash_key(key: str) -> str:
    """The sha256 hex digest under which a key is stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    """A fresh random API key."""
    return "wia_" + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class ApiKey:
    """A known key: id, the web sites it may be used from (empty: any), its rate limit."""

    id: str
    origins: tuple[str, ...] = ()
    rate_per_minute: int | None = None


class KeyRegistry:
    """Looks up presented keys by hash in the settings and the database."""

    def __init__(self, settings: ServiceSettings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self._lock = threading.Lock()
        self._keys: dict[str, ApiKey] = {}
        self._loaded_at = 0.0
        self.refresh()

    def refresh(self) -> None:
        """Re-read the keys from settings and database."""
        keys = {k.sha256.lower(): ApiKey(k.id, tuple(k.origins), k.rate_per_minute)
                for k in self.settings.api_keys}
        for row in self.store.api_keys():
            keys[row.sha256.lower()] = ApiKey(row.id, tuple(row.origins or ()), row.rate_per_minute)
        with self._lock:
            self._keys, self._loaded_at = keys, time.monotonic()

    def _maybe_refresh(self) -> None:
        if time.monotonic() - self._loaded_at > _REFRESH_SECONDS:
            self.refresh()

    @property
    def required(self) -> bool:
        """Whether any key is configured; without keys the API is open (local use)."""
        self._maybe_refresh()
        return bool(self._keys)

    def lookup(self, presented: str | None) -> ApiKey | None:
        """The key matching `presented`, or None; a key unknown here is looked up in the database."""
        if not presented:
            return None
        self._maybe_refresh()
        digest = hash_key(presented.strip())
        found = self._keys.get(digest)
        if found is None and (row := self.store.api_key_by_hash(digest)) is not None:
            found = ApiKey(row.id, tuple(row.origins or ()), row.rate_per_minute)
            with self._lock:
                self._keys[digest] = found
        return found

    def origins(self) -> set[str]:
        """All web sites any key is limited to (they join the CORS allowlist)."""
        return {o for k in self._keys.values() for o in k.origins}


class RateLimiter:
    """Token buckets (GCRA) kept in the service database, so replicas on one database share them.

    `burst` requests may come at once; after that one per 60/`per_minute` seconds.
    """

    def __init__(self, store: Store, per_minute: int, burst: int) -> None:
        self.store = store
        self.per_minute = per_minute
        self.burst = burst

    def take(self, key_id: str, per_minute: int | None = None, burst: int | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds to wait for the next token."""
        interval = 60.0 / max(1, per_minute or self.per_minute)
        tolerance = interval * max(1, burst or self.burst)
        return self.store.take_token(key_id, interval, tolerance, time.time())
