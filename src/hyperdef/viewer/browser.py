"""Headless Chromium driven over the DevTools protocol on a pipe: no port, no extra package.

`--remote-debugging-pipe` makes Chromium read protocol commands from file descriptor 3 and write
replies and events to descriptor 4, each message JSON ending in a NUL byte (Chrome DevTools
Protocol, chromedevtools.github.io/devtools-protocol; the transport Puppeteer calls "pipe").
The browser starts in its own session so that it and every helper process it forks can be ended
together. Its flags keep it off the network: every host name except the loopback server fails to
resolve, and background services (updates, sync, field trials) are off.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import signal
import tempfile
import time

CHROMIUM_ENV = "HYPERDEF_CHROMIUM"
_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
          "--disable-quic", "--no-first-run", "--no-default-browser-check",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
          "--disable-features=Translate,MediaRouter,OptimizationHints",
          "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
          "--remote-debugging-pipe")


class BrowserNotFoundError(FileNotFoundError):
    """No Chromium executable."""


class BrowserTimeoutError(TimeoutError):
    """Chromium did not answer, or the page did not get ready, in time."""


def find_chromium() -> str:
    """Path of a Chromium executable: $HYPERDEF_CHROMIUM, else the first of _NAMES on PATH."""
    for candidate in (os.environ.get(CHROMIUM_ENV), *_NAMES):
        path = candidate and shutil.which(candidate)
        if path:
            return path
    raise BrowserNotFoundError(
        "no Chromium found: install it (Debian: `apt-get install chromium`) or set "
        f"{CHROMIUM_ENV} to the browser's executable")


class Browser:
    """One headless Chromium with one page; a context manager that always ends the browser.

    `console_errors` collects console.error calls, uncaught exceptions and browser log errors
    (failed loads, blocked requests) from the page; `requests` every URL the page asked for.
    """

    def __init__(self, *, width=1280, height=720, executable=None):
        self.width, self.height = int(width), int(height)
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self._profile = tempfile.mkdtemp(prefix="hyperdef-chromium-")
        self._next_id, self._buffer, self._session = 0, b"", None
        exe = shutil.which(executable) if executable else find_chromium()
        if not exe:
            raise BrowserNotFoundError(f"{executable}: not an executable")
        to_child, self._out = os.pipe()      # we write commands; the browser reads them on fd 3
        self._in, from_child = os.pipe()     # the browser writes on fd 4; we read here
        # Move the child's ends above 3 and 4 first, so the dup2 into 3 and 4 cannot clobber them.
        hi_r, hi_w = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child))
        os.close(to_child)
        os.close(from_child)
        devnull = os.open(os.devnull, os.O_RDWR)
        args = [exe, *_FLAGS, f"--user-data-dir={self._profile}",
                f"--window-size={self.width},{self.height}", "about:blank"]
        try:
            # posix_spawn runs no Python in the child, so it is safe beside the server's threads.
            self.pid = os.posix_spawn(exe, args, os.environ, setsid=True, file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2), (os.POSIX_SPAWN_DUP2, hi_r, 3),
                (os.POSIX_SPAWN_DUP2, hi_w, 4)])
        except OSError:
            os.close(self._in)
            os.close(self._out)
            shutil.rmtree(self._profile, ignore_errors=True)
            raise
        finally:
            for fd in (hi_r, hi_w, devnull):
                os.close(fd)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, method, params=None, session=True, timeout_s=30.0):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self._session:
            message["sessionId"] = self._session
        os.write(self._out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout_s
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"Chromium {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._event(reply)

    def _receive(self, deadline):
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise BrowserTimeoutError("Chromium did not answer in time")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise BrowserTimeoutError("Chromium closed its DevTools pipe (it exited)")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _event(self, message):
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.console_errors.append(f"console.{params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text")
            self.console_errors.append(f"exception: {text}")
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            self.console_errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())

    def open(self, url, timeout_s=30.0):
        """Attach to the browser's page, start listening to its console, and load url."""
        targets = self._send("Target.getTargets", session=False, timeout_s=timeout_s)
        page = next(t for t in targets["targetInfos"] if t["type"] == "page")
        self._session = self._send("Target.attachToTarget", {"targetId": page["targetId"],
                                   "flatten": True}, session=False)["sessionId"]
        self._send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        for domain in ("Runtime", "Log", "Network", "Page"):
            self._send(f"{domain}.enable")
        self._send("Page.navigate", {"url": url})

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression in the page."""
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def wait_for(self, expression, timeout_s):
        """Poll expression until truthy; return its value or raise BrowserTimeoutError."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise BrowserTimeoutError(f"page not ready after {timeout_s:.0f} s ({expression})")

    def click(self, x, y):
        """A left click at page pixel (x, y), as mouse press and release events."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self._send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y,
                       "button": "left" if kind != "mouseMoved" else "none", "clickCount": 1})

    def screenshot_png(self) -> bytes:
        data = self._send("Page.captureScreenshot", {"format": "png"}, timeout_s=60.0)["data"]
        return base64.b64decode(data)

    def close(self):
        """Ask Chromium to quit, then end its whole process group; remove the profile."""
        try:
            self._send("Browser.close", session=False, timeout_s=5.0)
        except (OSError, BrowserTimeoutError, RuntimeError):
            pass
        deadline, exited = time.monotonic() + 5.0, False
        while not exited and time.monotonic() < deadline:
            exited = os.waitpid(self.pid, os.WNOHANG)[0] == self.pid
            time.sleep(0 if exited else 0.05)
        try:
            os.killpg(self.pid, signal.SIGKILL)  # helpers left in the browser's own group
        except ProcessLookupError:
            pass
        if not exited:
            os.waitpid(self.pid, 0)
        for fd in (self._in, self._out):
            os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)
