"""Decode HTML by what its bytes are when its labels lie: one rule for the crawl's downloader
middleware (crawler.middlewares.charset), the availability probe and `recheck`.

Scrapy trusts the HTTP header first, then a BOM, then `<meta charset>`. Government servers often
send a blanket `charset=utf-8` (an nginx default) in front of GBK pages, or label UTF-8 pages GBK
after a CMS migration; a page read as mojibake yields wrong titles and no dates at all. So, for
HTML only:

1. a BOM decides (Scrapy already honours it);
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever the labels say (GBK text is
   practically never valid UTF-8, while UTF-8 text often "decodes" as GB18030 into mojibake);
3. otherwise the first of: the encoding Scrapy chose, the header's, the `<meta>`'s, GB18030 (the
   superset of GBK/GB2312) that decodes the body without error — Western single-byte labels
   (ISO-8859-1, windows-1252) last, since they decode anything;
4. otherwise Scrapy's choice stands (decoded with replacement characters).
"""

from __future__ import annotations

import codecs

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _strict(body: bytes, encoding: str | None) -> bool:
    if not encoding:
        return False
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def pick_encoding(body: bytes, chosen: str | None, content_type: str = "") -> str | None:
    """The encoding to read an HTML body with, or None to keep `chosen` (see the module doc)."""
    if not body or body.startswith(_BOMS) or body.isascii():
        return None
    if _strict(body, "utf-8"):
        return "utf-8"
    labels = [resolve_encoding(e) for e in (chosen, http_content_type_encoding(content_type),
                                            html_body_declared_encoding(body)) if e]
    # a Western single-byte charset decodes any bytes at all: it is a server default (Apache's
    # ISO-8859-1) or a guess far more often than the truth on a Chinese site, so GB18030 goes first
    candidates = [e for e in labels if e and not _latin(e)] + ["gb18030"] + [e for e in labels if e and _latin(e)]
    for enc in candidates:
        if enc != "utf-8" and _strict(body, enc):
            return enc
    return None


def _latin(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name in _LATIN
    except LookupError:
        return False


_LATIN = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii", "cp1250", "mac-roman"}


def same_encoding(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    try:
        return codecs.lookup(a).name == codecs.lookup(b).name
    except LookupError:
        return False


def decode_html(body: bytes, content_type: str = "") -> str:
    """The body as text by the rule above (w3lib's html_to_unicode trusts the labels first)."""
    label = http_content_type_encoding(content_type) or html_body_declared_encoding(body) or "utf-8"
    enc = pick_encoding(body, resolve_encoding(label), content_type) or resolve_encoding(label) or "utf-8"
    try:
        return body.decode(enc, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
