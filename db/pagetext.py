"""How page text is stored: zlib with a preset dictionary of the words every Chinese government
site repeats on every page (its chrome: menus, the detail page's metadata labels, the footer's
registration lines). A page's text is a few kilobytes, too little for zlib to learn its own
vocabulary; seeded with this one it compresses to about three quarters of plain zlib's size.

The dictionary must never change: stored text needs it to be read back. A stream compressed
without it (or with another) carries no or another dictionary id in its header, and reads back as
before, so a new dictionary would be a new constant next to this one, not an edit of it.
"""

from __future__ import annotations

import zlib

_WORDS = """设为首页 加入收藏 无障碍浏览 长者模式 繁體 English 首页 政务公开 政府信息公开 信息公开 政务服务 互动交流 走进 概况
要闻动态 工作动态 部门动态 通知公告 公示公告 政策文件 政策解读 人事信息 规划计划 财政资金 预算决算 建议提案 统计信息 统计数据
政府信息公开指南 政府信息公开制度 法定主动公开内容 政府信息公开年报 依申请公开 机构职能 领导信息 内设机构
当前位置：首页 > 索引号 主题分类 分类 发布机构 发文机关 成文日期 发文日期 发文字号 文号 发布日期 有效性 标题 主题词
发布时间： 来源： 浏览次数： 阅读次数： 字号：大 中 小 【打印本页】 【关闭窗口】 【打印】 【关闭】 分享到：
附件： 附件1： 附件2： 相关链接： 相关文件 相关解读 上一篇： 下一篇：
网站地图 | 联系我们 | 打印本页 | 返回顶部 主办单位： 承办单位： 协办单位： 技术支持： 地址： 邮编： 联系电话： 电话： 传真：
网站标识码： ICP备 号-1 公网安备 号 版权所有 我为政府网站找错 政府网站找错 建议使用1920*1080分辨率
人民政府 人民政府办公室 办公室 局 委员会 县 市 区 省 关于 的通知 的公告 的意见 实施方案 工作方案 管理办法 暂行办法
咨询 投诉 建议 留言 我要写信 领导信箱 在线访谈 征集调查 网上调查 办事指南 办理流程 受理条件 申请材料 办理时限 收费标准
"""
DICTIONARY = _WORDS.encode("utf-8")


def pack(text: str) -> bytes:
    if not text:
        return b""
    z = zlib.compressobj(6, zdict=DICTIONARY)
    return z.compress(text.encode("utf-8", "surrogatepass")) + z.flush()


def unpack(data: bytes) -> str:
    if not data:
        return ""
    z = zlib.decompressobj(zdict=DICTIONARY)
    return (z.decompress(data) + z.flush()).decode("utf-8", "surrogatepass")
