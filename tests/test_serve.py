"""``publisher watch --serve`` seen by a real browser: headless Chromium reloads the preview by itself.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
no port, no extra package). The test never navigates after opening the page:
the new build id in the page's DOM proves that the page reloaded itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from publisher.commands.serve import PreviewPage, PreviewState, render_page

from .conftest import pdftotext
from .test_watch import WAIT, Running, edit, watcher, write_project

__all__ = ["watcher"]  # the fixture, shared with test_watch

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """Headless Chromium with one page, driven over the DevTools protocol on fds 3 and 4."""

    def __init__(self) -> None:
        assert CHROMIUM is not None
        self.profile = tempfile.mkdtemp(prefix="chromium-")
        commands, self._to_browser = os.pipe()
        self._from_browser, replies = os.pipe()

        def use_pipes() -> None:  # in the child: the protocol's pipes must be fds 3 and 4
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.proc = subprocess.Popen(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={self.profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=use_pipes,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands)
        os.close(replies)
        self._buffer = b""
        self._next = 0
        self.session = ""

    def send(self, method: str, params: dict[str, Any] | None = None, session: bool = True) -> dict[str, Any]:
        """Send one command and return its result (events in between are skipped)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._from_browser, 1 << 16)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result

    def open(self, url: str) -> None:
        target = self.send("Target.createTarget", {"url": url}, session=False)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (None while the page is loading)."""
        try:
            reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        except RuntimeError:
            return None  # between two documents during a reload
        return reply.get("result", {}).get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        """Poll ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + WAIT
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                pytest.fail(f"the page never showed {what}; last value {value!r}")
            time.sleep(0.1)

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
            self.proc.wait(10)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(10)
        for fd in (self._to_browser, self._from_browser):
            os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture
def browser() -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (scripts/system-deps.sh installs it)")
    opened = Browser()
    yield opened
    opened.close()


LOADED = (
    "document.readyState === 'complete' && document.images.length > 0 && "
    "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0) && document.body.dataset.build"
)
PAGE_SOURCES = "Array.from(document.images).map(i => i.getAttribute('src')).join(' ')"


def fetch(url: str, host: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=WAIT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_preview_reloads_itself_after_each_build(
    tmp_path: Path, watcher: Callable[..., Running], browser: Browser
) -> None:
    root = write_project(tmp_path / "proj")
    running = watcher(str(root), "--serve", "--port", "0")
    at, served = running.wait_for(r"serving the preview at (http://127\.0\.0\.1:\d+/)")
    url = served.group(1)
    at, _ = running.wait_for(r"first build → ", at)

    browser.open(url)
    first = browser.wait_for(LOADED, "the pages of the first build")
    first_sources = browser.evaluate(PAGE_SOURCES)
    assert browser.evaluate("document.querySelector('header').textContent").startswith("测试")

    # An edit: the open page notices the build by itself and shows the new pages.
    edit(root / "source" / "report.md", "第一段文字", "第一段修改后的文字")
    second = browser.wait_for(f"document.body.dataset.build !== {first!r} && ({LOADED})", "a new build")
    assert second != first
    sources = browser.evaluate(PAGE_SOURCES)
    assert sources != first_sources  # the page with the paragraph has a new image
    assert browser.evaluate("document.querySelectorAll('figure.changed').length") == 1
    status, pdf = fetch(url + "report.pdf")
    assert status == 200 and pdf.startswith(b"%PDF")
    saved = tmp_path / "served.pdf"
    saved.write_bytes(pdf)
    assert "第一段修改后的文字" in pdftotext(saved)
    status, report = fetch(url + "changes")
    assert status == 200 and "修改后的" in report.decode("utf-8")

    # A broken edit: the page reloads to show the error over the last good pages.
    edit(root / "source" / "charts" / "a.yaml", "[3, 5]", "[3, x5]")
    error = browser.wait_for(
        "document.getElementById('error') && document.getElementById('error').textContent", "the error"
    )
    assert re.match(r"source/charts/a\.yaml:5:13: error: values\[2\]", error)
    assert browser.evaluate(PAGE_SOURCES) == sources

    # Fixed: pages again, no error.
    edit(root / "source" / "charts" / "a.yaml", "[3, x5]", "[3, 6]")
    browser.wait_for(f"!document.getElementById('error') && ({LOADED})", "the fixed build")

    assert running.stop() in (0, 130)
    assert "Traceback" not in running.output


def test_only_this_machine_may_read_the_preview(tmp_path: Path, watcher: Callable[..., Running]) -> None:
    root = write_project(tmp_path / "proj")
    running = watcher(str(root), "--serve", "--port", "0")
    _, served = running.wait_for(r"serving the preview at (http://127\.0\.0\.1:\d+/)")
    url = served.group(1)
    running.wait_for(r"^watching ")  # after the first build and its page images
    assert fetch(url)[0] == 200
    assert fetch(url, host="attacker.example")[0] == 403  # a rebound DNS name
    assert fetch(url + "pages/../../etc/passwd")[0] == 404
    status, build_id = fetch(url + "build-id")
    assert status == 200 and build_id.decode().endswith("-1")
    assert running.stop() in (0, 130)


def test_a_busy_port_is_a_clean_error(tmp_path: Path, watcher: Callable[..., Running]) -> None:
    import socket

    root = write_project(tmp_path / "proj")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        running = watcher(str(root), "--serve", "--port", str(port))
        assert running.exit_code() == 3
    assert re.search(rf"^error: cannot serve the preview on 127\.0\.0\.1:{port}: ", running.output, re.M)
    assert "hint: choose another port" in running.output
    assert "Traceback" not in running.output


def test_the_page_marks_changed_pages_and_escapes_the_error(tmp_path: Path) -> None:
    image = tmp_path / "p.png"
    state = PreviewState(
        build_id="1-2",
        title="<b>报告</b>",
        pages=(PreviewPage(1, "ab" * 16, image, 827, 1169), PreviewPage(2, "cd" * 16, image, 827, 1169)),
        changed=frozenset({2}),
        error="a.yaml:1:1: error: <script>",
    )
    page = render_page(state)
    assert '<body data-build="1-2">' in page
    assert "&lt;b&gt;报告&lt;/b&gt;" in page and "&lt;script&gt;" in page
    assert re.findall(r'<figure( class="changed")? id="page-(\d)"', page) == [("", "1"), (' class="changed"', "2")]
