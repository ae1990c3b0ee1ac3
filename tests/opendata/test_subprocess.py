"""`manage.py import_opendata` as an operator runs it, in a process of its own on a database of its own:

- a refused import exits non-zero with one line on stderr (no traceback) and changes nothing;
- kill -9 at any point of an import leaves the old catalogue or the new one, never a mix, and the page cache's
  generation moves exactly when the catalogue changed (cached and fresh pages agree) (issue 20, finding 5).
"""

import os
import signal
import threading
import time

import pytest

from tests.opendata import scratch
from tests.opendata.sources import CONSTAT, copy_sample, renew, truncate

# What each kind of table holds, read with the database's own driver (catalogue, schools' offers, orientation).
STATE_QUERIES = {
    "formations": "SELECT cfd, label FROM catalog_formation ORDER BY cfd",
    "offers": "SELECT COUNT(*), COALESCE(SUM(students), 0) FROM catalog_offer",
    "rome": "SELECT code, label FROM orientation_romecode ORDER BY code",
    "communes": "SELECT insee_code, name FROM orientation_commune ORDER BY insee_code",
    "pressure": "SELECT COUNT(*) FROM orientation_admissionpressure",
    "fingerprint": "SELECT fingerprint FROM catalog_importrun WHERE name = 'opendata'",
}
GENERATION = "SELECT value FROM pagecache_generation WHERE name = 'catalog'"
# Where to kill: when the import starts reading these files (the progress bars on stderr), in order; the last one is
# the admission-pressure step, the last of an import.
KILL_POINTS = [
    ("nMef.csv", 1),
    ("fr-en-inserjeunes-cfa.csv", 1),
    ("constat_2020.csv", 1),
    ("catalogue_etablissement_apprentissage_20221010.zip", 1),
    ("metier.csv", 1),
    ("communes.json", 1),
    ("parcoursup_bts_attractivite_capacite_2024.csv", 2),
]


@pytest.fixture
def database(tmp_path, db):
    created = scratch.create(tmp_path)
    yield created
    scratch.drop(created)


def _state(database) -> tuple:
    return tuple(tuple(database.query(sql)) for sql in STATE_QUERIES.values())


def _generation(database) -> int:
    rows = database.query(GENERATION)
    return rows[0][0] if rows else 0


def _kill_when_read(database, root, marker: str, occurrence: int) -> int | None:
    """Start an import of `root`, kill -9 it as soon as it starts reading `marker` the `occurrence`-th time;
    returns its exit code (-9 when killed, 0 when it finished first)."""
    process = database.popen("import_opendata", "--dir", str(root))
    seen = threading.Event()

    def watch():
        text = ""
        while chunk := os.read(process.stderr.fileno(), 65536):
            text += chunk.decode("utf-8", "replace")
            if text.count(f"{marker}:") >= occurrence:
                seen.set()
        seen.set()  # the process ended

    with process:
        reader = threading.Thread(target=watch, daemon=True)
        reader.start()
        seen.wait(120)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
        reader.join(5)
    return process.returncode


def test_kill_9_at_any_point_of_an_import_leaves_the_old_or_the_new_catalogue(database, tmp_path):
    old_root = copy_sample(tmp_path / "old")
    new_root = copy_sample(tmp_path / "new")
    renew(new_root)
    database.manage("import_opendata", "--dir", str(new_root))
    new = _state(database)
    database.manage("import_opendata", "--dir", str(old_root))
    old = _state(database)
    assert old != new and all(old) and all(new)

    outcomes = []
    for marker, occurrence in KILL_POINTS:
        generation = _generation(database)
        code = _kill_when_read(database, new_root, marker, occurrence)
        state = _state(database)
        outcomes.append((marker, code, "old" if state == old else "new" if state == new else "MIX"))
        # Cached pages are keyed on the generation: it moved if and only if the catalogue did.
        expected_generation = generation if state == old else generation + 1
        assert (state in (old, new), _generation(database)) == (True, expected_generation), outcomes
        if state == new:  # finished before the kill: back to the old catalogue for the next point
            database.manage("import_opendata", "--dir", str(old_root))
    killed = [outcome for outcome in outcomes if outcome[1] == -signal.SIGKILL]
    assert len(killed) >= len(KILL_POINTS) - 2, outcomes  # the kills really landed during imports
    assert {state for _, code, state in killed if code == -signal.SIGKILL} <= {"old", "new"}

    started = time.monotonic()
    database.manage("import_opendata", "--dir", str(new_root))
    assert _state(database) == new, time.monotonic() - started


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_a_refused_import_exits_non_zero_with_one_line_and_changes_nothing(database, tmp_path, damage):
    root = copy_sample(tmp_path)
    database.manage("import_opendata", "--dir", str(root))
    before, generation = _state(database), _generation(database)
    if damage == "missing":
        (root / CONSTAT).unlink()
    else:
        truncate(root / CONSTAT, 0.4)

    completed = database.manage("import_opendata", "--dir", str(root), check=False)

    assert completed.returncode != 0
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "constat_2020.csv" in lines[0], completed.stderr[-2000:]
    assert "Traceback" not in completed.stderr
    assert (_state(database), _generation(database)) == (before, generation)


def test_a_non_utf8_byte_is_one_line_for_the_operator_not_a_traceback(database, tmp_path):
    root = copy_sample(tmp_path)
    path = root / "bcn" / "nMef.csv"
    path.write_bytes(path.read_bytes().replace(b"CAP", b"C\xc0P", 1))

    completed = database.manage("import_opendata", "--dir", str(root), check=False)

    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "bcn/nMef.csv" in lines[0] and "UTF-8" in lines[0], completed.stderr[-2000:]
    assert _state(database)[0] == ()  # nothing imported
