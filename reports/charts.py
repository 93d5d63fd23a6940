"""Bar charts for the 通报 (PNG bytes): the units' scores and the findings by check. matplotlib
with a CJK font when the machine has one (scripts/bootstrap.sh installs WenQuanYi Micro Hei);
without one the labels are ids, since boxes in place of Chinese would be worse."""

from __future__ import annotations

import io
from functools import cache

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
             "Microsoft YaHei", "PingFang SC")


@cache
def cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def bar_chart(labels: list[str], values: list[float], *, title: str, xlabel: str, fallback_labels: list[str],
              xmax: float | None = None, color: str = "#2f6fb0") -> bytes:
    """A horizontal bar chart, first label on top."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    font = cjk_font()
    if font is None:
        labels, title, xlabel = fallback_labels, "", ""
    height = max(2.0, 0.38 * len(labels) + 1.0)
    fig = Figure(figsize=(6.3, height), dpi=150)
    ax = fig.subplots()
    if font is not None:
        from matplotlib import rcParams

        rcParams["font.sans-serif"] = [font, *rcParams["font.sans-serif"]]
        rcParams["axes.unicode_minus"] = False
    positions = list(range(len(labels)))[::-1]
    bars = ax.barh(positions, values, color=color)
    ax.set_yticks(positions, labels, fontsize=8)
    ax.bar_label(bars, labels=[f"{v:g}" for v in values], fontsize=7, padding=2)
    if xmax is not None:
        ax.set_xlim(0, xmax * 1.08)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
