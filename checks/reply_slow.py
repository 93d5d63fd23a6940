"""reply_slow — a message of the past year answered more than N working days (default 5) after it
was left, counted on China's official calendar: 法定节假日 are not working days, 调休 make-up
Saturdays and Sundays are (the maintained `chinesecalendar` package, updated each year when the
State Council publishes the holiday notice). For a year the package does not cover yet, Monday to
Friday are counted and the evidence says so.

Indicator: 互动交流 / 答复时效 (扣分) 「简单常见咨询答复超5个工作日」 [C] (湖南 practice, E21); 陕西 counts
on-time answers to its test letters (E20). Whether a question was simple is for the inspector.

Reads: the messages of the 政务咨询 columns with both 留言时间 and 答复时间 (checks/interaction_data.py).
Replies later than `skip_over_days` calendar days are interaction_unanswered's (a veto), not counted
again here. Target: the message's URL. Evidence: both dates, working days, the holidays in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import chinese_calendar
from pydantic import Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft, iso
from checks.interaction_data import site_interaction


class Config(CheckConfig):
    max_working_days: int = Field(default=5, ge=1)
    window_days: int = Field(default=365, ge=1)  # messages left in the past year
    skip_over_days: int = Field(default=90, ge=1)  # interaction_unanswered's from here on


def working_days(start: dt.date, end: dt.date) -> tuple[int, dict[str, Any]]:
    """Working days after `start` up to and including `end` (left Monday, answered the next
    Monday: 5), and how they were counted: {calendar: official | weekdays, holidays: [...],
    makeup_workdays: [...]}."""
    days = [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]
    holidays: list[str] = []
    makeup: list[str] = []
    calendar = "official"
    n = 0
    for day in days:
        try:
            work = chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year the package has no data for yet
            calendar = "weekdays"
            work = day.weekday() < 5
        else:
            if not work and day.weekday() < 5:
                holidays.append(day.isoformat())
            elif work and day.weekday() >= 5:
                makeup.append(day.isoformat())
        n += work
    return n, {"calendar": calendar, "holidays": holidays, "makeup_workdays": makeup}


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    since = ctx.as_of - dt.timedelta(days=cfg.window_days)
    for site_id in ctx.sites:
        for msg in site_interaction(ctx, site_id).messages:
            if msg.asked is None or msg.answered is None or not since <= msg.asked <= ctx.as_of:
                continue
            calendar_days = (msg.answered - msg.asked).days
            if calendar_days < 0 or calendar_days > cfg.skip_over_days:
                continue
            n, how = working_days(msg.asked, msg.answered)
            if n <= cfg.max_working_days:
                continue
            note = "" if how["calendar"] == "official" else "（该年度法定节假日安排未收录，按周一至周五计）"
            detail = (f"答复不及时：「{msg.column}」留言「{msg.title}」{iso(msg.asked)}留言，{iso(msg.answered)}答复，"
                      f"用时{n}个工作日，超过{cfg.max_working_days}个工作日{note}")
            evidence = {**msg.evidence(), "working_days": n, "calendar_days": calendar_days,
                        "max_working_days": cfg.max_working_days, **how}
            yield FindingDraft(site_id, msg.url, msg.url, detail, evidence)


CHECK = Check(id="reply_slow", config=Config, run=run, doc=__doc__ or "")
