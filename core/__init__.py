"""The bottom layer: registry and column-rule models, URL identity, clock, errors, items. Imports no other project package."""
