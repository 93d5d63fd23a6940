"""The as-of day is China's local day, whatever zone the inspecting machine runs in."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from core.clock import local_today
from core.registry import CrawlConfig


def test_local_today_is_the_beijing_day() -> None:
    # 18:30 UTC on 30 November is 02:30 on 1 December in Beijing: the quarterly scan's hour
    now = dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC)
    assert local_today(now=now) == dt.date(2026, 12, 1)
    assert local_today("UTC", now=now) == dt.date(2026, 11, 30)


def test_registry_timezone_is_validated() -> None:
    assert CrawlConfig().timezone == "Asia/Shanghai"
    with pytest.raises(ValidationError, match="unknown time zone"):
        CrawlConfig(timezone="Asia/Beijing")
