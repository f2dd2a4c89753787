"""What a directive is: the block it builds, what its opening line carries, its options, and
how it shows in brief.json. The checks every directive shares are made here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..citations import Chunk, CitationScanner
from ..diagnostics import Diagnostics, Location, suggest
from ..model import Block, BriefText, Markdown, Source
from ..vocabulary import Vocabulary


class ParseContext:
    """What the directives of one brief share while it is read: the blocks built so far,
    the citation scanner and the brief's likelihood vocabulary."""

    def __init__(
        self, diagnostics: Diagnostics, scanner: CitationScanner, vocabulary: Vocabulary
    ) -> None:
        self.diagnostics = diagnostics
        self.scanner = scanner
        self.vocabulary = vocabulary
        self.blocks: list[Block] = []

    def scan(self, chunk: Chunk) -> Markdown:
        """The chunk as Markdown, its citations recorded."""
        return self.scanner.scan(chunk)


SourcesCheck = Callable[[BriefText, dict[str, Source], Diagnostics], None]


@dataclass(frozen=True)
class Option:
    """An option line `:name: value`. `read` checks a value and returns it normalised."""

    name: str
    required: bool = False
    read: Callable[[str, Location, ParseContext], str] | None = None


@dataclass(frozen=True)
class Written:
    """A directive as written in brief.md, before anything about it is checked."""

    name: str
    argument: Chunk
    options: dict[str, tuple[str, Location]]  # value and where it was given
    content: Chunk
    location: Location


@dataclass(frozen=True)
class Call(Written):
    """A directive as written, its options read by their Option."""

    values: dict[str, str] = field(default_factory=dict)

    def option(self, name: str) -> str:
        return self.values.get(name, "")


Builder = Callable[[Call, ParseContext], Block | None]


def _all_entries(entries: list[Any]) -> Any:
    return entries


@dataclass(frozen=True)
class Directive:
    """A fenced construct `:::{name} argument`, `:key: value` lines, content, `:::`, named
    after the kind of block it builds."""

    block: type[Block]
    build: Builder
    options: tuple[Option, ...] = ()
    argument: str = ""  # what the opening line carries ('a statement'); "" when nothing
    argument_required: bool = True
    once: bool = False  # at most one in a brief
    json_key: str = ""  # its key in brief.json; "" for none
    # brief.json's value from the json_entries of the brief's blocks of this kind.
    json_value: Callable[[list[Any]], Any] = _all_entries
    # What the directive's blocks must get right against the sources, once they are read.
    checks: tuple[SourcesCheck, ...] = ()

    @property
    def name(self) -> str:
        return self.block.kind

    def read(self, written: Written, ctx: ParseContext) -> Block | None:
        """Check what every directive must get right, then build the block."""
        values = self._read_options(written, ctx)
        self._check_argument(written, ctx.diagnostics)
        first = next((b for b in ctx.blocks if b.kind == self.name), None)
        if self.once and first is not None:
            ctx.diagnostics.error(
                written.location,
                f"'{self.name}' may appear only once",
                hint=f"the first is at {first.location}",
            )
        call = Call(
            written.name,
            written.argument,
            written.options,
            written.content,
            written.location,
            values,
        )
        return self.build(call, ctx)

    def _read_options(self, written: Written, ctx: ParseContext) -> dict[str, str]:
        """The options' values, each read by its option; unknown and missing ones reported."""
        allowed = [o.name for o in self.options]
        takes = f"'{self.name}' takes {', '.join(allowed)}" if allowed else "it takes no options"
        for key, (_, where) in written.options.items():
            if key not in allowed:
                hint = suggest(key, allowed) or takes
                ctx.diagnostics.error(where, f"unknown option ':{key}:' for '{self.name}'", hint)
        values: dict[str, str] = {}
        for option in self.options:
            if option.name in written.options:
                value, where = written.options[option.name]
                values[option.name] = option.read(value, where, ctx) if option.read else value
            elif option.required:
                ctx.diagnostics.error(written.location, f"{self.name} is missing ':{option.name}:'")
        return values

    def _check_argument(self, written: Written, diagnostics: Diagnostics) -> None:
        if self.argument and self.argument_required and not written.argument.text:
            diagnostics.error(
                written.location,
                f"'{self.name}' needs {self.argument}",
                hint=f"write it after ':::{{{self.name}}}'",
            )
        elif not self.argument and written.argument.text:
            diagnostics.error(
                written.argument.location(0),
                f"'{self.name}' takes no text on its opening line",
                hint="write the text on the lines below it",
            )
