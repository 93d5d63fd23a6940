"""The `govinspect` command line: parse options, call a layer, print."""
