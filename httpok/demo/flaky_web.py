#!/usr/bin/python3
"""The demo's web program: healthy for a while, then it misbehaves.

    flaky_web.py PORT STATE_DIR [HEALTHY_SECONDS]

Each run (each start by supervisord) serves `200 OK` with body `Hello from
the demo` for HEALTHY_SECONDS (default 12), then breaks in the next way of a
rotation kept in STATE_DIR/incidents: answering 500, hanging without an
answer, or serving the wrong body. Only a restart makes it healthy again,
which is what httpok is there to do. It logs what it does on stderr.
"""

import http.server
import os
import socketserver
import sys
import time

MODES = ["500", "hang", "body"]


def main():
    port = int(sys.argv[1])
    state_dir = sys.argv[2]
    healthy_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 12.0
    counter = os.path.join(state_dir, "incidents")
    try:
        with open(counter) as f:
            incident = int(f.read().strip() or 0)
    except FileNotFoundError:
        incident = 0
    with open(counter, "w") as f:
        f.write(str(incident + 1))
    mode = MODES[incident % len(MODES)]
    started = time.monotonic()
    say = lambda text: print(f"web[{os.getpid()}]: {text}", file=sys.stderr, flush=True)
    say(f"up on port {port}; healthy for {healthy_seconds:.0f}s, then: {mode}")
    announced = [False]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if time.monotonic() - started < healthy_seconds:
                self.reply(200, "Hello from the demo")
                return
            if not announced[0]:
                announced[0] = True
                say({"500": "now answering 500 Internal Server Error",
                     "hang": "now hanging without an answer",
                     "body": "now serving the wrong body"}[mode])
            if mode == "500":
                self.reply(500, "database is on fire")
            elif mode == "hang":
                time.sleep(3600)
            else:
                self.reply(200, "Maintenance page")

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True

    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
