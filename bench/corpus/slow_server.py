#!/usr/bin/env python3
# Copied unchanged (but for this line) from the project's benchmark material, shared/bench/slow_server.py.
"""Tiny slow endpoint for the benchmark (stdlib only).

nginx proxies every /slow/<seconds>/<name> request of every site here; the handler sleeps
<seconds> and answers a small HTML page (GET and HEAD).  Example: /slow/2/fwtj_1.html -> 2 s.
"""
import argparse
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAT = re.compile(r"^/slow/(\d+(?:\.\d+)?)/")


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "slow/1"

    def _go(self, body):
        m = PAT.match(self.path)
        if not m:
            data = b"not found"
            self.send_response(404)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)
            return
        time.sleep(min(float(m.group(1)), 120.0))
        data = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>访问统计</title></head>"
                "<body><p>本页访问量：%d（延迟 %s 秒）</p></body></html>" % (len(self.path) * 37, m.group(1))).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self._go(True)

    def do_HEAD(self):
        self._go(False)

    def log_message(self, fmt, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):
        # clients that give up (timeouts) close the socket: not an error worth a traceback
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8099)
    a = ap.parse_args()
    if not a.bind.startswith("127."):
        sys.exit("loopback only")
    Server((a.bind, a.port), H).serve_forever()


if __name__ == "__main__":
    main()
