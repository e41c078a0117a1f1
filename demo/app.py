#!/usr/bin/env python3
"""The "legacy app" of Gatehouse's demo: a tiny HTTP/1.1 application that trusts its proxy.

It shows the identity headers Gatehouse injects and starts/ends sessions the way Gatehouse
expects a legacy app to: by response headers (`Gatehouse-Login`, `Gatehouse-Session-Attributes`,
`Gatehouse-Logout`) that the proxy consumes and strips. Like a real legacy app it also sets its
own weak session cookie (`legacy_sid`: no Secure, no HttpOnly, a new value at login) and a fake
analytics cookie (`_ga`); the home page shows which cookies the app received and which the
browser holds. With `vault_cookies = ["legacy_sid"]` (the demo config) Gatehouse keeps
`legacy_sid` in the session record: the browser never sees it, yet the app gets it on every
request of the session. Python 3 standard library only.

    python3 demo/app.py --port 8080

Pages:
    GET  /            identity headers received (HTML)
    GET  /public/     a page meant for a public route
    GET  /login       login form; POST /login (any username, password "demo") -> 303 to /
    POST /logout      -> 303 to /public/ with Gatehouse-Logout: this
    GET  /api/whoami  the identity headers as JSON
    GET  /healthz     200 "ok"
"""

import argparse
import html
import json
import secrets
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers Gatehouse sets (or passes through after validating); shown by / and /api/whoami.
IDENTITY_HEADERS = (
    "X-User-Id",
    "X-Auth-Method",
    "X-Request-Id",
    "traceparent",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-CSRF-Token",
)

DEMO_PASSWORD = "demo"
MAX_FORM_BYTES = 16 * 1024

STYLE = (
    "body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}"
    "code{background:#f4f4f4}"
)


