"""Which Chromium the crawler launches, and how.

`render.executable_path` when configured; else Playwright's bundled build when `playwright install
chromium` put it in place; else the system's (`apt-get install chromium`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

# no sandbox: crawl workers run as root in containers; no GPU on servers; no phoning home; no way
# out but the policy proxy: no name resolved by Chromium itself, no QUIC, no WebRTC UDP
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]
SYSTEM_CHROMIUMS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def system_chromium() -> str | None:
    """The system's Chromium, if any."""
    for path in SYSTEM_CHROMIUMS:
        if Path(path).is_file():
            return path
    return shutil.which("chromium") or shutil.which("chromium-browser")
