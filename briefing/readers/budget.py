"""Reading a source within a budget of time and memory, in a child process.

Readers run untrusted bytes through libraries written in C and C++ (PDFium, libxml2): a
damaged or hostile file can keep them busy for hours or make them allocate without end. So
each read the cache cannot answer runs in a forked child whose address space is limited
(RLIMIT_AS) and which is killed at its deadline; both budgets grow with the file's size.

The budgets are far above what real files need: each of the corpus's files (../shared/
corpus: 70 saved web pages up to 1.2 MB, 9 PDFs up to 2.8 MB) took at most 0.6 s and
62 MiB, imports included, on a loaded 2-core machine. A synthetic 19.6 MB page of short
paragraphs, near the limit on a project file, took two minutes and 630 MiB: within its
budget (226 s, 1.7 GiB), where it starts to bite.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import os
import pickle
import select
import signal
import sys
import time
from dataclasses import dataclass
from typing import NoReturn

from ..diagnostics import Diagnostics, Location
from ..limits import limit_memory
from .base import Extracted, Reader, SourceFile

SECONDS = 30.0  # for any file,
SECONDS_PER_MB = 10.0  # and for each megabyte of it
MEMORY = 512 * 2**20  # bytes for any file, beyond what the process holds already,
MEMORY_PER_MB = 64 * 2**20  # and for each megabyte of it
_OUT_OF_MEMORY = 3  # the child's exit status after a MemoryError
_PR_SET_PDEATHSIG = 1  # prctl(2)
_HINT = (
    "is the file damaged? If it is genuine, save it in another form (print it to PDF, or "
    "paste its text into a .txt file) and add that"
)


@dataclass(frozen=True)
class Budget:
    """What reading one file may take."""

    size: int  # of the file, in bytes
    seconds: float
    memory: int  # bytes

    @classmethod
    def for_size(cls, size: int) -> Budget:
        megabytes = size / 1e6
        seconds, memory = SECONDS + SECONDS_PER_MB * megabytes, MEMORY + MEMORY_PER_MB * megabytes
        return cls(size, seconds, int(memory))

    @property
    def of_file(self) -> str:
        """'(the budget for a file of 3.1 MB)'."""
        if self.size >= 100_000:
            size = f"{self.size / 1e6:.1f} MB"
        else:
            size = f"{self.size / 1e3:.0f} kB" if self.size >= 1000 else f"{self.size} bytes"
        return f"(the budget for a file of {size})"


def read_within_budget(
    reader: Reader, file: SourceFile, diagnostics: Diagnostics
) -> Extracted | None:
    """reader.read(file), in a child process that is stopped when it goes over its budget.

    The child is forked, not spawned, so that it starts at once and any reader can run in
    it, a test's own too. Should the process run threads (the preview does), a lock one of
    them held at the fork would stay held in the child; the child takes none of the
    parent's streams, and its deadline ends it whatever it waits for."""
    for module in reader.warm:
        importlib.import_module(module)
    budget = Budget.for_size(len(file.data))
    receiving, sending = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError as error:
        os.close(receiving)
        os.close(sending)
        diagnostics.error(Location(file.path), f"cannot start a reader ({error.strerror})")
        return None
    if pid == 0:
        _read_in_child(reader, file, budget, sending, parent)
    os.close(sending)
    payload: bytes | None = None
    try:
        payload = _receive(receiving, time.monotonic() + budget.seconds)
    finally:
        os.close(receiving)
        if payload is None:  # over time, or interrupted
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    where = Location(file.path)
    if payload is None:
        took = f"reading took longer than {budget.seconds:.0f} s {budget.of_file}"
        diagnostics.error(where, f"{took} and was stopped", hint=_HINT)
        return None
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and payload:
        result: tuple[Extracted | None, Diagnostics] = pickle.loads(payload)  # our child's
        diagnostics.extend(result[1])
        return result[0]
    diagnostics.error(where, _failure(status, budget), hint=_HINT)
    return None


def _failure(status: int, budget: Budget) -> str:
    """Why a child ended without a result, in a reader's words."""
    memory = f"{budget.memory / 2**20:,.0f} MiB of memory {budget.of_file}"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _OUT_OF_MEMORY:
        return f"reading needed more than {memory} and was stopped"
    if os.WIFSIGNALED(status):
        # Libraries in C++ abort when an allocation fails: most likely what happened.
        name = signal.Signals(os.WTERMSIG(status)).name
        return f"the reader was ended by {name}: the file is damaged or needs more than {memory}"
    return f"the reader failed (exit status {os.WEXITSTATUS(status)})"


def _receive(pipe: int, deadline: float) -> bytes | None:
    """All the child sends, or None if it is not done by the deadline."""
    received = bytearray()
    while (left := deadline - time.monotonic()) > 0:
        if select.select([pipe], [], [], left)[0]:
            chunk = os.read(pipe, 1 << 20)
            if not chunk:
                return bytes(received)
            received += chunk
    return None


def _read_in_child(
    reader: Reader, file: SourceFile, budget: Budget, pipe: int, parent: int
) -> NoReturn:
    """Read within the memory budget and send (extracted, diagnostics) down the pipe. A
    reader's exception becomes an error naming the file, never a traceback."""
    status = 1
    try:
        _end_with(parent)
        # None of the parent's files: not the project's lock, nor a server's sockets.
        os.closerange(3, pipe)
        os.closerange(pipe + 1, os.sysconf("SC_OPEN_MAX"))
        _quiet()
        limit_memory(budget.memory)
        found = Diagnostics()
        try:
            extracted = reader.read(file, found)
        except MemoryError:
            raise
        except Exception as error:  # a library's bug, met on a hostile file
            message = f"the {reader.kind} reader failed ({type(error).__name__}: {error})"
            found.error(Location(file.path), message)
            extracted = None
        payload = pickle.dumps((extracted, found))
        with open(pipe, "wb") as out:
            out.write(payload)
        status = 0
    except MemoryError:
        status = _OUT_OF_MEMORY
    finally:
        os._exit(status)


def _end_with(parent: int) -> None:
    """Be killed when the parent ends (Linux; elsewhere the parent's deadline alone)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it ended before that
        os._exit(1)


def _quiet() -> None:
    """Send what the libraries print to /dev/null, through streams of the child's own: a
    lock that another thread of the parent held on sys.stderr when it forked is never
    released here."""
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    sys.stdout = sys.stderr = open(quiet, "w")  # noqa: SIM115
