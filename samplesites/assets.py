"""Small static files the sample pages reference: images, stylesheets, scripts and attachments."""

from __future__ import annotations

import base64
import io
import zipfile

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")
# a minimal baseline JPEG (1x1 grey)
JPG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////"
    "////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=")
ICO = PNG

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
# the OLE2 signature is all a sniffer looks at for .doc/.xls
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        info = zipfile.ZipInfo("[Content_Types].xml", date_time=(2026, 1, 1, 0, 0, 0))
        z.writestr(info, '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"></Types>')
    return buf.getvalue()


def attachment_bytes(path: str) -> bytes:
    ext = path.rsplit(".", 1)[-1].lower()
    if ext == "pdf":
        return PDF
    if ext in ("docx", "xlsx", "zip"):
        return docx()
    return OLE


def image_bytes(path: str) -> bytes:
    ext = path.rsplit(".", 1)[-1].lower()
    return {"png": PNG, "gif": GIF, "jpg": JPG, "jpeg": JPG, "ico": ICO}.get(ext, PNG)


JQUERY = "/*! jQuery stub for the sample sites */\nwindow.jQuery = window.$ = function () { return { ready: function (f) { f(); } }; };\n"

# TRS WCM's pager function (0-based): page 0 is index.html, page i is index_i.html
TRS_PAGER_JS = r"""
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
    if (_nPageCount == null || _nPageCount <= 1) { return; }
    var nCurrIndex = _nCurrIndex || 0;
    if (nCurrIndex == 0) document.write("<span>首页</span>&nbsp;<span>上一页</span>&nbsp;");
    else {
        document.write("<a href=\"" + _sPageName + "." + _sPageExt + "\">首页</a>&nbsp;");
        var prev = nCurrIndex - 1;
        document.write("<a href=\"" + _sPageName + (prev == 0 ? "" : "_" + prev) + "." + _sPageExt + "\">上一页</a>&nbsp;");
    }
    for (var i = 0; i < _nPageCount; i++) {
        if (i == nCurrIndex) document.write("<span class=\"current\">" + (i + 1) + "</span>&nbsp;");
        else document.write("<a href=\"" + _sPageName + (i == 0 ? "" : "_" + i) + "." + _sPageExt + "\">" + (i + 1) + "</a>&nbsp;");
    }
    if (nCurrIndex + 1 < _nPageCount) {
        document.write("<a href=\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\">下一页</a>&nbsp;");
        document.write("<a href=\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\">尾页</a>");
    }
}
"""

# the 1-based createPageHTML('page_div', …) template function
PAGE_DIV_JS = r"""
function createPageHTML(divId, countPage, currentPage, pageName, pageExt, totalRecords) {
    var el = document.getElementById(divId);
    if (!el || countPage <= 1) { if (el) el.innerHTML = "共 " + totalRecords + " 条"; return; }
    var html = "";
    for (var k = 1; k <= countPage; k++) {
        var param = k > 1 ? "_" + k : "";
        if (k == currentPage) html += "<span class=\"current\">" + k + "</span> ";
        else html += "<span class=\"arrow\"><a href=\"" + pageName + param + "." + pageExt + "\">" + k + "</a></span> ";
    }
    html += "第 " + currentPage + " 页 共 " + totalRecords + " 条 共 " + countPage + " 页";
    el.innerHTML = html;
}
"""

CSS = "body{margin:0;font:14px/1.8 'Microsoft YaHei',sans-serif;color:#333}a{color:#333;text-decoration:none}\n"
