"""Create API keys: `python -m api.keys create ID [--origin URL]... [--rate N]` (the key is shown once).

Only the sha256 of a key is stored. `python -m api.keys hash KEY` prints the hash for the
INBURGERING_API_KEYS setting instead.
"""
from __future__ import annotations

import argparse
import sys

from api.config import get_service_settings
from api.db import Store
from api.security import hash_key, new_key


def main(argv: list[str] | None = None) -> int:
    """Entry point of the key tool."""
    parser = argparse.ArgumentParser(prog="python -m api.keys", description="API-sleutels beheren.")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="Maak een sleutel en sla alleen de hash op.")
    create.add_argument("key_id")
    create.add_argument("--origin", action="append", default=[],
                        help="Website waarvandaan de sleutel mag worden gebruikt (widget); herhaalbaar.")
    create.add_argument("--rate", type=int, default=None, help="Verzoeken per minuut voor deze sleutel.")
    hash_cmd = sub.add_parser("hash", help="Toon de sha256 van een sleutel (voor INBURGERING_API_KEYS).")
    hash_cmd.add_argument("key")
    args = parser.parse_args(argv)
    if args.command == "hash":
        print(hash_key(args.key))
        return 0
    key = new_key()
    store = Store(get_service_settings().db_url)
    try:
        store.add_api_key(args.key_id, hash_key(key), args.origin, args.rate)
    finally:
        store.close()
    print(key)
    print(f"Sleutel '{args.key_id}' opgeslagen (alleen de hash). Bewaar de sleutel hierboven: "
          "hij wordt niet nog eens getoond.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
