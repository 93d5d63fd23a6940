"""Network clients outside the crawl: availability probes and re-requesting one link."""
