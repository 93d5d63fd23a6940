"""Sample government websites (安康市 and its units) with planted defects, for tests and the demo.

`generate(out_dir, as_of, base_urls, dead_url)` writes the sites, truth.json (exactly what a scan must
find, see CONTRACT.md) and sites.yaml; `server.SampleServers` serves them on loopback addresses;
`python -m samplesites serve --out DIR` does both for manual use.

Modules: generate (orchestration, registry), sites/* (one per site), site_base (the skeleton and page
order every site shares; dynsites builds the script-filled-list sites on it), builder (column/article model,
link-recording Page, output, self-checks), templates (shared HTML fragments), truth (bookkeeping),
content (Chinese text), assets (static files), server.
"""

from __future__ import annotations

from samplesites.external import DEFAULT_EXTERNAL_BINDING, EXTERNAL_ID
from samplesites.generate import DEAD_SITE_ID, generate, site_ids

DEFAULT_DEAD_URL = "http://127.0.2.250:8080/"

# site id -> (ip, port) for the demo; the dead site is registered at its address but never served
DEFAULT_BINDINGS: dict[str, tuple[str, int]] = {
    "akzf-www": ("127.0.2.1", 8080),
    "hbq-www": ("127.0.2.2", 8080),
    "akjyj": ("127.0.2.3", 8080),
    "akwjw": ("127.0.2.4", 8080),
    "zyx-www": ("127.0.2.5", 8080),
    "akzrzyj": ("127.0.2.6", 8080),
    "plx-www": ("127.0.2.7", 8080),
    "aknyj": ("127.0.2.8", 8080),
    "sqx-www": ("127.0.2.9", 8080),
    DEAD_SITE_ID: ("127.0.2.250", 8080),
}

__all__ = ["DEAD_SITE_ID", "DEFAULT_BINDINGS", "DEFAULT_DEAD_URL", "DEFAULT_EXTERNAL_BINDING", "EXTERNAL_ID", "generate",
           "site_ids"]
