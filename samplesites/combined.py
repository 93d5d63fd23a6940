"""The sample sites and the sample new-media accounts as one inspection: one registry (sites.yaml
with the accounts merged into their units) and one truth (truth.json with the accounts' findings),
so a single `govinspect scan` covers both, as it does for a real city."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from samplesites.accounts import merge_registry


def account_findings(accounts_truth: dict[str, Any]) -> list[dict[str, str]]:
    """The accounts' planted findings in the sites' truth form ({site, check, target}): stale and
    empty accounts, and link_broken for every failing link inside an account's posts."""
    found = [{"site": f["account"], "check": f["check"], "target": f["target"]} for f in accounts_truth["findings"]]
    failing = {url for url, res in accounts_truth["link_results"].items() if not res["ok"]}
    for aid, acc in accounts_truth["accounts"].items():
        for target in sorted({lk["target_url"] for lk in acc["links"] if lk["target_url"] in failing}):
            found.append({"site": aid, "check": "link_broken", "target": target})
    return found


def attach_accounts(sites_dir: Path, sites_truth: dict[str, Any], accounts_truth: dict[str, Any]) -> dict[str, Any]:
    """Rewrite sites_dir/sites.yaml and truth.json to include the accounts; returns the new truth
    (sites_truth plus "accounts", "credentials" and the accounts' findings)."""
    registry_path = Path(sites_dir) / "sites.yaml"
    text = registry_path.read_text(encoding="utf-8")
    head = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    data = merge_registry(yaml.safe_load(text), accounts_truth["registry"])
    registry_path.write_text(head + "# New-media accounts: the sample accounts served by samplesites.accounts.\n"
                             + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    truth = dict(sites_truth)
    truth["accounts"] = accounts_truth["accounts"]
    truth["credentials"] = accounts_truth["credentials"]
    truth["findings"] = list(sites_truth["findings"]) + account_findings(accounts_truth)
    (Path(sites_dir) / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth
