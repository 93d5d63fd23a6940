"""Chinese names for what the database stores as ids, for everything a person reads (web UI,
reports, spreadsheets). One table each; an unknown id shows as itself."""

from __future__ import annotations

CHECKS = {
    "site_unreachable": "站点无法访问",
    "homepage_stale": "首页不更新",
    "column_stale": "栏目不更新",
    "column_empty": "空白栏目",
    "link_broken": "链接不可用",
    "disclosure_missing": "政府信息公开专栏不规范",
    "footer_missing": "页面底部标识缺失",
    "privacy_leak": "泄露个人隐私",
    "serious_error": "严重表述错误",
    "account_stale": "政务新媒体更新不及时",
    "account_empty": "政务新媒体空白（无内容）",
    "interaction_channel_missing": "未提供有效咨询建言渠道",
    "interaction_unanswered": "留言超过3个月未回应",
    "interaction_stale": "留言答复长期未更新",
    "reply_slow": "留言答复超时",
    "service_guide_incomplete": "办事指南要素缺失",
    "prohibited_link": "链接违规内容",
    "hidden_link": "网站暗链",
    "backdated_item": "伪造发布日期",
    "interpretation_unlinked": "政策解读与原文未关联",
    "ipv6_missing": "未完成IPv6改造",
}
SEVERITIES = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
STATUSES = {"open": "待审核", "confirmed": "已确认", "dismissed": "已驳回", "fixed": "已整改"}
SUBJECTS = {"site": "网站", "account": "政务新媒体", "unit": "单位"}
ROLES = {"admin": "管理员", "inspector": "检查员", "webmaster": "单位网站管理员"}
RUN_STATUSES = {"running": "进行中", "completed": "已完成", "incomplete": "未完成", "failed": "失败",
                "queued": "排队中", "done": "已完成"}
SCAN_KINDS = {"full": "全面检查", "weekly": "每周轻量检查", "single": "单站检查", "recheck": "复查"}
STATUS_SOURCES = {"cli": "命令行", "web": "网页", "recheck": "复查"}


def check_label(check_id: str) -> str:
    return CHECKS.get(check_id, check_id)


def severity_label(severity: str) -> str:
    return SEVERITIES.get(severity, severity)


def status_label(status: str) -> str:
    return STATUSES.get(status, status)


def quarter_label(quarter: str | None) -> str:
    """2026Q4 -> 2026年第四季度."""
    if not quarter or len(quarter) != 6 or quarter[4] != "Q":
        return quarter or ""
    return f"{quarter[:4]}年第{'一二三四'[int(quarter[5]) - 1]}季度"
