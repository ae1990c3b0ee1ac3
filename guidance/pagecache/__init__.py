"""The page cache: rendered pages of anonymous visitors, served from a cache shared by every app server.

Pieces: `markers` (the `@cache_page_view` opt-in and `mark_uncacheable`), `middleware` (the rules of what is
stored and how it is answered, ETag/304 included), `variant` (what in a request chooses its answer: the key),
`generations` (what makes every cached page stale at once), `pagecache_purge` and the admin action (an operator's
purge).

Design choices:

- **Opt-in per view** through a mark on the response, so it follows the view wherever the views move; the view
  declares the query parameters it reads and the HTMX targets it tells apart.
- **Keys from the views' own reading** (`variant`): page or fragment as django-htmx reads the HX-* headers (decoded
  when `…-URI-AutoEncoded` says so), the known parameters only (the others are dropped before the view runs),
  never a raw header string: no spelling of a header can file one answer under another's key, and junk parameters
  make no new entry. Redirects are never stored.
- **Invalidation by generation, not by deletion**: a key holds the code version, the catalogue import counter,
  the figures counter and the purge counter. An import, a refresh that changed a stored answer, a deploy or a
  purge changes it; old entries become unreachable and age out (`PAGECACHE_TTL`, default 10 minutes, also bounds
  how long a page shows figures that were fresh when it was rendered). A figure fetched for the first time never
  bumps: no cached page can have shown it (a page rendered without it, because the upstream was down or the
  answer stale, is marked uncacheable).
- **Backends**: with `REDIS_URL`, pages live in Redis (Django's own `RedisCache`), shared by every app server.
  Without a server, in each process's `LocMemCache` (bounded by `PAGECACHE_MAX_ENTRIES`): a hit costs a dict
  look-up; the database cache was the other candidate (shared, but a query and a pickle of ~80 KB through SQLite on
  every hit, and a write with culling on every miss). The generations are in the database in both cases (a small
  table, read once a second per process) so that a command run elsewhere reaches every worker.
- **CSP**: the policy has no nonce (`SECURE_CSP` lists no `CSP.NONCE`), so the header is the same for every
  request and is stored with the page; the `nonce` attribute `base.html` gives the DSFR script is then inert (no
  policy refers to it) and replaying it is harmless. Should a nonce ever enter the policy, the middleware refuses
  to store such answers (a replayed nonce would either break the page or void the protection).
- **Cheap hits and misses**: a hit is one cache read (plus, once a second per process, the generations' SELECT);
  the body is gzipped once when stored; concurrent misses of one page in a process wait for one render.
- **Identity**: no page is stored or served for a request carrying a session, the messages cookie or an
  Authorization header; a response that sets a cookie (CSRF token, session) is never stored.
"""
