"""Deterministic Chinese text for the sample sites: titles, body paragraphs, people, document numbers.

Titles never contain anything a date parser could read (no 月/日 pairs, no digit-dash-digit), so a
list entry's only date is the one its template shows. Numbers that look like personal data are
produced only by the explicit helpers at the bottom (planted leaks and their look-alikes).
"""

from __future__ import annotations

import datetime as dt
import random

CITY = "安康市"
COUNTIES = ["汉滨区", "汉阴县", "石泉县", "宁陕县", "紫阳县", "岚皋县", "平利县", "镇坪县", "旬阳市", "白河县"]
HB_TOWNS = ["老城街道", "新城街道", "江北街道", "建民街道", "关庙镇", "张滩镇", "瀛湖镇", "五里镇", "大河镇",
            "晏坝镇", "紫荆镇", "牛蹄镇", "吉河镇", "茨沟镇", "早阳镇", "县河镇"]
DEPARTMENTS = ["市发展改革委", "市教育局", "市民政局", "市财政局", "市人力资源和社会保障局", "市自然资源局",
               "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水利局", "市农业农村局", "市商务局",
               "市文化和旅游广电局", "市卫生健康委员会", "市应急管理局", "市市场监督管理局", "市医疗保障局",
               "市退役军人事务局", "市统计局", "市林业局"]
PEOPLE = ["王建华", "李红梅", "张志强", "刘海涛", "陈晓东", "杨军", "赵丽", "黄建国", "周文斌", "吴志刚",
          "徐明", "孙立新", "马卫东", "朱永平", "胡晓燕", "郭建军", "何平", "高新民", "林涛", "罗晓峰"]
SCHOOLS = ["安康中学", "安康市第一中学", "安康市第二中学", "汉滨高级中学", "安康市培新小学", "安康市育英小学",
           "旬阳中学", "紫阳中学", "汉阴中学", "平利中学", "石泉中学", "安康职业技术学院"]

NEWS_TOPICS = ["秋冬季森林防火", "安全生产", "乡村振兴", "营商环境优化", "汉江水质保护", "富硒产业发展", "城市更新",
               "全国文明城市创建", "农村人居环境整治", "招商引资", "重点项目建设", "冬季供暖保障", "防汛减灾",
               "稳就业保民生", "基层医疗服务", "平安安康建设", "数字政府建设", "消费帮扶", "耕地保护",
               "文化旅游融合发展", "移民搬迁后续扶持", "社区治理", "食品安全", "河湖长制", "农村饮水安全",
               "老旧小区改造", "养老服务", "中小企业发展", "秸秆禁烧", "民生实事"]
EDU_TOPICS = ["秋季学期开学", "校园安全", "学前教育普及普惠", "义务教育优质均衡", "职业教育改革", "教师队伍建设",
              "双减", "学生资助", "校园食品安全", "教育信息化", "劳动教育", "体育美育", "乡村教师支持计划",
              "考务管理", "控辍保学", "校外培训治理", "防溺水安全教育", "教育督导评估", "课后服务", "家校共育"]
HEALTH_TOPICS = ["冬季流感防治", "高血压日常管理", "儿童近视防控", "合理膳食", "慢性病自我管理", "心理健康",
                 "健康体重管理", "控烟", "手足口病预防", "狂犬病暴露处置", "诺如病毒防控", "老年人跌倒预防",
                 "科学就医", "口腔健康"]
HEALTH_WORK = ["家庭医生签约服务质量评估", "基本公共卫生服务项目绩效评价", "医疗机构依法执业检查", "院感防控专项检查",
               "爱国卫生月活动", "健康素养促进行动", "基层卫生人才培训", "医疗质量安全提升", "无偿献血宣传",
               "职业健康保护行动", "妇幼健康服务", "中医药服务能力提升"]
EDU_PLANS = ["义务教育优质均衡发展", "学前教育普及普惠", "县域普通高中振兴", "职业教育产教融合", "教师队伍建设",
             "校园安全管理", "学生体质健康提升", "教育数字化转型", "家庭经济困难学生资助", "中小学课后服务"]
HEALTH_PLANS = ["基层卫生健康服务能力提升", "公共卫生应急体系建设", "全民健康信息化", "医疗卫生人才队伍建设",
                "中医药传承创新发展", "妇幼健康服务", "老年健康服务体系建设", "职业病防治"]
PLANS = ["优化营商环境", "数字经济发展", "富硒食品产业高质量发展", "县域经济发展", "新型城镇化", "生态环境保护",
         "综合交通运输发展", "全民健身", "养老服务体系建设", "应急体系建设", "公共文化服务", "科技创新驱动发展",
         "农业农村现代化", "就业促进", "城市供水安全保障", "中医药振兴发展"]

