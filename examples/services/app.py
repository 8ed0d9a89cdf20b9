# SPDX-License-Identifier: MIT
"""The app behind nginx: answers / and /healthz on 127.0.0.1:$PORT; on SIGTERM it stops taking
connections, finishes the request in hand and exits 0 (its graceful path)."""
import http.server
import os
import signal
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the stdlib's name)
        body = b"ok\n" if self.path == "/healthz" else b"hello from the app behind nginx\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        print("request", fmt % args, flush=True)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))),
                                             Handler)

    def stop(signum, _frame):
        print(f"app: {signal.Signals(signum).name}, finishing requests", flush=True)
        # shutdown() waits for serve_forever to return: call it off the main thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    print(f"app: listening on {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
    print("app: stopped cleanly", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
