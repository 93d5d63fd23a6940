"""Labelled values on a page: 「留言时间：2026-11-02」, 「<th>答复时间</th><td>…</td>」,
「<dt>办理状态</dt><dd>已办结</dd>」, 「<span>留言时间：</span><span>…</span>」, 「<h3>申请条件</h3><p>…</p>」.

The page is read as its visible text lines (every table cell, list item, definition term, heading
and paragraph is its own line; inline elements stay on their line), so one reader covers a label and
its value in one element, in adjacent elements on the same line, or on consecutive lines. A label
counts at the start of a line or after whitespace or a separator, optionally numbered (一、 1. （一）)
or bracketed (【】), and must be followed by a colon or end its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parsel import Selector

from spiders.extract.regions import FOOTER, NAV, regions_for
from spiders.extract.text import collapse, iter_text_blocks, join_blocks

_SEP = "•·|｜;；▪●◆■"
_WS = r"[\s\u3000\xa0]*"
_NUMBERING = r"(?:(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十\d]{1,3}[、.．])" + _WS + r")?"
MAX_LABEL_LINE = 40  # a line longer than this is prose, unless the label carries a colon


def _flex(label: str) -> str:
    """A label that may be padded with spaces between its characters (留 言 时 间)."""
    return _WS.join(re.escape(c) for c in label)


@dataclass(frozen=True)
class LabelSet:
    """Keys with their label texts; compiled once per set."""

    labels: Mapping[str, Sequence[str]]

    def __post_init__(self) -> None:
        key_of = {"".join(lb.split()): key for key, lbs in self.labels.items() for lb in lbs}
        alts = "|".join(_flex(lb) for lb in sorted(key_of, key=len, reverse=True))
        object.__setattr__(self, "_key_of", key_of)
        object.__setattr__(self, "_rx", re.compile(
            rf"[\[【]?{_NUMBERING}(?P<label>{alts}){_WS}[\]】]?{_WS}(?P<colon>[:：])?"))

    def key(self, label: str) -> str:
        return self._key_of["".join(label.split())]  # type: ignore[attr-defined]

    def finditer(self, line: str) -> Iterable[re.Match[str]]:
        """Labels at the line start or after whitespace or a separator; elsewhere (inline spans
        run together: 「问题三留言时间：…」) only with a colon."""
        for m in self._rx.finditer(line):  # type: ignore[attr-defined]
            at = m.start()
            if at == 0 or line[at - 1].isspace() or line[at - 1] in _SEP or m.group("colon"):
                yield m

    def match_whole(self, text: str) -> str | None:
        """The label a cell's whole text is (numbering, brackets and a colon allowed), else None."""
        m = self._rx.fullmatch(text.strip(" " + _SEP))  # type: ignore[attr-defined]
        return m.group("label") if m else None

    def starts_line(self, line: str) -> bool:
        m = self._rx.match(line.lstrip(" " + _SEP))  # type: ignore[attr-defined]
        return bool(m) and (bool(m.group("colon")) or not line[m.end():].strip())


def page_lines(sel: Selector | Any, *, skip_chrome: bool = True) -> list[str]:
    """The visible text lines of a page (or of one element), without the footer and navigation
    when `skip_chrome` (a 联系电话 in the footer is not a guide's)."""
    root = sel.root if isinstance(sel, Selector) else sel
    if not isinstance(getattr(root, "tag", None), str):
        return []
    keep = None
    if skip_chrome:
        regions = regions_for(root)
        controls: set[object] = set()
        for el in root.iter("select", "button", "textarea", "option"):
            controls.update(el.iter())
        keep = lambda el: el not in controls and regions.of(el) not in (FOOTER, NAV)  # noqa: E731
    text = join_blocks(iter_text_blocks(root, keep=keep))
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def label_values(lines: Sequence[str], labels: LabelSet) -> dict[str, tuple[str, str]]:
    """key -> (label as written, value) for the first occurrence of each key's labels. A value
    runs to the next known label on its line; a label ending its line takes the next line as its
    value unless that line starts with a label itself (then the value is "")."""
    out: dict[str, tuple[str, str]] = {}
    for idx, line in enumerate(lines):
        matches = list(labels.finditer(line))
        for j, m in enumerate(matches):
            bare = not m.group("colon")
            rest_end = matches[j + 1].start() if j + 1 < len(matches) else len(line)
            value = line[m.end():rest_end].strip(" " + _SEP)
            if bare and (value or len(line) > MAX_LABEL_LINE):
                continue  # a label word inside prose, not a label
            key = labels.key(m.group("label"))
            if key in out:
                continue
            if not value and j + 1 == len(matches):
                nxt = lines[idx + 1] if idx + 1 < len(lines) else ""
                value = "" if labels.starts_line(nxt) else nxt.strip()
            out[key] = ("".join(m.group("label").split()), value)
    return out


_CELLS = ("td", "th", "dt", "dd")


def cell_values(sel: Selector | Any, labels: LabelSet) -> dict[str, tuple[str, str]]:
    """key -> (label, value) from label cells: a td/th/dt holding only a label, whose value is the
    next td/dd, empty or not. Where the text lines lose an empty cell (「<th>收费标准</th><td></td>」
    at the end of a table, whose next line is whatever follows the table), this keeps it empty."""
    root = sel.root if isinstance(sel, Selector) else sel
    if not isinstance(getattr(root, "tag", None), str):
        return {}
    regions = regions_for(root)
    out: dict[str, tuple[str, str]] = {}
    for cell in root.iter(*_CELLS):
        text = collapse("".join(cell.itertext()))
        if not text or len(text) > 20 or regions.of(cell) in (FOOTER, NAV):
            continue
        m = labels.match_whole(text)
        if m is None:
            continue
        nxt = cell.getnext()
        while nxt is not None and not (isinstance(nxt.tag, str) and nxt.tag.lower() in _CELLS):
            nxt = nxt.getnext()
        if nxt is None or nxt.tag.lower() not in ("td", "dd"):
            continue
        key = labels.key(m)
        if key not in out:
            out[key] = ("".join(m.split()), collapse("".join(nxt.itertext())))
    return out


def labelled(sel: Selector | Any, lines: Sequence[str], labels: LabelSet) -> dict[str, tuple[str, str]]:
    """label_values over the text lines, with label cells' own values taking precedence."""
    return {**label_values(lines, labels), **cell_values(sel, labels)}
