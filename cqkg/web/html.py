"""The snippets every page repeats most, written in Python: a term (``|term``), a fact's sources
(``|sources``), why an inferred fact holds (``|why``) and the table of facts by property
(``|facts_table``). As Jinja macros they took most of an entity page's rendering time (a macro call
costs tens of microseconds; a page shows hundreds of terms); the output is the same escaped HTML.
The HTML of a term is kept per process, as it depends on the term alone (and the root the app is
served at): a page shows the same terms many times, and other pages too.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import lru_cache

from flask import Flask, request
from jinja2 import pass_context
from markupsafe import Markup, escape

from cqkg.linked_data.view import Fact, Group, Source, Value


#: The root the app is served at, for this request (read once: a request proxy lookup per link is slow).
_ROOT: ContextVar[str] = ContextVar("cqkg_site_root", default="")
#: Terms whose HTML is kept (each a few hundred bytes).
TERMS_KEPT = 8192


def init_app(app: Flask) -> None:
    """Register the filters ``term``, ``sources``, ``why``, ``facts_table`` and ``site``."""
    app.add_template_filter(term_html, "term")
    app.add_template_filter(sources_html, "sources")
    app.add_template_filter(why_html, "why")
    app.add_template_filter(facts_table_html, "facts_table")
    app.add_template_filter(_site_filter, "site")
    app.before_request(lambda: _ROOT.set(request.script_root) and None)


def site(path: str | None, root: str | None = None) -> str | None:
    """A link to one of this server's pages, below the root it is served at (``root``; by default this
    request's); other links unchanged."""
    if path and path.startswith("/"):
        return (_ROOT.get() if root is None else root) + path
    return path


@pass_context
def _site_filter(context, path: str | None) -> str | None:
    # As a plain function, Jinja would call it once when compiling ``'/about'|site`` and keep the root of that request.
    return site(path)


def term_html(value: Value, zh: bool = True) -> Markup:
    """A term: an IRI as its label linked to its page (with its Chinese label), a literal with its language or datatype."""
    return _term_html(value, zh, _ROOT.get())


@lru_cache(maxsize=TERMS_KEPT)
def _term_html(value: Value, zh: bool, root: str) -> Markup:
    # f-strings over escape(): Markup.format goes through string.Formatter, several times slower.
    if value.href:
        html = f'<a href="{escape(site(value.href, root))}" title="{escape(value.iri or "")}">{escape(value.text)}</a>'
        if zh and value.text_zh:
            html += f' <span class="zh" lang="zh">{escape(value.text_zh)}</span>'
        return Markup(html)
    if value.lang:
        return Markup(f'<span lang="{escape(value.lang)}">{escape(value.text)}</span> <span class="lang">@{escape(value.lang)}</span>')
    if value.datatype:
        return Markup(f'{escape(value.text)} <span class="dt">{escape(value.datatype)}</span>')
    return escape(value.text)


def sources_html(fact: Fact) -> Markup:
    """A badge per source of ``fact``: the sentence (its text as the title), curated, a links graph, inferred."""
    return Markup(" ".join(_badge(source) for source in fact.sources))


def _badge(source: Source) -> str:
    if source.kind == "sentence":
        return (f'<a class="badge" href="{escape(site(source.href))}" title="{escape(source.text or source.label)}">'
                f'sentence {escape(source.number or "")}</a>')
    if source.kind == "curated":
        return '<a class="badge" href="#authorities" title="curated: see the authorities cited">curated</a>'
    if source.kind == "inferred":
        return '<span class="badge inferred">inferred</span>'
    return f'<a class="badge" href="{escape(site(source.href))}" title="{escape(source.graph)}">{escape(source.label)}</a>'


def why_html(fact: Fact) -> Markup:
    """Each explanation of an inferred fact: what the rule says, and the stated and inferred triples it rests on."""
    blocks = []
    for index, explanation in enumerate(fact.explanations, start=1):
        number = f" ({index})" if len(fact.explanations) > 1 else ""
        parts = "".join(
            f'<li><span class="role">{part["role"]}, {"itself inferred" if part["inferred"] else "stated"}:</span> '
            + " · ".join(term_html(value, zh=False) for value in part["triple"]) + "</li>"
            for part in explanation["parts"])
        blocks.append(f'<details class="why"{" open" if len(fact.explanations) == 1 else ""}><summary>why it holds{number}'
                      f'</summary><p>{escape(explanation["says"])} <span class="muted">(OWL 2 RL rule '
                      f'{escape(explanation["rule"])})</span>, from:</p><ol>{parts}</ol></details>')
    return Markup("".join(blocks))


def facts_table_html(groups: list[Group], caption: str) -> Markup:
    """A table of facts by property: the property's label over its rows, each fact's value and sources (and why it
    holds), then how many more facts the group has."""
    rows = []
    for group in groups:
        for index, fact in enumerate(group.facts):
            first = (f'<td class="prop" rowspan="{len(group.facts)}">{term_html(group.predicate, zh=False)}</td>'
                     if index == 0 else "")
            why = why_html(fact) if fact.explanations else ""
            inferred = ' class="inferred"' if fact.inferred else ""
            rows.append(f'\n<tr{inferred}>\n  {first}\n  <td>{term_html(fact.value)}</td>\n'
                        f'  <td class="src">{sources_html(fact)}{why}</td>\n</tr>')
        if group.more:
            rows.append(f'<tr><td></td><td colspan="2" class="muted">and {group.more} more</td></tr>')
    return Markup(f'<table>\n<thead><tr><th>{escape(caption)}</th><th>value</th><th>stated by</th></tr></thead>\n'
                  f'<tbody>{"".join(rows)}\n</tbody>\n</table>')
