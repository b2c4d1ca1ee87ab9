"""Building small throwaway catalogs for tests, from playbooks written as dicts."""

from pathlib import Path

import yaml

from faultline.catalog.loader import load_catalog
from faultline.engine.compiler import compile_catalog

TEXT = {
    "title": "A test failure class",
    "severity": "high",
    "summary": "Something failed.",
    "diagnosis": "It failed.",
    "fix": ["Fix it."],
}


def playbook(id: str, match: dict, category: str = "test", **fields) -> dict:
    return {"id": id, "category": category, **TEXT, **fields, "match": match}


def write_pack(root: Path, *books: dict) -> Path:
    for book in books:
        folder = root / book["category"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{book['id']}.yaml").write_text(yaml.safe_dump(book, sort_keys=False))
    return root


def compiled(root: Path, *books: dict):
    """A compiled catalog holding only these playbooks."""
    return compile_catalog(load_catalog([write_pack(root, *books)], bundled=False))
