"""One Python file: its syntax tree, its lines, and what its names refer to.

Nothing is imported or executed: names are resolved from the file's own import statements,
so `TC` after `from django.test import TestCase as TC` reads as `django.test.TestCase`.
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

# Spellings of the same external class, reduced to the one the detectors know.
ALIASES = {
    "django.test.testcases.": "django.test.",
    "unittest.case.": "unittest.",
    "unittest.async_case.": "unittest.",
    "django.db.models.base.": "django.db.models.",
    "django.contrib.auth.base_user.": "django.contrib.auth.models.",
    "factory.base.Factory": "factory.Factory",
    "factory.DjangoModelFactory": "factory.django.DjangoModelFactory",
    "factory.alchemy.SQLAlchemyModelFactory": "factory.alchemy.SQLAlchemyModelFactory",
    "factory.SQLAlchemyModelFactory": "factory.alchemy.SQLAlchemyModelFactory",
}


def canonical(dotted: str) -> str:
    for prefix, replacement in ALIASES.items():
        if dotted.startswith(prefix):
            return replacement + dotted[len(prefix):]
    return dotted


class Unparseable(Exception):
    """The file is not valid Python; `line` is where the parser gave up (or None)."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


@dataclass
class Module:
    path: Path  # absolute
    rel: str  # posix path relative to the inspected root
    shown: str  # the path as reports show it: the path the user gave, joined with `rel`
    name: str  # dotted module name derived from `rel`
    is_package: bool
    tree: ast.Module
    text: str
    lines: list[str]
    comments: dict[int, str]  # line -> a `faultline:` comment on it (tokenized: never inside a string)
    imports: dict[str, str] = field(default_factory=dict)  # local name -> dotted target
    star_imports: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, path: Path, rel: str, shown: str) -> Module:
        data = path.read_bytes()
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
            tree = ast.parse(text, filename=rel)
        except SyntaxError as exc:
            raise Unparseable(exc.msg, exc.lineno) from None
        except (UnicodeDecodeError, LookupError, ValueError) as exc:
            raise Unparseable(str(exc).splitlines()[0], None) from None
        parts = rel[:-3].split("/")
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        module = cls(path, rel, shown, ".".join(parts), is_package, tree, text, text.splitlines(), _comments(text))
        module._read_imports()
        return module

    def _read_imports(self) -> None:
        package = self.name.split(".") if self.is_package else self.name.split(".")[:-1]
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports.setdefault(alias.asname, alias.name)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports.setdefault(top, top)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package[: len(package) - node.level + 1] if node.level > 1 else package
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    if alias.name == "*":
                        self.star_imports.append(base)
                    else:
                        self.imports.setdefault(alias.asname or alias.name, f"{base}.{alias.name}")

    def dotted(self, node: ast.AST) -> str | None:
        """`a.b.c` for a Name/Attribute chain, its head replaced by what it was imported as."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        head = self.imports.get(node.id, node.id)
        return canonical(".".join([head, *reversed(parts)]))

    def col(self, node: ast.AST) -> int:
        """1-based column in characters (the AST counts UTF-8 bytes)."""
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        return len(line.encode()[: node.col_offset].decode(errors="ignore")) + 1

    def segment(self, node: ast.AST, limit: int = 60) -> str:
        """The source text of a node, on one line and shortened, for messages."""
        text = " ".join((ast.get_source_segment(self.text, node) or "").split())
        return text if len(text) <= limit else text[: limit - 3] + "..."


def _comments(text: str) -> dict[int, str]:
    found = {}
    if "faultline:" not in text:
        return found  # the only comments anyone reads are suppressions: skip the tokenizer
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # ast accepted the file; a tokenizer quirk only costs suppressions on it
    return found
