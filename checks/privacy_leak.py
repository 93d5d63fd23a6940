"""privacy_leak — a published page (or a text attachment the crawler read, or a new-media post)
exposes personal data:
an 18-digit 居民身份证号 whose GB 11643 check digit is valid and whose birth date is a real date
not after the as-of date (`id_number`), or an 11-digit mobile number 1[3-9]… not part of a
longer digit run (`mobile`).

Indicator: 个人隐私泄露 (indicators.md §8.4, S-6; 「涉及个人隐私的政府信息，公开时要去标识化处理」).
Not a national 单项否决 item, so it is a notice by default; bulletins treat it as serious.

Not leaks: numbers inside the page's 索引号 / 文号 values (page.meta['metadata']) or right after
such a label, numbers with an invalid check digit or birth date, landlines (0915-3212345),
hotlines (12345), masked forms (138****1234) and `allowed_numbers` (published official lines).
Evidence and detail carry only masked numbers (6109**********1234, 139****5678), never the
number itself.
Target: `id_number` or `mobile` (one finding per site and kind); url: the first page where seen,
every page listed in the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft

Kind = Literal["id_number", "mobile"]
KIND_NAMES = {"id_number": "居民身份证号码", "mobile": "手机号码"}

ID_NUMBER = re.compile(
    r"(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])"
)
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def id_check_char(first17: str) -> str:
    """GB 11643-1999 (ISO 7064 MOD 11-2) check character."""
    return _CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def valid_id_number(number: str, as_of: dt.date) -> bool:
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if born.year < 1900 or born > as_of:
        return False
    return id_check_char(number[:17]) == number[17].upper()


def mask(number: str) -> str:
    if len(number) == 18:
        return number[:4] + "*" * 10 + number[-4:]
    return number[:3] + "****" + number[-4:]


class Config(CheckConfig):
    page_kinds: list[str] = ["detail", "column", "list", "other", "post"]
    kinds: list[Kind] = ["id_number", "mobile"]
    # a number right after one of these labels is an identifier of the document, not of a person
    exclude_labels: list[str] = ["索引号", "文号", "发文字号", "项目编号", "合同编号", "招标编号"]
    # published official numbers that are not personal data (mobile duty lines etc.)
    allowed_numbers: list[str] = []
    snippet_chars: int = Field(default=20, ge=0, le=200)
    max_occurrences: int = Field(default=50, ge=1)  # listed in the evidence (all are counted)


def _excluded_spans(text: str, meta: dict[str, Any]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    table = meta.get("metadata") or {}
    for key in ("index_no", "doc_no"):
        value = str(table.get(key) or "").strip()
        if len(value) >= 4:
            start = text.find(value)
            while start >= 0:
                spans.append((start, start + len(value)))
                start = text.find(value, start + 1)
    return spans


def find_leaks(text: str, meta: dict[str, Any], as_of: dt.date, cfg: Config) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each personal number in the text."""
    if not text:
        return []
    spans = _excluded_spans(text, meta)
    # the number must sit inside the label's own value (索引号：11610900MB…/2026-00012): a value is
    # ASCII letters, digits and the separators official numbers use, so the label's reach ends at
    # the first Chinese character and 「索引号所列事项…张三手机139…」 is still a leak
    label = re.compile(r"(?:" + "|".join(map(re.escape, cfg.exclude_labels)) + r")\s*[:：]?\s*"
                       r"[0-9A-Za-z/\-_.〔〕\[\]()（）]*$") if cfg.exclude_labels else None
    allowed = set(cfg.allowed_numbers)
    out: list[tuple[str, int, int]] = []
    patterns = [(k, ID_NUMBER if k == "id_number" else MOBILE) for k in cfg.kinds]
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            number = m.group(0)
            if number in allowed:
                continue
            if kind == "id_number" and not valid_id_number(number, as_of):
                continue
            if any(s <= m.start() < e or s < m.end() <= e for s, e in spans):
                continue
            if label is not None and label.search(text[max(0, m.start() - 40):m.start()]):
                continue
            out.append((kind, m.start(), m.end()))
    return out


def _mask_all(snippet: str) -> str:
    snippet = ID_NUMBER.sub(lambda m: mask(m.group(0)), snippet)
    return MOBILE.sub(lambda m: mask(m.group(0)), snippet)


def _snippet_bounds(text: str, start: int, end: int, n: int) -> tuple[int, int]:
    """Context around a hit, widened so it never cuts a digit run in half (a cut number would be
    neither shown whole nor masked)."""
    a, b = max(0, start - n), min(len(text), end + n)
    while 0 < a < start and text[a - 1].isdigit() and text[a].isdigit():
        a -= 1
    while end < b < len(text) and text[b - 1].isdigit() and text[b].isdigit():
        b += 1
    return a, b


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    for site_id in ctx.subjects("site", "account"):
        hits: dict[str, list[dict[str, Any]]] = {k: [] for k in cfg.kinds}
        counts: dict[str, int] = dict.fromkeys(cfg.kinds, 0)
        pages: dict[str, list[str]] = {k: [] for k in cfg.kinds}
        for page in ctx.pages(site_id, cfg.page_kinds):
            text = page.text or ""
            for kind, start, end in find_leaks(text, page.meta or {}, ctx.as_of, cfg):
                counts[kind] += 1
                if not pages[kind] or pages[kind][-1] != page.url:
                    pages[kind].append(page.url)
                if len(hits[kind]) < cfg.max_occurrences:
                    a, b = _snippet_bounds(text, start, end, cfg.snippet_chars)
                    snippet = text[a:start] + mask(text[start:end]) + text[end:b]
                    hits[kind].append({"page": page.url, "title": page.title, "masked": mask(text[start:end]),
                                       "snippet": " ".join(_mask_all(snippet).split())})
        for kind in cfg.kinds:
            if not counts[kind]:
                continue
            first = hits[kind][0]
            evidence = {"kind": kind, "occurrences": counts[kind], "pages": pages[kind], "hits": hits[kind]}
            name = KIND_NAMES[kind]
            detail = (f"个人信息泄露：页面公开了{name}（{first['masked']}），共{len(pages[kind])}个页面"
                      f"{counts[kind]}处，应去标识化处理")
            yield FindingDraft(site_id, kind, first["page"], detail, evidence)


CHECK = Check(id="privacy_leak", config=Config, run=run, subjects=("site", "account"), doc=__doc__ or "")
