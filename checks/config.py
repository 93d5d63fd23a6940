"""config/indicators.yaml: which checks run (in file order), each check's thresholds, and the
scoring rules. Loaded with line numbers, so every error names file, line and field.

The `checks` mapping is the registry: a key `foo` loads the module `checks/foo.py`, whose `CHECK`
declares the pydantic model its section is validated against. Adding a check is adding a module
and a section here.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from checks.base import Check, CheckConfig, Severity
from core.registry import CONFIG_DIR
from core.yamlconf import ConfigError, LineDict, line_of, load_yaml, validate

DEFAULT_INDICATORS = CONFIG_DIR / "indicators.yaml"

_CHECK_ID = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# modules of the package that are not checks
_RESERVED = {"base", "config", "engine", "scoring", "testing"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Match(Strict):
    """Which findings a scoring rule counts: by check id, by severity, and by evidence fields
    (`where: {category: [news], first_level: true}` = evidence.category in [news] and
    evidence.first_level == true)."""

    check: str | None = None
    severity: Severity | None = None
    where: dict[str, Any] = {}

    def matches(self, check_id: str, severity: str, evidence: dict[str, Any]) -> bool:
        if self.check is not None and check_id != self.check:
            return False
        if self.severity is not None and severity != self.severity:
            return False
        for key, want in self.where.items():
            have = evidence.get(key)
            if isinstance(want, list):
                if have not in want:
                    return False
            elif have != want:
                return False
        return True


class Rule(Strict):
    id: str
    name: str
    subjects: list[Literal["site", "account"]] = ["site"]
    match: list[Match] = Field(min_length=1)  # a finding counts when any entry matches

    def counts(self, check_id: str, severity: str, evidence: dict[str, Any]) -> bool:
        return any(m.matches(check_id, severity, evidence) for m in self.match)


class VetoRule(Rule):
    min_count: int = Field(default=1, ge=1)  # 单项否决 when at least this many findings count


class DeductionRule(Rule):
    points_each: float = Field(gt=0)
    max_points: float = Field(gt=0)  # 单项指标扣分之和不超过本项指标总分值


class Grade(Strict):
    grade: str = Field(max_length=10)
    min: float  # reached when score >= min (or > min when exclusive)
    exclusive: bool = False


class NoServiceRule(Strict):
    """国务院部门 sites without 对外服务职能: deduct from `base`, then multiply by `factor`."""

    sites: list[str] = []
    base: float = 75
    factor: float = 4 / 3


class UnitRule(Strict):
    score: Literal["min", "mean"] = "min"
    # all: the unit passes only when every scored site and account of it passes
    passed: Literal["all"] = "all"


class Scoring(Strict):
    base_points: float = 100
    pass_line: float = 60
    # the score of a vetoed site (不合格 whatever its points); null keeps the points left after
    # deductions, for information
    veto_score: float | None = 0
    counted_statuses: list[Literal["open", "confirmed", "dismissed", "fixed"]] = ["open", "confirmed"]
    grades: list[Grade] = []  # best first; a vetoed or failing subject is `fail_grade`
    fail_grade: str = Field(default="不合格", max_length=10)
    no_service_function: NoServiceRule = NoServiceRule()
    unit: UnitRule = UnitRule()
    vetoes: list[VetoRule] = []
    deductions: list[DeductionRule] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> Scoring:
        seen: set[str] = set()
        for rule in [*self.vetoes, *self.deductions]:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        return self


class IndicatorsFile(Strict):
    checks: dict[str, dict[str, Any] | None]
    scoring: Scoring
    # the checks that judge a light run (the weekly scan of homepages and news columns)
    light_scan_checks: list[str] = []


@dataclass
class LoadedCheck:
    check: Check
    config: CheckConfig


@dataclass
class Indicators:
    path: str
    checks: list[LoadedCheck]  # file order, enabled or not
    scoring: Scoring
    light_scan_checks: tuple[str, ...] = ()

    def enabled(self) -> list[LoadedCheck]:
        return [c for c in self.checks if c.config.enabled]

    def config_of(self, check_id: str) -> CheckConfig | None:
        return next((c.config for c in self.checks if c.check.id == check_id), None)

    def severity_of(self, check_id: str) -> str | None:
        for c in self.checks:
            if c.check.id == check_id:
                return c.config.severity
        return None


def load_check_module(check_id: str) -> Check:
    """Import checks/<check_id>.py and return its CHECK; ValueError says what is wrong."""
    if not _CHECK_ID.match(check_id) or check_id in _RESERVED:
        raise ValueError(f"{check_id!r} is not a valid check id (lowercase, digits, _; not {sorted(_RESERVED)})")
    try:
        module = importlib.import_module(f"checks.{check_id}")
    except ModuleNotFoundError as exc:
        if exc.name == f"checks.{check_id}":
            raise ValueError(f"no check module checks/{check_id}.py") from None
        raise
    check = getattr(module, "CHECK", None)
    if not isinstance(check, Check):
        raise ValueError(f"checks/{check_id}.py has no CHECK = Check(...)")
    if check.id != check_id:
        raise ValueError(f"checks/{check_id}.py declares id {check.id!r}")
    return check


def load_indicators(path: str | Path | None = None) -> Indicators:
    path = Path(path) if path else DEFAULT_INDICATORS
    data = load_yaml(path)
    top = validate(IndicatorsFile, data, path)
    raw_checks = data["checks"]
    loaded: list[LoadedCheck] = []
    for check_id in top.checks:
        line = line_of(data, ("checks", check_id))
        try:
            check = load_check_module(check_id)
        except ValueError as exc:
            raise ConfigError(path, line, f"checks.{check_id}", str(exc)) from None
        section = raw_checks[check_id]
        if section is None:
            section = LineDict()
            section.line, section.key_lines = line or 0, {}
        try:
            cfg = validate(check.config, section, path)
        except ConfigError as exc:
            field = f"checks.{check_id}" + (f".{exc.field}" if exc.field else "")
            raise ConfigError(path, exc.line or line, field, exc.message) from None
        loaded.append(LoadedCheck(check, cfg))
    known = {c.check.id for c in loaded}
    for kind, rules in (("vetoes", top.scoring.vetoes), ("deductions", top.scoring.deductions)):
        for i, rule in enumerate(rules):
            for j, m in enumerate(rule.match):
                if m.check is not None and m.check not in known:
                    loc = ("scoring", kind, i, "match", j, "check")
                    raise ConfigError(path, line_of(data, loc), f"scoring.{kind}[{i}].match[{j}].check",
                                      f"unknown check {m.check!r}")
    for i, check_id in enumerate(top.light_scan_checks):
        if check_id not in known:
            raise ConfigError(path, line_of(data, ("light_scan_checks", i)), f"light_scan_checks[{i}]",
                              f"unknown check {check_id!r}")
    return Indicators(path=str(path), checks=loaded, scoring=top.scoring, light_scan_checks=tuple(top.light_scan_checks))
