"""The crawl's frontier (requests scheduled, not yet sent) on disk, not in memory.

A site's list pages name all of its detail pages long before they are fetched: on five sites of
10,000 pages the in-memory scheduler held 47,000 requests (about 100 MB) a minute into the crawl,
so a process's memory grew with the size of the sites it crawled. With a JOBDIR Scrapy's
scheduler keeps every request it can serialise in disk queues (SCHEDULER_DISK_QUEUE, one per
download slot and priority) and only a handful in memory; requests it cannot serialise still
go to memory and are counted (scheduler/unserializable).

The directory lives as long as the crawl (a killed crawl's is removed by the next crawl on the
machine): a scan cut short is crawled again from each cut-off site's start (scan --resume), since
the spider's own state (pages requested, columns walked) is not persisted with the queue.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# one open file per download slot and priority with requests pending: a crawl checking links to
# many external hosts at once needs more than the 1,024 a login shell often allows
WANTED_OPEN_FILES = 65536


def raise_open_files_limit(wanted: int = WANTED_OPEN_FILES) -> int:
    """Raise this process's soft limit on open files towards `wanted` (never above the hard
    limit, never lower than it is); the soft limit now."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    return soft


PREFIX = "govinspect-frontier-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_orphans(parent: str | None = None) -> list[str]:
    """Remove the frontier directories of crawls whose process is gone (killed before it could
    remove its own); the paths removed."""
    removed = []
    for path in Path(parent or tempfile.gettempdir()).glob(f"{PREFIX}*-*"):
        pid = path.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


@contextlib.contextmanager
def frontier_dir(parent: str | None = None) -> Iterator[str]:
    """A fresh JOBDIR for one crawler (under `parent`, else the system's temporary directory:
    TMPDIR), removed when the crawl ends."""
    raise_open_files_limit()
    remove_orphans(parent)
    with tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-", dir=parent or None,
                                     ignore_cleanup_errors=True) as path:
        yield path
