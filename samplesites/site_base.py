"""The skeleton every sample site shares: its SiteBuild, text writer and random source, the order in
which its pages are written, and small helpers whose logic does not depend on the CMS markup.

A site subclasses `SampleSite`, sets its identity as class attributes, declares its columns in
define() and supplies the markup (home, list_page, detail, hub, page_column, static). The markup is
the point of each site and stays in its own module; only the dispatch lives here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from samplesites import content as C
from samplesites.builder import Article, Column, Meta, Page, SiteBuild
from samplesites.context import GenContext
from samplesites.templates import dir_of

# the city portal and its letter box page (samplesites/sites/akzf.py)
CITY_SITE_ID = "akzf-www"
CITY_MAILBOX = "/zmhd/szxx/"


class SampleSite(ABC):
    SITE_ID = ""
    UNIT_ID = ""
    NAME = ""
    ENCODING = "utf-8"

    def __init__(self, ctx: GenContext) -> None:
        self.ctx = ctx
        self.s = SiteBuild(site_id=self.SITE_ID, unit=self.UNIT_ID, name=self.NAME,
                           base_url=ctx.base_urls[self.SITE_ID], encoding=self.ENCODING,
                           root=ctx.root / self.SITE_ID, as_of=ctx.as_of)
        self.w = C.Writer(self.SITE_ID)
        self.rng = self.w.rng
        self.cols: dict[str, Column] = {}

    @abstractmethod
    def define(self) -> None:
        """Declare the columns (with their articles) into self.cols and plant the defects."""

    def page_paths(self, col: Column) -> list[str]:
        """A list column's page paths; by default the first page, then index_2.html … beside it."""
        return [col.path] + [f"{dir_of(col.path)}index_{i}.html" for i in range(2, len(col.chunks()) + 1)]

    def render(self) -> SiteBuild:
        # the order pages are written in is the order truth.json lists their links in
        self.define()
        for col in self.cols.values():
            if col.kind == "list":
                col.page_paths = self.page_paths(col)
        self.s.columns = list(self.cols.values())
        self.home()
        for col in self.cols.values():
            if col.kind == "list":
                self.list_column(col)
                self.details(col)
            elif col.kind == "hub":
                self.hub(col)
            else:
                self.page_column(col)
        self.misc()
        self.static()
        return self.s

    def list_column(self, col: Column) -> None:
        for i, chunk in enumerate(col.chunks()):
            self.list_page(col, i, chunk)

    def details(self, col: Column) -> None:
        for art in col.items:
            self.detail(col, art)

    def misc(self) -> None:  # noqa: B027 -- an optional hook: most sites have such pages, akjyj has none
        """Pages outside the columns (statement, contact, site map)."""

    @abstractmethod
    def home(self) -> None: ...

    @abstractmethod
    def list_page(self, col: Column, index: int, chunk: list[Article]) -> None: ...

    @abstractmethod
    def detail(self, col: Column, art: Article) -> None: ...

    @abstractmethod
    def hub(self, col: Column) -> None: ...

    @abstractmethod
    def page_column(self, col: Column) -> None: ...

    @abstractmethod
    def static(self) -> None: ...

    @abstractmethod
    def shell(self, page: Page, title: str, main: str, *, col: Column | None = None,
              art: Article | None = None) -> str:
        """The whole document: the site's head, header, navigation and footer around `main`."""

    # --- helpers ------------------------------------------------------------------------------

    def write_column(self, page: Page, col: Column, title: str, main: str) -> None:
        """Write a page of a column; its first page (kind "column") also records the column in the truth."""
        self.s.write_page(page, self.shell(page, title, main, col=col))
        if page.kind == "column":
            self.s.record_column(col)

    def meta_table(self, page: Page, art: Article, table: Callable[[Meta], tuple[str, dict[str, str]]]) -> str:
        """The article's 信息公开 table in the site's style ("" without metadata); its values go to the truth."""
        if art.meta is None:
            return ""
        html, values = table(art.meta)
        self.s.detail_meta(page, values)
        return html

    def city_mailbox(self, page: Page, text: str = "市长信箱") -> str:
        """A link to the city portal's 市长信箱, where a department site sends citizens' letters (a
        consultation channel on the city's platform). Every sample site needs a working channel on
        its homepage (this link, or a 信箱 page with a form or a 我要写信 link), or its truth must list
        interaction_channel_missing: a 信箱 page of text alone is no channel."""
        return page.a(self.ctx.base_urls[CITY_SITE_ID] + CITY_MAILBOX.lstrip("/"), text, target="_blank")

    def other_sites(self, page: Page) -> str:
        """<li> links to the other sample sites (部门网站 / 友情链接 on the homepage)."""
        return "".join(f"<li>{page.a(self.ctx.base_urls[sid], name, target='_blank')}</li>"
                       for sid, name in self.ctx.sample_links(self.SITE_ID))
