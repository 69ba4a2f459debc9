"""Whether a validator can give its verdict on a copy of the repository:
one traced run of it tells what it reaches for.

The copy lives at ``TMP/outside/NAME`` with an empty ``TMP/home`` as its
HOME, so everything the script touches beyond the repository is visible
as a path outside the copy. A run under ``strace`` (when installed)
records the files the script looks for, the files it writes, the network
connections it opens and the programs it starts. From that trace:

* a failing run that looked for a file outside the repository which is
  not there needs a file the repository keeps outside itself;
* a failing run that looked for a missing file inside the repository on a
  path naming a runtime or a session needs session runtime output, which
  a snapshot does not hold;
* a run that opened a network connection, or did not finish in time,
  needs a service (network, a live session);
* a run that changed a file of the repository writes the state it would be
  judged on.

Without ``strace`` only the last two can be seen (from the exit and a
before/after listing of the copy), and the report says so.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

_SYSTEM = ("/usr/", "/lib", "/etc/", "/proc/", "/sys/", "/dev/", "/bin/", "/sbin/", "/opt/", "/run/", "/var/")
_CALL = re.compile(r"^(?P<pid>\d+)\s+(?P<call>\w+)\((?P<args>.*)\)\s+=\s+(?P<result>-?\d+|\?)(?:\s+(?P<errno>E[A-Z]+))?")
_PATH = re.compile(r'"((?:[^"\\]|\\.)*)"')
# a folder named for runtime output or sessions ("runtime", "gov_runtime", "sessions")
# (lower case: a packet id such as WP-1-ACE-Runtime names no runtime folder)
_RUNTIME_WORD = re.compile(r"(?:^|/)(?:[a-z0-9_-]*[_-])?(?:runtime|sessions?)(?:/|$)")
_WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
_LOAD_ERROR = re.compile(r"No such built-in module: \S+|Cannot find (?:module|package) \S+")
_INET = re.compile(r"sa_family=AF_INET6?\b")


@dataclass(frozen=True)
class Probe:
    """What one traced run of a validator reached for."""

    code: int
    timed_out: bool
    missing_outside: tuple[str, ...]  # relative to the copy ("../x/y")
    missing_runtime: tuple[str, ...]  # repository-relative
    network: bool
    changed: tuple[str, ...]  # repository files it created, changed or deleted
    written_outside: tuple[str, ...]
    traced: bool
    load_error: str = ""  # the script (or a module it imports) does not load on this Node

    def not_runnable(self) -> str:
        """Why this run's verdict is not the repository's, or ""."""
        if self.load_error:
            return f"does not load on this Node ({self.load_error})"
        if self.timed_out:
            return "did not finish within the time limit: it waits for a session, a server or input"
        if self.network:
            return "needs the network: it opened a connection"
        if self.changed:
            return f"writes into the repository ({_few(self.changed)}): a tool that records state, not a check of it"
        if self.code != 0 and self.missing_outside:
            return f"needs files the repository keeps outside itself ({_few(self.missing_outside)})"
        if self.code != 0 and self.missing_runtime:
            return f"needs session runtime output the snapshot does not hold ({_few(self.missing_runtime)})"
        return ""


def _few(paths: tuple[str, ...]) -> str:
    shown = ", ".join(paths[:2])
    return shown + (f" and {len(paths) - 2} more" if len(paths) > 2 else "")


def tree_state(copy: Path) -> dict[str, str]:
    """path -> content digest of every file of the copy but its .git."""
    state = {}
    for path in sorted(copy.rglob("*")):
        if path.is_file() and ".git" not in path.relative_to(copy).parts[:1]:
            state[path.relative_to(copy).as_posix()] = hashlib.sha1(path.read_bytes()).hexdigest()
    return state


def _relative(path: str, copy: Path) -> str:
    return os.path.relpath(path, copy).replace(os.sep, "/")


def read_trace(text: str, copy: Path, home: Path, node: str) -> tuple[list[str], list[str], bool, list[str], list[str]]:
    """(missing outside, missing inside on a runtime/session path, network
    used, written outside, refused writes inside) from an ``strace -f``
    log. The copy of a read-only corpus is read-only: a write into it is
    refused, and the refusal is the sign that the script writes."""
    top = str(copy)
    node_dir = str(Path(node).resolve().parent.parent)
    missing_outside: set[str] = set()
    missing_runtime: set[str] = set()
    written_outside: set[str] = set()
    refused: set[str] = set()
    network = False
    others: set[str] = set()  # pids that became another program (git, a shell): their lookups are theirs
    for line in text.splitlines():
        match = _CALL.match(line)
        if not match:
            continue
        call, args, errno = match.group("call"), match.group("args"), match.group("errno")
        if call == "execve":
            program = _PATH.search(args)
            if program and Path(program.group(1)).name != Path(node).name and errno is None:
                others.add(match.group("pid"))
            continue
        if match.group("pid") in others:
            continue
        if call == "connect" and _INET.search(args):
            network = True
            continue
        found = _PATH.search(args)
        if not found:
            continue
        raw = found.group(1)
        path = os.path.normpath(raw if raw.startswith("/") else os.path.join(top, raw))
        inside = path == top or path.startswith(top + os.sep)
        if path.startswith(_SYSTEM) or path.startswith(node_dir) or "node_modules" in path or Path(path).name == "package.json":
            continue
        writes = call in ("mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir") or (call in ("open", "openat") and _WRITE_FLAGS.search(args))
        if not inside:
            if writes and errno is None:
                written_outside.add(_relative(path, copy))
            elif errno == "ENOENT" and call not in ("readlink", "readlinkat", "mkdir", "mkdirat"):
                missing_outside.add(_relative(path, copy))
        elif writes and errno in ("EACCES", "EPERM", "EROFS") and not _relative(path, copy).startswith(".git/"):
            refused.add(_relative(path, copy))
        elif errno == "ENOENT" and not writes and _RUNTIME_WORD.search(_relative(path, copy)):
            missing_runtime.add(_relative(path, copy))
    return sorted(missing_outside), sorted(missing_runtime), network, sorted(written_outside), sorted(refused)


def probe(copy: Path, home: Path, node: str, script: str, args: list[str], timeout_s: int) -> Probe:
    """One run of the script from the copy's top, traced when strace is
    installed; the copy is put back as it was afterwards."""
    before = tree_state(copy)
    head = _head(copy)
    trace = copy.parent / "parity-probe.trace"
    strace = shutil.which("strace")
    command = [node, script, *args]
    if strace:
        command = [strace, "-f", "-qq", "-o", str(trace), "-e", "trace=execve,open,openat,stat,newfstatat,statx,access,faccessat,faccessat2,lstat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,connect", *command]
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(home)}
    output = copy.parent / "parity-probe.out"
    with output.open("wb") as sink:
        process = subprocess.Popen(command, cwd=copy, env=env, stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        code, timed_out = _wait(process, timeout_s)
    said = output.read_bytes()[-20000:].decode("utf-8", errors="replace")
    output.unlink()
    load = _LOAD_ERROR.search(said) if code != 0 else None
    after = tree_state(copy)
    changed = sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))
    if _head(copy) != head:
        changed.append("a new git commit")
    if changed:
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=copy, capture_output=True)
        subprocess.run(["git", "clean", "-q", "-fdx"], cwd=copy, capture_output=True)
    missing_outside: list[str] = []
    missing_runtime: list[str] = []
    written_outside: list[str] = []
    network = False
    if strace and trace.is_file():
        missing_outside, missing_runtime, network, written_outside, refused = read_trace(trace.read_text(encoding="utf-8", errors="replace"), copy, home, node)
        changed = sorted(set(changed) | set(refused))
        trace.unlink()
    return Probe(code, timed_out, tuple(missing_outside), tuple(missing_runtime), network, tuple(changed), tuple(written_outside), bool(strace), load.group(0) if load else "")


def _wait(process: subprocess.Popen[bytes], timeout_s: int) -> tuple[int, bool]:
    """(exit code, timed out); the script's own children (a server, a
    session) are ended with it."""
    try:
        return process.wait(timeout=timeout_s), False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return 124, True


def _head(copy: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=copy, capture_output=True, text=True)
    return done.stdout.strip()