NEWS_PATTERNS = [
    "市政府召开{t}工作推进会", "{c}扎实推进{t}工作", "我市{t}取得阶段性成效", "{c}召开{t}专题会议",
    "市领导调研督导{t}工作", "{d}全力抓好{t}", "{c}举办{t}业务培训班", "我市召开{t}工作联席会议",
    "{d}部署{t}重点任务", "{c}多措并举推动{t}提质增效", "{d}开展{t}督导检查", "{c}{t}工作经验获全省推广",
]
NOTICE_PATTERNS = [
    "关于做好{t}工作的通知", "关于开展{t}专项检查的通知", "关于进一步加强{t}工作的通知", "关于{t}有关事项的公告",
    "关于征集{t}意见建议的公告", "{d}关于{t}的通告", "关于调整{t}工作安排的通知",
]
PARAGRAPHS = [
    "近日，{o}围绕{t}工作进行专题研究部署，强调要提高政治站位，压实工作责任，确保各项任务落到实处。",
    "会议指出，{t}事关群众切身利益和经济社会发展大局，各级各部门要坚持问题导向，细化工作举措，形成工作合力。",
    "会议要求，要强化督促检查，建立工作台账，对照时间节点抓好落实，以实际成效推动高质量发展。",
    "{o}相关负责同志表示，将进一步完善工作机制，加强部门协作，持续巩固{t}工作成果。",
    "活动现场，工作人员通过发放宣传资料、现场讲解等方式，向群众宣传{t}相关政策，引导群众积极参与。",
    "下一步，{o}将以更加务实的作风抓好{t}各项工作，切实增强人民群众的获得感、幸福感、安全感。",
    "据了解，今年以来{o}聚焦{t}，统筹推进重点任务，各项工作取得明显成效。",
]


class Writer:
    """Titles and paragraphs from one seeded generator; titles are unique within a writer."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def pick(self, seq: list[str]) -> str:
        return self.rng.choice(seq)

    def unique(self, make) -> str:
        for _ in range(200):
            title = make()
            if title not in self.used:
                self.used.add(title)
                return title
        raise RuntimeError("title space exhausted")

    def news(self, topics: list[str] = NEWS_TOPICS, places: list[str] = COUNTIES,
             orgs: list[str] = DEPARTMENTS, level: str = "市") -> str:
        """A news headline; `level` 区 makes 市政府/市领导/我市 read 区政府/区领导/我区."""
        def make() -> str:
            title = self.pick(NEWS_PATTERNS).format(t=self.pick(topics), c=self.pick(places), d=self.pick(orgs))
            for word in ("市政府", "市领导", "我市"):
                title = title.replace(word, word.replace("市", level))
            return title
        return self.unique(make)

    def notice(self, topics: list[str] = NEWS_TOPICS, orgs: list[str] = DEPARTMENTS) -> str:
        return self.unique(lambda: self.pick(NOTICE_PATTERNS).format(t=self.pick(topics), d=self.pick(orgs)))

    def policy(self, issuer: str, year: int, plans: list[str] = PLANS, place: str = CITY) -> str:
        def make() -> str:
            plan = self.pick(plans)
            return self.pick([
                f"{issuer}关于印发《{place}{plan}三年行动方案》的通知",
                f"{issuer}关于加快{plan}的实施意见",
                f"{issuer}关于印发{place}{plan}若干措施的通知",
                f"{issuer}关于进一步推进{plan}工作的意见",
                f"{issuer}关于印发《{place}{year}年{plan}工作要点》的通知",
            ])
        return self.unique(make)

    def personnel(self, issuer: str, year: int) -> str:
        def make() -> str:
            a, b = self.rng.sample(PEOPLE, 2)
            return self.pick([
                f"{issuer}关于{a}等同志职务任免的通知",
                f"{issuer}关于{a}同志任职的通知",
                f"{issuer}关于{a}、{b}同志免职的通知",
                f"{year}年{CITY}事业单位公开招聘工作人员拟聘用人员名单",
                f"{issuer}关于{a}同志试用期满正式任职的通知",
            ])
        return self.unique(make)

    def paragraphs(self, topic: str, org: str, n: int = 3) -> list[str]:
        picked = self.rng.sample(PARAGRAPHS, n)
        return [p.format(t=topic, o=org) for p in picked]

    def topic_of(self, title: str, topics: list[str]) -> str:
        for t in topics:
            if t in title:
                return t
        return self.pick(topics)


def cn_date(d: dt.date, pad: bool = False) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if pad else f"{d.year}年{d.month}月{d.day}日"


# --- personal-data shaped numbers (planted leaks and their look-alikes) ------------------------

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 (ISO 7064 MOD 11-2) check character of a 身份证号."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def luhn_ok(number: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(number)):
        v = int(c)
        if i % 2 == 1:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def _id_with(valid: bool) -> str:
    """An 18-digit 身份证号 of 汉滨区 (610902) born 1985-03-12, with a valid or a wrong check digit.
    The sequence is chosen so the number also fails a Luhn test: a bank-card detector must not
    report it either."""
    for seq in range(123, 999):
        first = f"61090219850312{seq:03d}"
        good = id_check_digit(first)
        if good == "X":
            continue
        check = good if valid else str((int(good) + 1) % 10)
        if check == "X" or (not valid and check == good):
            continue
        number = first + check
        if not luhn_ok(number):
            return number
    raise RuntimeError("no id number")


VALID_ID = _id_with(True)
WRONG_CHECK_ID = _id_with(False)
MOBILE = "13912345678"
LANDLINE = "0915-3212345"
HOTLINE = "12345"
# 20 digits (an account number) containing the 11-digit run 13912345678: not a phone number
ACCOUNT_20 = "26105016" + MOBILE + "0"
CREDIT_CODE = "11610900MB1234567X"
