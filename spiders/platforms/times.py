"""Post times as naive local datetimes in Asia/Shanghai.

Every timestamp a platform gives (Weibo's "Sat Nov 01 10:00:00 +0800 2026", WeChat's Unix
seconds, RSS RFC 822 dates in GMT, Atom ISO 8601 with an offset) is converted to Beijing time
and stored without tzinfo, which is how db.models.Post.posted_at and the indicator's
监测时间点 (a local date) are expressed. A time given without any zone is taken as already local:
Chinese feeds that omit the zone mean Beijing time.

Asia/Shanghai has been UTC+8 without daylight saving since 1991, so a fixed offset is exact for
any post and avoids depending on the tz database being installed.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re

CST = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def to_local(value: dt.datetime) -> dt.datetime:
    """Aware -> naive Beijing time; naive is assumed to be Beijing time already."""
    if value.tzinfo is None:
        return value
    return value.astimezone(CST).replace(tzinfo=None)


def from_unix(seconds: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(seconds), tz=CST).replace(tzinfo=None)


def now_local() -> dt.datetime:
    return dt.datetime.now(CST).replace(tzinfo=None)


_LOCAL_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d",
                  "%Y/%m/%d", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")


def parse_local(text: str) -> dt.datetime | None:
    """The zone-less formats Chinese CMS feeds put where a standard date belongs."""
    text = text.strip()
    for fmt in _LOCAL_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_rfc822(text: str) -> dt.datetime | None:
    """RSS pubDate ("Tue, 17 Nov 2026 02:00:00 GMT"); falls back to ISO and local formats, which
    feeds use just as often."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None:
        return to_local(value)
    return parse_iso(text)


def parse_iso(text: str) -> dt.datetime | None:
    """Atom updated/published ("2026-11-17T10:00:00+08:00", "...Z"), then local formats."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return to_local(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    return parse_local(text)


_WEIBO_ABS = "%a %b %d %H:%M:%S %z %Y"
_MINUTES_AGO = re.compile(r"^(\d+)\s*分钟前$")
_HOURS_AGO = re.compile(r"^(\d+)\s*小时前$")
_TODAY = re.compile(r"^今天\s*(\d{1,2}):(\d{2})$")
_YESTERDAY = re.compile(r"^昨天\s*(\d{1,2}):(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def parse_weibo_time(text: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Weibo's created_at: the API's absolute form, or the relative forms older mobile endpoints
    still return (刚刚, 5分钟前, 今天 10:00, 昨天 10:00, 11-01, 2025-11-01), relative to `now`
    (naive local; defaults to the current time, which is when the response was fetched)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return to_local(dt.datetime.strptime(text, _WEIBO_ABS))
    except ValueError:
        pass
    now = now or now_local()
    if text == "刚刚":
        return now.replace(microsecond=0)
    if m := _MINUTES_AGO.match(text):
        return (now - dt.timedelta(minutes=int(m.group(1)))).replace(second=0, microsecond=0)
    if m := _HOURS_AGO.match(text):
        return (now - dt.timedelta(hours=int(m.group(1)))).replace(minute=0, second=0, microsecond=0)
    for rx, days in ((_TODAY, 0), (_YESTERDAY, 1)):
        if m := rx.match(text):
            day = now.date() - dt.timedelta(days=days)
            return dt.datetime.combine(day, dt.time(int(m.group(1)), int(m.group(2))))
    if m := _MONTH_DAY.match(text):
        try:
            value = dt.datetime(now.year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
        if value <= now:
            return value
        # a month-day later than today is from last year (the API drops the year within 12 months)
        try:
            return value.replace(year=now.year - 1)
        except ValueError:  # 02-29
            return None
    return parse_local(text)
