"""Every detector on its positive cases and on the look-alikes that must stay silent.

Each directory under tests/inspect_cases/ is a small project. A `# expect: FLxxx` comment
marks each line where a finding must be reported (several rules separated by commas, a rule
repeated when it fires twice on the line); every finding must be on a marked line, and every
marked line must get its findings. Unmarked code is the safe variants.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from faultline.inspect import inspect_path

CASES = Path(__file__).parent / "inspect_cases"
MARK = re.compile(r"#\s*expect:\s*(FL\d{3}(?:\s*,\s*FL\d{3})*)")
SKIP = {"suppressions"}  # its comments are the subject: tested in test_inspect_cli.py
PROJECTS = sorted(
    p for p in [*CASES.iterdir(), *CASES.glob("reuse_db/*")]
    if p.is_dir() and p.name not in SKIP and p.name != "reuse_db"
)


def expected(root: Path) -> Counter:
    marks = Counter()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".ini", ".cfg", ".toml", ".yml", ".yaml"):
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                match = MARK.search(line)
                if match:
                    for rule in match.group(1).split(","):
                        marks[(path.relative_to(root).as_posix(), number, rule.strip())] += 1
    return marks


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.relative_to(CASES).as_posix())
def test_findings_are_exactly_the_marked_lines(root):
    report = inspect_path(root)
    got = Counter((Path(f.file).relative_to(root).as_posix(), f.line, f.rule) for f in report.findings)
    want = expected(root)
    assert got - want == Counter(), f"unexpected findings: {sorted(got - want)}"
    assert want - got == Counter(), f"missed findings: {sorted(want - got)}"


def test_every_detector_has_positive_cases():
    rules = Counter(rule for root in PROJECTS for (_, _, rule) in expected(root).elements())
    for rule in ("FL001", "FL002", "FL003", "FL004", "FL005", "FL006", "FL007"):
        assert rules[rule] >= 3 or rule == "FL006" and rules[rule] >= 2, (rule, rules)


def test_columns_point_at_the_code(tmp_path):
    """Columns are 1-based characters, also after non-ASCII text on the line."""
    (tmp_path / "test_cols.py").write_text(
        "from django.test import TestCase\n"
        "from shop.models import Order\n\n\n"
        "class Café(TestCase):\n"
        "    @classmethod\n"
        "    def setUpTestData(cls):\n"
        "        cls.é = Order.objects.create(note='é', id=2)\n"
        "        Order.objects.create(note='next')\n"
        "\n"
        "    @classmethod\n"
        "    def tearDownClass(cls):\n"
        "        pass\n",
        encoding="utf-8",
    )
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "models.py").write_text(
        "from django.db import models\n\n\nclass Order(models.Model):\n    note = models.TextField()\n"
    )
    found = {(f.rule, f.line, f.col) for f in inspect_path(tmp_path).findings}
    line = "        cls.é = Order.objects.create(note='é', id=2)"
    assert ("FL002", 8, line.index("id=2") + 1) in found
    assert ("FL001", 12, 5) in found


def test_the_same_input_gives_the_same_report():
    first = inspect_path(CASES).to_dict()
    assert first == inspect_path(CASES).to_dict()
    assert first["findings"] and first["files"] > 50
