"""Sample new-media accounts (Weibo container API, WeChat publishing API and backend list, RSS and
Atom) with planted defects and a truth, served on loopback for tests and the demo.

    server = AccountServer("127.0.2.200", 0)
    routes, truth = generate_accounts(as_of, server.base_url)
    server.serve(routes)
    merge_registry(registry_dict, truth["registry"]); os.environ.update(truth["credentials"])
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from samplesites.accounts.generator import (
    CREDENTIALS,
    generate_accounts,
    merge_registry,
    registry_units,
    sample_env,
)
from samplesites.accounts.server import DEFAULT_HOST, AccountServer


def serve_accounts(as_of: dt.date, host: str = DEFAULT_HOST, port: int = 0) -> tuple[AccountServer, dict[str, Any]]:
    """Bind, generate for the bound address, serve; returns (server, truth). Call server.stop()."""
    server = AccountServer(host, port)
    routes, truth = generate_accounts(as_of, server.base_url)
    server.serve(routes)
    return server, truth


__all__ = ["CREDENTIALS", "DEFAULT_HOST", "AccountServer", "generate_accounts", "merge_registry", "registry_units",
           "sample_env", "serve_accounts"]
