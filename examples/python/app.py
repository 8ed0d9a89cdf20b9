# SPDX-License-Identifier: MIT
"""The smallest WSGI app: / says hello, /health is what berth's --health-http checks."""


def app(environ, start_response):
    body = b"ok\n" if environ["PATH_INFO"] == "/health" else b"hello from behind berth\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
