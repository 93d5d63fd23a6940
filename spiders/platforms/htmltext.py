"""Post bodies are HTML fragments (Weibo text, WeChat article content, RSS descriptions): keep the
plain text for the text checks and the links for the link checks."""

from __future__ import annotations

from lxml import etree
from lxml import html as lhtml

from spiders.extract.links import anchor_text, resolve
from spiders.extract.text import collapse, iter_text_blocks, join_blocks
from spiders.platforms.base import TEXT_CAP, PostLink


def html_fragment(fragment: str | None, base_url: str) -> tuple[str, list[PostLink]]:
    """(plain text with one line per line break or block, links of <a href> in order, each once)."""
    if not fragment or not fragment.strip():
        return "", []
    if "<" not in fragment:
        return _lines(fragment), []
    try:
        root = lhtml.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        # a fragment lxml cannot read is still text a person reads
        return _lines(fragment), []
    text = _lines(join_blocks(iter_text_blocks(root), cap=TEXT_CAP))
    links: list[PostLink] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        url = resolve(base_url, a.get("href") or "")
        if url is None or url in seen:
            continue
        seen.add(url)
        links.append(PostLink(url=url, anchor=anchor_text(a)))
    return text, links


def _lines(text: str) -> str:
    lines = (collapse(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)[:TEXT_CAP]
