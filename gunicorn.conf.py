"""Gunicorn settings for the site (`gunicorn -c gunicorn.conf.py guidance.wsgi`), sized for a 2-core server.

Every knob can be overridden by an environment variable (GUNICORN_*). Measured with `make bench` (benchmarks/
bench_http.py) on 2 cores: see the README's production section for the numbers behind these defaults.

- gthread: a cold page waits on the upstream (InserJeunes) for hundreds of milliseconds; threads let the other
  visitors of the same worker be served meanwhile. Few processes also means a better hit rate of the per-process
  caches (the parsed figures; the pages, when there is no Redis).
- The access log never shows a query string (`%(U)s` is the path alone): the site's URLs carry search words a
  visitor typed, and the upstream's `apiKey` must never reach a log, whatever URL a client sends.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A request slower than this is killed (the upstream calls time out long before: 2 s connect + 5 s read).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))

# The app is imported once in the master (faster start, shared memory pages); workers are recycled now and then,
# not all at once (jitter), so a slow leak never grows unbounded.
preload_app = True
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 1_000_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 100_000))

# Behind a proxy on the same host or network: trust its X-Forwarded-* headers (SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # "" turns it off
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Remote address, method, path WITHOUT query string, status, bytes, duration (ms). No referer (it may hold a
# query string), no cookies.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'


def post_fork(server, worker):
    # Connections opened in the master (preload) must not be shared by the workers.
    from django.db import connections

    connections.close_all()
