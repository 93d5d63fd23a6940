"""Downloader middlewares: one component per module, configured through settings."""
