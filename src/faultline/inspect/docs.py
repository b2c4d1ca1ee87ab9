"""The rule pages under docs/rules/, generated from faultline.inspect.rules; never hand-edited.

    python -m faultline.inspect.docs docs/rules
"""

from __future__ import annotations

import sys
from pathlib import Path

from faultline.inspect.output import page_markdown
from faultline.inspect.rules import RULES

FOOTER = "\n---\n\n*Generated from src/faultline/inspect/rules.py by `python -m faultline.inspect.docs`; do not edit.*\n"


def pages() -> dict[str, str]:
    """File name -> content, the index included."""
    found = {f"{rule.id}.md": page_markdown(rule) + FOOTER for rule in RULES.values()}
    index = [
        "# faultline inspect rules",
        "",
        "`faultline inspect [PATH]` finds the code patterns behind leaked test data before CI",
        "fails on them. Exit 1 when it finds something, 0 when not, 2 on a usage or input error.",
        "Suppress one finding with `# faultline: ignore[RULE] reason` on its line.",
        "",
        "| rule | name | what it finds |",
        "|---|---|---|",
        *[f"| [{r.id}]({r.id}.md) | `{r.name}` | {r.title} |" for r in RULES.values()],
    ]
    found["README.md"] = "\n".join(index) + "\n" + FOOTER
    return found


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "docs/rules")
    target.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
