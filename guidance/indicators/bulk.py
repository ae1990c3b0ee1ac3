"""Bulk warming of the figures cache from the authenticated list routes (hundreds of figures per call).

A list item answers a single question only when it is the same record the single route would answer:
- same certification: the question's code is a CFD or a final-year MEFSTAT11 that is no seconde commune (the caller
  says which MEFSTAT11 are, `final_year_mefs`), the item's `code_certification` is that code, and the item carries
  neither `familleMetier.isAnneeCommune` nor `certificationsTerminales` (non-final years and secondes communes have
  single answers that hold other codes: they stay per question);
- same place: national, the item's `region.code`, or its `uai`;
- same millésime. An explicit millésime ↔ the item of that millésime (per school, where the single route looks up the
  year and the period ending with it, the one of them listed; both listed → per question, since which one the single
  route prefers is not something a list can tell). No millésime (what pages ask: "the latest") ↔ the item of the
  API's default millésime, the newest one of the whole list read without a `millesimes` filter ("the latest
  millésime" of the doc: a year nationally, a period regionally, a year or the period ending with it per school;
  per school that year must also be the API's latest year as the national or regional list gives it, else the
  school list stays unused).
  A certification whose newest item is older than that answers a 404 "no data for the millésime" on the single
  route (no automatic fallback): it stays per question.
List items carry no `_meta` but for small-cohort messages. Pages read `_meta.messages` only (shown as the source's
notes, never for a small cohort: those are detected from `nb_annee_term`). So for each list, one matched record that
is no small cohort is asked on its single route too (a probe, stored as any single answer): when that answer carries
messages its item lacks, the single route adds notes a list cannot give, and every record of that list that is no
small cohort stays per question (offline, the replica's national answers say how it computes them: national lists
cover small cohorts only). A message given to some records only would not be seen by one probe: a limit. Otherwise the
stored item reads the same as the single answer, ETag aside (none: the next refresh of that row is a full GET).

What is stored goes through `guidance.indicators.store` under the single-flight locks, as the service does: same keys,
same TTL; an expired row whose figures are the same is renewed (its single answer and ETag kept), one whose figures
changed is replaced and the page cache's "figures" generation is bumped. A group whose list cannot be read to the end
(5xx, truncated or malformed page, still failing after `retries`) stores nothing: the default millésime of a partial
list cannot be trusted. Every question not covered is handed back for the per-question path.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from guidance.indicators import parsed, singleflight, store
from guidance.indicators.questions import Question
from guidance.indicators.upstream import get_client
from guidance.inserjeunes.client import Fetched, InserJeunesClient
from guidance.inserjeunes.codes import CodeKind, InvalidCode, Millesime, parse_millesime
from guidance.inserjeunes.errors import BadRequest, InserJeunesError, NotFound, Unauthorized, Unavailable
from guidance.inserjeunes.results import SMALL_COHORT_THRESHOLD, CertificationFigures, Figures
from guidance.inserjeunes.routes import API_PREFIX, QuestionKind
from guidance.pagecache import generations

logger = logging.getLogger("guidance.indicators")

PAGE_SIZE = 500
RETRIES = 2
STORE_CHUNK = 500
# route and items key of each list, by question kind
LISTS = {
    QuestionKind.NATIONAL: (f"{API_PREFIX}/certifications", "certifications"),
    QuestionKind.REGIONAL: (f"{API_PREFIX}/regionales", "regionales"),
    QuestionKind.SCHOOL: (f"{API_PREFIX}/formations", "formations"),
}


class RateLimiter:
    """A token bucket shared by every upstream call of a run (list pages and per-question batches).

    `per_minute` calls on average, bursts of at most `burst`; `acquire(n)` blocks until `n` calls may go.
    `clock` and `sleep` are injectable so tests pace without sleeping.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.burst = max(1.0, burst)
        self._clock, self._sleep = clock or time.monotonic, sleep or time.sleep
        self._tokens = self.burst
        self._updated = self._clock()
        self.waited = 0.0

    def _refill(self, cap: float) -> None:
        now = self._clock()
        self._tokens = min(cap, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    def acquire(self, count: int = 1) -> None:
        cap = max(self.burst, count)  # a batch larger than the burst waits for its own size, no more
        self._refill(cap)
        if self._tokens < count:
            wait = (count - self._tokens) / self.rate
            self.waited += wait
            self._sleep(wait)
            self._refill(cap)
        self._tokens -= count


@dataclass
class BulkReport:
    pages: int = 0  # list pages read
    failed_pages: int = 0  # page attempts that failed (retried, or given up)
    stored: int = 0  # rows written from list items (new, or replacing changed figures)
    renewed: int = 0  # expired rows whose figures were the same: renewed, their single answer kept
    probes: int = 0  # single calls made to check what a list's single route adds (see the module docstring)
    with_notes: list[str] = field(default_factory=list)  # lists whose single answers add notes
    covered: list[Question] = field(default_factory=list)
    left: list[Question] = field(default_factory=list)  # for the per-question path
    incomplete: list[str] = field(default_factory=list)  # lists given up (route, millésime)


Item = dict[str, Any]  # one record of a list page, as received
# The items of a list that may answer a group, by (code, place); and every millésime the list holds.
Kept = tuple[dict[tuple[str, str], list[Item]], set[str]]
Matched = dict[str, tuple[Question, Item]]


def _place(kind: str, item: Item) -> str | None:
    if kind == QuestionKind.NATIONAL:
        return ""
    if kind == QuestionKind.REGIONAL:
        region = item.get("region")
        code = region.get("code") if isinstance(region, dict) else None
    else:
        code = item.get("uai")
    return code if isinstance(code, str) else None


def _question_place(question: Question) -> str:
    if question.kind == QuestionKind.REGIONAL and question.region is not None:
        return question.region.code
    if question.kind == QuestionKind.SCHOOL and question.uai is not None:
        return question.uai.value
    return ""


def _variants(kind: str, millesime: str) -> list[str]:
    """The millésimes the single route looks up for `millesime`: per school a year and the period ending with it."""
    if kind != QuestionKind.SCHOOL:
        return [millesime]
    value = Millesime(millesime)
    return [millesime, str(value.last_year) if value.is_period else str(value.regional())]


def _parsed_millesime(value: object) -> Millesime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_millesime(value)
    except InvalidCode:
        return None  # a record of an unexpected millésime takes no part in the rule


def _default_millesime(kind: str, seen: Iterable[str]) -> str | None:
    """The API's latest millésime for this route, from the millésimes of a whole unfiltered list."""
    values = [parsed_value for m in seen if (parsed_value := _parsed_millesime(m)) is not None]
    if kind == QuestionKind.SCHOOL:
        values = [Millesime(str(v.last_year)) for v in values]  # per school: the year and its period
    if kind == QuestionKind.REGIONAL:
        values = [v for v in values if v.is_period]
    return str(max(values, key=lambda v: v.sort_key)) if values else None


def eligible(question: Question, final_year_mefs: set[str]) -> bool:
    if question.kind not in LISTS or len(question.certs) != 1:
        return False
    cert = question.certs[0]
    return cert.kind is CodeKind.CFD or (cert.kind is CodeKind.MEFSTAT11 and cert.code in final_year_mefs)


def warm_from_lists(
    questions: Sequence[Question],
    *,
    final_year_mefs: set[str],
    limiter: RateLimiter,
    client: InserJeunesClient | None = None,
    page_size: int = PAGE_SIZE,
    retries: int = RETRIES,
) -> BulkReport:
    """Store what the list routes answer for `questions`; the report says what was covered and what is left."""
    client = client or get_client()
    report = BulkReport()
    groups: dict[tuple[QuestionKind, str], list[Question]] = defaultdict(list)
    for question in questions:
        if eligible(question, final_year_mefs):
            groups[(question.kind, str(question.millesime or ""))].append(question)
        else:
            report.left.append(question)
    unauthorized = False
    latest_years: list[int] = []  # the API's latest year, as the national and regional lists told it
    order = list(LISTS)
    for (kind, millesime), group in sorted(groups.items(), key=lambda g: (order.index(g[0][0]), g[0][1])):
        if unauthorized:
            report.left.extend(group)
            continue
        try:
            items = _read_list(client, limiter, kind, millesime, group, page_size, retries, report)
            target = millesime or (_default_millesime(kind, items[1]) if items else None)
            if items and not millesime and target:
                if kind != QuestionKind.SCHOOL:
                    latest_years.append(Millesime(target).last_year)
                elif Millesime(target).last_year != _latest_year(client, limiter, latest_years, report):
                    # Per school, the single route's default is the API's latest millésime: a school list whose
                    # newest year is another one cannot say which records that default finds.
                    target = None
        except Unauthorized:
            logger.warning("inserjeunes lists refused our credentials: per-question calls only")
            unauthorized, items, target = True, None, None
        if items is None or target is None:
            report.left.extend(group)
            report.incomplete.append(f"{LISTS[kind][0]} {millesime or '(dernier millésime)'}")
            continue
        matched = _match(kind, target, group, items[0])
        probe = _probe(client, limiter, kind, matched, report)
        _store(matched, report, probe)
        covered_keys = {q.cache_key for q in report.covered}
        report.left.extend(q for q in group if q.cache_key not in covered_keys)
    return report


def _latest_year(
    client: InserJeunesClient, limiter: RateLimiter, latest_years: list[int], report: BulkReport
) -> int | None:
    """The API's latest year: from the lists read in this run, else one national record of the unfiltered list
    (which holds the latest millésime only)."""
    if latest_years:
        return max(latest_years)
    path, items_key = LISTS[QuestionKind.NATIONAL]
    limiter.acquire()
    try:
        page = client.fetch_page(path, items_key, {}, 1, 1)
    except (Unavailable, BadRequest, NotFound):
        report.failed_pages += 1
        return None
    report.pages += 1
    years = [m.last_year for item in page.items if (m := _parsed_millesime(item.get("millesime"))) is not None]
    return max(years, default=None)


def _read_list(
    client: InserJeunesClient,
    limiter: RateLimiter,
    kind: QuestionKind,
    millesime: str,
    group: list[Question],
    page_size: int,
    retries: int,
    report: BulkReport,
) -> Kept | None:
    """The items of the list that may answer `group` (indexed by code and place), and every millésime listed;
    None when the list could not be read to its end or would cost more calls than the questions it may answer."""
    path, items_key = LISTS[kind]
    params = {"millesimes": millesime} if millesime else {}
    wanted = {(q.certs[0].code, _question_place(q)) for q in group}
    kept: dict[tuple[str, str], list[Item]] = defaultdict(list)
    seen: set[str] = set()
    page, pages = 1, 1
    while page <= pages:
        fetched = None
        for _attempt in range(retries + 1):
            limiter.acquire()
            try:
                fetched = client.fetch_page(path, items_key, params, page, page_size)
                break
            except Unavailable as exc:  # 5xx, timeout, truncated or malformed page: try again, a bounded number
                report.failed_pages += 1
                logger.warning("inserjeunes list %s page %d failed: %s", path, page, exc.cause)
            except (BadRequest, NotFound) as exc:  # the upstream refused the list as asked: no point trying again
                report.failed_pages += 1
                logger.warning("inserjeunes list %s page %d refused: %s", path, page, exc.message)
                return None
        if fetched is None:
            return None
        report.pages += 1
        pages = fetched.nombre_de_page
        if page == 1 and pages > len(group):
            logger.info("inserjeunes list %s: %d pages for %d questions, asked singly", path, pages, len(group))
            return None
        for item in fetched.items:
            code, millesime_of_item = item.get("code_certification"), item.get("millesime")
            if isinstance(millesime_of_item, str):
                seen.add(millesime_of_item)
            key = (code, _place(kind, item))
            if key in wanted:
                kept[key].append(item)
        if not fetched.items:
            break
        page += 1
    return kept, seen


def _match(kind: QuestionKind, target: str, group: list[Question], kept: dict[tuple[str, str], list[Item]]) -> Matched:
    """The item of millésime `target` answering each question of `group`, by cache key (see the module docstring)."""
    variants = _variants(kind, target)
    matched = {}
    for question in group:
        candidates = [
            item
            for item in kept.get((question.certs[0].code, _question_place(question)), [])
            if item.get("millesime") in variants
        ]
        candidates = list({json.dumps(c, sort_keys=True): c for c in candidates}.values())  # a page read twice
        if len(candidates) != 1:  # none (the single route's 404), or ambiguous: per question
            continue
        item = candidates[0]
        famille = item.get("familleMetier")
        if item.get("certificationsTerminales") or (isinstance(famille, dict) and famille.get("isAnneeCommune")):
            continue
        try:
            question.upstream_request.parse(item)
        except Unavailable:
            continue  # a shape we cannot read: the single route decides
        matched[question.cache_key] = (question, item)
    return matched


def _is_small(item: Item) -> bool:
    nb = item.get("nb_annee_term")
    return isinstance(nb, (int, float)) and nb < SMALL_COHORT_THRESHOLD


def _probe(
    client: InserJeunesClient, limiter: RateLimiter, kind: QuestionKind, matched: Matched, report: BulkReport
) -> dict[str, Fetched]:
    """Ask one matched record that is no small cohort on its single route; drop from `matched` the records that are
    no small cohort when its answer carries notes the item lacks (or when the probe fails: we cannot tell)."""
    key = next((k for k, (_, item) in matched.items() if not _is_small(item)), None)
    if key is None:
        return {}
    question, item = matched[key]
    request = question.upstream_request
    limiter.acquire()
    report.probes += 1
    fetched: Fetched | None
    try:
        fetched = client.fetch(request)
        single_notes = set(_notes(request.parse(fetched.payload)))
    except InserJeunesError:
        fetched, single_notes = None, {"?"}
    if single_notes - set(_notes(request.parse(item))):
        report.with_notes.append(LISTS[kind][0])
        for other in [k for k, (_, i) in matched.items() if not _is_small(i)]:
            del matched[other]
    if fetched is None or fetched.payload is None:
        return {}
    matched[key] = (question, fetched.payload)  # the single answer itself, stored as the service would
    return {key: fetched}


def _notes(figures: Figures) -> tuple[str, ...]:
    """The source's notes of a single record (the list routes answer records: never a filières view)."""
    return figures.meta.messages if isinstance(figures, CertificationFigures) else ()


def _without_meta(payload: object) -> object:
    return {k: v for k, v in payload.items() if k != "_meta"} if isinstance(payload, dict) else payload


def _store(matched: Matched, report: BulkReport, probe: dict[str, Fetched]) -> None:
    keys = list(matched)
    changed = False
    for start in range(0, len(keys), STORE_CHUNK):
        chunk = keys[start : start + STORE_CHUNK]
        requests = {key: matched[key][0].upstream_request for key in chunk}
        with singleflight.hold(chunk, timeout=30.0) as held:
            entries = store.read_entries(held)
            now = timezone.now()
            outcomes: dict[str, Fetched] = {}
            for key in held:
                entry, item = entries.get(key), matched[key][1]
                if entry is not None and entry.is_fresh(now):
                    report.covered.append(matched[key][0])  # stored meanwhile by a page: nothing to do
                    continue
                if entry is not None and entry.status == 200 and _without_meta(entry.payload) == _without_meta(item):
                    outcomes[key] = Fetched(None, entry.etag or None, not_modified=True)
                    report.renewed += 1
                else:
                    outcomes[key] = probe.get(key) or Fetched(item, None)
                    changed = changed or entry is not None
                    report.stored += 1
                report.covered.append(matched[key][0])
            fetched_at = store.write_outcomes(requests, outcomes, existing=entries)
        for key, outcome in outcomes.items():
            if not outcome.not_modified:  # memoised as the row just written will be read back
                parsed.put_key((key, 200, fetched_at, outcome.etag or ""), requests[key].parse(outcome.payload))
    if changed:
        generations.bump("figures")  # pages that showed the old answers must be rendered again
