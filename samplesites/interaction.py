"""Letter boxes (领导信箱) and 办事指南 for the sample sites: the messages with their 留言时间, 答复时间 and
状态, the guides with the element categories they show, the defects planted among them (recorded in
the truth as they are made) and their markup, modelled on real pages: the letter list is the
MinMore/TRS table (信件标题 | 留言时间 | 答复时间 | 办理状态), the letter page the label/value table of
信件查看 pages, the guide the 政务服务网 th/td table with a 办理流程 heading.

Dates are relative to the as-of day; the pair of replies around an official holiday (5 working days
and 6) is found on the same calendar the reply_slow check counts with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from checks.reply_slow import working_days
from samplesites.builder import Article, Column, Page, esc
from samplesites.truth import TruthBook

QUESTIONS = [
    "关于小区周边道路路灯长期不亮的反映", "咨询城乡居民医保缴费时间", "关于农村危房改造补助政策的咨询", "反映学校门口交通拥堵问题",
    "咨询公积金异地贷款办理流程", "关于老旧小区改造进度的咨询", "反映农贸市场占道经营问题", "咨询新生儿落户所需材料",
    "关于高龄老人补贴发放时间的咨询", "反映村组道路损毁需维修", "咨询个体工商户登记办理地点", "关于城区停车位收费标准的咨询",
    "反映夜间施工噪音扰民", "咨询退役军人优待证办理", "关于公交线路调整的建议", "咨询残疾人两项补贴申请条件",
    "反映自来水水压不足问题", "关于农村饮水安全工程的咨询",
]
REPLY = "您好！您反映的问题已转交相关部门办理。经核实，{unit}已于近日安排专人处理，并将持续跟进。感谢您对我们工作的关心和支持。"
UNITS = ["区住建局", "区交通运输局", "区医保局", "区教体局", "区市场监管局", "区民政局", "区城管执法局", "区水利局"]


@dataclass
class Letter:
    answered: dt.date | None
    status: str
    unit: str
    reply: str = ""


def _answer_after(asked: dt.date, n: int) -> dt.date:
    """The first day on which `n` working days have passed since `asked`."""
    day = asked
    while working_days(asked, day)[0] < n:
        day += dt.timedelta(days=1)
    return day


def holiday_letters(as_of: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(asked, answered after 5 working days, answered after 6) around the latest official holiday
    on a weekday in the past year (a plain week when the calendar has none)."""
    for back in range(30, 330):
        day = as_of - dt.timedelta(days=back)
        n, how = working_days(day - dt.timedelta(days=1), day)
        if how["holidays"] and how["calendar"] == "official":
            asked = day - dt.timedelta(days=1)
            while working_days(asked - dt.timedelta(days=1), asked)[0] == 0:
                asked -= dt.timedelta(days=1)
            return asked, _answer_after(asked, 5), _answer_after(asked, 6)
    asked = as_of - dt.timedelta(days=100 + (as_of - dt.timedelta(days=100)).weekday())
    return asked, _answer_after(asked, 5), _answer_after(asked, 6)


@dataclass
class LetterBox:
    """A 领导信箱 list column: its Articles are the letters (date = 留言时间), `letters` their replies."""

    col: Column
    letters: dict[str, Letter] = field(default_factory=dict)
    write_path: str = ""


def letter_box(col: Column, as_of: dt.date, rng, path_for: Callable[[dt.date], str], book: TruthBook,
               site_id: str, url: Callable[[str], str], write_path: str) -> LetterBox:
    """Fill `col` with letters: answered within 1–3 working days, two recent ones in progress, and
    the planted pairs (unanswered 91 days vs 89; replied after 6 working days across a holiday vs 5)."""
    box = LetterBox(col, write_path=write_path)
    questions = iter(QUESTIONS)

    def add(asked: dt.date, answered: dt.date | None, status: str) -> Article:
        art = Article(next(questions), path_for(asked), asked)
        unit = rng.choice(UNITS)
        art.paragraphs = [f"{art.title}，希望有关部门尽快协调解决。"]
        box.letters[art.path] = Letter(answered, status, unit, REPLY.format(unit=unit) if answered else "")
        col.items.append(art)
        return art

    for age in (3, 9, 17, 26, 38, 52, 120, 160, 210, 260, 320):
        asked = as_of - dt.timedelta(days=age)
        add(asked, _answer_after(asked, rng.randint(1, 3)), "已办结")
    for age in (2, 6):
        add(as_of - dt.timedelta(days=age), None, "办理中")
    late = add(as_of - dt.timedelta(days=91), None, "办理中")
    add(as_of - dt.timedelta(days=89), None, "办理中")
    asked, five, six = holiday_letters(as_of)
    add(asked, five, "已办结")
    slow = add(asked, six, "已办结")
    col.items.sort(key=lambda a: (a.date, a.path), reverse=True)
    book.finding(site_id, "interaction_unanswered", url(late.path))
    book.finding(site_id, "reply_slow", url(slow.path))
    return box


def letter_table(page: Page, box: LetterBox, chunk: list[Article], href: Callable[[str], str]) -> str:
    rows = []
    for art in chunk:
        letter = box.letters[art.path]
        answered = letter.answered.isoformat() if letter.answered else ""
        rows.append(f'<tr><td class="bt">{page.a(href(art.path), art.title, title=art.title, target="_blank")}</td>'
                    f"<td>{art.date.isoformat()}</td><td>{answered}</td><td>{esc(letter.status)}</td></tr>")
    write = page.a(box.write_path, "我要写信", cls="btn-write")
    return (f'<div class="xx-tools">{write}</div>\n<table class="xjlb" width="100%"><tbody>\n'
            '<tr><th width="52%">信件标题</th><th>留言时间</th><th>答复时间</th><th>办理状态</th></tr>\n'
            + "\n".join(rows) + "\n</tbody></table>")


