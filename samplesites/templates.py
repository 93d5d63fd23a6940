"""HTML fragments shared by the sample sites: document shell, the national meta set, the script and
link pagers of the common CMS families, the 信息公开 metadata-table variants and footer badges.

Fragments that carry links take the `Page` so the links land in the truth; metadata tables return
their HTML together with the values the crawler must read from them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samplesites.builder import Article, Column, Meta, Page, attr, esc
from samplesites.content import cn_date


@dataclass
class SiteInfo:
    name: str
    domain: str  # the production domain the pages claim (SiteDomain)
    code: str  # 网站标识码


def document(head: str, body: str, *, lang: str = "zh-CN", doctype: str = "<!DOCTYPE html>") -> str:
    return f'{doctype}\n<html lang="{lang}">\n<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n'


def charset_meta(label: str) -> str:
    return f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'


def pub_time(art: Article) -> str:
    """A stable publication time of day for the PubDate meta."""
    seed = sum(ord(c) for c in art.path)
    return f"{art.date.isoformat()} {8 + seed % 10:02d}:{seed * 7 % 60:02d}"


def meta_set(info: SiteInfo, *, column: Column | None = None, column_type: str = "", art: Article | None = None,
             source: str = "") -> str:
    """The national page-metadata meta set: 3 on every page, 4 more on column pages, article ones."""
    rows = [("SiteName", info.name), ("SiteDomain", info.domain), ("SiteIDCode", info.code)]
    if column is not None:
        rows += [("ColumnName", column.name), ("ColumnDescription", f"{info.name}{column.name}栏目"),
                 ("ColumnKeywords", f"{column.name},{info.name}"), ("ColumnType", column_type or column.name)]
    if art is not None:
        rows += [("ArticleTitle", art.title), ("PubDate", pub_time(art)), ("ContentSource", source or art.source),
                 ("Keywords", ""), ("Description", art.title)]
    return "\n".join(f'<meta name="{n}" content="{attr(v)}">' for n, v in rows)


# --- pagers -----------------------------------------------------------------------------------


def trs_pager(page: Page, col: Column, index: int) -> str:
    """TRS 0-based: createPageHTML(count, current, "index", "html"); no rendered links."""
    if index == 0:
        page.pager(col.page_paths[1:])
    return (f'<div class="page"><script language="javascript">createPageHTML({len(col.page_paths)}, {index}, '
            f'"index", "html");</script></div>')


def trs_inline_pager(page: Page, col: Column, index: int) -> str:
    """TRS 0-based, the inline-variables variant (var countPage = N + document.write)."""
    if index == 0:
        page.pager(col.page_paths[1:])
    n = len(col.page_paths)
    return f"""<div class="page"><script language="javascript">
