"""Rechecks stop with the UI: a child still running when `serve` stops is ended, and its task says
it was cut short instead of staying 'running' and blocking the next recheck of its site."""

from __future__ import annotations

import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import select

from db.models import RecheckTask
from db.session import make_engine, session_factory
from web import tasks
from web.app import WebConfig, create_app


def test_stopping_the_ui_ends_its_rechecks_and_marks_them(db_url: str) -> None:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        running = RecheckTask(kind="site", site_id="site-a1", unit_id="county-a", url="", status="running",
                              progress="正在扫描", created_by="inspector")
        done = RecheckTask(kind="url", site_id="site-a1", unit_id="county-a", url="http://127.0.2.1/x",
                           status="completed", progress="", created_by="inspector")
        s.add_all([running, done])
        s.commit()
        running_id, done_id = running.id, done.id
    app = create_app(WebConfig(db_url=db_url))
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    finished = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    finished.wait()
    with TestClient(app):
        app.state.workers[running_id] = child
        app.state.workers[done_id] = finished
    assert child.poll() is not None, "the recheck child outlived the UI"
    with session_factory(engine)() as s:
        got = {t.id: t for t in s.scalars(select(RecheckTask))}
        assert (got[running_id].status, got[running_id].result) == ("failed", tasks.STOPPED)
        assert got[running_id].finished_at is not None
        assert got[done_id].status == "completed"  # a task whose child had ended is left as it was
    assert app.state.workers == {}
    engine.dispose()
