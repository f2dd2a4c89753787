"""The typography of the writer's own text: curly quotes, dashes, ellipses.

Only the writer's words pass through here; passages quoted from the sources never do, so
they stay verbatim.
"""

from __future__ import annotations

import html
import re

import smartypants

# smartypants: curly quotes and apostrophes (also from the &quot; mistune writes), "--" and
# "---" as en and em dashes, "..." as an ellipsis, written as characters; it leaves tags,
# code and pre alone.
_SMARTYPANTS = (
    smartypants.Attr.q | smartypants.Attr.w | smartypants.Attr.D | smartypants.Attr.e
) | smartypants.Attr.u
# A range of numbers (55-80%, 2015-2024), for which smartypants has no rule; not a date
# (2024-03-01) nor a number with a leading zero (2024-03).
_NUMBER_RANGE = re.compile(r"(?<![\d-])(\d+)-([1-9]\d*)(?![\d-])")
# A label and its number kept on one line: "KJ 3", "p. 4", "S 2".
_LABEL_NUMBER = re.compile(r"\b(KJ|S|p\.|pp\.|No\.|§)[ \t]+(?=\d)")
_ADDRESS = re.compile(r"\b(?:https?|ftp)://[^\s<>\"']+|\bwww\.[^\s<>\"']+")
_TAG_OR_CODE = re.compile(r"(<(code|pre)\b.*?</\2>|<[^>]*>)", re.DOTALL)


def smarten(markup: str) -> str:
    """The typography of the writer's own text, in HTML: smartypants; outside tags and
    code, en dashes in ranges of numbers and a no-break space between a label and its
    number. Web addresses are left as written, so that a printed one still works."""
    addresses: list[str] = []

    def keep(match: re.Match[str]) -> str:
        addresses.append(match.group())
        return f"\ue010{len(addresses) - 1}\ue011"

    markup = smartypants.smartypants(_ADDRESS.sub(keep, markup), _SMARTYPANTS)
    markup = _smarten_text(markup)
    return re.sub("\ue010(\\d+)\ue011", lambda m: addresses[int(m[1])], markup)


def _smarten_text(markup: str) -> str:
    pieces = _TAG_OR_CODE.split(markup)
    # split gives text, tag, the tag's name (or None), text, ...
    return "".join(
        _text(piece) if n % 3 == 0 else piece or "" for n, piece in enumerate(pieces) if n % 3 != 2
    )


def _text(piece: str) -> str:
    piece = _NUMBER_RANGE.sub("\\1\u2013\\2", piece)
    return _LABEL_NUMBER.sub("\\1\u00a0", piece)


def smart_text(text: str) -> str:
    """Plain text with the writer's typography (for a figure's labels, titles)."""
    return html.unescape(smarten(html.escape(text, quote=False)))
