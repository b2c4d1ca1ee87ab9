"""The `faultline` command: parse arguments, call the library, render. Nothing else.

Exit codes: 0 the command ran (for analyze: whether or not a failure was recognised; see
`matched` in JSON; for bisect: the culprit was found; for inspect: no findings), 1 `lint`,
`eval` or `inspect` found problems or `bisect` found no single culprit, 2 usage or input error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from faultline import __version__
from faultline.errors import FaultlineError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _packs(args) -> list[Path]:
    from faultline.catalog.packs import extra_packs

    return extra_packs(args.playbooks)


def _log_argument(args) -> str:
    if args.log is None:
        if sys.stdin.isatty():
            raise FaultlineError("no log given: pass a file, or '-' to read standard input")
        return "-"
    return args.log


def _analysis(args):
    from faultline.api import analyze

    return analyze(_log_argument(args), playbooks=_packs(args), top=args.top)


def cmd_analyze(args) -> int:
    analysis = _analysis(args)
    if args.repo is not None:
        from faultline.inspect.link import with_suspects

        analysis = with_suspects(analysis, args.repo)
    if args.format == "json":
        from faultline.render.json import analysis_json

        out = analysis_json(analysis)
    elif args.format == "markdown":
        from faultline.render.markdown import render_analysis

        out = render_analysis(analysis)
    else:
        from faultline.render.terminal import render_analysis

        out = render_analysis(analysis)
    sys.stdout.write(out)
    return EXIT_OK


def cmd_fix(args) -> int:
    from faultline.render.terminal import render_fix

    args.top = 1
    sys.stdout.write(render_fix(_analysis(args)))
    return EXIT_OK


def _catalog(args):
    from faultline.catalog.loader import load_catalog

    return load_catalog(_packs(args))


def cmd_explain(args) -> int:
    from faultline.render.page import footer, meta, page_dict, sections

    entries = {e.playbook.id: e for e in _catalog(args)}
    entry = entries.get(args.id)
    if entry is None:
        from difflib import get_close_matches

        close = get_close_matches(args.id, list(entries), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see 'faultline list'"
        raise FaultlineError(f"no playbook with id '{args.id}'{hint}")
    title = entry.playbook.title
    if args.format == "json":
        sys.stdout.write(json.dumps(page_dict(entry), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        from faultline.render.markdown import render_page

        sys.stdout.write(render_page(title, meta(entry), sections(entry), footer(entry)))
    else:
        from faultline.render.terminal import render_page

        sys.stdout.write(render_page(title, meta(entry), sections(entry)))
    return EXIT_OK


def cmd_docs(args) -> int:
    from faultline.docs import build

    written = build(Path(args.out), _catalog(args), args.format)
    sys.stdout.write(f"{written} pages written to {args.out}\n")
    return EXIT_OK


def cmd_list(args) -> int:
    entries = [e for e in _catalog(args) if args.category in (None, e.playbook.category)]
    if args.format == "json":
        rows = [
            {"id": e.playbook.id, "title": e.playbook.title, "category": e.playbook.category,
             "severity": e.playbook.severity, "docs": e.docs}
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return EXIT_OK
    width = max((len(e.playbook.id) for e in entries), default=0)
    for e in sorted(entries, key=lambda e: (e.playbook.category, e.playbook.id)):
        sys.stdout.write(f"{e.playbook.category:<8} {e.playbook.id:<{width}}  {e.playbook.title}\n")
    sys.stdout.write(f"{len(entries)} playbooks\n")
    return EXIT_OK


def cmd_lint(args) -> int:
    from faultline.catalog.lint import lint

    problems = lint([Path(d) for d in args.dirs] if args.dirs else None)
    for problem in problems:
        sys.stdout.write(f"{problem}\n")
    sys.stdout.write(f"{len(problems)} problem{'s' * (len(problems) != 1)} found\n")
    return EXIT_FINDINGS if problems else EXIT_OK


def cmd_schema(args) -> int:
    from faultline.catalog.model import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
    return EXIT_OK


def cmd_eval(args) -> int:
    from faultline.evaluation import evaluate_corpus, render_report

    report = evaluate_corpus(Path(args.corpus), _packs(args))
    sys.stdout.write(render_report(report, args.format))
    failed = (args.min_top1 is not None and report.top1 < args.min_top1) or (
        args.max_fp is not None and report.false_positive_rate > args.max_fp
    )
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_bisect(args) -> int:
    from faultline.pytest_plugin.bisect import PytestRunner, bisect, render

    runner = PytestRunner(args.pytest_args, args.seed, Path(args.rootdir), args.python)
    verdict = bisect(runner, args.test, use_guard=not args.no_guard)
    sys.stdout.write(render(verdict))
    return EXIT_OK if verdict.kind in ("polluter", "provider") else EXIT_FINDINGS


def cmd_inspect(args) -> int:
    from faultline.inspect import RULES, inspect_path
    from faultline.inspect.output import page_terminal, render
    from faultline.render.style import Style

    if args.explain:
        rule = RULES.get(args.explain.upper())
        if rule is None:
            raise FaultlineError(f"no rule '{args.explain}'; the rules are {', '.join(RULES)}")
        sys.stdout.write(page_terminal(rule, Style()))
        return EXIT_OK
    select = {r.strip().upper() for r in args.select.split(",") if r.strip()} if args.select else None
    report = inspect_path(args.path, select)
    if args.format != "github":  # github shows them as ::warning annotations instead
        for p in report.problems:
            sys.stderr.write(f"faultline: warning: {p.file}{f':{p.line}' if p.line else ''}: {p.message}\n")
    sys.stdout.write(render(report, args.format))
    return EXIT_FINDINGS if report.findings else EXIT_OK


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _ratio(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="faultline", description="Diagnose failing CI logs from a catalog of playbooks.")
    parser.add_argument("--version", action="version", version=f"faultline {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, handler, help_text):
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    def with_packs(sub):
        sub.add_argument("--playbooks", action="append", metavar="DIR",
                         help="an extra playbook pack laid over the bundled catalog (repeatable)")

    sub = command("analyze", cmd_analyze, "Diagnose a CI log: the likely root cause, evidence, fix, repro.")
    sub.add_argument("log", nargs="?", help="log file (.gz read transparently), or - for stdin")
    sub.add_argument("--top", type=_positive, default=3, help="how many diagnoses to show (default 3)")
    sub.add_argument("--format", choices=["terminal", "json", "markdown"], default="terminal")
    sub.add_argument("--repo", metavar="PATH",
                     help="the repository the log comes from: point a test-isolation diagnosis at likely source lines")
    with_packs(sub)

    sub = command("fix", cmd_fix, "Print only the fix steps of the top diagnosis of a log.")
    sub.add_argument("log", nargs="?", help="log file, or - for stdin")
    with_packs(sub)

    sub = command("explain", cmd_explain, "Show a playbook as a full page.")
    sub.add_argument("id", help="playbook id, e.g. database-test-isolation")
    sub.add_argument("--format", choices=["terminal", "markdown", "json"], default="terminal")
    with_packs(sub)

    sub = command("list", cmd_list, "List the playbooks of the catalog.")
    sub.add_argument("--category", help="only this category")
    sub.add_argument("--format", choices=["terminal", "json"], default="terminal")
    with_packs(sub)

    sub = command("lint", cmd_lint, "Validate playbooks (the bundled catalog when no directory is given).")
    sub.add_argument("dirs", nargs="*", metavar="DIR")

    command("schema", cmd_schema, "Print the playbook JSON Schema (for editors).")

    docs = commands.add_parser("docs", help="Generate the playbook documentation.")
    docs_commands = docs.add_subparsers(dest="docs_command", metavar="ACTION", required=True)
    sub = docs_commands.add_parser("build", help="Write one page per playbook and an index to OUT_DIR.")
    sub.set_defaults(handler=cmd_docs)
    sub.add_argument("out", metavar="OUT_DIR")
    sub.add_argument("--format", choices=["html", "markdown"], default="html",
                     help="html: a static site with search; markdown: pages for a repository's docs/")
    with_packs(sub)

    sub = command("eval", cmd_eval, "Measure the catalog on a labelled corpus of logs.")
    sub.add_argument("corpus", metavar="CORPUS_DIR")
    sub.add_argument("--format", choices=["terminal", "json"], default="terminal")
    sub.add_argument("--min-top1", type=_ratio, metavar="RATIO", help="fail when top-1 accuracy is lower")
    sub.add_argument("--max-fp", type=_ratio, metavar="RATIO", help="fail when the false-positive rate is higher")
    with_packs(sub)

    sub = command("bisect", cmd_bisect, "Find the test whose leftovers make TEST fail (pytest).")
    sub.add_argument("test", metavar="TEST", help="the failing test id, e.g. tests/test_shop.py::test_counts")
    sub.add_argument("--seed", help="the pytest-randomly seed of the failing run (Using --randomly-seed=N)")
    sub.add_argument("--rootdir", default=".", help="where to run pytest (default: here)")
    sub.add_argument("--python", default=sys.executable, help="the Python that runs the tests")
    sub.add_argument("--no-guard", action="store_true", help="do not use the database guard to jump to suspects")
    sub.epilog = "Arguments after -- are those of the failing pytest run, e.g. -- tests/ --reuse-db"

    sub = command("inspect", cmd_inspect, "Find test-isolation bugs in Python test suites (exit 1 when found).")
    sub.add_argument("path", nargs="?", default=".", metavar="PATH", help="a directory or a .py file (default: .)")
    sub.add_argument("--format", choices=["terminal", "json", "sarif", "github"], default="terminal")
    sub.add_argument("--select", metavar="RULES", help="only these rules, comma-separated, e.g. FL001,FL003")
    sub.add_argument("--explain", metavar="RULE", help="print a rule's page (e.g. FL001) and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    pytest_args: list[str] = []
    if argv[:1] == ["bisect"] and "--" in argv:  # what follows -- belongs to pytest
        argv, pytest_args = argv[: argv.index("--")], argv[argv.index("--") + 1:]
    args = build_parser().parse_args(argv)
    args.pytest_args = pytest_args
    try:
        return args.handler(args)
    except FaultlineError as exc:
        sys.stderr.write(f"faultline: error: {exc}\n")
        return EXIT_ERROR
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); nothing more to say
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
