"""Shared pytest configuration. The database fixtures live in conftest_db.py, the shared sample
sites and their reference scan in shared_samples.py (tests/ is on sys.path:
there is no tests/__init__.py, so pytest puts the directory itself there)."""

from conftest_db import *  # noqa: F403
from shared_samples import *  # noqa: F403
