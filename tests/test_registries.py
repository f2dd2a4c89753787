"""Each extension point is one registry: a directive, an output format and a source reader
defined here, in the test, are parsed, rendered, written and read like the shipped ones."""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from briefing.build import build, check
from briefing.cli import main
from briefing.copies import MAX_RECIPIENTS
from briefing.diagnostics import BuildFailed, Diagnostics, Location
from briefing.directives.base import Call, Directive, Option, ParseContext
from briefing.directives.registry import DIRECTIVES
from briefing.formats import FORMATS, Format, RenderJob
from briefing.html import render_html
from briefing.layouts import shipped_layout_names
from briefing.markdown import plain
from briefing.model import Block, Brief, BriefText, Markdown, Source
from briefing.options import Options
from briefing.readers.base import Extracted, Reader, SourceFile
from briefing.readers.registry import READERS
from briefing.release import RELEASED
from briefing.schemas import SCHEMAS
from tests.conftest import BRIEF, SOURCES_YAML, MakeProject, pages_text


@dataclass(frozen=True)
class Note(Block):
    """An analyst's note: a titled aside whose citations are named after it."""

    kind: ClassVar[str] = "note"
    template: ClassVar[str] = "_note.html"
    title: str
    tone: str
    text: Markdown
    location: Location

    @property
    def fragments(self) -> tuple[Markdown, ...]:
        return (self.text,)

    def contexts(self, section: str) -> dict[int, str]:
        return dict.fromkeys(self.citations, f"Note: {self.title}")

    def json_entries(self, brief: Brief) -> list[Any]:
        return [{"title": self.title, "tone": self.tone, "text": plain(self.text)}]


def _read_tone(value: str, where: Location, ctx: ParseContext) -> str:
    if value not in ("calm", "urgent"):
        ctx.diagnostics.error(where, f"tone must be calm or urgent, not '{value}'")
    return value


def _build_note(call: Call, ctx: ParseContext) -> Note:
    return Note(call.argument.text, call.option("tone"), ctx.scan(call.content), call.location)


NOTE = Directive(
    Note,
    _build_note,
    options=(Option("tone", required=True, read=_read_tone),),
    argument="a title",
    json_key="notes",
)
NOTE_TEMPLATE = (
    '<aside class="note {{ block.tone }}"><h3>{{ block.title }}</h3>{{ block.text | md }}</aside>\n'
)
NOTE_TEXT = """
:::{note} On the pay gap
:tone: urgent

The offer stands at 2% [@harbour "the authority has offered 2%"].
:::
"""


@pytest.fixture
def note_directive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(DIRECTIVES, "note", NOTE)


@pytest.mark.usefixtures("note_directive")
def test_a_directive_defined_here_is_parsed_rendered_and_in_brief_json(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF + NOTE_TEXT, "layouts/_note.html": NOTE_TEMPLATE})
    result = build(root, Options(formats=("html", "json")))
    (note,) = result.brief.text.blocks_of(Note)
    assert (note.title, note.tone) == ("On the pay gap", "urgent")
    html = (root / "dist" / "brief.html").read_text(encoding="utf-8")
    assert '<aside class="note urgent"><h3>On the pay gap</h3>' in html
    (index,) = note.citations
    assert f'id="c{index}"' in html.split('<aside class="note urgent">')[1].split("</aside>")[0]
    data = json.loads((root / "dist" / "brief.json").read_text(encoding="utf-8"))
    assert data["notes"] == [
        {"title": "On the pay gap", "tone": "urgent", "text": "The offer stands at 2%."}
    ]
    assert data["citations"][index]["context"] == "Note: On the pay gap"
    assert data["scope"] == ""  # a cover text the brief lacks is empty, as before
    assert f'<a href="#c{index}">Note: On the pay gap</a>' in html  # the appendix links back


