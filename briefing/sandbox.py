"""The Jinja environment layouts render in. A layout comes with the project, and projects are
passed around, so its templates are untrusted code: they run sandboxed (no Python internals,
no changing the brief), read only regular files inside their own folder, and any arithmetic
that would take minutes or gigabytes is refused before it starts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .diagnostics import Location
from .files import read_inside, undecodable
from .layouts import PROJECT_LAYOUTS, shared_folders, shipped
from .model import Extra

MAX_INT_BITS = 100_000  # a product or power beyond this many bits is refused
MAX_REPEATED = 10_000_000  # characters or items a repeated sequence may have


class LayoutLoader(jinja2.BaseLoader):
    """The templates of one folder, read as project files are: a link out of `root` or a file
    that is not a regular one is refused, never followed or waited on."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder, self.root = folder, root
        self.used = False  # whether a template was read from the folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool] | None]:
        path = self.folder.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        data, problem = read_inside(self.root, path)
        self.used = True
        if data is None:
            raise LayoutFileError(Location(self.name(template)), problem)
        try:
            return data.decode("utf-8"), str(path), None
        except UnicodeDecodeError as error:
            where, byte = undecodable(self.name(template), data, error)
            raise LayoutFileError(where, f"file is not valid UTF-8 ({byte})") from None

    def name(self, template: str) -> str:
        """The template's file as the user knows it."""
        if self.folder == shipped():
            return f"builtin/{template}"
        if self.folder == self.root:  # a shared folder: its files are known by their paths
            return str(self.folder / template)
        return f"{PROJECT_LAYOUTS}/{template}"

    def list_templates(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(entry.name for entry in os.scandir(self.folder) if entry.is_file())


class LayoutFileError(jinja2.TemplateError):
    """A layout file that cannot be read, and where."""

    def __init__(self, location: Location, problem: str) -> None:
        super().__init__(problem)
        self.location, self.problem = location, problem


class LayoutSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with products and powers kept to a sane size."""

    intercepted_binops = frozenset({"*", "**"})
    style_loaders: tuple[LayoutLoader, ...] = ()  # those of the user's and packages' folders

    def shared_folders_used(self) -> tuple[Path, ...]:
        """The shared folders the layout took templates from: the style's own folders,
        whose images and fonts the typesetter may read."""
        return tuple(loader.folder for loader in self.style_loaders if loader.used)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if _too_large(operator, left, right):
            raise SecurityError(f"the result of '{operator}' would be too large")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        return _given_or_empty(obj, attribute, super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return _given_or_empty(obj, argument, super().getitem(obj, argument))


def _given_or_empty(obj: Any, name: Any, found: Any) -> Any:
    """What a template found; for a name meta.extra does not have, at any depth, Jinja's
    lenient undefined (empty, false, `default` applies, as mkdocs' config.extra), where
    any other undefined name is an error."""
    missing = isinstance(found, jinja2.Undefined)
    if missing and isinstance(obj, Extra | jinja2.ChainableUndefined):
        return jinja2.ChainableUndefined(obj=obj, name=name)
    return found


def _too_large(operator: str, left: Any, right: Any) -> bool:
    if operator == "*" and isinstance(right, str | list | tuple):
        left, right = right, left  # 3 * "ab" is "ab" * 3
    if not isinstance(right, int) or isinstance(right, bool):
        return False
    if isinstance(left, str | list | tuple) and operator == "*":
        return len(left) * right > MAX_REPEATED
    if not isinstance(left, int):
        return False
    if operator == "*":
        return left.bit_length() + right.bit_length() > MAX_INT_BITS
    return max(left.bit_length(), 1) * right > MAX_INT_BITS


def environment(project: Path) -> LayoutSandbox:
    """The sandbox over the project's layouts, then the user's and the packages' folders
    (each read as its own root), then the shipped ones ('builtin/NAME' always names the
    shipped file); escaping on, an undefined name an error."""
    own = LayoutLoader(project / PROJECT_LAYOUTS, project)
    shared = tuple(LayoutLoader(f.path, f.path) for f in shared_folders(project))
    builtin = LayoutLoader(shipped(), shipped())
    loaders = [own, jinja2.PrefixLoader({"builtin": builtin}), *shared, builtin]
    env = LayoutSandbox(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.style_loaders = shared
    del env.globals["lipsum"]  # the rest (range, dict, namespace, cycler, joiner) are safe
    return env
