"""Authentication of the replica's private routes: an API key (`x-api-key` header or `?apiKey=`) or a token from
`POST /api/inserjeunes/auth/login`, a JWT (HS256, claims `username`, `iat`, `exp`, `iss` as the API signs them) with
a per-app secret that lasts one day. As the API (authMiddleware.js), `?apiKey=` replaces the `x-api-key` header, the
key is tried first, then the token from `Authorization: Bearer …` or, without one, from the `x-api-key` header. A
token in `?apiKey=` never arrives whole: the app sanitizes the query first and its dots become `_`, as upstream."""

import base64
import hashlib
import hmac
import json
import secrets
import time

TOKEN_LIFETIME = 86400
ISSUER = "exposition-ij"  # the API's config.auth.jwtIssuer; its JWT strategy refuses a token without it


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
        if expected is not None and hmac.compare_digest(expected.encode(), password.encode()):
            return True
        return self.api_key is not None and hmac.compare_digest(self.api_key.encode(), password.encode())

    def issue(self, username: str, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        claims = {"username": username, "iat": issued, "exp": issued + TOKEN_LIFETIME, "iss": ISSUER}
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
        if not isinstance(claims, dict) or claims.get("iss") != ISSUER:
            return False
        return float(claims.get("exp", 0)) > (now if now is not None else time.time())

    def allowed(self, environ: dict, query_key: str | list[str] | None) -> bool:
        """`query_key`: a non-empty `?apiKey=` (a list when repeated, which is no key nor token)."""
        key = query_key if query_key is not None else environ.get("HTTP_X_API_KEY")
        if isinstance(key, str) and key and self.api_key and hmac.compare_digest(key.encode(), self.api_key.encode()):
            return True
        scheme, _, bearer = environ.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        # The first extractor that finds something decides: a Bearer token, else the key header's content.
        token = bearer.strip() if scheme.lower() == "bearer" and bearer.strip() else key
        return isinstance(token, str) and token.count(".") == 2 and self.token_valid(token)
