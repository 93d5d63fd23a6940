"""Queries and exports shared by the CLI, the scheduler and the web UI."""
