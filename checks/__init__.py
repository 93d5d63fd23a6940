"""Check modules and the quarterly self-check score.

- `checks/<id>.py`: one module per check (its docstring says what it catches and which indicator
  it serves); each exposes `CHECK = Check(id, config, run)` and reads one scan run from the
  database through a `CheckContext` — never the network.
- `config/indicators.yaml`: the check registry (section names = check ids, in run order), each
  check's thresholds, and the scoring rules (`checks.config`).
- `checks.engine`: `run_checks`, `check_and_score`, `set_status` — findings kept across runs.
- `checks.scoring`: vetoes, deductions and the per site / account / unit score of a run.
"""
