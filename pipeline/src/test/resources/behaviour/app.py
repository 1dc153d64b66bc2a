# The behaviour suite's sample app: answers /health and /version (the commit it runs).
# Committed files beside it change its health, so that a scenario is a commit:
#   healthy-checks  a number N: /health answers 200 N times, then 500 (a release that
#                   passes its start check and fails its bake)
#   hold-until      a loopback port: /health answers 503 until something listens there (a
#                   release that holds its environment's deploy slot until the test lets it
#                   go; a port, not a file, because releases run with a private /tmp)
import http.server
import os
import pathlib
import socket

HERE = pathlib.Path(__file__).resolve().parent
COMMIT = os.environ.get("CAIRN_COMMIT", "").encode()
LIMIT_FILE = HERE / "healthy-checks"
LIMIT = int(LIMIT_FILE.read_text().strip()) if LIMIT_FILE.exists() else None
HOLD_FILE = HERE / "hold-until"
HOLD = int(HOLD_FILE.read_text().strip()) if HOLD_FILE.exists() else None
checks = 0


def held():
    if HOLD is None:
        return False
    try:
        socket.create_connection(("127.0.0.1", HOLD), timeout=1).close()
        return False
    except OSError:
        return True


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global checks
        if self.path == "/health":
            if held():
                self.answer(503, b"held")
                return
            checks += 1
            if LIMIT is not None and checks > LIMIT:
                self.answer(500, b"unhealthy")
                return
            self.answer(200, b"ok")
        elif self.path == "/version":
            self.answer(200, COMMIT)
        else:
            self.answer(404, b"not found")

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
