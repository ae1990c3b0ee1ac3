"""`make bench`: run every benchmarks/bench_*.py module's main(), one after the other, and report failures.

Benchmarks measure speed and memory on the real open data; they are not tests and assert nothing, but each prints its
numbers next to its target so a regression is visible.
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guidance.settings")
    django.setup()
    import benchmarks

    names = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name.startswith("bench_"))
    only = set(sys.argv[1:])
    failed = []
    for name in names:
        if only and name not in only:
            continue
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"benchmarks.{name}").main()
        except Exception as exc:  # keep going: one broken benchmark must not hide the others' numbers
            failed.append(name)
            print(f"FAILED: {exc!r}", flush=True)
        print(f"--- {name}: {time.perf_counter() - started:.1f} s", flush=True)
    if failed:
        print(f"\nFailed benchmarks: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
