"""YAML that remembers where each value came from, for diagnostics that name the line."""

from __future__ import annotations

from typing import Any

import yaml

from .diagnostics import Diagnostics, Location, Severity, suggest
from .isodate import DateError
from .model import PartialDate


class YamlMap(dict[str, Any]):
    """A mapping read from YAML, with the location of itself and of each value."""

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self.locations: dict[str, Location] = {}

    def where(self, key: str) -> Location:
        return self.locations.get(key, self.location)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text (they carry a precision) and records locations."""

    path = ""
    line_offset = 0

    def _location(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.path, mark.line + 1 + self.line_offset, mark.column + 1)

    def construct_located_mapping(self, node: yaml.MappingNode) -> YamlMap:
        result = YamlMap(self._location(node))
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                )
            key = str(key)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.locations[key] = self._location(value_node)
        return result


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Loader.construct_located_mapping
)


def load_yaml(text: str, path: str, diagnostics: Diagnostics, line_offset: int = 0) -> Any:
    """Parse YAML text; on a syntax error record it at its line and return None."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # a character YAML refuses, found before parsing
        where = Location(path, line_offset + 1, 1).advance(text, error.position)
        diagnostics.error(
            where,
            f"invalid YAML: the character U+{error.character:04X} is not allowed",
            hint="remove it, or write it as an escape inside a double-quoted string",
        )
        return None
    loader.path, loader.line_offset = path, line_offset
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        where = (
            Location(path, mark.line + 1 + line_offset, mark.column + 1)
            if mark
            else Location(path, line_offset + 1)
        )
        problem = getattr(error, "problem", None) or str(error)
        hint = (
            "a value containing ': ' must be quoted, e.g. author: \"By: a reader\""
            if "mapping values are not allowed" in problem
            else ""
        )
        diagnostics.error(where, f"invalid YAML: {problem}", hint)
        return None
    finally:
        loader.dispose()


def text_field(
    data: YamlMap, key: str, diagnostics: Diagnostics, *, required: bool = False, default: str = ""
) -> str:
    """A scalar field as stripped text; an error if required and missing, or not a scalar."""
    if key not in data or data[key] is None:
        if required:
            diagnostics.error(data.location, f"missing required field '{key}'")
        return default
    value = data[key]
    if isinstance(value, dict | list):
        diagnostics.error(data.where(key), f"'{key}' must be text, not a {type(value).__name__}")
        return default
    return str(value).strip()


def date_field(
    data: YamlMap, key: str, diagnostics: Diagnostics, *, required: bool = False
) -> PartialDate | None:
    """The date data[key] (YYYY, YYYY-MM or YYYY-MM-DD), or None if it is not given or not
    a date: every date the project's files give is read here, so each bad one is reported
    alike, at its value, naming its field ("date: '2019-11-31' is not a date: ...")."""
    value = text_field(data, key, diagnostics, required=required)
    if not value:
        return None
    try:
        return PartialDate.parse(value)
    except DateError as error:
        diagnostics.error(data.where(key), f"{key}: {error}", error.hint)
        return None


def check_keys(
    data: YamlMap,
    allowed: tuple[str, ...],
    what: str,
    diagnostics: Diagnostics,
    severity: Severity = "error",
) -> None:
    """Report each key of data that is not allowed, suggesting the closest allowed one."""
    report = diagnostics.error if severity == "error" else diagnostics.warning
    for key in data:
        if key not in allowed:
            report(data.where(key), f"unknown {what} '{key}'", suggest(key, allowed))


class Fields:
    """Reads typed fields of a mapping, reporting each bad one at its line."""

    def __init__(self, data: YamlMap, diagnostics: Diagnostics) -> None:
        self.data = data
        self.diagnostics = diagnostics

    def text(self, key: str, default: str = "", required: bool = False) -> str:
        return text_field(self.data, key, self.diagnostics, required=required, default=default)

    def date(self, key: str, precision: str = "") -> PartialDate:
        """A required date; with precision 'day', a full one."""
        parsed = date_field(self.data, key, self.diagnostics, required=True)
        if parsed is None:
            return PartialDate(1)
        if precision and parsed.precision != precision:
            self.diagnostics.error(self.data.where(key), f"'{key}' must be a full date, YYYY-MM-DD")
        return parsed

    def maybe_date(self, key: str) -> PartialDate | None:
        """A date if given (YYYY, YYYY-MM or YYYY-MM-DD), else None."""
        return date_field(self.data, key, self.diagnostics)

    def choice(
        self, key: str, default: str, choices: tuple[str, ...], any_case: bool = False
    ) -> str:
        """One of choices; with any_case, written in any case ('a4' is A4)."""
        value = self.text(key, default)
        if any_case:
            value = next((c for c in choices if c.casefold() == value.casefold()), value)
        if value not in choices:
            self.diagnostics.error(
                self.data.where(key),
                f"'{key}' must be one of {', '.join(choices)}, not '{value}'",
                suggest(value, choices),
            )
            return default
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self.diagnostics.error(self.data.where(key), f"'{key}' must be true or false")
            return False
        return value

    def maybe_flag(self, key: str) -> bool | None:
        """true or false if given, else None (the tool decides)."""
        return self.flag(key) if key in self.data else None

    def words(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(k, str | int) for k in value):
            self.diagnostics.error(self.data.where(key), f"'{key}' must be a list of words")
            return ()
        return tuple(str(k) for k in value)
