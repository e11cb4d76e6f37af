"""Hidden staging folders that a later writer can tell apart from live ones.

An output folder (a run folder, a campaign store) is laid out in a hidden sibling and renamed
into place only when it is whole. For a target `DIR/out`, one writer uses three sibling names
that share a random token:

    DIR/.out.<token>.owner     created first; its writer holds an exclusive flock(2) on it
    DIR/.out.<token>.partial   the folder being written
    DIR/.out.<token>.old       (only without renameat2) the folder being replaced, briefly

The kernel drops a flock when its process dies, also on `kill -9`, and a new process cannot
inherit it by reusing the pid, so "the lock can be taken" proves that no live process owns the
staging. The owner file also says, for a person and for the clean-up, which kind of writer made
it (`run`, `campaign-store`), its pid, host and start time. A later writer to the same target
removes the stale staging of its own kind only (`clean_stale`).

The folder is made with os.mkdir, so it gets the user's normal permissions (the umask), unlike
tempfile.mkdtemp's private 0700. Replacing an existing target uses Linux's
renameat2(RENAME_EXCHANGE) (man 2 rename), an atomic swap: at every instant the target is either
the old folder or the new one. Where it is missing (other kernels, some file systems) the old
folder is first renamed aside to `.old`, leaving a short window with no target.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import errno
import fcntl
import json
import os
import secrets
import shutil
import socket
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h


@dataclasses.dataclass(frozen=True)
class Staging:
    """One writer's staging: `folder` to write into; the lock lives while `owner_fd` is open."""

    target: Path
    folder: Path
    owner: Path
    displaced: Path
    owner_fd: int


def _names(target: Path, token: str) -> tuple[Path, Path, Path]:
    base = f".{target.name}.{token}"
    return (target.with_name(base + ".owner"), target.with_name(base + ".partial"),
            target.with_name(base + ".old"))


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(path: Path, fd: int) -> bool:
    """True while `path` still names the open file `fd` (not removed, not replaced)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def stage(target: Path, kind: str) -> Staging:
    """Create the locked owner file, then the staging folder, beside `target`.

    target's parent folder must exist. kind: a short name of the writer ('run',
    'campaign-store'); `clean_stale` removes only staging of the kind it is given.
    """
    target = Path(target)
    for _ in range(64):
        token = secrets.token_hex(8)
        owner, folder, displaced = _names(target, token)
        try:
            fd = os.open(owner, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o666)
        except FileExistsError:
            continue
        # A cleaner may open the new, still unlocked file and take it for stale: then it holds
        # the lock (ours fails) or has already removed the file (the check below fails).
        if not _try_lock(fd) or not _same_file(owner, fd):
            if _same_file(owner, fd):  # the name is ours alone (random token, O_EXCL)
                os.unlink(owner)
            os.close(fd)
            continue
        record = {"kind": kind, "pid": os.getpid(), "host": socket.gethostname(),
                  "started_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
        os.write(fd, (json.dumps(record) + "\n").encode())
        try:
            os.mkdir(folder)  # mode 0o777 less the umask: the user's normal permissions
        except BaseException:
            _release(owner, fd)
            raise
        return Staging(target, folder, owner, displaced, fd)
    raise FileExistsError(errno.EEXIST, "no free staging name", str(target))


def _release(owner: Path, fd: int) -> None:
    # Unlink while still holding the lock, so no cleaner can mistake the file for stale.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(owner)
    os.close(fd)


def discard(staging: Staging) -> None:
    """Remove the staging folder (and any displaced one) and release the lock."""
    shutil.rmtree(staging.folder, ignore_errors=True)
    shutil.rmtree(staging.displaced, ignore_errors=True)
    _release(staging.owner, staging.owner_fd)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap the names a and b (both must exist); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def commit(staging: Staging) -> None:
    """Put the staging folder at its target, replacing what is there, and release the lock.

    The caller has checked that the target (if any) may be replaced. On error the staging is
    left for the caller to `discard`.
    """
    target = staging.target
    if os.path.lexists(target):
        if _exchange(staging.folder, target):
            shutil.rmtree(staging.folder, ignore_errors=True)  # now holds the old folder
        else:
            os.rename(target, staging.displaced)
            os.rename(staging.folder, target)
            shutil.rmtree(staging.displaced, ignore_errors=True)
    else:
        os.rename(staging.folder, target)
    _release(staging.owner, staging.owner_fd)


def clean_stale(target: Path, kind: str) -> list[Path]:
    """Remove the staging that dead writers of `kind` left beside `target`; the paths removed.

    Staging whose owner is alive (its lock is held), of another kind, or whose owner file is
    not readable as ours, is left alone.
    """
    target = Path(target)
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    prefix = f".{target.name}."
    for owner in target.parent.glob(f"{_glob_escape(prefix)}*.owner"):
        token = owner.name[len(prefix):-len(".owner")]
        if len(token) != 16 or not all(c in "0123456789abcdef" for c in token):
            continue
        try:
            fd = os.open(owner, os.O_RDONLY)
        except OSError:
            continue
        try:
            if not _try_lock(fd) or not _same_file(owner, fd):
                continue  # a live writer holds it (or it just went away)
            try:
                record = json.loads(os.read(fd, 4096).decode() or "null")
            except (ValueError, UnicodeDecodeError):
                continue  # not an owner file we wrote, or one still being born
            if not isinstance(record, dict) or record.get("kind") != kind:
                continue
            _, folder, displaced = _names(target, token)
            for path in (folder, displaced):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(owner)
        finally:
            os.close(fd)
    return removed


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)
