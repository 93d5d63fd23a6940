"""Link checks shared with the other processes crawling the same run (db.linkclaims): on when
the runner sets GOVINSPECT_SHARED_CHECKS (a site task of `scan --workers` or a Celery worker).

A claim is one small write per distinct target outside the site, made once per process (the
spider's own `checked` set comes first), so it stays off the per-link hot path."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from db.linkclaims import claim_check, defer_check
from db.session import make_engine

log = logging.getLogger(__name__)

SETTING = "GOVINSPECT_SHARED_CHECKS"


class SharedChecks:
    def __init__(self, db_url: str, run_id: int, other_sites_hosts: set[str]) -> None:
        self.run_id = run_id
        self.engine: Engine = make_engine(db_url)
        self.other_sites_hosts = other_sites_hosts

    def claim(self, url: str, site_id: str, tag: str) -> bool:
        try:
            with self.engine.begin() as conn:
                if (urlsplit(url).hostname or "").lower() in self.other_sites_hosts:
                    defer_check(conn, self.run_id, url, site_id, tag)
                    return False
                return claim_check(conn, self.run_id, url, site_id)
        except Exception as exc:
            # the pipeline reports a database that fails; a check made twice is the lesser harm
            log.warning("could not claim %s for checking (%s); checking it here", url, exc)
            return True

    def close(self) -> None:
        self.engine.dispose()


def claim(spider: Any, url: str, site_id: str, tag: str) -> bool:
    """Whether this process should check `url` (a target outside the site it was found on, as a
    `tag` link). A URL of another site of the registry that this process does not crawl is left
    to the run's last pass (db.linkclaims.DEFERRED): its own task may be crawling it right now, in
    another process, and two processes would break its politeness limit."""
    shared = getattr(spider, "_shared_checks", None)
    if shared is None:
        settings = getattr(spider, "settings", None)
        if settings is None or not settings.getbool(SETTING) or settings.get("GOVINSPECT_RUN_ID") in (None, ""):
            spider._shared_checks = False
            return True
        shared = spider._shared_checks = SharedChecks(settings.get("GOVINSPECT_DB_URL"),
                                                      settings.getint("GOVINSPECT_RUN_ID"),
                                                      _other_sites_hosts(spider))
    return shared.claim(url, site_id, tag) if shared else True


def _other_sites_hosts(spider: Any) -> set[str]:
    mine = set(getattr(spider, "states", {}))
    return {h for _, site in spider.registry.sites() if site.id not in mine for h in site.host_names}
