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


class LineRegex:
    """A compiled regex that reads one line: the span of its first match and its named
    groups. It calls RE2's program directly when it can: on a noisy log the wrapper's
    per-call bookkeeping costs more than the match."""

    __slots__ = ("_search", "_names")

    def __init__(self, source: str):
        import re2

        program = compile_regex(source)
        native, anchor = getattr(program, "_regexp", None), getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
        if native is not None and anchor is not None and hasattr(native, "Match"):
            self._names = [(n.decode() if isinstance(n, bytes) else n, i) for n, i in native.NamedCapturingGroups()]
            self._search = lambda text, pos: native.Match(anchor, text, pos, len(text))
        else:  # another release of the bindings: the public interface, slower
            self._names = [(n.decode() if isinstance(n, bytes) else n, i) for n, i in program.groupindex.items()]
            self._search = lambda text, pos: (m := program.search(text, pos)) and [m.span(i) for i in range(m.re.groups + 1)]

    def search(self, line: bytes, pos: int = 0) -> tuple[int, int, dict[str, bytes]] | None:
        spans = self._search(line, pos)
        if not spans or spans[0][0] < 0:
            return None
        groups = {name: line[spans[i][0]: spans[i][1]] for name, i in self._names if spans[i][0] >= 0}
        return spans[0][0], spans[0][1], groups
