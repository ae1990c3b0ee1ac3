"""The site's settings served by the bench (benchmarks/bench_http.py): the same in every way but the URLconf."""

from guidance.settings import *  # noqa: F403 (the site's settings, unchanged)

ROOT_URLCONF = "benchmarks.urls"
