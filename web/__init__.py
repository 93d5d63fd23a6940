"""The inspectors' web UI (`govinspect serve`): dashboard, sites, findings with their evidence,
the review workflow, rechecks, users and the quarterly reports. Server-rendered, no script, every
asset served by itself. Sits at the top beside cli/ and imports neither cli nor samplesites."""
