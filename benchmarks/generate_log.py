"""Generate a realistic noisy CI log of a given size with one real failure near the end.

The noise is what a GitHub Actions job prints: runner timestamps, ##[group] markers, ANSI
colour, pip/npm install chatter, compiler warnings, passing tests. Deterministic for a size.

    python benchmarks/generate_log.py 100 > /tmp/ci-100mb.log
"""

from __future__ import annotations

import random
import sys

ESC = "\x1b"
NOISE = [
    "Collecting {pkg}=={v}",
    "  Downloading {pkg}-{v}-py3-none-any.whl ({kb} kB)",
    f"     {ESC}[38;5;237m━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━{ESC}[0m {ESC}[32m{{kb}}.0/{{kb}}.0 kB{ESC}[0m {ESC}[31m1.2 MB/s{ESC}[0m eta {ESC}[36m0:00:00{ESC}[0m",
    "Requirement already satisfied: {pkg}>={v} in /opt/hostedtoolcache/Python/3.11.7/x64/lib/python3.11/site-packages",
    f"tests/test_{{mod}}.py::test_{{fn}} {ESC}[32mPASSED{ESC}[0m{ESC}[32m                                   [ {{pct}}%]{ESC}[0m",
    "npm WARN deprecated {pkg}@{v}: This version is no longer supported",
    "added {kb} packages, and audited {kb} packages in 4s",
    f"{ESC}[33mwarning{ESC}[0m: unused variable: `{{fn}}`",
    "   Compiling {pkg} v{v}",
    "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/{pkg}/{v}/{pkg}-{v}.jar ({kb} kB at 2.1 MB/s)",
    "{mod}/{fn}.go:12:2: note: inlining call to {fn}",
    "DEBUG: resolving {pkg} {v} from cache",
]
WORDS = ["alpha", "billing", "core", "orders", "parser", "reports", "storage", "users", "utils", "worker"]
FAILURE = [
    "============================= test session starts ==============================",
    "platform linux -- Python 3.11.7, pytest-8.3.3, pluggy-1.5.0",
    "Using --randomly-seed=2810936145",
    "django: version: 5.1.2, settings: config.settings.test (from ini)",
    "collected 412 items",
    "",
    "_________________________ test_creates_admin_group _________________________",
    "E   django.db.utils.IntegrityError: duplicate key value violates unique constraint \"auth_group_name_key\"",
    "E   DETAIL:  Key (name)=(ADMIN) already exists.",
    "FAILED tests/test_admin.py::test_creates_admin_group - django.db.utils.IntegrityError: duplicate key value violates unique constraint \"auth_group_name_key\"",
    "##[error]Process completed with exit code 1.",
]


def lines(size_mb: float, seed: int = 7):
    rng = random.Random(seed)
    target, written, second = int(size_mb * 1_000_000), 0, 0
    while written < target * 0.98:
        if rng.random() < 0.002:
            line = f"##[group]Run step {rng.choice(WORDS)}"
        else:
            line = rng.choice(NOISE).format(
                pkg=rng.choice(WORDS) + rng.choice(["", "-lib", "-core", "js"]),
                v=f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
                kb=rng.randint(10, 999), mod=rng.choice(WORDS), fn=rng.choice(WORDS), pct=rng.randint(0, 99),
            )
        second += 1
        line = f"2024-05-01T10:{second // 3600 % 60:02d}:{second // 60 % 60:02d}.{second % 10_000_000:07d}Z {line}\n"
        written += len(line)
        yield line
    for line in FAILURE:
        yield f"2024-05-01T11:00:00.0000000Z {line}\n"


def write(path: str, size_mb: float) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(lines(size_mb))


if __name__ == "__main__":
    sys.stdout.writelines(lines(float(sys.argv[1]) if len(sys.argv) > 1 else 1))
