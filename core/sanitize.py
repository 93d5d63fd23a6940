"""Text that came from the network, made safe to show: the one cleaning every writer applies at the
output boundary (terminal tables and summaries, CSV, XLSX; JSON stays lossless).

A crawled title, anchor, server message or account error may hold control characters: an ESC
sequence rewrites the inspector's terminal (`\\x1b]0;…\\x07`, `\\x1b[2J`), NUL and most C0 characters
make openpyxl refuse the whole workbook (its ILLEGAL_CHARACTERS_RE), and bidi overrides reorder
what is read. Such characters are shown as visible escapes (`\\x1b`, `\\u202e`) rather than dropped,
so the evidence still says the page held them. Tab and newline stay: both are harmless in a cell.
"""

from __future__ import annotations

import json
import re
from typing import Any

# C0 but tab and newline, DEL, C1 (\x9b is an 8-bit CSI), and the bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: Any) -> str:
    """`value` as text with every control character written as a visible escape ('' for None)."""
    text = "" if value is None else str(value)
    return _UNSAFE.sub(_escape, text)


def json_text(value: Any, **kwargs: Any) -> str:
    """JSON of `value`, lossless (parsing it gives back every character), with the characters
    json leaves raw under ensure_ascii=False (DEL, C1, bidi) written as \\u escapes, so the JSON
    can go to a terminal too."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
