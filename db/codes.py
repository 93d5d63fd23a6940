"""One-letter codes for the few words every link row repeats: a run stores 400,000 links, each
with an attribute (href, src) and a page region (nav, footer, body, ...) that also sit in the
links' unique key. Python and SQL expressions see the words; the column holds the code. A word
without a code is stored as itself (a code is one letter, a word never is)."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import String, TypeDecorator

# never change a code in place: stored rows carry them (migration 0006 wrote the first ones)
ATTR_CODES = {"href": "h", "src": "s", "js": "j"}
REGION_CODES = {"body": "b", "nav": "n", "footer": "f", "header": "h", "side": "s"}


class _Coded(TypeDecorator[str]):
    impl = String(20)
    codes: ClassVar[dict[str, str]]
    words: ClassVar[dict[str, str]]

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else self.codes.get(value, value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else self.words.get(value, value)


class LinkAttr(_Coded):
    cache_ok = True  # SQLAlchemy reads it from each class itself
    codes = ATTR_CODES
    words = {c: w for w, c in ATTR_CODES.items()}


class LinkRegion(_Coded):
    cache_ok = True
    codes = REGION_CODES
    words = {c: w for w, c in REGION_CODES.items()}
