"""serious_error — a known seriously wrong form from the maintained word list (`words`: wrong
names of the state and its organs, wrong titles of leaders, ...) appears in a page's text or
title; the detail gives the correct form.

Indicator: 严重表述错误 (单项否决 W-V1, sub-item 1; the 2015 text: 「网站出现严重错别字（例如，将党和
国家领导人姓名写错）…即单项否决」). The list holds forms that are wrong wherever they appear, so a
match is a strong candidate; an inspector still confirms it (indicators.md §2.1: a review queue).
A wrong form that is part of its own correct form (…常委会 inside …常务委员会 is not) is not matched
inside the correct form.

Reads: Page.title + Page.text of the site's pages (`page_kinds`), and a new-media account's
posts (kind `post`).
Target: the page URL (every wrong form seen on the page in the evidence).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from checks.base import Check, CheckConfig, CheckContext, FindingDraft


class Word(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wrong: str = Field(min_length=2)
    correct: str = Field(min_length=1)
    note: str = ""


class Config(CheckConfig):
    page_kinds: list[str] = ["home", "column", "list", "detail", "other", "post"]
    words: list[Word] = Field(min_length=1)
    snippet_chars: int = Field(default=20, ge=0, le=200)


class Matcher:
    def __init__(self, words: list[Word]):
        self.words = {w.wrong: w for w in words}
        # longest first so a longer wrong form wins over a shorter one it contains
        alts = sorted(self.words, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, alts)))

    def find(self, text: str) -> list[tuple[Word, int, int]]:
        out = []
        for m in self.pattern.finditer(text):
            word = self.words[m.group(0)]
            if word.wrong in word.correct and _inside_correct(text, m.start(), word):
                continue
            out.append((word, m.start(), m.end()))
        return out


def _inside_correct(text: str, pos: int, word: Word) -> bool:
    offset = word.correct.find(word.wrong)
    while offset >= 0:
        start = pos - offset
        if start >= 0 and text.startswith(word.correct, start):
            return True
        offset = word.correct.find(word.wrong, offset + 1)
    return False


def run(ctx: CheckContext) -> Iterator[FindingDraft]:
    cfg: Config = ctx.config
    matcher = Matcher(cfg.words)
    for site_id in ctx.subjects("site", "account"):
        for page in ctx.pages(site_id, cfg.page_kinds):
            hits: list[dict[str, Any]] = []
            title, body = page.title or "", page.text or ""
            # the <title> usually repeats the heading that is already in the text
            fields = [("text", body)] + ([("title", title)] if title and title not in body else [])
            for field, text in fields:
                for word, start, end in matcher.find(text):
                    n = cfg.snippet_chars
                    hits.append({"wrong": word.wrong, "correct": word.correct, "note": word.note, "field": field,
                                 "snippet": " ".join(text[max(0, start - n):end + n].split())})
            if not hits:
                continue
            pairs = list(dict.fromkeys((h["wrong"], h["correct"]) for h in hits))
            detail = "严重表述错误：" + "；".join(f"「{w}」应为「{c}」" for w, c in pairs)
            evidence = {"page": page.url, "title": page.title, "kind": page.kind, "occurrences": len(hits),
                        "hits": hits[:50]}
            yield FindingDraft(site_id, page.url, page.url, detail, evidence)


CHECK = Check(id="serious_error", config=Config, run=run, subjects=("site", "account"), doc=__doc__ or "")
