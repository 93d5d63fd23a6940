"""Connections an HTTP/1.0 server closes are not reused (crawler.http10): POSTs to such a server
(the Hanweb jpage proxy, JSON list APIs) all get their answer, without retries."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# a Scrapy crawl in its own process (a reactor runs once per process): GETs and POSTs, eight at a
# time, no retries; prints the failures
CRAWL = r"""
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from crawler import settings as project

base, handler = sys.argv[1], sys.argv[2]
failed = []

class Mixed(scrapy.Spider):
    name = "mixed"

    async def start(self):
        for i in range(300):
            post = i % 3 == 0
            yield scrapy.Request(f"{base}{'api' if post else 'page'}/{i}", method="POST" if post else "GET",
                                 body="columnid=1" if post else None, dont_filter=True,
                                 callback=self.ok, errback=self.failed)

    def ok(self, response):
        pass

    def failed(self, failure):
        failed.append([failure.request.method, str(failure.value)[:200]])

process = CrawlerProcess(settings={
    "DOWNLOAD_HANDLERS": project.DOWNLOAD_HANDLERS if handler == "project" else {},
    "RETRY_ENABLED": False, "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
})
process.crawl(Mixed)
process.start()
print(json.dumps(failed))
"""


class _Http10(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # answers, then closes, and says nothing about it

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"<html><body>" + b"x" * 4000 + b"</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer  # noqa: N815


@pytest.fixture()
def http10_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.6.1", 0), _Http10)
    server.request_queue_size = 128
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.6.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _failures(base: str, handler: str) -> list[list[str]]:
    proc = subprocess.run([sys.executable, "-c", CRAWL, base, handler], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_posts_to_an_http10_server_are_all_answered(http10_server: str) -> None:
    assert _failures(http10_server, "project") == []
