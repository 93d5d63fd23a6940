"""Page metadata: the national <meta name=…> set, and the 索引号/发布机构/文号/日期 table of
信息公开 detail pages (CONTRACT "Detail pages").

The table is read from the page's visible text lines (each table cell, paragraph or list item is
its own line), so one parser covers label and value in one cell (江西 `索  引  号: 0145…`, 邯郸
`<strong>索引号</strong>：…`), label and value in adjacent cells (丽水 `table.xxgk_article`,
gov.cn `<td><b>发文字号：</b></td><td>…</td>`) and several labels on one line (咸宁 bullets).
"""

from __future__ import annotations

import re

from parsel import Selector

from spiders.extract.dates import parse_date_ex
from spiders.extract.regions import FOOTER, regions_for
from spiders.extract.text import iter_text_blocks, join_blocks


def national_meta(sel: Selector) -> dict[str, str]:
    """Every <meta name=… content=…> with a non-empty content, keys as written (SiteName,
    SiteIDCode, ColumnName, PubDate, others, …); the first of duplicate names wins."""
    out: dict[str, str] = {}
    for m in sel.xpath("//meta[@name]"):
        name = (m.attrib.get("name") or "").strip()
        content = (m.attrib.get("content") or "").strip()
        if name and content and name not in out:
            out[name] = content
    return out


# metadata key -> labels (longest first where one contains another)
LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号",),
    "publisher": ("发布机构", "发文机关"),
    "doc_no": ("发文字号", "文号"),
    "written": ("成文日期",),
    "published": ("发布日期", "发布时间", "公开日期"),
}
_LABEL_KEY = {label: key for key, labels in LABELS.items() for label in labels}
_SEP = "•·|｜;；▪●◆■"
_WS = r"[\s\u3000\xa0]*"


def _flex(label: str) -> str:
    """A label that may be padded with spaces between its characters (索  引  号)."""
    return _WS.join(re.escape(c) for c in label)


_ALL_LABELS = sorted(_LABEL_KEY, key=len, reverse=True)
# a known label at the line start or after a separator; [发文字号] brackets also occur (北京)
_KNOWN = re.compile(
    rf"(?:^|(?<=[\s{_SEP}]))[\[【]?(?P<label>{'|'.join(_flex(lb) for lb in _ALL_LABELS)}){_WS}(?P<colon>[:：\]】])?"
)
# any label-shaped text: 2-8 Chinese characters (spaces allowed) then a colon
_GENERIC = re.compile(rf"(?:^|(?<=[\s{_SEP}]))[\[【]?[\u4e00-\u9fff](?:{_WS}[\u4e00-\u9fff]){{1,7}}{_WS}[:：\]】]")
_BOUNDARY = re.compile(rf"[{_SEP}]")
_INDEX_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/\-_.]*$")
MAX_VALUE = 80


def _starts_with_label(line: str) -> bool:
    line = line.lstrip(" " + _SEP)
    m = _KNOWN.match(line)
    if m and (m.group("colon") or not line[m.end():].strip()):
        return True
    return bool(_GENERIC.match(line))


def _pairs(lines: list[str]):
    """(key, raw value) for every known label in the lines, in document order."""
    for idx, line in enumerate(lines):
        for m in _KNOWN.finditer(line):
            key = _LABEL_KEY["".join(m.group("label").split())]
            rest = line[m.end():]
            # a bare label (no colon) is only a label when it is the whole cell (丽水 table)
            if not m.group("colon") and line.strip(" " + _SEP) != m.group(0).strip(" " + _SEP):
                continue
            # the value runs to the next label-shaped text or separator on the line
            cut = len(rest)
            for rx in (_GENERIC, _BOUNDARY):
                b = rx.search(rest)
                if b:
                    cut = min(cut, b.start())
            value = rest[:cut].strip(" " + _SEP)
            if not value and not rest[cut:].strip():
                # label alone at the end of its cell: the value is the next cell, unless that is
                # itself a label (an empty 文号 followed by 主题分类)
                nxt = lines[idx + 1] if idx + 1 < len(lines) else ""
                value = "" if _starts_with_label(nxt) else nxt.strip()
            yield key, value


def _clean(key: str, value: str) -> str | None:
    """The normalised value, or None when the text cannot be that field."""
    value = value.strip()
    if key == "doc_no":
        if len(value) > MAX_VALUE:
            return None
        return "" if value in ("", "无", "暂无") else value
    if not value:
        return None
    if key == "index_no":
        token = value.split()[0]
        return token if _INDEX_NO.match(token) and any(c.isdigit() for c in token) else None
    if key == "publisher":
        return value if len(value) <= MAX_VALUE else None
    d, _, form = parse_date_ex(value)
    return d.isoformat() if d is not None and form != "short" else None


def metadata_table(sel: Selector) -> dict[str, str]:
    """{index_no, publisher, doc_no, written, published} (those present; dates ISO, an empty or
    无 文号 as ""), or {} when the page has no metadata table. The first occurrence wins."""
    root = sel.root
    if not isinstance(getattr(root, "tag", None), str):
        return {}
    regions = regions_for(root)
    # form controls are not metadata: a search box's <option>发布机构</option> looks like a label
    controls: set[object] = set()
    for el in root.iter("select", "button", "textarea"):
        controls.update(el.iter())
    text = join_blocks(iter_text_blocks(root, keep=lambda el: el not in controls and regions.of(el) != FOOTER))
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    out: dict[str, str] = {}
    for key, raw in _pairs(lines):
        if key in out:
            continue
        value = _clean(key, raw)
        if value is not None:
            out[key] = value
    # a 文号 label alone (a list's column header) is not a metadata table
    if not any(k in out for k in ("index_no", "publisher", "written", "published")):
        return {}
    return out
