"""A real HTTP server on 127.0.0.1 for tests, with routes set per test and a request log."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Routes(dict):
    """path -> (status, headers, body bytes), or a function of (method, path, headers, body)
    answering that; a path with a query string falls back to the route without it."""


class _Handler(BaseHTTPRequestHandler):
    def _answer(self):
        server = self.server
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length) if length else b""
        server.requests.append((self.command, self.path, dict(self.headers), payload))
        route = server.routes.get(self.path) or server.routes.get(self.path.split("?", 1)[0])
        if callable(route):
            route = route(self.command, self.path, dict(self.headers), payload)
        status, headers, body = route or (404, {}, b"not here")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PURGE = _answer

    def log_message(self, *args):
        pass


class LocalServer:
    def __init__(self, host="127.0.0.1", port=0):
        self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.routes = Routes()
        self.httpd.requests = []
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def routes(self):
        return self.httpd.routes

    @property
    def requests(self):
        return self.httpd.requests

    def url(self, path="/"):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
