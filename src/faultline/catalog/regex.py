"""The one way a playbook regex becomes an RE2 program: over bytes, silently on error."""

from __future__ import annotations

from functools import cache


class RegexError(ValueError):
    pass


@cache
def _options():
    import re2  # imported on first use: most small logs never need a regex confirmed

    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1  # bytes, like the Hyperscan scan
    options.log_errors = False  # errors are reported as PlaybookError, not on stderr
    return options


def compile_regex(source: str):
    import re2

    try:
        return re2.compile(source.encode("utf-8"), _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise RegexError(str(reason)) from None


def group_names(program) -> set[str]:
    return {k.decode() if isinstance(k, bytes) else k for k in program.groupindex}
