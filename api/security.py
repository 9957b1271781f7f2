"""API keys (kept as sha256 only) and a per-key token-bucket rate limit."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field

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
        """The key matching `presented`, or None."""
        if not presented:
            return None
        self._maybe_refresh()
        return self._keys.get(hash_key(presented.strip()))

    def origins(self) -> set[str]:
        """All web sites any key is limited to (they join the CORS allowlist)."""
        return {o for k in self._keys.values() for o in k.origins}


@dataclass
class _Bucket:
    tokens: float
    stamp: float = field(default_factory=time.monotonic)


class RateLimiter:
    """In-memory token buckets, one per key: `burst` requests at once, refilled per minute."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key_id: str, per_minute: int | None = None) -> float:
        """Take one token; return 0 when allowed, else the seconds to wait for the next token."""
        rate = (per_minute or self.per_minute) / 60.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(key_id, _Bucket(tokens=float(self.burst), stamp=now))
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / rate
