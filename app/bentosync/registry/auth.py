"""API tokens: random, shown once, stored only as sha256 hashes.

A plain sha256 is enough here because the tokens are 256 random bits, not
passwords: there is nothing to brute-force. The check is an ASGI middleware
rather than a FastAPI dependency so that *every* ``/api`` path, including ones
with no route, answers 401 to a missing or wrong ``X-YATAI-API-TOKEN``; the
official CLI turns that 401 into "Bad credentials".
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets

from starlette.types import ASGIApp, Receive, Scope, Send

from bentosync.registry.db import Database, to_db, utcnow

logger = logging.getLogger(__name__)

TOKEN_HEADER = b"x-yatai-api-token"
TOKEN_PREFIX = "bsr_"
SEEDED_NAME = "default"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenStore:
    """Creating, seeding and resolving tokens; the token text itself is never stored."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, name: str) -> str:
        """A new token for ``name``; the caller shows it once, we keep its hash."""
        name = name.strip()
        if not name:
            raise ValueError("A token needs a name (who or what uses it).")
        token = new_token()
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO tokens (name, token_hash, seeded, created_at) VALUES (?, ?, 0, ?)",
                (name, hash_token(token), to_db(utcnow())),
            )
        logger.info("Created an API token for %r", name)
        return token

    def seed(self, token: str, name: str = SEEDED_NAME) -> None:
        """Make ``token`` valid; the token seeded at the previous start stops working."""
        digest = hash_token(token)
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM tokens WHERE seeded = 1 AND token_hash != ?", (digest,))
            conn.execute(
                "INSERT INTO tokens (name, token_hash, seeded, created_at) "
                "VALUES (?, ?, 1, ?) ON CONFLICT (token_hash) DO NOTHING",
                (name, digest, to_db(utcnow())),
            )

    def any(self) -> bool:
        return self.db.query_one("SELECT 1 FROM tokens LIMIT 1") is not None

    def lookup(self, token: str) -> str | None:
        """The name the token was made for, or None if it is not one of ours."""
        if not token:
            return None
        row = self.db.query_one(
            "SELECT name FROM tokens WHERE token_hash = ?", (hash_token(token),)
        )
        return None if row is None else str(row["name"])


class AuthMiddleware:
    """401 for any ``/api`` request without a valid token; the name goes into scope state."""

    def __init__(self, app: ASGIApp, tokens: TokenStore) -> None:
        self.app = app
        self.tokens = tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_api(scope):
            await self.app(scope, receive, send)
            return
        token = ""
        for key, value in scope.get("headers", ()):
            if key == TOKEN_HEADER:
                token = value.decode("latin-1").strip()
                break
        name = self.tokens.lookup(token) if token else None
        if name is None:
            message = "missing API token" if not token else "invalid API token"
            body = json.dumps({"error": f"{message} (send it in X-YATAI-API-TOKEN)"}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        scope.setdefault("state", {})["token_name"] = name
        await self.app(scope, receive, send)


def _is_api(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path == "/api" or path.startswith("/api/")
