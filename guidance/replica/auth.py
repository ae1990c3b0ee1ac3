"""Authentication of the replica's private routes: an API key (`x-api-key` header or `?apiKey=`) or a token from
`POST /api/inserjeunes/auth/login`, a JWT (HS256, claims `username`, `iat`, `exp` as the API signs them) with a
per-app secret that lasts one day. As the API, the token is read from `Authorization: Bearer …` or from the
`x-api-key` header (so `?apiKey=<token>` works too)."""

import base64
import hashlib
import hmac
import json
import secrets
import time

TOKEN_LIFETIME = 86400


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """Checks keys and tokens. `credentials` maps usernames to passwords accepted by the login route; the API key
    itself is also accepted as a password (any username), so a replica with only a key can hand out tokens."""

    def __init__(self, api_key: str | None, credentials: dict[str, str] | None = None, secret: bytes | None = None):
        self.api_key = api_key or None
        self.credentials = dict(credentials or {})
        self.secret = secret or secrets.token_bytes(32)

    def check_login(self, username: str, password: str) -> bool:
        expected = self.credentials.get(username)
        if expected is not None and hmac.compare_digest(expected, password):
            return True
        return self.api_key is not None and hmac.compare_digest(self.api_key, password)

    def issue(self, username: str, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {"username": username, "iat": issued, "exp": issued + TOKEN_LIFETIME}
        payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = _b64(hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
        return f"{header}.{payload}.{signature}"

    def token_valid(self, token: str, *, now: float | None = None) -> bool:
        try:
            header, payload, signature = token.split(".")
            expected = _b64(hmac.new(self.secret, f"{header}.{payload}".encode(), hashlib.sha256).digest())
            if not hmac.compare_digest(expected, signature):
                return False
            claims = json.loads(_unb64(payload))
        except (ValueError, TypeError):
            return False
        return isinstance(claims, dict) and float(claims.get("exp", 0)) > (now if now is not None else time.time())

    def allowed(self, environ: dict, query_key: str | None) -> bool:
        key = environ.get("HTTP_X_API_KEY") or query_key
        if key and self.api_key and hmac.compare_digest(key, self.api_key):
            return True
        if key and key.count(".") == 2 and self.token_valid(key):
            return True
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = authorization.partition(" ")
        return scheme.lower() == "bearer" and bool(token) and self.token_valid(token.strip())
