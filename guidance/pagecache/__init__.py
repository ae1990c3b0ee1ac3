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
- **Invalidation by generation, not by deletion**: a key holds the code version and the purge counter; the entry
  holds the catalogue import counter and the figures counter it was rendered under. A deploy or a purge changes
  the key: old entries become unreachable and age out. An import or a refresh that changed a stored answer makes
  entries stale: the next request renders the page again while the others meanwhile get the stale copy
  (stale-while-revalidate, one renderer across processes through a claim in the shared cache). A figure fetched
  for the first time never bumps: no cached page can have shown it (a page rendered without it, because the
  upstream was down or the answer stale, is marked uncacheable). `PAGECACHE_TTL` (a day) bounds an entry's life.
- **Backends**: with `REDIS_URL`, pages live in Redis (Django's own `RedisCache`), shared by every app server,
  bounded in bytes by the server's `maxmemory` (LRU). Without a server, in one SQLite file shared by the workers
  of the machine (`sqlitecache.SQLiteCache`, bounded by `PAGECACHE_MAX_BYTES`): every worker serves what another
  rendered, so the long tail of 20,000 pages is rendered once, not once per worker and again every 10 minutes as
  with the former per-process `LocMemCache` of 500 entries (issue 24: the long tail went from 3 % to 38-41 % of a
  minimal view's throughput). Pages are stored gzipped only (~5 times smaller). The generations are in the
  database in both cases (a small table, read once a second per process) so that a command run elsewhere reaches
  every worker. `pagecache_warm` renders the sitemap's pages into the shared cache after an import.
- **CSP**: the policy has no nonce (`SECURE_CSP` lists no `CSP.NONCE`), so the header is the same for every
  request and is stored with the page; the `nonce` attribute `base.html` gives the DSFR script is then inert (no
  policy refers to it) and replaying it is harmless. Should a nonce ever enter the policy, the middleware refuses
  to store such answers (a replayed nonce would either break the page or void the protection).
- **Cheap hits and misses**: a hit is one cache read (plus, once a second per process, the generations' SELECT);
  the body is gzipped once when stored (and decompressed for the rare client that takes no gzip); concurrent
  misses of one page in a process wait for one render.
- **Identity**: no page is stored or served for a request carrying a session, the messages cookie or an
  Authorization header; a response that sets a cookie (CSRF token, session) is never stored.
"""
