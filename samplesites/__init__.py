"""samplesites package."""
