"""What a saved page states about itself, in order of trust: schema.org JSON-LD, then Open
Graph and article: meta, the canonical link, then the address's path and the title's words.

Authors are persons (never a desk, an outlet or a news agency); titles lose a trailing site,
section or author name; the outlet is the site's own name as its title writes it; `type` is
one an analyst grades by (TYPES)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# The values `type` takes, as add-source writes them.
TYPES = ("news", "analysis", "opinion", "editorial", "wire", "review", "blog", "live blog",
         "guide", "reference", "report", "official statement")  # fmt: skip
STATED_IN_METADATA = "stated in the page's metadata"
FOUND_BY_HTMLDATE = "found in the page by htmldate (in its address, text or markup)"

_ARTICLE = re.compile(r"Article$|^BlogPosting$|^Review$|^Report$|^LiveBlogPosting$")
_LD_TYPES = {"OpinionNewsArticle": "opinion", "AnalysisNewsArticle": "analysis",
             "BackgroundNewsArticle": "analysis", "ReviewNewsArticle": "review",
             "Review": "review", "BlogPosting": "blog", "LiveBlogPosting": "live blog",
             "Report": "report", "ScholarlyArticle": "report"}  # fmt: skip
# Words of the address's path or of the section, and the type they say.
_PATH_TYPES = (
    (re.compile(r"^(?:editorials?|leaders?|our-view)$"), "editorial"),
    (re.compile(r"^(?:opinions?|commentisfree|comment|op-?eds?|columns?|columnists?|views"
                r"|meinung|tribunes?|opinion-\w+)$"), "opinion"),
    (re.compile(r"^(?:analysis|analyses|explainers?|news-analysis)$"), "analysis"),
    (re.compile(r"^(?:live|live-news|liveblog)$"), "live blog"),
    (re.compile(r"^(?:reviews?)$"), "review"),
    (re.compile(r"^(?:blogs?)$"), "blog"),
    (re.compile(r"^(?:press-releases?|statements?|pressemitteilungen)$"), "official statement"),
)  # fmt: skip
_WIRES = re.compile(r"\b(?:Reuters|Associated Press|AP|AFP|Agence France[- ]Presse|dpa|ANSA"
                    r"|EFE|Xinhua|PTI|IANS|Bloomberg News)\b")  # fmt: skip
# Words that make a byline's part a desk or an organisation, not a person.
_NOT_PERSON = re.compile(
    r"\b(?:news|service|staff|desk|business|team|editors?|editorial|board|agency|agencies"
    r"|press|media|contributors?|wikimedia|projects|online|bureau|reporters?|correspondents?"
    r"|politics|sport|times|post|daily|magazine|inc|ltd|llc|updated|published|posted)\b|https?:|www\.|\.com\b|^@",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s*_\s*|\s*｜\s*")
_SECTION_WORDS = re.compile(
    r"^(?:editorial|opinion|comment|analysis|news|world|politics|business|sport|live)$|.*频道$",
    re.IGNORECASE,
)
_BRACKETED_SITE = re.compile(r"\s*[＜《【]([^＜《【]+)[＞》】]\s*$")  # '見出し　＜サイト＞'
# Where a byline's names end: a day, a month, a number, a handle, 'Updated' ('Joe Wee Monday,
# February 29', 'JEFFREY GETTLEMAN JAN. 13, 2017'; a short month only before a day: 'Jan Smith').
_BYLINE_END = re.compile(r"\b(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|january|february"
                         r"|march|april|june|july|august|september|october|november|december)\b"
                         r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)\.?\s+\d"
                         r"|\d|@\w|\b(?:updated|published|posted)\b", re.IGNORECASE)  # fmt: skip
# A credit in brackets after a name: 'Name (reporting)', 'Name (photography' (cut short).
_CREDIT = re.compile(r"\s*\(([^()]*)(?:\)|$)")
_WRITING = re.compile(r"\b(?:report\w*|writ\w*|words|text|story|author)\b", re.IGNORECASE)
_ROLE = re.compile(
    r"(?:\s+\w+)?\s+(?:editor|reporter|correspondent|writer|columnist"
    r"|contributor|technologist)\b.*$",
    re.IGNORECASE,
)  # 'Name Games Editor'
_LATIN_WORD = re.compile(r"^[^\W\d_]+$", re.ASCII)
_DATE_PART = re.compile(r"\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\.? \d", re.I)
_CORPORATE = re.compile(r",?\s+(?:Inc\.?|Ltd\.?|LLC|Limited|GmbH|S\.A\.)$")
_DOMAIN_END = re.compile(r"\.(?:com|fr|de|net|org|co\.uk|es|it|br|in)$", re.IGNORECASE)
_BLOG_HOSTS = re.compile(
    r"^blog\.|\.blogspot\.|(?:^|\.)medium\.com$|\.wordpress\.com$|\.substack\.com$"
)
_DATE_TAGS = ("article:published_time", "datepublished", "parsely-pub-date", "dc.date.issued",
              "publishdate")  # fmt: skip
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
_US_ENGLISH = re.compile(r"<html[^>]*\blang=[\"']?en[-_]us\b", re.IGNORECASE)


def page_metadata(tree: Any, page: str, found: dict[str, str]) -> dict[str, str]:
    """The page's metadata from its parsed tree and its markup (page), over what
    trafilatura found (found)."""
    meta = _meta_tags(tree)
    article, nodes = _json_ld(tree)
    title_tag = " ".join(tree.findtext(".//title", "").split())
    address = _address(tree, meta) or found.get("address", "")
    outlet = _outlet(article, nodes, meta, title_tag) or found.get("outlet", "")
    if article and "author" in article:  # the page names its author: a person or not
        byline = _author_names(article["author"], nodes)
    else:
        byline = split_byline(_meta_author(meta) or found.get("author", ""))
    persons = [a for a in byline if is_person(a, outlet)]
    section = _text(article.get("articleSection")) or meta.get("article:section", "")
    title = _title(article, meta, title_tag, found.get("title", ""), (outlet, section, persons))
    result = {
        "title": title,
        "outlet": outlet,
        "author": "; ".join(dict.fromkeys(persons)),
        "address": address,
    }
    if date := _published(article, meta):
        result |= {"published": date, "date_basis": STATED_IN_METADATA}
    elif found.get("published"):
        date = _month_first(found["published"], page)
        result |= {"published": date, "date_basis": FOUND_BY_HTMLDATE}
    where = (address, title_tag or title, outlet, section)  # a title tag says '| Opinion'
    result["type"] = _type(article, meta, byline, persons, where, "published" in result)
    return {key: value for key, value in result.items() if value}


def _text(value: Any) -> str:
    """A JSON-LD value as text: a string, or the first of a list of them."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def _headline(article: dict[str, Any], title_tag: str) -> str:
    """The article's headline, or its name where the page's title has that and not the
    headline (Wikipedia's headline is a description)."""
    headline, name = _text(article.get("headline")), _text(article.get("name"))
    return name if name and name in title_tag and headline not in title_tag else headline


