"""The plugin's terminal sections: database-guard leaks and the run's diagnoses."""

from __future__ import annotations

from faultline.render.style import Style


def _style(terminalreporter) -> Style:
    return Style(enabled=getattr(terminalreporter, "hasmarkup", False))


def _list(tr, s, leaks) -> None:
    for leak in leaks:
        tr.write_line(f"  {s(leak.who, 'bold')}  [{leak.alias}: {leak.database}]")
        if leak.note:
            tr.write_line(f"      {leak.note}")
        if leak.suspects:
            tr.write_line("      they ran side by side on xdist workers sharing this database: the guard cannot "
                          "tell which one committed (`faultline bisect` can)")
        for change in leak.changes:
            tr.write_line(f"      {change.describe()}")


def render_guard(tr, guard, all_leaks) -> None:
    s = _style(tr)
    tr.write_sep("=", "faultline database guard")
    names = ", ".join(f"{alias} ({', '.join(found)})" for alias, found in guard.database_names().items()) or "none"
    leaks = [leak for leak in all_leaks if not leak.flush]
    flushes = [leak for leak in all_leaks if leak.flush]
    if not leaks:
        tr.write_line(f"No test left committed changes behind ({guard.watched} tests watched; databases: {names}).")
    else:
        tests = len({leak.who for leak in leaks if not leak.fixture})
        fixtures = len({leak.who for leak in leaks if leak.fixture})
        who = " and ".join(f"{n} {word}{'s' * (n != 1)}" for n, word in ((tests, "test"), (fixtures, "fixture")) if n)
        tr.write_line(s(f"{who} left committed changes behind:", "bold", "red"))
        _list(tr, s, leaks)
        tr.write_line("A later test that counts or inserts into these tables sees these rows; "
                      "`faultline bisect` confirms which failure they cause.")
    if flushes:
        tr.write_line(s(f"{len(flushes)} transactional test{'s' * (len(flushes) != 1)} emptied tables "
                        "when Django flushed after them:", "yellow"))
        _list(tr, s, flushes)
        tr.write_line("Later transactional tests find these tables empty (data from migrations included) "
                      "unless they use serialized_rollback=True.")
    for remark in guard.remarks():
        tr.write_line(s(remark, "yellow"))


def _leaks_before(test: str, leaks, tables: set[str]) -> list:
    """Leaks into the tables a diagnosis names (any table when it names none)."""
    return [leak for leak in leaks if not tables or any(c.table.split(".")[-1] in tables for c in leak.changes)]


def render_findings(tr, findings, unexplained, leaks) -> None:
    s = _style(tr)
    tr.write_sep("=", "faultline diagnosis")
    if not findings:
        tr.write_line("No known failure class recognised in this run's failures." if unexplained
                      else "No failures to diagnose.")
    for finding in findings:
        d = finding.diagnosis
        count = len(finding.tests)
        tr.write_line(
            f"{s(d.title, 'bold')}  {s(f'[{d.id}]', 'cyan')}  confidence {d.confidence:.2f}, "
            f"explains {count} failed test{'s' * (count != 1)}"
        )
        for test in finding.tests[:10]:
            tr.write_line(f"  - {test}")
        if count > 10:
            tr.write_line(f"  ... and {count - 10} more")
        tr.write_line("")
        for paragraph in d.explanation.split("\n\n"):
            tr.write_line(f"  {paragraph}")
        tr.write_line("")
        tr.write_line(s("  Evidence", "bold"))
        for evidence in d.evidence:
            tr.write_line(f"    {evidence.text}")
        table = d.facts.get("table")
        tables = set(table if isinstance(table, list) else [table]) if table else set()
        proof = _leaks_before(finding.tests[0], leaks, tables)
        if proof:
            tr.write_line(s("  Proof from the database guard", "bold"))
            for leak in proof[:5]:
                changes = ", ".join(c.describe() for c in leak.changes)
                tr.write_line(f"    {leak.who} left {changes} in {leak.alias}")
        if d.fix:
            tr.write_line(s("  Fix", "bold"))
            for i, step in enumerate(d.fix, 1):
                tr.write_line(f"    {i}. {step}")
        if d.repro:
            tr.write_line(s("  Reproduce", "bold"))
            for command in d.repro:
                tr.write_line(f"    $ {command}")
        tr.write_line("")
    if unexplained and findings:
        tr.write_line(f"{len(unexplained)} failed test{'s' * (len(unexplained) != 1)} not recognised by the catalog.")
