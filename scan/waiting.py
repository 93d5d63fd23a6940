"""How long a distributed scan waits in silence before it says no worker is serving it.

Kept apart from scan.tasks (which loads Celery and the crawl) so that the CLI can show the
default in its help without importing either."""

# a scan that has seen no worker take any of its tasks for this long says so (and keeps waiting
# unless it was given a limit): a queue nobody consumes looks exactly like a slow crawl otherwise
NO_WORKER_NOTICE_S = 30.0
NO_WORKER_REMIND_S = 600.0
