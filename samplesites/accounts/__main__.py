"""python -m samplesites.accounts [--as-of DATE] [--host H] [--port P]: serve the sample accounts and
print the registry snippet (YAML) and the environment their credentials_env names need."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading

import yaml

from samplesites.accounts import DEFAULT_HOST, serve_accounts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplesites.accounts", description=__doc__)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    server, truth = serve_accounts(args.as_of, args.host, args.port)
    try:
        print(yaml.safe_dump({"units": truth["registry"]}, allow_unicode=True, sort_keys=False))
        for name, value in truth["credentials"].items():
            print(f"export {name}='{value}'")
        print(f"# serving {server.base_url} ({len(truth['findings'])} planted findings). Ctrl-C to stop.", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
