"""End to end for the checks: scan the generated sample sites (the scan runs the checks at its
end) and compare the findings with the defects the generator planted, exactly: no planted defect
missed, no finding the truth file does not list (the look-alikes must stay quiet)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from samples_env import SampleEnv, run_cli
from shared_samples import ReferenceScan
from sqlalchemy import select

from db.models import Finding, Score
from db.session import make_engine, session_factory

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scanned(samples: SampleEnv, reference_scan: ReferenceScan) -> Any:
    engine = make_engine(reference_scan.db)
    session = session_factory(engine)()
    yield samples, reference_scan.db, session
    session.close()
    engine.dispose()


def test_findings_equal_the_planted_defects(scanned: Any) -> None:
    env, _, session = scanned
    truth = {(t["site"], t["check"], t["target"]): t for t in env.truth["findings"]}
    got = {(f.subject_id, f.check_id, f.target): f for f in session.scalars(select(Finding))}
    missing = sorted(set(truth) - set(got))
    extra = sorted((k, got[k].detail) for k in set(got) - set(truth))
    assert not missing and not extra, f"missed: {missing}\nunexpected: {extra}"
    wrong_url = [(k, t["url"], got[k].url) for k, t in truth.items() if "url" in t and t["url"] != got[k].url]
    assert not wrong_url
    assert all(f.status == "open" and f.first_seen_run == f.last_seen_run for f in got.values())


def test_every_scanned_site_and_unit_is_scored(scanned: Any) -> None:
    env, _, session = scanned
    scores = {(s.subject, s.subject_id): s for s in session.scalars(select(Score))}
    sites = set(env.truth["sites"])
    assert {sid for subject, sid in scores if subject == "site"} == sites
    readable = {aid for aid, a in env.truth["accounts"].items() if a["status"] == "completed"}
    assert {sid for subject, sid in scores if subject == "account"} == readable
    units = {s["unit"] for s in env.truth["sites"].values()} | {a["unit_id"] for a in env.truth["accounts"].values()}
    assert {sid for subject, sid in scores if subject == "unit"} == units
    stale_accounts = {f["site"] for f in env.truth["findings"] if f["check"] in ("account_stale", "account_empty")}
    assert stale_accounts and all(not scores[("account", a)].passed for a in stale_accounts)
    assert all(scores[("account", a)].passed for a in readable - stale_accounts)
    vetoed = {sid for (subject, sid), s in scores.items() if subject == "site" and s.vetoes}
    planted_vetoes = {t["site"] for t in env.truth["findings"]
                      if t["check"] in ("site_unreachable", "homepage_stale", "serious_error")}
    assert planted_vetoes <= vetoed
    assert all(not scores[("site", sid)].passed for sid in vetoed)


def test_findings_cli_reads_the_scan(scanned: Any) -> None:
    env, db, _ = scanned
    proc = run_cli("findings", "--db", db, "--format", "json")
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = json.loads(proc.stdout)
    assert len(rows) == len(env.truth["findings"])
    leak = next(r for r in rows if r["check"] == "privacy_leak" and r["target"] == "mobile")
    assert "****" in leak["detail"] and leak["evidence"]["hits"][0]["snippet"]
