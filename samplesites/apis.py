"""The dynamic endpoints of the sample sites: the Hanweb jpage data proxy and JSON list APIs.

A site declares them while it is built (`add_jpage_column`, `add_json_list`): the records or items
go to a data file under root/<site>/_api/ and a route names the file; the server answers from it
for any page asked for, the way the real back ends do:
- jpage: POST (or GET) /module/web/jpage/dataproxy.jsp?startrecord=S&endrecord=E&perpage=P with the
  form col=1&appid=1&webid=…&columnid=…&unitid=…: the datastore XML of records S..E
  (<totalrecord>, <totalpage>, <nextgroup>, <recordset><record><![CDATA[<li>…</li>]]>…);
- json_list: a page of a JSON list in one of the idioms' shapes: gkmlpt ({"total", "articles"}),
  jpaas ({"success", "data": {"html": "<ul>…</ul><div class=\"pagination\" rows= count=>"}}) or
  plain ({"code": 200, "data": {"total", "list"}}); the page number and size are read from the
  query, the form body, or a JSON-valued parameter (jpaas paramJson={"pageNo":2,"pageSize":8}).
A request the file cannot answer (no column id, an unknown page) gets an empty list, status 200:
what these back ends do.
"""

from __future__ import annotations

import json
import math
from typing import Any
from urllib.parse import parse_qsl

API_DIR = "/_api/"
JPAGE_PROXY = "/module/web/jpage/dataproxy.jsp"


# --- building -------------------------------------------------------------------------------------


def add_jpage_column(site: Any, columnid: str, records: list[str], *, webname: str, webid: str,
                     unitid: str, proxy: str = JPAGE_PROXY) -> None:
    """Serve `records` (each the inner HTML of one <record>) through the site's data proxy."""
    site.write(f"{API_DIR}jpage_{columnid}.json", json.dumps(
        {"records": records, "webname": webname, "webid": webid, "unitid": unitid}, ensure_ascii=False))
    site.route(proxy, jpage=API_DIR + "jpage_")


def add_json_list(site: Any, path: str, spec: dict[str, Any], *, key: str | None = None, by: str | None = None) -> None:
    """Serve a JSON list at `path`. spec: shape (gkmlpt | jpaas | plain), page_param, size_param,
    page_size, items. With `by`, one path serves several lists, chosen by that parameter's value
    (`key`), e.g. jpaas's pageId."""
    name = f"json_{key}" if key is not None else "json_" + path.strip("/").replace("/", "_")
    site.write(f"{API_DIR}{name}.json", json.dumps(spec, ensure_ascii=False))
    if by is None:
        site.route(path, json_list=f"{API_DIR}{name}.json")
    else:
        site.route(path, json_list=API_DIR + "json_", by=by)


def is_api_route(route: dict[str, Any]) -> bool:
    return "jpage" in route or "json_list" in route


# --- serving --------------------------------------------------------------------------------------


def request_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    """Query and form parameters together (the form wins), plus the keys of JSON-valued ones."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    text = body.decode("utf-8", "replace") if body else ""
    if text:
        if "json" in content_type.lower() or text.lstrip().startswith("{"):
            try:
                obj = json.loads(text)
            except ValueError:
                obj = None
            if isinstance(obj, dict):
                params.update({k: str(v) for k, v in obj.items()})
        else:
            params.update(dict(parse_qsl(text, keep_blank_values=True)))
    for value in list(params.values()):
        if value.strip().startswith("{"):
            try:
                obj = json.loads(value)
            except ValueError:
                continue
            if isinstance(obj, dict):
                for k, v in obj.items():
                    params.setdefault(k, str(v))
    return params


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def jpage_response(load: Any, prefix: str, params: dict[str, str]) -> bytes:
    """The datastore XML a Hanweb data proxy returns. `load(path)` reads a data file (None if absent)."""
    data = load(f"{prefix}{params.get('columnid', '')}.json") if params.get("columnid") else None
    records: list[str] = data["records"] if data else []
    per = max(1, _int(params.get("perpage"), 15))
    if "startrecord" in params:
        start = max(1, _int(params.get("startrecord"), 1))
        end = _int(params.get("endrecord"), start + per - 1)
    else:
        page = max(1, _int(params.get("page"), 1))
        start, end = (page - 1) * per + 1, page * per
    chunk = records[start - 1:end]
    total = len(records)
    pages = math.ceil(total / per) if total else 0
    nextgroup = ""
    if data and end < total:
        nextgroup = (f'<a href="{JPAGE_PROXY}?page={end // per + 1}&appid=1&webid={data["webid"]}&path=/'
                     f'&columnid={params["columnid"]}&unitid={data["unitid"]}&webname={data["webname"]}'
                     f'&permissiontype=0"></a>')
    rows = "\n".join(f"<record><![CDATA[{r}]]></record>" for r in chunk)
    xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
           f"<totalpage>{pages}</totalpage>\n<nextgroup><![CDATA[{nextgroup}]]></nextgroup>\n"
           f"<recordset>\n{rows}\n</recordset>\n</datastore>\n")
    return xml.encode("utf-8")


def json_list_response(spec: dict[str, Any] | None, params: dict[str, str]) -> bytes:
    """One page of a JSON list in the spec's shape."""
    spec = spec or {"shape": "plain", "items": [], "page_size": 10}
    items: list[Any] = spec.get("items", [])
    size = max(1, _int(params.get(spec.get("size_param") or ""), spec.get("page_size", 10)))
    page = max(1, _int(params.get(spec.get("page_param", "page")), 1))
    chunk = items[(page - 1) * size: page * size]
    shape = spec.get("shape", "plain")
    if shape == "gkmlpt":
        out: Any = {"total": len(items), "page": page, "articles": chunk}
    elif shape == "jpaas":
        html = ('<ul class="lmy-list-ul">' + "".join(chunk) + "</ul>"
                f'<div class="pagination" rows="{size}" count="{len(items)}"></div>')
        out = {"success": True, "code": 200, "data": {"html": html}}
    else:
        out = {"code": 200, "msg": "success", "data": {"total": len(items), "pageNo": page, "list": chunk}}
    return json.dumps(out, ensure_ascii=False).encode("utf-8")
