"""`briefing watch`: rebuild on every change, keeping imports warm.

Each build runs in a child of a fork server that has imported the whole pipeline once, so
a build starts warm, and the memory WeasyPrint keeps after a render goes away with the
child. (A fork server rather than plain fork: the watcher runs threads, and forking a
threaded process can deadlock the child.)
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path

import click

from .diagnostics import BriefingError
from .files import BRIEF
from .options import INPUT_FOLDERS, Options

# What editors write beside the file being edited: swap files (vim's .swp, .swo, ...), lock
# files (emacs' .#brief.md), backups and autosaves (brief.md~, #brief.md#), temporaries.
_EDITORS_FILE = re.compile(r"^[.#]|(?:~|#|\.sw[a-px]|\.tmp|\.part|\.bak)$")
VIM_PROBE, VIM_PROBE_STEP = 4913, 123  # vim checks a folder is writable with 4913, 5036, ...
# What the fork server imports once, so that every build starts warm.
WARM = ["briefing.running", "briefing.build", "briefing.figures", "briefing.pdf",
        "matplotlib.figure", "weasyprint"]  # fmt: skip


UP_TO_DATE = 3  # the exit status of a build process that had nothing to do


def end_with_parent(link: Connection) -> None:
    """In a build child: stop as terminate() stops it (SIGTERM, handled so that temporary
    files go too) when the process that started it ends, killed too. That process holds
    the other end of link and never writes to it: the kernel closes it when it ends. (The
    fork server between them ends then too, but it would not stop its children.)"""

    def wait() -> None:
        with contextlib.suppress(EOFError, OSError):
            link.recv_bytes()
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.unraisablehook = _exit_unraisable
    threading.Thread(target=wait, daemon=True).start()


def _exit_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """Stop at once when the stop arrived in code that cannot raise (a weak reference's
    callback, a finaliser): Python would print 'Exception ignored' and build on. The
    temporary files left are swept by the next command."""
    if isinstance(unraisable.exc_value, SystemExit):
        os._exit(143)
    sys.__unraisablehook__(unraisable)


def _build_in_child(root: Path, options: Options, link: Connection) -> None:
    """One build, quiet but for its diagnostics: the watcher says in one line how it went."""
    from .running import build_and_report, explain

    end_with_parent(link)
    try:
        built = build_and_report(root, options, outputs=False)
    except BriefingError as error:
        click.ClickException(explain(error, "build")).show()
        raise SystemExit(1) from None
    except KeyboardInterrupt:  # Ctrl-C reaches the build too: the watcher reports the stop
        raise SystemExit(130) from None
    raise SystemExit(0 if built else UP_TO_DATE)


def is_editors_file(name: str) -> bool:
    """Whether a file of this name is an editor's own, never a project's input."""
    if name.isdigit():
        return int(name) >= VIM_PROBE and (int(name) - VIM_PROBE) % VIM_PROBE_STEP == 0
    return bool(_EDITORS_FILE.search(name))


def changed_inputs(root: Path, outdir: Path, paths: Iterable[str]) -> list[str]:
    """The project's inputs among paths, relative to root: brief.md and what is in its
    input folders, but for editors' files; outputs and anything else left out."""
    names = []
    for raw in paths:
        path = Path(raw).resolve()
        if path.is_relative_to(outdir.resolve()) or is_editors_file(path.name):
            continue
        if path.is_dir():  # a folder changes with what is in it, which is reported too
            continue
        if not path.is_relative_to(root.resolve()):
            continue
        relative = path.relative_to(root.resolve())
        is_input = relative.parts[0] in INPUT_FOLDERS or relative == Path(BRIEF)
        if is_input and not any(part.startswith(".") for part in relative.parts):
            names.append(str(relative))
    return sorted(set(names))


def watch(root: Path, options: Options, echo: Callable[[str], None]) -> None:
    import watchfiles

    outdir = options.output_folder(root)
    forking = multiprocessing.get_context("forkserver")
    forking.set_forkserver_preload(WARM)

    def rebuild(changed: str = "") -> None:
        start = time.perf_counter()
        link, childs_end = forking.Pipe()
        child = forking.Process(target=_build_in_child, args=(root, options, childs_end))
        child.start()
        childs_end.close()
        try:
            child.join()
        finally:  # on Ctrl-C, the build stops with the watcher
            if child.is_alive():
                child.terminate()
                child.join()
            link.close()
        seconds = f"{time.perf_counter() - start:.2f} s"
        outcome = {0: f"rebuilt in {seconds}", UP_TO_DATE: "up to date"}.get(
            child.exitcode or 0, f"build failed in {seconds}"
        )
        echo(f"{changed}{outcome}; watching for changes")

    # The watcher yields an empty set once it is running (and after each quiet spell): the
    # first build waits for it, so that no change made during that build is missed.
    started = False
    try:
        for changes in watchfiles.watch(
            root, debounce=200, yield_on_timeout=True, rust_timeout=500, raise_interrupt=True
        ):
            if not started:
                started = True
                rebuild()
                continue
            names = changed_inputs(root, outdir, (path for _, path in changes))
            if names:
                rebuild(f"changed: {', '.join(names)}; ")
    except KeyboardInterrupt:
        echo("stopped watching")
