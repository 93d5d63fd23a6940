"""config/schedule.yaml: the scheduler's jobs (quarterly full scan, weekly light scan,
availability probes) and the quarterly publication deadline. Loaded through `yamlconf`, so every
error names file, line and field; cron expressions are checked by building their triggers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from core.clock import local_today, zone
from core.registry import CONFIG_DIR
from core.yamlconf import ConfigError, line_of, load_yaml, validate

DEFAULT_SCHEDULE = CONFIG_DIR / "schedule.yaml"
DAY_S = 86_400


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: dt.date) -> dt.date:
    """The quarter's last day."""
    start = quarter_start(day)
    nxt = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


class Deadline(Strict):
    """季度自查结果 must be published before `day` of the quarter's `month_of_quarter`-th month."""

    month_of_quarter: int = Field(default=2, ge=1, le=3)
    day: int = Field(default=10, ge=1, le=28)
    min_review_days: int = Field(default=5, ge=0)

    def for_day(self, day: dt.date) -> dt.date:
        """The publication deadline of the quarter `day` is in."""
        start = quarter_start(day)
        return dt.date(start.year, start.month + self.month_of_quarter - 1, self.day)


class Cron(Strict):
    month: str | int = "*"
    day: str | int = "*"
    day_of_week: str | int = "*"
    hour: str | int = 0
    minute: str | int = 0

    def trigger(self, timezone: str) -> CronTrigger:
        return CronTrigger(month=self.month, day=self.day, day_of_week=self.day_of_week, hour=self.hour,
                           minute=self.minute, timezone=timezone)


class ScanJob(Strict):
    enabled: bool = True
    cron: Cron
    # how late a missed run may still start (scheduler down at fire time); later, it is skipped
    misfire_grace_hours: float = Field(gt=0)
    # a scan subprocess still running after this is killed (a hung scan must not block the job forever)
    max_hours: float = Field(default=48, gt=0)


class Probes(Strict):
    enabled: bool = True
    per_day: int = Field(default=24, ge=20, le=1440)  # the indicator: 每天间隔性访问20次以上
    jitter_s: int = Field(default=600, ge=0)
    misfire_grace_s: int = Field(default=900, ge=1)
    workers: int = Field(default=8, ge=1, le=64)

    @model_validator(mode="after")
    def _jitter_fits(self) -> Probes:
        if self.jitter_s >= self.period_s:
            raise ValueError(f"jitter_s must be below one probe period ({self.period_s:g} s at {self.per_day} a day)")
        return self

    @property
    def period_s(self) -> float:
        """The longest gap between two probes of a site."""
        return DAY_S / self.per_day

    @property
    def interval_s(self) -> float:
        """The trigger interval: APScheduler adds the jitter (0..jitter_s) to each gap and counts the
        next gap from the jittered time, so interval + jitter must stay within one period for
        `per_day` probes to be guaranteed."""
        return self.period_s - self.jitter_s


class ScheduleConfig(Strict):
    timezone: str = "Asia/Shanghai"
    deadline: Deadline = Deadline()
    quarterly_scan: ScanJob
    weekly_scan: ScanJob
    probes: Probes = Probes()
    log_dir: str = "logs"
    _path: str = PrivateAttr("")

    @property
    def path(self) -> str:
        """The file it was loaded from."""
        return self._path

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        zone(v)
        return v

    @property
    def tz(self) -> ZoneInfo:
        return zone(self.timezone)

    def today(self, now: dt.datetime | None = None) -> dt.date:
        return local_today(self.timezone, now)


def quarterly_fire_times(cfg: ScheduleConfig, after: dt.datetime, count: int = 4) -> list[dt.datetime]:
    """The next `count` fire times of the quarterly scan after `after` (aware)."""
    trigger = cfg.quarterly_scan.cron.trigger(cfg.timezone)
    out: list[dt.datetime] = []
    prev = None
    now = after
    for _ in range(count):
        nxt = trigger.get_next_fire_time(prev, now)
        if nxt is None:
            break
        out.append(nxt)
        prev, now = nxt, nxt + dt.timedelta(seconds=1)
    return out


def _check_quarterly(cfg: ScheduleConfig, data: Any, path: Path) -> None:
    """The quarterly scan must leave `min_review_days` before each quarter's deadline: a cron that
    fires after (or just before) the deadline would publish an unreviewed or stale result."""
    start = dt.datetime(2026, 1, 1, tzinfo=cfg.tz)
    dl = cfg.deadline
    for fire in quarterly_fire_times(cfg, start, 8):
        deadline = dl.for_day(fire.date())
        left = (deadline - fire.date()).days
        if left < dl.min_review_days:
            raise ConfigError(
                path, line_of(data, ("quarterly_scan", "cron")), "quarterly_scan.cron",
                f"fires on {fire:%Y-%m-%d %H:%M}, {left} day(s) before that quarter's publication deadline "
                f"{deadline} (deadline.min_review_days: {dl.min_review_days}); run it early in the quarter's "
                f"month {dl.month_of_quarter}",
            )


def load_schedule(path: str | Path | None = None) -> ScheduleConfig:
    path = Path(path) if path else DEFAULT_SCHEDULE
    data = load_yaml(path)
    cfg = validate(ScheduleConfig, data, path)
    for name in ("quarterly_scan", "weekly_scan"):
        job: ScanJob = getattr(cfg, name)
        try:
            job.cron.trigger(cfg.timezone)
        except ValueError as exc:
            raise ConfigError(path, line_of(data, (name, "cron")), f"{name}.cron", str(exc)) from None
    if cfg.quarterly_scan.enabled:
        _check_quarterly(cfg, data, path)
    cfg._path = str(path)
    return cfg
