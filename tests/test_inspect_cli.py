"""`faultline inspect` through a real subprocess: formats, exit codes, suppressions, bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CASES = Path(__file__).parent / "inspect_cases"
ROOT = Path(__file__).parent.parent
SARIF_SCHEMA = CASES / "sarif-schema-2.1.0-rtm.5.json"  # provenance: inspect_cases/SARIF-SCHEMA.md


def faultline(*args, cwd=CASES):
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "faultline", *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )


def assert_clean_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_terminal_findings_exit_1():
    result = faultline("inspect", "supercalls")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert "supercalls/app/tests/test_positive.py:18:5: FL001 `TeamAdminTests.tearDownClass` does not call super()" in lines[0]
    assert lines[1].strip().startswith("fix: Call super()")
    assert "7 findings in 1 file (FL001 setup-teardown-without-super ×7)" in result.stdout
    assert result.stderr == ""


def test_clean_project_exit_0(tmp_path):
    (tmp_path / "test_ok.py").write_text(
        "from django.test import TestCase\n\n\nclass Ok(TestCase):\n"
        "    @classmethod\n    def tearDownClass(cls):\n        super().tearDownClass()\n"
    )
    result = faultline("inspect", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "No test-isolation problems found; 1 Python file inspected.\n"


def test_default_path_is_the_current_directory():
    result = faultline("inspect", cwd=CASES / "explicit_pk")
    assert result.returncode == 1
    assert result.stdout.startswith("tests/test_positive.py:13:43: FL002 ")


def test_single_file():
    result = faultline("inspect", "factories/tests/factories.py", "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["files"] == 1
    # the project's models are out of view: only the factory of django.contrib.auth's Group is known
    assert [(f["file"], f["line"], f["rule"]) for f in report["findings"]] == [("factories/tests/factories.py", 93, "FL003")]


def test_json_format_is_stable_and_complete():
    first = faultline("inspect", "async_orm", "--format", "json")
    second = faultline("inspect", "async_orm", "--format", "json")
    assert first.returncode == 1 and first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert report["schema"] == "faultline.inspect/1" and report["root"] == "async_orm"
    assert report["files"] == 9 and report["suppressed"] == 0 and report["warnings"] == []
    finding = report["findings"][0]
    assert set(finding) == {"file", "line", "col", "rule", "name", "message", "fix"}
    assert finding["file"] == "async_orm/tests/test_db_fixture.py" and (finding["line"], finding["col"]) == (1, 1)
    assert finding["rule"] == "FL004" and finding["name"] == "async-orm-without-transaction"
    assert "transaction=True" in finding["fix"]


def test_sarif_is_valid_sarif_2_1_0():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema validates the SARIF output")
    result = faultline("inspect", ".", "--format", "sarif")
    assert result.returncode == 1
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "faultline"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["FL001", "FL002", "FL003", "FL004", "FL005", "FL006", "FL007", "FL100"]
    assert all(r["help"]["markdown"].startswith(f"# {r['id']} ") for r in rules)
    result0 = next(r for r in run["results"] if r["ruleId"] == "FL003")
    assert rules[result0["ruleIndex"]]["id"] == "FL003"
    location = result0["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith(".py") and location["region"]["startColumn"] >= 1
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes} == {
        "unparseable/test_binary.py", "unparseable/test_broken.py"}
    # the schema really is checked: a wrong version is refused
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**log, "version": "2.0.0"}, schema)
    # an absolute path becomes a file URI, with no base
    absolute = json.loads(faultline("inspect", CASES / "unparseable", "--format", "sarif").stdout)
    jsonschema.Draft4Validator(schema).validate(absolute)
    artifact = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": (CASES / "unparseable" / "test_fine.py").as_uri()}


def test_github_annotations():
    result = faultline("inspect", "unparseable", "--format", "github")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "::error file=unparseable/test_fine.py,line=6,col=5,title=FL001 setup-teardown-without-super::"
        "`StillInspected.tearDownClass` does not call super().tearDownClass(): `TestCase.tearDownClass` never runs, "
        "so the class-level transaction around setUpTestData is never rolled back and its rows stay for the test "
        "classes that run after it",
        "::warning file=unparseable/test_binary.py::cannot parse: invalid or missing encoding declaration",
        "::warning file=unparseable/test_broken.py,line=1::cannot parse: invalid syntax",
    ]
    assert result.stderr == ""


def test_unparseable_files_are_one_warning_line_each():
    result = faultline("inspect", "unparseable")
    assert result.returncode == 1  # the parseable file still has its finding
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "faultline: warning: unparseable/test_binary.py: cannot parse: invalid or missing encoding declaration",
        "faultline: warning: unparseable/test_broken.py:1: cannot parse: invalid syntax",
    ]
    assert "1 Python file inspected" in result.stdout


def test_suppressions_need_a_reason():
    result = faultline("inspect", "suppressions", "--format", "json")
    report = json.loads(result.stdout)
    got = sorted((f["line"], f["rule"]) for f in report["findings"])
    # Reasoned (line 7) and the pytest.ini FL006 (comment on the line above) are suppressed;
    # no reason (13) and an unknown rule (25) suppress nothing and are reported; a
    # suppression of another rule (19) does not hide FL001.
    assert got == [(13, "FL001"), (13, "FL100"), (19, "FL001"), (25, "FL001"), (25, "FL100")]
    assert report["suppressed"] == 2
    messages = {f["line"]: f["message"] for f in report["findings"] if f["rule"] == "FL100"}
    assert "no reason" in messages[13] and "FL999" in messages[25]
    assert result.returncode == 1


def test_select():
    result = faultline("inspect", "commits", "--select", "fl002,FL003", "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == []
    result = faultline("inspect", "factories", "--select", "FL003")
    assert result.returncode == 1 and "8 findings" in result.stdout


def test_explain():
    result = faultline("inspect", "--explain", "fl002")
    assert result.returncode == 0
    assert result.stdout.startswith("FL002 explicit-primary-key-in-setup\n")
    for heading in ("WHAT IT DETECTS", "WHY IT MATTERS", "EXAMPLE", "FIX", "NOT FLAGGED"):
        assert heading in result.stdout


@pytest.mark.parametrize("args, fragments", [
    (["inspect", "no/such/dir"], ["no/such/dir: no such file or directory"]),
    (["inspect", "reuse_db/local_only/tox.ini"], ["not a directory or a Python file"]),
    (["inspect", ".", "--select", "FL001,FL042"], ["unknown rule FL042"]),
    (["inspect", "--explain", "FL042"], ["no rule 'FL042'"]),
])
def test_usage_errors_exit_2(args, fragments):
    assert_clean_error(faultline(*args), *fragments)


def test_rule_pages_are_generated_and_current():
    from faultline.inspect.docs import pages

    docs = ROOT / "docs" / "rules"
    expected = pages()
    assert sorted(p.name for p in docs.glob("*.md")) == sorted(expected)
    for name, text in expected.items():
        stale = f"docs/rules/{name} is stale: python -m faultline.inspect.docs docs/rules"
        assert (docs / name).read_text(encoding="utf-8") == text, stale


def test_pre_commit_hook_runs_the_command():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "faultline-inspect")
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    executable = Path(sys.executable).parent / hook["entry"].split()[0]
    result = subprocess.run([executable, *hook["entry"].split()[1:]], cwd=CASES / "factories",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "FL003" in result.stdout  # pre-commit fails the commit