@pytest.mark.usefixtures("note_directive")
def test_a_directive_defined_here_gets_the_shared_checks(make_project: MakeProject) -> None:
    broken = NOTE_TEXT.replace(":tone: urgent", ":tone: loud\n:colour: red")
    root = make_project({"brief.md": BRIEF + broken + NOTE_TEXT.replace("On the pay gap", "")})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    messages = [str(d) for d in failed.value.diagnostics.errors]
    assert any("unknown option ':colour:' for 'note'" in m for m in messages)
    assert any("tone must be calm or urgent, not 'loud'" in m for m in messages)
    assert any(
        m.endswith("error: 'note' needs a title\n    write it after ':::{note}'") for m in messages
    )


def test_a_directive_that_may_appear_once_says_where_the_first_is(
    make_project: MakeProject,
) -> None:
    root = make_project({"brief.md": BRIEF + "\n:::{timeline}\n:::\n"})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    (error,) = failed.value.diagnostics.errors
    assert "'timeline' may appear only once" in error.message
    assert error.hint.startswith("the first is at brief.md:")


def test_an_unknown_directive_suggests_a_registered_one(make_project: MakeProject) -> None:
    root = make_project({"brief.md": BRIEF + "\n:::{senario} X\n:likelihood: likely\n:::\n"})
    with pytest.raises(BuildFailed) as failed:
        check(root)
    (error,) = failed.value.diagnostics.errors
    assert (error.message, error.hint) == (
        "unknown directive 'senario'",
        "did you mean 'scenario'?",
    )


