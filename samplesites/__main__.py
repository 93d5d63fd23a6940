"""python -m samplesites serve --out DIR [--as-of DATE]: generate the sample sites and serve them."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
from pathlib import Path

from samplesites import (
    DEAD_SITE_ID,
    DEFAULT_BINDINGS,
    DEFAULT_DEAD_URL,
    DEFAULT_EXTERNAL_BINDING,
    EXTERNAL_ID,
    generate,
)
from samplesites.server import SampleServers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplesites", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="generate the sample sites and serve them until Ctrl-C")
    serve.add_argument("--out", required=True, type=Path, help="directory to write the sites into")
    serve.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(),
                       help="the scan's as-of date (YYYY-MM-DD); all planted dates are relative to it")
    args = parser.parse_args(argv)

    bindings = {sid: addr for sid, addr in DEFAULT_BINDINGS.items() if sid != DEAD_SITE_ID}
    bindings[EXTERNAL_ID] = DEFAULT_EXTERNAL_BINDING  # the expired domain a 友情链接 still points to
    servers = SampleServers(bindings)
    try:
        truth = generate(args.out, args.as_of, servers.base_urls, DEFAULT_DEAD_URL)
        servers.start(args.out)
        for sid, url in servers.base_urls.items():
            print(f"{sid:10s} {url}")
        print(f"{DEAD_SITE_ID:10s} {DEFAULT_DEAD_URL} (registered, nothing listens)")
        print(f"truth: {args.out / 'truth.json'} ({len(truth['findings'])} planted findings); "
              f"registry: {args.out / 'sites.yaml'}. Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
