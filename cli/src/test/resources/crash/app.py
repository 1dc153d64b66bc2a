# A tiny release for Cairn's crash tests: /version answers CAIRN_COMMIT; /health answers 200, or,
# when the artifact's mode file says hold-health, 503 until the test opens the health gate.
import http.server
import os

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "mode")) as mode_file:
    MODE = mode_file.read().strip()
GATE = os.environ["GATE"]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            if MODE == "hold-health":
                open(os.path.join(GATE, "health-asked"), "a").close()
                if not os.path.exists(os.path.join(GATE, "health-open")):
                    return self.reply(503, "held")
            return self.reply(200, "ok")
        if self.path == "/version":
            return self.reply(200, os.environ.get("CAIRN_COMMIT", ""))
        return self.reply(404, "not found")

    def reply(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), Handler).serve_forever()
