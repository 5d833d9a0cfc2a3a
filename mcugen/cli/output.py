"""Output folders: mcugen only ever replaces or deletes regular files it wrote itself.

The folder's manifest `.mcugen` lists what mcugen wrote, one `<sha256>  <relative name>`
line a file (the format of `sha256sum`, so `sha256sum -c .mcugen` checks it). A listed
file is mcugen's only while it is a regular file inside the folder, reached without a
symlink, whose content still has the listed hash; anything else (absolute or escaping
names, symlinks, files the user changed or made) is left alone, and when it stands where
mcugen must write, the command stops with one line before it has written anything.

Every write goes to a temporary file in the target's own folder, then is renamed over
the name (rename replaces a symlink itself, never its target), and all of it walks the
folder through descriptors opened with O_NOFOLLOW. While publishing, mcugen holds an
exclusive lock on the folder (flock on the folder itself: the kernel drops it when the
process ends, so it can never go stale); a second mcugen writing into the same folder
waits for it, up to LOCK_WAIT_SECONDS.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
import sys
import time
from pathlib import Path, PurePosixPath

from mcugen.errors import McugenError

MANIFEST = ".mcugen"
MANIFEST_MAX_BYTES = 1 << 20
LOCK_WAIT_SECONDS = 120.0
_LINE_RE = re.compile(r"([0-9a-f]{64})  (.+)")
_TEMP_PREFIX = ".mcugen-tmp-"
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_output_path(output: str | Path) -> None:
    """The cheap checks, before any compiling: -o is a folder or can become one."""
    if str(output) == "":
        raise McugenError("the output folder (-o) is an empty name; name a folder")
    folder = Path(output)
    try:
        if folder.is_symlink() and not folder.exists():
            raise McugenError(f"output path {folder} is a symlink to nothing; remove it or choose another -o")
        if folder.exists() and not folder.is_dir():
            raise McugenError(f"output path {folder} exists and is not a folder")
        for parent in folder.absolute().parents:
            if parent.exists():
                if not parent.is_dir():
                    raise McugenError(f"output path {folder} is below {parent}, which is not a folder")
                break
    except OSError as exc:  # a name too long, a symlink loop, a folder we may not search
        raise McugenError(f"output path {folder}: {exc.strerror}") from None


def publish(folder: Path, files: dict[str, bytes], force: bool) -> list[str]:
    """Write files (relative name -> content) into folder, replace the manifest, remove the
    files of mcugen's earlier run there that this one does not write; returns notes (one
    line each) about what was left alone."""
    folder = Path(folder)
    check_output_path(folder)
    for name in files:
        _parts(name)  # our own names must be plain relative paths
    try:
        folder.mkdir(parents=True, exist_ok=True)
        root = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise McugenError(f"cannot create output folder {folder}: {exc.strerror}") from None
    try:
        _lock(root, folder)
        return _publish_locked(root, folder, files, force)
    except OSError as exc:
        raise McugenError(f"cannot write into {folder}: {exc.strerror}") from None
    finally:
        os.close(root)  # also releases the lock


def _publish_locked(root: int, folder: Path, files: dict[str, bytes], force: bool) -> list[str]:
    old, notes = _read_manifest(root, folder)
    ours = old is not None  # a folder with a manifest is one mcugen made
    old = old or {}
    if not ours and not force and any(n for n in os.listdir(root) if not n.startswith(_TEMP_PREFIX)):
        raise McugenError(f"output folder {folder} is not empty and was not made by mcugen; "
                          f"choose another -o or pass --force to write into it")
    # Every conflict before the first write: all or nothing.
    for name in sorted(files):
        problem = _occupied(root, name, old.get(name))
        if problem:
            raise McugenError(f"{folder}/{name} {problem}, and mcugen would write it; "
                              f"move it away or choose another -o")
    # The manifest first lists both runs, so an interrupted run leaves nothing unowned.
    new = {name: digest(data) for name, data in files.items()}
    both = {name: set(hashes) for name, hashes in old.items()}
    for name, h in new.items():
        both.setdefault(name, set()).add(h)
    _write(root, MANIFEST, _manifest_text(both))
    for name in sorted(files):
        _write(root, name, files[name])
    for name in sorted(set(old) - set(files)):
        note = _remove_own(root, name, old[name])
        if note:
            notes.append(f"left {folder}/{name} alone: {note}")
    _write(root, MANIFEST, _manifest_text({name: {h} for name, h in new.items()}))
    return notes


def _manifest_text(entries: dict[str, set[str]]) -> bytes:
    return "".join(f"{h}  {name}\n" for name in sorted(entries) for h in sorted(entries[name])).encode()


def _read_manifest(root: int, folder: Path) -> tuple[dict[str, set[str]] | None, list[str]]:
    """name -> hashes mcugen wrote under that name (None: no manifest); unusable lines
    become notes."""
    try:
        fd = os.open(MANIFEST, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=root)
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise McugenError(f"{folder}/{MANIFEST} is not a regular file (mcugen writes its list "
                              f"of files there); remove it or choose another -o") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise McugenError(f"{folder}/{MANIFEST} is not a regular file (mcugen writes its list "
                              f"of files there); remove it or choose another -o")
        if info.st_size > MANIFEST_MAX_BYTES:
            raise McugenError(f"{folder}/{MANIFEST} is {info.st_size:,} bytes, not a list mcugen "
                              f"wrote; remove it or choose another -o")
        text = os.read(fd, MANIFEST_MAX_BYTES + 1).decode("utf-8", errors="replace")
    finally:
        os.close(fd)
    entries: dict[str, set[str]] = {}
    ignored = 0
    for line in text.splitlines():
        match = _LINE_RE.fullmatch(line)
        if match is None and _safe_parts(line) is not None:
            entries.setdefault(line, set())  # a bare name: the list of an mcugen before hashes
            continue
        if match is None or _safe_parts(match.group(2)) is None:
            ignored += bool(line.strip())
            continue
        entries.setdefault(match.group(2), set()).add(match.group(1))
    notes = [f"{folder}/{MANIFEST}: {ignored} line{'s' if ignored != 1 else ''} not naming a file "
             f"inside the folder with its hash: those files are left alone"] if ignored else []
    return entries, notes


def _safe_parts(name: str) -> tuple[str, ...] | None:
    """The components of a plain relative name, or None (absolute, `..`, `.`, empty, NUL)."""
    if not name or "\0" in name or "\\" in name or name.startswith("/"):
        return None
    parts = PurePosixPath(name).parts
    if any(p in ("", ".", "..") for p in parts) or "/".join(parts) != name:
        return None
    return parts


def _parts(name: str) -> tuple[str, ...]:
    parts = _safe_parts(name)
    if parts is None or parts[0] == MANIFEST or parts[-1].startswith(_TEMP_PREFIX):
        raise ValueError(f"not a plain relative output name: {name!r}")  # our bug, not the user's
    return parts


def _open_parent(root: int, parts: tuple[str, ...], create: bool) -> int | None:
    """A descriptor of the folder holding parts[-1], reached without symlinks; None when a
    component is missing (create=False) or is a symlink or not a folder."""
    fd = os.dup(root)
    try:
        for part in parts[:-1]:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o777, dir_fd=fd)
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR):
                    return None
                raise
            os.close(fd)
            fd = child
        result, fd = fd, -1
        return result
    finally:
        if fd >= 0:
            os.close(fd)


def _own_file(dir_fd: int, leaf: str, hashes: set[str] | None) -> str:
    """'' when leaf is a regular file whose content has one of hashes, else what it is
    (hashes None: not in the manifest; empty: listed without a hash)."""
    try:
        info = os.stat(leaf, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(info.st_mode):
        return "is a symlink"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    if hashes is None:
        return "was not written by mcugen"
    if not hashes:
        return ("is listed in .mcugen without its hash (by an older mcugen), so mcugen "
                "cannot tell whether you changed it")
    fd = os.open(leaf, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    try:
        h = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            h.update(chunk)
    finally:
        os.close(fd)
    return "" if h.hexdigest() in hashes else "changed since mcugen wrote it"


def _occupied(root: int, name: str, hashes: set[str] | None) -> str:
    """'' when name is free or mcugen's own file, else why mcugen may not replace it."""
    parts = _parts(name)
    fd = root
    for i in range(len(parts) - 1):
        try:
            info = os.stat(parts[i], dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            return ""
        if not stat.S_ISDIR(info.st_mode):
            where = "/".join(parts[:i + 1])
            return f"is below {where}, which {'is a symlink' if stat.S_ISLNK(info.st_mode) else 'is not a folder'}"
        child = os.open(parts[i], _DIR_FLAGS, dir_fd=fd)
        if fd != root:
            os.close(fd)
        fd = child
    try:
        problem = _own_file(fd, parts[-1], hashes)
    finally:
        if fd != root:
            os.close(fd)
    return "" if problem in ("", "missing") else problem


def _write(root: int, name: str, data: bytes) -> None:
    """Write data under name: a new temporary file beside it, renamed over it."""
    parts = _parts(name) if name != MANIFEST else (MANIFEST,)
    fd = _open_parent(root, parts, create=True)
    if fd is None:
        raise McugenError(f"cannot write {name}: a folder on its way is a symlink or not a folder")
    try:
        temp = f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        out = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666, dir_fd=fd)
        try:
            with os.fdopen(out, "wb") as stream:
                stream.write(data)
            os.replace(temp, parts[-1], src_dir_fd=fd, dst_dir_fd=fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=fd)
            raise
    finally:
        os.close(fd)


def _remove_own(root: int, name: str, hashes: set[str]) -> str:
    """Delete name if it is still mcugen's own file; '' when deleted or gone, else why not."""
    parts = _safe_parts(name)
    if parts is None:
        return "not a plain name inside the folder"
    fd = _open_parent(root, parts, create=False)
    if fd is None:
        return ""  # its folder is gone, a symlink or a file: nothing of ours to delete
    try:
        problem = _own_file(fd, parts[-1], hashes)
        if problem == "":
            os.unlink(parts[-1], dir_fd=fd)
        return "" if problem in ("", "missing") else problem
    finally:
        os.close(fd)


def _lock(root: int, folder: Path) -> None:
    try:
        import fcntl
    except ImportError:  # no flock on this platform: publish unlocked
        return
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(root, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                return  # a filesystem without locks: publish unlocked
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            if time.monotonic() > deadline:
                raise McugenError(f"another mcugen has been writing into {folder} for "
                                  f"{LOCK_WAIT_SECONDS:.0f} s; try again when it has finished") from None
            time.sleep(0.05)


def print_notes(notes: list[str]) -> None:
    for note in notes:
        print(f"mcugen: note: {note}", file=sys.stderr)