var countnum = {len(col.items)};
var currentPage = {index};//所在页从0开始
var prevPage = currentPage-1;
var nextPage = currentPage+1;
var countPage = {n};//共多少页
var endPage = countPage-1;
document.write("<a href=\\"index.html\\" target=\\"_self\\">首页</a>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=0&&currentPage!=1)
    document.write("<a href=\\"index"+"_"+prevPage+"."+"html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
else if(countPage>1&&currentPage!=0&&currentPage==1)
    document.write("<a href=\\"index.html\\" target=\\"_self\\">上一页</a>&nbsp;&nbsp;");
else
    document.write("<span class='bg'>上一页</span>&nbsp;&nbsp;");
if(countPage>1&&currentPage!=(countPage-1))
    document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\" target=\\"_self\\">下一页</a>&nbsp;&nbsp;");
else
    document.write("<span class='bg'>下一页</span>&nbsp;&nbsp;");
document.write("<a href=\\"index_"+endPage+".html\\" target=\\"_self\\">尾页</a>");
</script></div>"""


def page_div_pager(page: Page, col: Column, index: int, name: str = "list", ext: str = "shtml") -> str:
    """The 1-based template: createPageHTML('page_div', count, current, 'list', 'shtml', total)."""
    if index == 0:
        page.pager(col.page_paths[1:])
    return (f'<div class="page" id="page_div"></div>\n<script>createPageHTML(\'page_div\',{len(col.page_paths)}, '
            f"{index + 1},'{name}','{ext}',{len(col.items)});</script>")


def link_pager(page: Page, col: Column, index: int, hrefs: list[str], *, cls: str = "pages",
               first_last: bool = True) -> str:
    """Rendered links: numbered pages inside a pager element plus 上一页/下一页 (no script).

    `hrefs[i]` is how page i is written in an href (page 0 is the column's own URL, so a link back
    to it never names a second URL for the first page)."""
    n = len(col.page_paths)
    if n <= 1:
        return f'<div class="{cls}"><span class="current">1</span> 共{len(col.items)}条</div>'
    out = []
    if index > 0:
        if first_last:
            out.append(page.a(hrefs[0], "首页"))
        out.append(page.a(hrefs[index - 1], "上一页"))
    for i in range(n):
        out.append(f'<span class="current">{i + 1}</span>' if i == index else page.a(hrefs[i], str(i + 1)))
    if index < n - 1:
        out.append(page.a(hrefs[index + 1], "下一页"))
        if first_last:
            out.append(page.a(hrefs[n - 1], "尾页"))
    out.append(f"<span>共{len(col.items)}条</span>")
    return f'<div class="{cls}">' + " ".join(out) + "</div>"


# --- 信息公开 metadata tables ----------------------------------------------------------------------


def meta_truth(m: Meta, *, written: bool) -> dict[str, str]:
    values = {
        "index_no": m.index_no,
        "publisher": m.publisher,
        "doc_no": "" if m.doc_no.strip() in ("", "无") else m.doc_no,
        "published": m.published.isoformat(),
    }
    if written and m.written is not None:
        values["written"] = m.written.isoformat()
    return values


def meta_handan(m: Meta, title: str) -> tuple[str, dict[str, str]]:
    """TRS 邯郸 style: <p><strong>索引号</strong>：…</p>, Chinese dates, 成文日期 commented out."""
    written = cn_date(m.written, pad=True) if m.written else ""
    html = f"""<div class="top cf">
 <div class="top-l fl">
  <p><strong>索引号</strong>：{esc(m.index_no)}</p>
  <p><strong>发布机构</strong>：{esc(m.publisher)}</p>
  <p><strong>名称</strong>：{esc(title)}</p>
  <p><strong>文号</strong>：{esc(m.doc_no)}</p>
 </div>
 <div class="top-r fr">
  <p><strong>主题分类</strong>：{esc(m.topic)}</p>
  <!--<p><strong>成文日期</strong>：{written}</p>-->
  <p><strong>发布日期</strong>：{cn_date(m.published, pad=True)}</p>
 </div>
 <div style="clear: both;"></div>
</div>"""
    return html, meta_truth(m, written=False)


def meta_jiangxi(m: Meta) -> tuple[str, dict[str, str]]:
    """Hanweb 江西 style: labels padded with spaces, half- and full-width colons, 成文 ≠ 发布."""
    written = m.written.isoformat() if m.written else ""
    html = f"""<div class="screen xxgkTitle">
<table border="0" width="99%">
<tr>
 <td width="38%" align="left"><b><span>索  引  号: </span></b>{esc(m.index_no)}</td>
 <td width="33%" align="left"><b> 发文机关: </b> {esc(m.publisher)}</td>
 <td width="29%" align="left"><b>文      号:</b> {esc(m.doc_no)}</td>
</tr>
<tr>
 <td align="left"><b>主题分类: </b> {esc(m.topic)}</td>
 <td align="left"><b>成文日期：</b> {written}          </td>
 <td align="left"><b>发布日期：</b> {m.published.isoformat()}</td>
</tr>
</table>
</div>"""
    return html, meta_truth(m, written=True)


def meta_lishui(m: Meta, group: str) -> tuple[str, dict[str, str]]:
    """Hanweb 丽水 style: label and value in adjacent cells, no colons."""
    written = m.written.isoformat() if m.written else ""
    html = f"""<table class="xxgk_article"><tbody>
<tr><td>索引号</td><td>{esc(m.index_no)}</td><td>文号</td><td>{esc(m.doc_no)}</td></tr>
<tr><td>组配分类</td><td>{esc(group)}</td><td>发布机构</td><td>{esc(m.publisher)}</td></tr>
<tr><td>成文日期</td><td>{written}</td><td>发布日期</td><td>{m.published.isoformat()}</td></tr>
<tr><td>主题分类</td><td>{esc(m.topic)}</td><td>公开方式</td><td>主动公开</td></tr>
</tbody></table>"""
    return html, meta_truth(m, written=True)


def meta_plain(m: Meta) -> tuple[str, dict[str, str]]:
    """A th/td table with colons in the label cells."""
    html = f"""<table class="info-table">
<tr><th>索引号：</th><td>{esc(m.index_no)}</td><th>发布机构：</th><td>{esc(m.publisher)}</td></tr>
<tr><th>文号：</th><td>{esc(m.doc_no)}</td><th>发布日期：</th><td>{m.published.isoformat()}</td></tr>
</table>"""
    return html, meta_truth(m, written=False)


# --- footer marks -------------------------------------------------------------------------------


def conac_badge(page: Page, conac_id: str, img: str) -> str:
    """The rendered 党政机关网站 badge (a hard-coded link to bszs.conac.cn)."""
    inner = page.img(img, "党政机关网站", 'id="imgConac" border="0"')
    href = f"http://bszs.conac.cn/sitename?method=show&id={conac_id}"
    return f'<span id="_ideConac">{page.a(href, inner=inner, target="_blank")}</span>'


def conac_loader(page: Page, js_url: str) -> str:
    """The conac loader script written as a plain tag (the badge appears only after it runs)."""
    return f'<span id="_ideConac"></span>{page.script(js_url)}'


def write_footer_js(lines: list[str]) -> str:
    """A Hanweb footer script: footer() writes `lines` with document.write, then is called."""
    body = "\n".join("document.write(\"" + ln.replace('"', '\\"') + "\");" for ln in lines)
    return "function footer(){\n" + body + "\n}\nfooter();\n"


def jiucuo(page: Page, code: str, src: str) -> str:
    return f'<script id="_jiucuo_" sitecode="{code}" src="{page.ref("script", "src", src)}"></script>'


def relative(from_dir: str, path: str) -> str:
    """An href for `path` written relative to a directory (TRS writes ./202611/t… in lists)."""
    if path.startswith(from_dir):
        return "./" + path[len(from_dir):]
    return path


def day_ages(rng, n: int, newest: int, gap: tuple[int, int]) -> list[int]:
    """n ages in days, the first `newest`, each next one 1+ days older."""
    ages = [newest]
    for _ in range(n - 1):
        ages.append(ages[-1] + rng.randint(*gap))
    return ages


def dir_of(path: str) -> str:
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def d8(d: dt.date) -> str:
    return f"{d:%Y%m%d}"
