"""What one running app holds: settings, store, keys, metrics and the assistant, loaded once."""
from __future__ import annotations

import logging
import threading

from api.config import ServiceSettings
from api.db import Store
from api.metrics import Metrics
from api.security import KeyRegistry, RateLimiter

log = logging.getLogger(__name__)

LOADING = "De assistent wordt nog geladen. Probeer het over een moment opnieuw."
LOAD_FAILED = "De index kon niet worden geladen. Neem contact op met de beheerder."
WARMUP_QUESTION = "Wat is het persoonlijk plan inburgering en participatie (PIP)?"


class ServiceState:
    """Shared by all requests of one app; the assistant is loaded in the background at start-up."""

    def __init__(self, settings: ServiceSettings, assistant=None) -> None:
        self.settings = settings
        self.store = Store(settings.db_url)
        self.metrics = Metrics()
        self.keys = KeyRegistry(settings, self.store)
        self.limiter = RateLimiter(self.store, settings.rate_limit_per_minute, settings.rate_limit_burst)
        self.assistant = assistant
        self.error_nl: str | None = None
        self._loaded = threading.Event()
        self._sources = None
        if assistant is not None:
            self._loaded.set()

    @property
    def ready(self) -> bool:
        """Whether the assistant can answer."""
        return self._loaded.is_set() and self.assistant is not None

    def start_loading(self) -> threading.Thread | None:
        """Load the index in a thread so /healthz and /readyz answer while it loads."""
        if self._loaded.is_set():
            return None
        thread = threading.Thread(target=self._load, name="index-loader", daemon=True)
        thread.start()
        return thread

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until loading has finished (successfully or not)."""
        self._loaded.wait(timeout)
        return self.ready

    def _load(self) -> None:
        from assistant.service import Assistant
        from ingest.store import IndexError_

        try:
            assistant = Assistant.from_settings(self.settings)
            if self.settings.warmup:  # the embedding model loads lazily: take that hit before "ready"
                assistant.ask(WARMUP_QUESTION)
            self.assistant = assistant
            log.info("index loaded: %d chunks", len(assistant.retriever.data.chunks))
        except IndexError_ as exc:
            log.error("index not loaded: %s", exc)
            self.error_nl = exc.message_nl
        except Exception:  # anything else: stay up, report not ready
            log.exception("index could not be loaded")
            self.error_nl = LOAD_FAILED
        finally:
            self._loaded.set()

    @property
    def sources(self):
        """The source library (document texts around passages), built on first use."""
        if self._sources is None:
            from api.sources import SourceLibrary

            self._sources = SourceLibrary(self.assistant, self.settings.corpus_dir)
        return self._sources

    def close(self) -> None:
        """Release the database connections."""
        self.store.close()