def test_an_output_format_defined_here_is_built_and_written(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outline(job: RenderJob) -> bytes:
        headings = [h.text for block in job.brief.text.blocks if (h := block.heading())]
        return "\n".join(headings).encode()

    monkeypatch.setitem(FORMATS, "outline", Format("outline", "outline.txt", outline, "headings"))
    root = make_project()
    result = build(root, Options(formats=("outline",)))
    assert result.written == [root / "dist" / "outline.txt"]
    text = (root / "dist" / "outline.txt").read_text(encoding="utf-8")
    assert "KJ1 A settlement will probably be reached before the winter season." in text
    assert not (root / "dist" / "brief.pdf").exists()


def test_a_source_reader_defined_here_reads_its_kind(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rot13(file: SourceFile, diagnostics: Diagnostics) -> Extracted:
        return Extracted(codecs.decode(file.data.decode("ascii"), "rot13"))

    monkeypatch.setitem(READERS, "rot13", Reader("rot13", (".rot",), rot13))
    secret = "Inspectors found the northern crane unsafe and closed it for three weeks.\n"
    encoded = codecs.encode(secret, "rot13")
    root = make_project(
        {
            "seeds/cranes.txt": None,
            "seeds/cranes.rot": encoded,
            "seeds/sources.yaml": _register_with("cranes.rot"),
        }
    )
    (cranes,) = [s for s in check(root).brief.sources if s.id == "cranes"]
    assert cranes.text == secret
    assert cranes.sha256 == hashlib.sha256(encoded.encode()).hexdigest()  # of the bytes


def test_a_source_of_no_registered_kind_is_one_clear_error(make_project: MakeProject) -> None:
    root = make_project(
        {
            "seeds/cranes.txt": None,
            "seeds/cranes.xyz": "text",
            "seeds/sources.yaml": _register_with("cranes.xyz"),
        }
    )
    with pytest.raises(BuildFailed) as failed:
        check(root)
    (error,) = failed.value.diagnostics.errors
    assert str(error).startswith("seeds/cranes.xyz: error: unsupported kind of source")
    assert "text (.txt" in error.hint and "PDF (.pdf)" in error.hint


def _register_with(filename: str) -> str:
    return SOURCES_YAML.replace("file: cranes.txt", f"file: {filename}")


def test_every_directive_of_the_default_brief_reaches_brief_json(tmp_path: Path) -> None:
    """The default brief's scenarios were once left out of brief.json: each directive with a
    JSON key now has its blocks there, whatever the directive."""
    repo = Path(__file__).resolve().parent.parent
    build(repo, Options(outdir=tmp_path, formats=("json",)))
    data = json.loads((tmp_path / "brief.json").read_text(encoding="utf-8"))
    written = (repo / "brief.md").read_text(encoding="utf-8")
    titles = re.findall(r"^:::\{scenario\}\s*(.+)$", written, re.M)
    assert len(titles) == 3 and [s["title"] for s in data["scenarios"]] == titles
    assert all(s["likelihood"] and s["likelihood_range"] for s in data["scenarios"])
    assert data["bottom_line"] and data["scope"]
    assert len(data["judgements"]) == written.count(":::{judgement}")


# The lists the user reads are the registries' own.


def test_the_help_and_the_readme_name_what_the_registries_hold() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    assert f"[--format {'|'.join(FORMATS)} ...]" in readme
    assert f"briefing schema {'|'.join(SCHEMAS)}" in readme
    runner = CliRunner()
    help_of = {
        name: runner.invoke(main, [name, "--help"]).output for name in ("build", "add-source")
    }
    build_help = re.sub(r"-\s+", "-", " ".join(help_of["build"].split()))  # 'self-\ncontained'
    assert all(f"{f.name}, {f.help}" in build_help for f in FORMATS.values())
    assert f"1<=x<={MAX_RECIPIENTS}" in help_of["build"]
    kinds = " ".join(help_of["add-source"].split())
    assert all(
        f"{r.kind} ({' '.join(filter(None, r.suffixes))})" in kinds for r in READERS.values()
    )


def test_a_directive_declares_its_checks_against_the_sources(make_project: MakeProject) -> None:
    seen: list[str] = []

    def check_notes(text: BriefText, sources: dict[str, Source], diagnostics: Diagnostics) -> None:
        seen.extend(b.kind for b in text.blocks_of(Note))
        for note in text.blocks_of(Note):
            diagnostics.warning(note.location, f"a note among {len(sources)} sources")

    checked = dataclasses.replace(NOTE, checks=(check_notes,))
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(DIRECTIVES, "note", checked)
        root = make_project({"brief.md": BRIEF + NOTE_TEXT, "layouts/_note.html": NOTE_TEMPLATE})
        result = check(root)
    assert seen == ["note"]
    assert [d.message for d in result.diagnostics.warnings] == ["a note among 2 sources"]


def test_the_outputs_an_edition_keeps_are_the_formats_that_say_so() -> None:
    assert tuple(f.filename for f in FORMATS.values() if f.released) == RELEASED
    assert set(RELEASED) == {"brief.pdf", "brief.json", "brief-annex.pdf"}


def test_a_layout_that_extends_brief_html_has_its_paged_css(make_project: MakeProject) -> None:
    root = make_project()
    (root / "layouts").mkdir()
    (root / "layouts" / "plain.html").write_text(
        '{% extends "builtin/brief.html" %}{% block cover %}<h1>Plain</h1>{% endblock %}\n',
        encoding="utf-8",
    )
    result = build(root, Options(formats=("html",), layout="plain", write=False))
    assert "<h1>Plain</h1>" in result.files["brief.html"].decode()
    rendered = render_html(result.brief, root, Diagnostics())
    assert rendered is not None and "@page" in rendered.pdf_css  # brief-pdf.css's rules


@pytest.mark.parametrize("layout", shipped_layout_names())
def test_every_shipped_layout_builds_a_brief(make_project: MakeProject, layout: str) -> None:
    """Found by listing the folder: a layout added to it is tested here, no test edited."""
    root = make_project()
    result = build(root, Options(formats=("pdf", "html"), layout=layout))
    assert result.brief.meta.layout == layout
    assert pages_text(root / "dist" / "brief.pdf")[0].strip()  # a first page with words
    assert "Port Ellis" in (root / "dist" / "brief.html").read_text("utf-8")
