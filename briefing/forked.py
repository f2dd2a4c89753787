"""A format rendered by a forked child while this process renders the others: the body and
a separate annex are typeset at once, one on each core.

The child is forked, so it starts at once with WeasyPrint imported and the render job
(the brief, its HTML page) as it stands; it sends back the file, its diagnostics and the
project files it read. Typesetting keeps its own limits of time and memory in the child,
as it does here (pdf.render_pdf), so the two together may take twice the memory of one.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection

from .diagnostics import Diagnostics, Location
from .files import BRIEF
from .formats import RenderJob

Render = Callable[[RenderJob], bytes | None]


class Forked:
    """render(job), started in a child process; result() waits for it."""

    def __init__(self, render: Render, job: RenderJob, name: str) -> None:
        self.name = name
        context = multiprocessing.get_context("fork")
        self.link, childs_end = context.Pipe(duplex=False)
        self.child = context.Process(
            target=_render_in_child, args=(render, job, name, childs_end), daemon=True
        )
        self.child.start()
        childs_end.close()

    def result(self, job: RenderJob) -> bytes | None:
        """What the child rendered (None if it failed), its diagnostics and the files it
        read added to job's."""
        try:
            data, diagnostics, resources = self.link.recv()
        except (EOFError, OSError):  # it died: killed, or out of memory in C code
            self.child.join()
            code = self.child.exitcode or 0
            why = f"ended by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
            job.diagnostics.error(Location(BRIEF), f"typesetting {self.name} failed ({why})")
            return None
        finally:
            self.close()
        said = set(job.diagnostics)  # what two parts both found (a glyph no font has) once
        job.diagnostics.extend(d for d in diagnostics if d not in said)
        job.resources += resources
        return data  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stop the child, should the build end before it is done."""
        self.link.close()
        if self.child.is_alive():
            self.child.kill()
        self.child.join()


def _render_in_child(render: Render, job: RenderJob, name: str, link: Connection) -> None:
    own = dataclasses.replace(job, diagnostics=Diagnostics(), resources=[])
    try:
        data = render(own)
    except Exception as error:  # a bug, reported as a diagnostic like any failure
        why = type(error).__name__  # WeasyPrint's own failures render_pdf reports itself
        own.diagnostics.error(Location(BRIEF), f"typesetting {name} failed ({why})")
        data = None
    link.send((data, own.diagnostics, own.resources))
    link.close()
