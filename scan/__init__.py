"""One scan run end to end: claim sites, crawl, then the checks and the scores."""
