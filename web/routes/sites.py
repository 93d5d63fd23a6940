"""Sites and accounts: the list, one site's page with its findings and evidence, screenshots."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from reports.dashboard import ranking
from reports.site_view import screenshot_owner, site_page, subject, subjects_of
from web.deps import DB, SignedIn, render, scope, visible

router = APIRouter()


@router.get("/sites")
def sites(request: Request, user: SignedIn, session: DB) -> Response:
    quarter, units = ranking(session, None, scope(user))
    scores = {m["id"]: m for u in units for m in u.members}
    return render(request, "sites.html", {"subjects": subjects_of(session, scope(user)), "scores": scores,
                                          "quarter": quarter}, user=user)


@router.get("/sites/{subject_id}")
def site(request: Request, subject_id: str, user: SignedIn,
         session: DB) -> Response:
    s = visible(user, subject(session, subject_id), lambda s: s.unit_id)
    return render(request, "site.html", {"s": s, **site_page(session, subject_id)}, user=user)


@router.get("/screenshots/{screenshot_id}.png")
def screenshot(screenshot_id: int, user: SignedIn, session: DB) -> Response:
    shot, _ = visible(user, screenshot_owner(session, screenshot_id), lambda found: found[1])
    if not shot.png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise HTTPException(status_code=404, detail="未找到")
    # always image/png, whatever the bytes claim, and never sniffed into anything else
    return Response(shot.png, media_type="image/png",
                    headers={"X-Content-Type-Options": "nosniff", "Content-Disposition": "inline",
                             "Cache-Control": "private, max-age=3600"})
