"""How one availability probe of a homepage is judged (config/indicators.yaml site_unreachable)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ProbeRules:
    """How a homepage visit is judged (config/indicators.yaml site_unreachable)."""

    timeout_s: float
    slow_s: float
    fail_status_min: int = 400
    placeholders: Sequence[str] = ()
    placeholder_max_chars: int = 500
