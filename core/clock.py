"""The inspection's calendar. The indicators count days in China's local time (a 2-week window
ends on the check day in Asia/Shanghai), whatever clock the inspecting machine keeps: a scan that
starts at 02:00 Beijing time on a UTC server is still on the Beijing day, not the UTC one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def zone(name: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)") from None


def local_today(timezone: str = DEFAULT_TIMEZONE, now: dt.datetime | None = None) -> dt.date:
    """Today's date in `timezone` (now: an aware datetime, for tests)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(zone(timezone)).date()
