"""HTML for the docs site: one page per playbook and an index by category with search.

Pages are plain HTML that reads without JavaScript; the index's search box is the only
script, and it only filters a list that is complete without it.
"""

from __future__ import annotations

import html
import json
import re

from faultline.render.page import Section

CSS = """
:root { color-scheme: light dark; --muted: #6b7280; --accent: #b4410e; --line: #d1d5db; }
body { font: 16px/1.55 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin-bottom: .3rem; }
.meta, footer { color: var(--muted); font-size: .9rem; }
code, pre { font: .9em ui-monospace, monospace; background: rgba(127,127,127,.12); border-radius: 4px; }
code { padding: .05em .3em; } pre { padding: .7rem; overflow-x: auto; }
a { color: var(--accent); } .signals li { margin: .2rem 0; }
#search { width: 100%; font-size: 1rem; padding: .5rem; margin: 1rem 0; }
.category ul { list-style: none; padding: 0; } .category li { margin: .45rem 0; }
.summary { display: block; color: var(--muted); font-size: .92rem; }
"""

SEARCH = """
const box = document.getElementById("search");
box.hidden = false;
box.addEventListener("input", () => {
  const words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
  for (const item of document.querySelectorAll("li[data-search]")) {
    item.hidden = !words.every(w => item.dataset.search.includes(w));
  }
  for (const section of document.querySelectorAll("section.category")) {
    section.hidden = !section.querySelector("li[data-search]:not([hidden])");
  }
  document.getElementById("count").textContent =
    document.querySelectorAll("li[data-search]:not([hidden])").length;
});
"""


def _inline(text: str) -> str:
    """Escaped text with `code` spans."""
    return re.sub(r"`([^`]+)`", lambda m: f"<code>{m.group(1)}</code>", html.escape(text))


def _paragraphs(text: str) -> str:
    out = []
    for paragraph in text.split("\n\n"):
        if any(line.startswith((" ", "\t")) for line in paragraph.splitlines()):
            out.append(f"<pre>{html.escape(paragraph)}</pre>")
        else:
            out.append(f"<p>{_inline(paragraph)}</p>")
    return "\n".join(out)


def _section(section: Section) -> str:
    body = section.body
    if section.kind == "text":
        inner = _paragraphs(body)
    elif section.kind == "list":
        inner = "<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in body) + "</ul>"
    elif section.kind == "steps":
        inner = "<ol>" + "".join(f"<li>{_inline(i)}</li>" for i in body) + "</ol>"
    elif section.kind == "commands":
        inner = "<pre><code>" + html.escape("\n".join(body)) + "</code></pre>"
    elif section.kind == "signals":
        inner = "".join(
            f"<h3>{html.escape(heading)}</h3><ul class=\"signals\">"
            + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>"
            for heading, items in body
        )
    else:  # fix: groups of numbered steps, numbering continued across groups
        parts, n = [], 0
        for heading, steps in body:
            if heading:
                parts.append(f"<h3>{html.escape(heading)}</h3>")
            parts.append(f'<ol start="{n + 1}">' + "".join(f"<li>{_inline(s)}</li>" for s in steps) + "</ol>")
            n += len(steps)
        inner = "".join(parts)
    anchor = re.sub(r"[^a-z0-9]+", "-", section.title.lower()).strip("-")
    return f'<section id="{anchor}">\n<h2>{html.escape(section.title)}</h2>\n{inner}\n</section>'


def _document(title: str, body: str, script: str = "") -> str:
    tail = f"<script>{script}</script>\n" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{html.escape(title)}</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n"
        f"<body>\n{body}\n{tail}</body>\n</html>\n"
    )


def render_page(title: str, meta: str, sections: list[Section], footer: str) -> str:
    body = "\n".join([
        '<nav><a href="index.html">All playbooks</a></nav>',
        "<main>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="meta">{html.escape(meta)}</p>',
        *(_section(s) for s in sections),
        "</main>",
        f"<footer><p>{_inline(footer)}</p></footer>",
    ])
    return _document(f"{title} · Faultline", body)


def render_index(entries: list[dict]) -> str:
    """entries: [{id, title, category, summary, href}] sorted for display."""
    categories: dict[str, list[dict]] = {}
    for entry in entries:
        categories.setdefault(entry["category"], []).append(entry)
    sections = []
    for category, items in categories.items():
        rows = "".join(
            f'<li data-search="{html.escape(json.dumps([e["id"], e["title"], e["summary"]]).lower())}">'
            f'<a href="{e["href"]}">{html.escape(e["title"])}</a> <code>{e["id"]}</code>'
            f'<span class="summary">{_inline(e["summary"])}</span></li>'
            for e in items
        )
        sections.append(f'<section class="category" id="{category}"><h2>{html.escape(category)}</h2><ul>{rows}</ul></section>')
    body = "\n".join([
        "<main>",
        "<h1>Faultline playbooks</h1>",
        f'<p class="meta"><span id="count">{len(entries)}</span> failure classes, by category. '
        "Each page says what the failure means, how Faultline recognises it, and how to fix it.</p>",
        '<input id="search" type="search" placeholder="Search playbooks (e.g. duplicate key, npm, docker)" '
        'aria-label="Search playbooks" hidden>',
        *sections,
        "</main>",
    ])
    return _document("Faultline playbooks", body, SEARCH)
