"""The one way a playbook regex becomes an RE2 program: over bytes, silently on error."""

from __future__ import annotations

import re2

_OPTIONS = re2.Options()
_OPTIONS.encoding = re2.Options.Encoding.LATIN1  # bytes, like the Hyperscan scan
_OPTIONS.log_errors = False  # errors are reported as PlaybookError, not on stderr


class RegexError(ValueError):
    pass


def compile_regex(source: str):
    try:
        return re2.compile(source.encode("utf-8"), _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise RegexError(str(reason)) from None


def group_names(program) -> set[str]:
    return {k.decode() if isinstance(k, bytes) else k for k in program.groupindex}
