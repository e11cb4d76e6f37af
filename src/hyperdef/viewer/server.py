"""Serve the built 3-D viewer and one run folder's scene on the loopback interface only.

Routes: `/` and static files from the built viewer (`viewer/dist`, or `$HYPERDEF_VIEWER_DIST`);
`/run/scene.czml`, the one file of the run folder the page reads; `/run-info.json` with the
version check. Any other run file is 404, any path that resolves outside the viewer folder
(`..`, encoded `%2e%2e`, symlinks) 403; only GET and HEAD are answered. Binding 127.0.0.1 keeps
the scene off the network: a run may describe sensitive geometry, and the viewer needs no other
host. A request whose Host header is not a loopback name (127.0.0.1, localhost, [::1]) gets 403:
a web page on another site could otherwise point its own host name at 127.0.0.1 (DNS rebinding)
and read the scene through the user's browser as same-origin (RFC 9110 §7.2 makes Host the name
the client asked for; checking it is the usual defence).
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import threading
import warnings
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import hyperdef
from hyperdef.io.czml import read_scene_version

HOST = "127.0.0.1"
DEFAULT_PORT = 8642
SCENE = "scene.czml"
DIST_ENV = "HYPERDEF_VIEWER_DIST"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
_TYPES = {".czml": "application/json", ".js": "text/javascript", ".json": "application/json",
          ".wasm": "application/wasm", ".ktx2": "image/ktx2", ".glb": "model/gltf-binary"}


class SceneNotFoundError(FileNotFoundError):
    """The run folder has no scene.czml."""


class SceneInvalidError(ValueError):
    """scene.czml is not JSON (truncated or not CZML)."""


class ViewerNotBuiltError(FileNotFoundError):
    """No built viewer (index.html) where one was expected."""


class PortInUseError(OSError):
    """The port the user asked for is taken."""


class SceneVersionWarning(UserWarning):
    """The scene was written by a hyperdef of another major.minor version."""


def viewer_dist() -> Path:
    """The built viewer folder: $HYPERDEF_VIEWER_DIST, else viewer/dist in the source tree."""
    env = os.environ.get(DIST_ENV)
    dist = Path(env) if env else Path(__file__).resolve().parents[3] / "viewer" / "dist"
    if not (dist / "index.html").is_file():
        raise ViewerNotBuiltError(
            f"no built 3-D viewer at {dist}: run `make viewer` (needs Node.js 20+ and npm) in "
            f"the hyperdef source tree, or set {DIST_ENV} to a built viewer folder")
    return dist


def scene_version(run_dir) -> str | None:
    """The hyperdef version that wrote run_dir/scene.czml (None if unmarked).

    Raises SceneInvalidError when the file is not JSON.
    """
    try:
        return read_scene_version(Path(run_dir) / SCENE)
    except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
        raise SceneInvalidError(
            f"{Path(run_dir) / SCENE} is not a readable CZML file ({error}); regenerate it "
            f"with `hyperdef report {run_dir}`") from None


def scene_version_message(run_dir) -> str | None:
    """A message when run_dir/scene.czml comes from another hyperdef major.minor, else None."""
    written = scene_version(run_dir)
    ours = hyperdef.__version__
    if written is None:
        return (f"{Path(run_dir) / SCENE} carries no hyperdef version (written by another tool or "
                f"an early hyperdef); regenerate it with `hyperdef report {run_dir}`")
    if written.split(".")[:2] != ours.split(".")[:2]:
        return (f"{Path(run_dir) / SCENE} was written by hyperdef {written}, this is {ours}: "
                f"the scene may not show correctly; regenerate it with "
                f"`hyperdef report {run_dir}`")
    return None


def host_allowed(host: str | None, port: int) -> bool:
    """True when a Host header names this server by a loopback name (and its port, if any)."""
    if not host:
        return False  # HTTP/1.1 requires Host (RFC 9110 §7.2); browsers always send it
    name, sep, given = host.strip().lower().rpartition(":")
    if not sep or name.endswith(":") or not given.isdigit():  # no port, or a bare IPv6 name
        name, given = host.strip().lower(), str(port)
    return name in LOOPBACK_NAMES and int(given) == port


def _inside(root: Path, rel: str) -> Path | None:
    """root/rel resolved, or None if it leaves root (traversal, absolute path or symlink)."""
    if "\0" in rel:
        return None
    target = (root / rel.lstrip("/")).resolve()
    return target if target == root or target.is_relative_to(root) else None


class _Handler(BaseHTTPRequestHandler):
    server: ViewerServer
    protocol_version = "HTTP/1.1"  # keep-alive: the page loads a few hundred Cesium files

    def log_message(self, format, *args):
        pass  # a viewer's request log is noise on the user's terminal

    def do_GET(self):
        self._answer(body=True)

    def do_HEAD(self):
        self._answer(body=False)

    def _answer(self, body):
        if not host_allowed(self.headers.get("Host"), self.server.server_address[1]):
            return self._send(HTTPStatus.FORBIDDEN, "text/plain",
                              b"this server answers only to 127.0.0.1 or localhost\n", body)
        path = unquote(urlsplit(self.path).path)
        if path == "/run-info.json":
            data = json.dumps(self.server.info).encode()
            return self._send(HTTPStatus.OK, "application/json", data, body)
        if path.startswith("/run/"):
            if path != f"/run/{SCENE}":  # the rest of the run folder is not the page's to read
                return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n", body)
            target = _inside(self.server.run_dir, SCENE)  # a symlink out is still refused
        else:
            target = _inside(self.server.dist, "index.html" if path == "/" else path)
        if target is None:
            return self._send(HTTPStatus.FORBIDDEN, "text/plain", b"outside the served folders\n",
                              body)
        if not target.is_file():
            return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n", body)
        kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0]
        self._send(HTTPStatus.OK, kind or "application/octet-stream", target.read_bytes(), body)

    def _send(self, status, kind, data, body):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.end_headers()
        if body:
            self.wfile.write(data)


class ViewerServer(ThreadingHTTPServer):
    """The HTTP server; `stop()` shuts it down and closes its socket."""

    daemon_threads = True

    def __init__(self, port, run_dir, dist, info):
        self.run_dir, self.dist, self.info = run_dir, dist, info
        super().__init__((HOST, port), _Handler)
        # A short poll keeps stop() quick; the default 0.5 s is felt in every test and Ctrl-C.
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="hyperdef-viewer", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"

    def stop(self):
        self.shutdown()
        self.server_close()


def _bind(port, run_dir, dist, info) -> ViewerServer:
    if port is not None:
        try:
            return ViewerServer(port, run_dir, dist, info)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise PortInUseError(
                errno.EADDRINUSE, f"port {port} on {HOST} is in use: pass another --port, "
                "or leave --port out to take a free one") from None
    try:
        return ViewerServer(DEFAULT_PORT, run_dir, dist, info)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        return ViewerServer(0, run_dir, dist, info)  # the OS picks a free port


def serve(run_dir, *, port: int | None = None, open_browser: bool = True):
    """Serve run_dir's scene in the 3-D viewer on 127.0.0.1; return (url, server).

    port: None tries DEFAULT_PORT and takes a free one if it is busy; 0 takes a free one; any
    other number is used as given or raises PortInUseError. The server runs on a daemon thread;
    the caller keeps the process alive (`server.thread.join()`) and calls `server.stop()`.
    Raises SceneNotFoundError, SceneInvalidError, ViewerNotBuiltError, PortInUseError; warns
    SceneVersionWarning (the page shows the same message in a banner).
    """
    run_dir = Path(run_dir).resolve()
    if not (run_dir / SCENE).is_file():
        raise SceneNotFoundError(
            f"{run_dir} has no {SCENE}: regenerate it with `hyperdef report {run_dir}`")
    dist = viewer_dist().resolve()
    message = scene_version_message(run_dir)
    if message:
        warnings.warn(message, SceneVersionWarning, stacklevel=2)
    info = {"hyperdef_version": hyperdef.__version__,
            "scene_version": scene_version(run_dir), "warning": message}
    server = _bind(port, run_dir, dist, info)
    server.thread.start()
    if open_browser:
        webbrowser.open(server.url)
    return server.url, server