def letter_detail(box: LetterBox, art: Article) -> str:
    letter = box.letters[art.path]
    reply = ""
    if letter.answered:
        reply = (f'<tr><td class="row-prompt">答复单位：</td><td>{esc(letter.unit)}</td></tr>'
                 f'<tr><td class="row-prompt">答复时间：</td><td>{letter.answered.isoformat()}</td></tr>'
                 f'<tr><td class="row-prompt">答复内容：</td><td>{esc(letter.reply)}</td></tr>')
    return (f'<table class="letter-info" width="100%"><tbody>'
            f'<tr><td class="row-prompt">信件标题：</td><td>{esc(art.title)}</td></tr>'
            f'<tr><td class="row-prompt">留言时间：</td><td>{art.date.isoformat()} {9 + len(art.title) % 8:02d}:12</td></tr>'
            f'<tr><td class="row-prompt">来信内容：</td><td>{esc(art.paragraphs[0])}</td></tr>'
            f'<tr><td class="row-prompt">办理状态：</td><td>{esc(letter.status)}</td></tr>{reply}</tbody></table>')


def write_form(action: str) -> str:
    return (f'<form class="xx-form" action="{action}" method="post"><p>姓名：<input type="text" name="name"></p>'
            '<p>联系电话：<input type="text" name="phone"></p><p>信件标题：<input type="text" name="title"></p>'
            '<p>来信内容：<textarea name="content" rows="8"></textarea></p><p><button type="submit">提交</button></p></form>')


# --- 办事指南 ----------------------------------------------------------------------------------

# the indicator's categories as real guides label them (a synonym where guides use one)
GUIDE_FIELDS = [
    ("事项名称", None), ("设定依据", "《中华人民共和国行政许可法》及相关法规"), ("受理条件", "符合法定条件的申请人"),
    ("申请材料", "1.申请书；2.申请人身份证明；3.相关证明材料"), ("办理地点", "汉滨区政务服务中心一楼综合窗口"),
    ("实施机关", None), ("收费标准", "不收费"), ("办理时间", "工作日 上午8:30-12:00，下午14:30-18:00"),
    ("咨询电话", "0915-3281234"), ("办理流程", "申请—受理—审查—决定—送达"),
]
GUIDES = [("个体工商户设立登记", "区市场监管局", 0), ("城乡居民基本养老保险参保登记", "区人社局", 1),
          ("临时救助申请", "区民政局", 3), ("建筑工程施工许可", "区住建局", 4), ("食品经营许可", "区市场监管局", 4),
          ("出生医学证明补发", "区卫健局", 5), ("农村宅基地审批", "区农业农村局", 4), ("取水许可", "区水利局", 6)]


def guides(col: Column, as_of: dt.date, path_for: Callable[[dt.date], str], book: TruthBook, site_id: str,
           url: Callable[[str], str]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Fill `col` with 办事指南: complete, missing 1, missing 3 (the look-alike) and five missing 4–6
    categories (planted: 服务不实用). path -> (item name, [(label, value)]); one guide keeps the
    收费标准 row with an empty value (a label without content is still missing)."""
    out: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for i, (name, unit, missing) in enumerate(GUIDES):
        d = as_of - dt.timedelta(days=40 + 23 * i)
        art = Article(f"{name}办事指南", path_for(d), d)
        fields = [(label, name if label == "事项名称" else unit if label == "实施机关" else value or "")
                  for label, value in GUIDE_FIELDS[: len(GUIDE_FIELDS) - missing]]
        if missing == 4 and i == 3:
            fields.insert(3, ("收费标准", ""))  # labelled, left empty: still missing
        col.items.append(art)
        out[art.path] = (name, fields)
        if missing >= 4:
            book.finding(site_id, "service_guide_incomplete", url(art.path))
    col.items.reverse()  # newest first
    return out


def guide_detail(name: str, fields: list[tuple[str, str]]) -> str:
    rows = [f'<tr><th width="18%">{esc(label)}</th><td>{esc(value)}</td></tr>' for label, value in fields
            if label != "办理流程"]
    flow = next((v for k, v in fields if k == "办理流程"), None)
    steps = f'<h3 class="bszn-h">办理流程</h3><p>{esc(flow)}</p>' if flow else ""
    return (f'<h1 class="bszn-title">{esc(name)}办事指南</h1>\n<table class="bszn-table" width="100%"><tbody>'
            + "".join(rows) + f"</tbody></table>\n{steps}")


def qa_replies(col: Column, as_of: dt.date, answered_from_age: int, unit: str) -> dict[str, Letter]:
    """Replies for a 在线咨询 list whose articles are the questions: those older than
    `answered_from_age` days were answered two working days later, the newer ones wait (待回复), so
    the newest reply is older than the questions still open (a box whose replies stalled)."""
    out: dict[str, Letter] = {}
    for art in col.items:
        if (as_of - art.date).days >= answered_from_age:
            out[art.path] = Letter(_answer_after(art.date, 2), "已回复", unit, REPLY.format(unit=unit))
        else:
            out[art.path] = Letter(None, "待回复", unit)
    return out


def qa_fields(art: Article, letter: Letter) -> list[str]:
    """The labelled lines a 在线咨询 detail page shows under the question."""
    lines = [f"留言时间：{art.date.isoformat()}", f"状态：{letter.status}"]
    if letter.answered:
        lines += [f"回复时间：{letter.answered.isoformat()}", f"回复内容：{letter.reply}"]
    return lines
