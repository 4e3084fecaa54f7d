"""Live preview for ``publisher watch --serve``: a small HTTP server on this machine.

It serves

``/``
    the pages of the latest good build as images (rendered by PDFium after
    each build: no PDF viewer or pdf.js needed, nothing fetched from the
    network), the build's status, the error of a failed build, and links to
    the PDF and the change report;
``/report.pdf``
    the latest good PDF;
``/changes``
    the change report against the previous build;
``/pages/<digest>.png``
    one page image (named by its pixels' hash, so unchanged pages stay in the
    browser's cache);
``/events``
    Server-Sent Events: a ``build`` event with the build id whenever a build
    finishes. The page listens and reloads itself when the id is not its own;
``/build-id``
    the current build id as text (for scripts, and browsers without SSE).

The server binds to 127.0.0.1 and answers only requests addressed to a
loopback host name, so other machines and web pages that rebind a DNS name
cannot read the report.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import EnvironmentProblem

KEEPALIVE_SECONDS = 15.0
"""A comment is sent on idle event streams this often, so dead connections are noticed."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True)
class PreviewPage:
    """One page image of a build."""

    number: int
    digest: str
    """Hash of the pixels; the image's URL."""
    image: Path
    width: int
    """Width of the image in pixels."""
    height: int
    """Height of the image in pixels."""


@dataclass(frozen=True)
class PreviewState:
    """What the preview shows: the latest build attempt and the latest good PDF."""

    build_id: str
    """Changes with every build attempt, failed ones too."""
    title: str = ""
    pdf: Path | None = None
    """The latest good PDF."""
    pages: tuple[PreviewPage, ...] = ()
    changed: frozenset[int] = field(default_factory=frozenset)
    """Pages whose content changed in the latest build."""
    status: str = ""
    """One line: pages, time of the build, seconds."""
    error: str | None = None
    """The error of the latest build attempt, if it failed."""
    report: Path | None = None
    """The change report of the latest good build."""


class PreviewServer:
    """The preview's HTTP server, running in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8000):
        try:
            self.httpd = _Server((host, port), _Handler)
        except OSError as exc:
            raise EnvironmentProblem(
                f"cannot serve the preview on {host}:{port}: {exc.strerror}",
                hint="choose another port with --port N (--port 0 picks a free one)",
            ) from None
        self.httpd.preview = self
        self.closing = False
        self._state = PreviewState(build_id="starting", status="building…")
        self._images: dict[str, Path] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The preview's address."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> None:
        """Serve in a daemon thread."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="preview-server", daemon=True)
        self._thread.start()

    def publish(self, state: PreviewState) -> None:
        """Show ``state``; open pages reload themselves."""
        with self._changed:
            # Keep the previous build's images too: a page loaded just before this build may still ask for them.
            self._images = {p.digest: p.image for p in self._state.pages} | {p.digest: p.image for p in state.pages}
            self._state = state
            self._changed.notify_all()

    @property
    def state(self) -> PreviewState:
        """What is shown now."""
        with self._changed:
            return self._state

    def image(self, digest: str) -> Path | None:
        """The file of a page image still shown."""
        with self._changed:
            return self._images.get(digest)

    def wait_for_build(self, seen: str | None, timeout: float) -> PreviewState:
        """The state once its build id differs from ``seen`` (or after ``timeout`` seconds)."""
        with self._changed:
            self._changed.wait_for(lambda: self._state.build_id != seen or self.closing, timeout)
            return self._state

    def close(self) -> None:
        """Stop serving and end open event streams."""
        with self._changed:
            self.closing = True
            self._changed.notify_all()
        if self._thread is not None:
            self.httpd.shutdown()
        self.httpd.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    preview: PreviewServer


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "publisher-preview"

    def log_message(self, format: str, *args: object) -> None:
        pass  # the watcher prints one line per build; requests would drown it

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").lower()
        if not any(host == name or host.startswith(name + ":") for name in LOOPBACK_NAMES):
            self._send(HTTPStatus.FORBIDDEN, b"preview only for this machine\n", "text/plain; charset=utf-8")
            return
        preview = self.server.preview
        path = urlsplit(self.path).path
        state = preview.state
        if path == "/":
            self._send(HTTPStatus.OK, render_page(state).encode("utf-8"), "text/html; charset=utf-8")
        elif path == "/build-id":
            self._send(HTTPStatus.OK, state.build_id.encode("ascii"), "text/plain; charset=utf-8")
        elif path == "/events":
            self._events()
        elif path == "/report.pdf" and state.pdf is not None:
            disposition = f'inline; filename="{state.pdf.name}"'
            self._send_file(state.pdf, "application/pdf", {"Content-Disposition": disposition})
        elif path == "/changes" and state.report is not None:
            self._send_file(state.report, "text/html; charset=utf-8")
        elif (found := re.fullmatch(r"/pages/([0-9a-f]{8,64})\.png", path)) and preview.image(found.group(1)):
            image = preview.image(found.group(1))
            assert image is not None
            self._send_file(image, "image/png", {"Cache-Control": "max-age=86400, immutable"})
        else:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in ({"Cache-Control": "no-store"} | (headers or {})).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (a reload)

    def _send_file(self, path: Path, kind: str, headers: dict[str, str] | None = None) -> None:
        try:
            body = path.read_bytes()  # files are replaced atomically: this is a whole file
        except OSError:
            self._send(HTTPStatus.NOT_FOUND, b"gone\n", "text/plain; charset=utf-8")
            return
        self._send(HTTPStatus.OK, body, kind, headers)

    def _events(self) -> None:
        preview = self.server.preview
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n\n")
            self.wfile.flush()
            seen: str | None = None
            while True:
                state = preview.wait_for_build(seen, KEEPALIVE_SECONDS)
                if preview.closing:
                    return
                if state.build_id != seen:
                    seen = state.build_id
                    self.wfile.write(f"event: build\ndata: {seen}\n\n".encode())
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def render_page(state: PreviewState) -> str:
    """The preview page for ``state`` (template ``preview.html.j2``)."""
    from ..webpages import render

    return render("preview.html.j2", state=state)