def _meta_tags(tree: Any) -> dict[str, str]:
    """The page's meta tags by lower-cased name or property; the first of each."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = " ".join((element.get("content") or "").split())
        if key and content:
            tags.setdefault(key.lower().replace("og:article:", "article:"), content)
    return tags


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD value, depth first (lists, @graph, nested values)."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            if isinstance(item, (list, dict)):
                yield from _nodes(item)


def _types(node: dict[str, Any]) -> list[str]:
    kind = node.get("@type", [])
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


def _json_ld(tree: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page's article object (or {}) and every object of its JSON-LD blocks."""
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$", "", script.text or "")
        try:
            nodes += _nodes(json.loads(text))
        except ValueError:  # a broken block says nothing
            continue
    articles = [n for n in nodes if any(_ARTICLE.search(t) for t in _types(n))]
    return next((a for a in articles if a.get("headline")), articles[0] if articles else {}), nodes


def _named(value: Any, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects a JSON-LD value names, a reference ({'@id': ...}) looked up."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            found.append({"name": item})
        elif isinstance(item, dict):
            ref = item.get("@id")
            if "name" not in item and ref:
                item = next((n for n in nodes if n.get("@id") == ref and "name" in n), item)
            found.append(item)
    return found


def _author_names(value: Any, nodes: list[dict[str, Any]]) -> list[str]:
    """The names in a JSON-LD author value; an organisation's marked '@' (never a person)."""
    names = []
    for node in _named(value, nodes):
        organisation = set(_types(node)) & {"Organization", "NewsMediaOrganization"}
        if name := _text(node.get("name")):
            names.append(f"@{name}" if organisation else name)
    return names


def _meta_author(meta: dict[str, str]) -> str:
    """The author meta tags name, where one is a name and not an address."""
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        if (value := meta.get(key, "")) and not re.match(r"https?:|www\.", value):
            return value
    return ""


def split_byline(byline: str) -> list[str]:
    """A byline's names: 'By A and B; Desk' -> ['A', 'B', 'Desk'] (desks go later); a name
    credited in brackets for another role than writing ('B (photography)') left out."""
    byline = re.sub(r"^(?:by|par|von|por|di|door)\b:?\s*", "", byline.strip(), flags=re.IGNORECASE)
    byline = re.sub(r"\s*\(https?:[^)]*\)", "", byline)  # 'Name (http://site/)'
    byline = _BYLINE_END.split(byline)[0]
    parts = re.split(r"\s*(?:;|,|\band\b|\bet\b|\bund\b|\by\b|&)\s*", byline)
    return [_ROLE.sub("", name) for p in parts if (name := _writer(p))]


def _writer(part: str) -> str:
    """A byline's part without its credit in brackets; '' if the credit is not for writing."""
    credit = _CREDIT.search(part)
    if credit and credit[1].strip() and not _WRITING.search(credit[1]):
        return ""
    return _CREDIT.sub("", part).strip()


def is_person(name: str, outlet: str) -> bool:
    """Whether a byline's part names a person: not the outlet, a desk, an agency or a
    user name ('devindra')."""
    if _NOT_PERSON.search(name) or _WIRES.fullmatch(name):
        return False
    outlet_squeezed = re.sub(r"\W", "", outlet).casefold()
    if outlet_squeezed and outlet_squeezed in re.sub(r"\W", "", name).casefold():
        return False  # 'CNN Business' on CNN's page
    words = name.split()
    return len(words) >= 2 or not all(_LATIN_WORD.match(w) for w in words)  # 'devindra'


def _address(tree: Any, meta: dict[str, str]) -> str:
    """The canonical address: the canonical link, else og:url (absolute ones only)."""
    for link in tree.iterfind(".//link[@rel='canonical']"):
        if re.match(r"https?://", href := (link.get("href") or "").strip()):
            return href
    url = meta.get("og:url", "")
    return url if re.match(r"https?://", url) else ""


def _outlet(article: dict[str, Any], nodes: list[dict[str, Any]], meta: dict[str, str],
            title_tag: str) -> str:  # fmt: skip
    """The site's name: the article's publisher, the page's organisation, og:site_name...;
    written as the page's title writes it ('HeraldSun' -> 'Herald Sun')."""
    publishers = _named(article.get("publisher"), nodes) if article else []
    organisations = [n for n in nodes if "NewsMediaOrganization" in _types(n)]
    candidates = [_text(n.get("name")) for n in [*publishers, *organisations]]
    candidates += [meta.get(k, "") for k in ("og:site_name", "dc.publisher", "application-name")]
    name = next((c for c in candidates if c), "")
    name = _DOMAIN_END.sub("", _CORPORATE.sub("", re.split(r"\s+[|–—-]\s+", name)[0]))
    tail = _title_tail(title_tag)
    if not name:
        return tail if len(tail.split()) <= 8 and not _DATE_PART.search(tail) else ""
    squeezed, tail_squeezed = (re.sub(r"\W", "", n).casefold() for n in (name, tail))
    if squeezed and squeezed in tail_squeezed and len(tail.split()) <= len(name.split()) + 1:
        return tail  # 'HeraldSun' -> 'Herald Sun', 'Washington Post' -> 'The Washington Post'
    return name


def _title(article: dict[str, Any], meta: dict[str, str], title_tag: str, extracted: str,
           named: tuple[str, str, list[str]]) -> str:  # fmt: skip
    """The headline the page states, without a trailing site, section or author name (named:
    the outlet, the section and the authors). Not the outlet's own name; and where
    trafilatura's reading of the page is the same title with a trailing part fewer, that."""
    outlet, section, persons = named
    stated = (_headline(article, title_tag), meta.get("og:title", ""), title_tag, extracted)
    squeezed = re.sub(r"\W", "", outlet).casefold()
    for candidate in stated:
        title = clean_title(candidate, outlet, section, persons)
        if title and re.sub(r"\W", "", title).casefold() != squeezed:
            break
    else:
        return ""
    shorter = " ".join(extracted.split())
    if shorter and title.startswith(shorter) and _SEPARATORS.match(title[len(shorter) :]):
        return shorter
    return title


def _title_tail(title: str) -> str:
    """The last part of a page's title after a separator ('Headline | Site'), or ''."""
    if bracketed := _BRACKETED_SITE.search(title):
        return " ".join(bracketed.group(1).split()[:1])
    parts = _SEPARATORS.split(title)
    return parts[-1].strip() if len(parts) > 1 else ""


def clean_title(title: str, outlet: str, section: str, persons: list[str]) -> str:
    """The title without trailing parts that name the site, a section, an author or the
    date ('Headline | Editorial | The Guardian' -> 'Headline')."""
    title = _BRACKETED_SITE.sub("", title) if _BRACKETED_SITE.search(title) else title
    drop = {re.sub(r"\W", "", s).casefold() for s in (outlet, section, *persons) if s}
    while len(parts := _SEPARATORS.split(title)) > 1:
        last = parts[-1].strip()
        squeezed = re.sub(r"\W", "", last).casefold()
        if not (
            squeezed in drop
            or _SECTION_WORDS.match(last)
            or _DATE_PART.match(last)
            or (outlet and squeezed and squeezed in re.sub(r"\W", "", outlet).casefold())
        ):
            break
        title = title[: title.rfind(last)].rstrip(" |–—-_｜")
        if squeezed in drop and "_" in title:  # '标题_频道_网站': the portal's channel
            return title.split("_")[0]
    return title


def title_says(title: str) -> str:
    """The type a title's trailing words say ('... | Editorial', 'The Guardian view on')."""
    if re.search(r"[|–—-]\s*(?:Editorial|Leader)\b|^The \w+ view on\b", title, re.IGNORECASE):
        return "editorial"
    if re.search(r"[|–—-]\s*(?:Opinion|Comment)\b|^Opinion\s*[:|]", title, re.IGNORECASE):
        return "opinion"
    return "guide" if re.match(r"How to\b", title) else ""


def path_says(address: str, section: str) -> str:
    """The type the address's path or the section says."""
    host, _, path = re.sub(r"^\w+://", "", address).partition("/")
    words = [w.lower() for w in re.split(r"[/?#]", path) if w] + [section.lower()]
    for pattern, kind in _PATH_TYPES:
        if any(pattern.match(word) for word in words):
            return kind
    if "wikipedia.org" in host:
        return "reference"
    return "blog" if _BLOG_HOSTS.search(host) else ""


def _type(article: dict[str, Any], meta: dict[str, str], byline: list[str], persons: list[str],
          where: tuple[str, str, str, str], dated: bool) -> str:  # fmt: skip
    """The kind of document, from the most specific statement the page makes of it; where
    is the address, the title, the outlet and the section."""
    address, title, outlet, section = where
    said = title_says(title)
    if said == "editorial" or any("editorial" in name.lower() for name in byline):
        return "editorial"
    by_path = path_says(address, section)
    if by_path in ("editorial", "opinion"):
        return by_path
    if ld_type := next((_LD_TYPES[t] for t in _types(article) if t in _LD_TYPES), ""):
        return ld_type
    agency = re.search(r"/(?:\d+-)?(?:afp|reuters|ap)\b", meta.get("article:author", ""), re.I)
    if any(_WIRES.fullmatch(name.lstrip("@")) for name in byline) or agency:
        return "wire"
    if "NewsArticle" in _types(article):
        return "news"
    if by_path or said:
        return by_path or said
    if outlet and persons and outlet.casefold().startswith(persons[0].casefold()):
        return "blog"  # a person's own site
    is_article = article or meta.get("og:type", "").lower() == "article"
    return "news" if is_article or (persons and dated) else ""


def _month_first(date: str, page: str) -> str:
    """htmldate's date, with day and month swapped where it read a US date ('05/08/2014')
    day-first: the page writes the swapped day in ISO form and never its own, or the page is
    in US English and writes the date with slashes."""
    year, month, day = date[:10].split("-")
    if day == month or int(day) > 12:
        return date
    swapped = f"{year}-{day}-{month}"
    iso = swapped in page and date[:10] not in page
    us = _US_ENGLISH.search(page[:2000]) and re.search(rf"\b0?{int(day)}/0?{int(month)}/", page)
    return swapped if iso or us else date


def _published(article: dict[str, Any], meta: dict[str, str]) -> str:
    """The day of publication the page's metadata states (YYYY-MM-DD), or ''."""
    stated = [_text(article.get("datePublished")) if article else ""]
    stated += [meta.get(k, "") for k in _DATE_TAGS]
    return next((s[:10] for s in stated if _ISO_DAY.match(s)), "")
