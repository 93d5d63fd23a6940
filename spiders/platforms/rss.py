"""Feeds: RSS 2.0 (and RSS 1.0/RDF) and Atom, parsed with defusedxml.

A feed is untrusted XML, so any DOCTYPE, entity or external-entity declaration is refused
(defusedxml's forbid_dtd): feeds never need them, and refusing them rules out entity-expansion
bombs and external fetches. The mapping to posts is our own rather than feedparser's: feedparser
parses with sgmllib-style leniency, keeps no source positions and normalises dates to UTC structs,
while the checks need each post's link set and Beijing-local dates. Dates: RSS pubDate (RFC 822, dc:date),
Atom published/updated (ISO 8601), all to Beijing local time. Atom paging (RFC 5005
`<link rel="next">`) is followed; RSS has none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from typing import Any

import defusedxml.ElementTree as DET
from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from spiders.extract.links import resolve
from spiders.platforms.base import FeedError, FeedRequest, ParsedFeed, ParsedPost
from spiders.platforms.htmltext import html_fragment
from spiders.platforms.times import parse_iso, parse_rfc822

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"


def _trim(body: bytes | str) -> bytes | str:
    """Drop a UTF-8 BOM and blank lines before the XML declaration: strictly invalid, but CMS
    templates emit them and every feed reader accepts them."""
    if isinstance(body, str):
        return body.lstrip("\ufeff \t\r\n")
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    return body.lstrip(b" \t\r\n")


def parse_xml(body: bytes | str) -> ET.Element:
    body = _trim(body)
    if not body:
        raise FeedError("malformed", "empty response")
    try:
        return DET.fromstring(body, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise FeedError("malformed", "XML with a DOCTYPE or entity declaration is refused") from None
    except ET.ParseError as exc:
        raise FeedError("malformed", f"invalid XML: {exc}") from None


def local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _child(el: ET.Element, *names: str) -> ET.Element | None:
    """The first child whose {ns}name is in names (each given as 'name' or '{ns}name')."""
    for name in names:
        found = el.find(name)
        if found is not None:
            return found
    return None


def _post_id(guid: str, link: str, title: str, date_text: str) -> str:
    if guid:
        return guid[:200]
    if link:
        return link[:200]
    # neither guid nor link: the title and date identify it within the feed
    return "sha1:" + hashlib.sha1(f"{title}\n{date_text}".encode()).hexdigest()


def _date(text: str, parser: Any, what: str) -> dt.datetime | None:
    if not text:
        return None
    value = parser(text)
    if value is None:
        raise FeedError("malformed", f"unreadable {what} {text!r}")
    return value


def _rss_items(root: ET.Element) -> tuple[list[ET.Element], bool]:
    if local(root.tag) == "rss":
        channel = root.find("channel")
        if channel is None:
            raise FeedError("malformed", "RSS without <channel>")
        return channel.findall("item"), False
    # RSS 1.0: items are siblings of the channel, in the RSS 1.0 namespace
    return root.findall(f"{{{RSS1}}}item"), True


def parse_rss(body: bytes | str, url: str, request: FeedRequest | None = None, *,
              now: dt.datetime | None = None) -> ParsedFeed:
    root = parse_xml(body)
    if local(root.tag) not in ("rss", "RDF"):
        raise FeedError("unknown_format", f"XML root <{local(root.tag)}> is not RSS")
    items, rss1 = _rss_items(root)
    ns = f"{{{RSS1}}}" if rss1 else ""
    posts: list[ParsedPost] = []
    for item in items:
        title = _text(item.find(f"{ns}title"))
        link = _text(item.find(f"{ns}link"))
        guid = _text(item.find("guid")) or (item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about") or "")
        date_el = _child(item, "pubDate", f"{{{DC}}}date")
        date_text = _text(date_el)
        posted_at = _date(date_text, parse_rfc822, "pubDate")
        body_html = _text(_child(item, f"{{{CONTENT}}}encoded")) or _text(item.find(f"{ns}description"))
        link_url = resolve(url, link) if link else None
        text, links = html_fragment(body_html, link_url or url)
        posts.append(ParsedPost(
            post_id=_post_id(guid, link, title, date_text), posted_at=posted_at, title=title, text=text,
            url=link_url or "", links=links, raw={"guid": guid, "pubDate": date_text} if guid else {"pubDate": date_text},
        ))
    return ParsedFeed(posts=posts, next_request=None, format_name="rss")


def _atom_link(el: ET.Element, rel: str) -> str:
    for link in el.findall(f"{{{ATOM}}}link"):
        if (link.get("rel") or "alternate") == rel and link.get("href"):
            return link.get("href") or ""
    return ""


def parse_atom(body: bytes | str, url: str, request: FeedRequest | None = None, *,
               now: dt.datetime | None = None) -> ParsedFeed:
    root = parse_xml(body)
    if root.tag != f"{{{ATOM}}}feed":
        raise FeedError("unknown_format", f"XML root <{local(root.tag)}> is not an Atom feed")
    a = f"{{{ATOM}}}"
    posts: list[ParsedPost] = []
    for entry in root.findall(f"{a}entry"):
        title = _text(entry.find(f"{a}title"))
        entry_id = _text(entry.find(f"{a}id"))
        href = _atom_link(entry, "alternate")
        link_url = resolve(url, href) if href else None
        # published is when readers first saw it; updated moves with every edit
        published = _text(entry.find(f"{a}published"))
        updated = _text(entry.find(f"{a}updated"))
        date_text = published or updated
        posted_at = _date(date_text, parse_iso, "published" if published else "updated")
        content = entry.find(f"{a}content")
        if content is None:
            content = entry.find(f"{a}summary")
        body_html = _text(content)
        if content is not None and content.get("type") == "xhtml":
            for el in content.iter():
                el.tag = local(el.tag)  # XHTML namespace off, so the HTML reader sees <a>, <p>
            body_html = (content.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in content)
        text, links = html_fragment(body_html, link_url or url)
        posts.append(ParsedPost(
            post_id=_post_id(entry_id, href, title, date_text), posted_at=posted_at, title=title, text=text,
            url=link_url or "", links=links, raw={"id": entry_id, "published": published, "updated": updated},
        ))
    next_href = _atom_link(root, "next")
    next_url = resolve(url, next_href) if next_href else None
    next_request = FeedRequest(url=next_url) if next_url and posts and next_url != url else None
    return ParsedFeed(posts=posts, next_request=next_request, format_name="atom")
