"""What a directive is: its name, what its opening line carries, its options, and how it
builds its block. The checks every directive shares are made here, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..citations import Chunk, CitationScanner
from ..diagnostics import Diagnostics, Location, suggest
from ..model import Block, Markdown
from ..vocabulary import Vocabulary


class Body:
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


@dataclass(frozen=True)
class Option:
    """An option line `:name: value`. `read` checks a value and returns it normalised."""

    name: str
    required: bool = False
    read: Callable[[str, Location, Body], str] | None = None


@dataclass(frozen=True)
class Call:
    """A directive as written in brief.md, its options read and checked."""

    name: str
    argument: Chunk
    options: dict[str, str]
    option_locations: dict[str, Location]
    content: Chunk
    location: Location

    def option(self, name: str) -> str:
        return self.options.get(name, "")

    def where(self, name: str) -> Location:
        """Where an option was given, or the directive's opening line."""
        return self.option_locations.get(name, self.location)


@dataclass(frozen=True)
class RawDirective:
    """A directive as split from brief.md, before its directive is known."""

    name: str
    argument: Chunk
    options: dict[str, tuple[str, Location]]
    content: Chunk
    location: Location


Builder = Callable[[Call, Body], Block | None]


@dataclass(frozen=True)
class Directive:
    """A fenced construct `:::{name} argument`, `:key: value` lines, content, `:::`."""

    name: str
    build: Builder
    options: tuple[Option, ...] = ()
    argument: str = ""  # what the opening line carries ('statement'); "" when nothing
    argument_required: bool = True
    once: bool = False  # at most one in a brief
    json_key: str = ""  # where its blocks' json_entries go in brief.json; "" for nowhere

    def read(self, raw: RawDirective, body: Body) -> Block | None:
        """Check what every directive must get right, then build the block."""
        values = self._read_options(raw, body)
        self._check_argument(raw, body.diagnostics)
        first = next((b for b in body.blocks if b.kind == self.name), None)
        if self.once and first is not None:
            body.diagnostics.error(
                raw.location,
                f"'{self.name}' may appear only once",
                hint=f"the first is at {first.location}",
            )
        locations = {key: location for key, (_, location) in raw.options.items()}
        call = Call(raw.name, raw.argument, values, locations, raw.content, raw.location)
        return self.build(call, body)

    def _read_options(self, raw: RawDirective, body: Body) -> dict[str, str]:
        """The options' values, each read by its option; unknown and missing ones reported."""
        allowed = [o.name for o in self.options]
        takes = f"'{self.name}' takes {', '.join(allowed)}" if allowed else "it takes no options"
        for key, (_, where) in raw.options.items():
            if key not in allowed:
                hint = suggest(key, allowed) or takes
                body.diagnostics.error(where, f"unknown option ':{key}:' for '{self.name}'", hint)
        values: dict[str, str] = {}
        for option in self.options:
            if option.name in raw.options:
                value, where = raw.options[option.name]
                values[option.name] = option.read(value, where, body) if option.read else value
            elif option.required:
                body.diagnostics.error(raw.location, f"{self.name} is missing ':{option.name}:'")
        return values

    def _check_argument(self, raw: RawDirective, diagnostics: Diagnostics) -> None:
        if self.argument and self.argument_required and not raw.argument.text:
            diagnostics.error(
                raw.location,
                f"{self.name} has no {self.argument}",
                hint=f"write it after ':::{{{self.name}}}'",
            )
        elif not self.argument and raw.argument.text:
            diagnostics.error(
                raw.argument.location(0),
                f"'{self.name}' takes no text on its opening line",
                hint="write the text on the lines below it",
            )
