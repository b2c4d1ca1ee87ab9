"""The command line, through a real subprocess: every command and every bad input."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.catalogs import playbook, write_pack

EXAMPLES = Path(__file__).parent.parent / "examples"
MODULE_LOG = (
    "2024-05-01T10:00:00.1234567Z ##[group]Run pytest\n"
    "2024-05-01T10:00:01.1234567Z ============================= test session starts ==============================\n"
    "2024-05-01T10:00:01.2234567Z Traceback (most recent call last):\n"
    '2024-05-01T10:00:01.3234567Z   File "/home/runner/work/app/app/conftest.py", line 3, in <module>\n'
    "2024-05-01T10:00:01.4234567Z     import yaml\n"
    "2024-05-01T10:00:01.5234567Z \x1b[31mModuleNotFoundError: No module named 'yaml'\x1b[0m\n"
    "2024-05-01T10:00:01.6234567Z ##[error]Process completed with exit code 1.\n"
)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory):
    # One compiled catalog for the whole file: compiling it costs seconds, reading it doesn't.
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def env(cache_dir):
    return {**os.environ, "FAULTLINE_CACHE_DIR": str(cache_dir), "NO_COLOR": "1"}


@pytest.fixture
def faultline(env):
    def run(*args, input=None):
        return subprocess.run(
            [sys.executable, "-m", "faultline", *map(str, args)],
            input=input, capture_output=True, env=env, timeout=120,
        )
    return run


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "build.log"
    path.write_text(MODULE_LOG)
    return path


def assert_clean_error(result, *fragments):
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    for fragment in fragments:
        assert fragment in err


def test_analyze_terminal(faultline, log):
    result = faultline("analyze", log)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "[python-module-missing]" in out and "6 │ ModuleNotFoundError: No module named 'yaml'" in out
    assert "(Run pytest)" in out and "$ " in out


def test_analyze_json_contract(faultline, log):
    data = json.loads(faultline("analyze", log, "--format", "json").stdout)
    assert data["schema"] == "faultline.analysis/1" and data["matched"] is True
    top = data["diagnoses"][0]
    assert set(top) >= {"rank", "id", "title", "category", "severity", "confidence", "evidence", "facts",
                        "fix", "repro", "docs"}
    assert top["id"] == "python-module-missing" and top["facts"]["module"] == "yaml"
    assert {"line": 6, "text": "ModuleNotFoundError: No module named 'yaml'", "step": "Run pytest"} in top["evidence"]
    assert top["docs"] == "playbooks/build/python-module-missing.yaml"


def test_json_is_byte_identical_across_runs(faultline, log):
    outputs = {faultline("analyze", log, "--format", "json").stdout for _ in range(3)}
    assert len(outputs) == 1


@pytest.mark.parametrize("fmt", ["terminal", "json", "markdown"])
def test_cached_analysis_imports_neither_yaml_nor_the_schema_library(faultline, env, log, fmt):
    # Start-up of a small analysis is mostly imports: with the compiled catalog cached,
    # playbooks come in plain form and the YAML parser and msgspec stay unloaded.
    assert faultline("analyze", log).returncode == 0  # the cache exists from here on
    probe = ("import sys; from faultline.cli import main; main(sys.argv[1:]); "
             "print(sorted(m for m in ('msgspec', 'yaml', 'dataclasses') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe, "analyze", "--format", fmt, str(log)],
                            capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().splitlines()[-1] == "[]"


def test_analyze_markdown(faultline, log):
    out = faultline("analyze", log, "--format", "markdown").stdout.decode()
    assert out.startswith("## Faultline") and "```text" in out and "| module |" in out


def test_stdin_and_gzip_give_the_same_diagnosis(faultline, log, tmp_path):
    packed = tmp_path / "build.log.gz"
    packed.write_bytes(gzip.compress(log.read_bytes()))
    plain = json.loads(faultline("analyze", log, "--format", "json").stdout)
    for result in (faultline("analyze", "-", "--format", "json", input=log.read_bytes()),
                   faultline("analyze", packed, "--format", "json")):
        data = json.loads(result.stdout)
        assert data["diagnoses"] == plain["diagnoses"]


def test_utf16_log_is_read(faultline, tmp_path):
    path = tmp_path / "powershell.log"
    path.write_bytes(MODULE_LOG.encode("utf-16"))  # with BOM, as PowerShell writes it
    data = json.loads(faultline("analyze", path, "--format", "json").stdout)
    assert data["diagnoses"][0]["id"] == "python-module-missing"


def test_invalid_utf8_and_nul_bytes_do_not_stop_the_analysis(faultline, tmp_path):
    path = tmp_path / "dirty.log"
    path.write_bytes(b"caf\xe9 \xff\xfe broken\x00 bytes\n" + MODULE_LOG.encode())
    data = json.loads(faultline("analyze", path, "--format", "json").stdout)
    assert data["diagnoses"][0]["evidence"][-1]["line"] == 7


def test_no_match_is_silent_and_succeeds(faultline, tmp_path):
    path = tmp_path / "green.log"
    path.write_text("collected 12 items\n\n12 passed in 0.41s\n")
    result = faultline("analyze", path, "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["matched"] is False
    assert "No known failure recognised" in faultline("analyze", path).stdout.decode()


def test_top_limits_diagnoses(faultline, log):
    data = json.loads(faultline("analyze", log, "--format", "json", "--top", "1").stdout)
    assert len(data["diagnoses"]) <= 1
    assert faultline("analyze", log, "--top", "0").returncode == 2


@pytest.mark.parametrize("case", ["missing", "directory", "binary", "empty"])
def test_bad_input_is_one_line_and_exit_2(faultline, tmp_path, case):
    path = tmp_path / case
    if case == "directory":
        path.mkdir()
    elif case == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif case == "empty":
        path.write_bytes(b"")
    expected = {"missing": "no such file", "directory": "is a directory", "binary": "binary", "empty": "empty"}[case]
    assert_clean_error(faultline("analyze", path), expected)


def test_empty_stdin_is_an_error(faultline):
    assert_clean_error(faultline("analyze", "-", input=b""), "empty")


def test_huge_single_line_is_handled(faultline, tmp_path):
    path = tmp_path / "oneline.log"
    with path.open("wb") as handle:
        handle.write(b"x" * (50 << 20))
        handle.write(b" ModuleNotFoundError: No module named 'yaml'\n")
    data = json.loads(faultline("analyze", path, "--format", "json").stdout)
    assert data["diagnoses"][0]["facts"]["module"] == "yaml"
    assert len(data["diagnoses"][0]["evidence"][0]["text"]) < 2000


def test_extra_pack_from_flag_and_environment(faultline, env, tmp_path):
    pack = write_pack(tmp_path / "pack", playbook("house-rule", {"any": [{"literal": "HOUSE RULE BROKEN", "weight": 0.9}]}))
    path = tmp_path / "house.log"
    path.write_text("step 1\nHOUSE RULE BROKEN\n")
    data = json.loads(faultline("analyze", path, "--format", "json", "--playbooks", pack).stdout)
    assert data["diagnoses"][0]["id"] == "house-rule"
    env["FAULTLINE_PLAYBOOKS"] = str(pack)
    data = json.loads(faultline("analyze", path, "--format", "json").stdout)
    assert data["diagnoses"][0]["id"] == "house-rule"


def test_broken_playbook_is_reported_with_file_and_line(faultline, tmp_path, log):
    pack = tmp_path / "pack" / "test"
    pack.mkdir(parents=True)
    (pack / "broken.yaml").write_text(
        "id: broken\ntitle: t\ncategory: test\nseverity: high\nsummary: s\ndiagnosis: d\nfix: [f]\n"
        "match:\n  any:\n    - literal: boom\n      weight: 0.8\n      colour: red\n"
    )
    result = faultline("analyze", log, "--playbooks", tmp_path / "pack")
    assert_clean_error(result, "broken.yaml:12", "unknown key 'colour'")


def test_playbook_with_unscannable_regex_is_a_load_error(faultline, tmp_path, log):
    pack = write_pack(tmp_path / "pack", playbook("backref", {"any": [{"regex": "(a+)b\\1", "weight": 0.8}]}))
    assert_clean_error(faultline("analyze", log, "--playbooks", pack), "backref.yaml:")


def test_explain_in_every_format(faultline):
    terminal = faultline("explain", "python-module-missing").stdout.decode()
    for heading in ("WHAT IT MEANS", "SIGNALS IT MATCHES", "DIAGNOSIS", "FIX", "VALIDATION", "WHY IT MATTERS",
                    "PREVENTION", "TRY IT LOCALLY"):
        assert heading in terminal
    assert terminal.index("WHAT IT MEANS") < terminal.index("DIAGNOSIS") < terminal.index("FIX")
    markdown = faultline("explain", "python-module-missing", "--format", "markdown").stdout.decode()
    assert markdown.startswith("# ") and "## Fix" in markdown and "do not edit" in markdown
    page = json.loads(faultline("explain", "python-module-missing", "--format", "json").stdout)
    assert page["id"] == "python-module-missing" and page["sections"][0]["title"] == "What it means"


def test_explain_unknown_id_suggests(faultline):
    assert_clean_error(faultline("explain", "python-module-mising"), "did you mean python-module-missing")


def test_fix_prints_only_the_steps(faultline, log):
    out = faultline("fix", log).stdout.decode()
    assert out.splitlines()[1].startswith("1. ") and "Evidence" not in out


def test_list(faultline):
    rows = json.loads(faultline("list", "--format", "json").stdout)
    assert any(r["id"] == "python-module-missing" for r in rows)
    only_build = faultline("list", "--category", "build").stdout.decode()
    assert "python-module-missing" in only_build


def test_lint_bundled_catalog_is_clean(faultline):
    result = faultline("lint")
    assert result.returncode == 0, result.stdout.decode()


def test_lint_reports_problems_with_file_and_line(faultline, tmp_path):
    pack = write_pack(tmp_path / "pack", playbook("contradiction", {
        "any": [{"literal": "duplicate key value", "weight": 0.8}],
        "none": [{"literal": "duplicate key value", "within": 2}],
    }), playbook("looks-like-regex", {"any": [{"literal": "error.*failed", "weight": 0.8}]}))
    result = faultline("lint", pack)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert "contradiction.yaml:" in out and "both required" in out
    assert "looks-like-regex.yaml:" in out and "looks like a regex" in out


def test_schema_is_json_schema(faultline):
    schema = json.loads(faultline("schema").stdout)
    assert "Playbook" in schema["$defs"] and "match" in schema["$defs"]["Playbook"]["properties"]


def test_eval_gates(faultline, tmp_path, log):
    corpus = tmp_path / "corpus"
    (corpus / "python-module-missing").mkdir(parents=True)
    (corpus / "none").mkdir()
    (corpus / "python-module-missing" / "clean-yaml.log").write_bytes(log.read_bytes())
    (corpus / "none" / "green.log").write_text("12 passed in 0.41s\n")
    result = faultline("eval", corpus, "--min-top1", "1", "--max-fp", "0")
    assert result.returncode == 0 and "top-1 1.000" in result.stdout.decode()
    (corpus / "none" / "red.log").write_bytes(log.read_bytes())
    assert faultline("eval", corpus, "--max-fp", "0").returncode == 1


def test_cache_follows_playbook_edits(faultline, tmp_path, log):
    pack = write_pack(tmp_path / "pack", playbook("house-rule", {"any": [{"literal": "HOUSE RULE BROKEN", "weight": 0.9}]}))
    path = tmp_path / "house.log"
    path.write_text("HOUSE RULE BROKEN\nHOUSE RULE BENT\n")
    first = json.loads(faultline("analyze", path, "--format", "json", "--playbooks", pack).stdout)
    assert first["diagnoses"][0]["evidence"][0]["line"] == 1
    write_pack(tmp_path / "pack", playbook("house-rule", {"any": [{"literal": "HOUSE RULE BENT", "weight": 0.9}]}))
    os.utime(pack / "test" / "house-rule.yaml", ns=(1, 1))  # a different mtime, whatever the clock
    second = json.loads(faultline("analyze", path, "--format", "json", "--playbooks", pack).stdout)
    assert second["diagnoses"][0]["evidence"][0]["line"] == 2


def test_examples_are_diagnosed(faultline):
    for example in sorted(EXAMPLES.glob("*.log")):
        data = json.loads(faultline("analyze", example, "--format", "json").stdout)
        assert data["matched"], example