def page(title, body):
    """A complete HTML document; `title` is escaped here, `body` must already be safe."""
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}"
        "<p><a href=\"/\">home</a> · <a href=\"/public/\">public</a> · "
        "<a href=\"/login\">login</a> · <a href=\"/api/whoami\">/api/whoami</a></p>"
        "</body></html>"
    )


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; every response carries Content-Length
    server_version = "legacy-app/1.0"

    def version_string(self):
        return self.server_version

    # --- helpers -------------------------------------------------------------------------------

    def identity(self):
        return {name: self.headers.get(name) for name in IDENTITY_HEADERS}

    def cookies(self):
        """The Cookie header as a dict (what the app received)."""
        out = {}
        for pair in (self.headers.get("Cookie") or "").split(";"):
            name, sep, value = pair.strip().partition("=")
            if sep and name:
                out[name] = value
        return out

    def app_cookies(self, new_session=False):
        """The app's own cookies, the way a legacy app sets them: its session id (weak: no Secure,
        no HttpOnly) when it has none or at login, and an analytics id when it has none."""
        received = self.cookies()
        out = []
        if new_session or "legacy_sid" not in received:
            out.append(("Set-Cookie", f"legacy_sid={secrets.token_hex(8)}; Path=/"))
        if "_ga" not in received:
            out.append(("Set-Cookie", f"_ga=GA1.1.{secrets.randbelow(10**9)}.{secrets.randbelow(10**9)}; Path=/; Max-Age=63072000"))
        return out

    def send(self, status, body, content_type="text/html; charset=utf-8", extra=(), new_session=False):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in tuple(extra) + tuple(self.app_cookies(new_session)):
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def redirect(self, location, extra=(), new_session=False):
        self.send(
            303, "", "text/plain; charset=utf-8", (("Location", location),) + tuple(extra), new_session=new_session
        )

    def read_form(self):
        """The urlencoded request body as a dict, or None if it is missing or too large."""
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit() or int(length) > MAX_FORM_BYTES:
            return None
        raw = self.rfile.read(int(length)).decode("utf-8", "replace")
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw, keep_blank_values=True).items()}

    def log_message(self, fmt, *args):
        # One line per request on stderr (BaseHTTPRequestHandler calls this from log_request).
        headers = getattr(self, "headers", None)

        def field(name):
            value = headers.get(name, "-") if headers else "-"
            return value.encode("unicode_escape").decode("ascii")  # no control bytes in the log

        line = "%s %s user=%s request_id=%s %s" % (
            self.log_date_time_string(),
            self.address_string(),
            field("X-User-Id"),
            field("X-Request-Id"),
            (fmt % args).encode("unicode_escape").decode("ascii"),
        )
        sys.stderr.write(line + "\n")

    # --- routes --------------------------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/":
            self.home()
        elif path in ("/public", "/public/"):
            self.send(200, page("Public page", "<p>Anyone may see this page; no session needed.</p>"))
        elif path == "/login":
            self.login_form()
        elif path == "/api/whoami":
            body = json.dumps(self.identity(), indent=2, sort_keys=True) + "\n"
            self.send(200, body, "application/json")
        elif path == "/healthz":
            self.send(200, "ok\n", "text/plain; charset=utf-8")
        else:
            self.send(404, page("Not found", "<p>No such page.</p>"))

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/login":
            self.login()
        elif path == "/logout":
            self.read_form()  # drain the body so the connection stays usable
            self.redirect("/public/", (("Gatehouse-Logout", "this"),))
        else:
            self.read_form()
            self.send(404, page("Not found", "<p>No such page.</p>"))

    def home(self):
        rows = "".join(
            f"<tr><th>{html.escape(name)}</th><td><code>{html.escape(value)}</code></td></tr>"
            if value is not None
            else f"<tr><th>{html.escape(name)}</th><td><em>absent</em></td></tr>"
            for name, value in self.identity().items()
        )
        user = self.headers.get("X-User-Id")
        csrf = self.headers.get("X-CSRF-Token") or ""
        greeting = (
            f"<p>Signed in as <strong>{html.escape(user)}</strong>.</p>"
            "<form method=\"post\" action=\"/logout\">"
            f"<input type=\"hidden\" name=\"csrf_token\" value=\"{html.escape(csrf, quote=True)}\">"
            "<button>Log out</button></form>"
            if user
            else "<p>Not signed in.</p>"
        )
        received = "".join(
            f"<tr><th>{html.escape(name)}</th><td><code>{html.escape(value)}</code></td></tr>"
            for name, value in sorted(self.cookies().items())
        ) or "<tr><td><em>none</em></td></tr>"
        # document.cookie shows what the browser holds and scripts can read (not HttpOnly cookies).
        browser = (
            "<p id=\"browser-cookies\"><em>needs JavaScript</em></p>"
            "<script>document.getElementById('browser-cookies').textContent="
            "document.cookie||'(none readable by scripts)';</script>"
        )
        body = (
            f"{greeting}<h2>Identity headers received</h2><table>{rows}</table>"
            f"<h2>Cookies the app received</h2><table>{received}</table>"
            f"<h2>Cookies the browser holds (readable by scripts)</h2>{browser}"
            "<p>With the vault, <code>legacy_sid</code> is in the first list but never in the second.</p>"
        )
        self.send(200, page("Legacy app", body))

    def login_form(self, error=None):
        csrf = self.headers.get("X-CSRF-Token")
        hidden = (
            f"<input type=\"hidden\" name=\"csrf_token\" value=\"{html.escape(csrf, quote=True)}\">"
            if csrf
            else ""
        )
        message = f"<p style=\"color:#b00\">{html.escape(error)}</p>" if error else ""
        body = (
            f"{message}<form method=\"post\" action=\"/login\">{hidden}"
            "<p><label>Username <input name=\"username\" autocomplete=\"username\" required></label></p>"
            "<p><label>Password <input name=\"password\" type=\"password\" "
            "autocomplete=\"current-password\" required></label></p>"
            "<p><button>Log in</button></p></form>"
            f"<p>Any username; the password is <code>{DEMO_PASSWORD}</code>.</p>"
        )
        self.send(401 if error else 200, page("Log in", body))

    def login(self):
        form = self.read_form()
        if form is None:
            self.send(400, page("Bad request", "<p>Expected a urlencoded form.</p>"))
            return
        username = form.get("username", "").strip()
        if not username or form.get("password") != DEMO_PASSWORD:
            self.login_form("Wrong username or password.")
            return
        if any(ord(c) < 0x21 or ord(c) > 0x7E for c in username) or len(username) > 64:
            # It goes into a response header: printable ASCII without spaces only.
            self.login_form("Usernames are 1-64 printable ASCII characters without spaces.")
            return
        self.redirect(
            "/",
            (("Gatehouse-Login", username), ("Gatehouse-Session-Attributes", "role=user")),
            new_session=True,
        )


def main():
    parser = argparse.ArgumentParser(description="Gatehouse demo legacy app")
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    sys.stderr.write(f"legacy app listening on http://127.0.0.1:{args.port}/\n")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
