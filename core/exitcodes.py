"""Exit codes of every govinspect command (the scheduler reads them from its child scans)."""

OK = 0
FAILED = 1  # the work failed (a scan with no verdicts, a link still broken after a recheck)
USAGE = 2  # bad input: an option, a config line
BUSY = 3  # every requested site is being scanned by another run
