"""What every site module gets: the as-of date, where sites are served, where to write, the truth book."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from samplesites.truth import TruthBook


@dataclass
class GenContext:
    as_of: dt.date
    base_urls: dict[str, str]  # site id -> http://ip:port/
    dead_url: str  # a registered site where nothing listens
    refused_url: str  # another loopback address where nothing listens (a broken external link)
    root: Path
    book: TruthBook
    names: dict[str, str]  # site id -> site name, for the cross links between sample sites
    # the second of two scans: items added since the first, one of them backdated (samplesites/external.py)
    backdated: bool = False

    def sample_links(self, site_id: str) -> list[tuple[str, str]]:
        """The other sample sites, as a portal lists them under 部门网站 / 友情链接."""
        return [(sid, name) for sid, name in self.names.items() if sid != site_id and sid in self.base_urls]
