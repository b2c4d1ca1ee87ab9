"""Errors the user sees as one sentence on stderr, never as a traceback."""


class FaultlineError(Exception):
    """A problem with the input or the catalog, explained in one line."""


class InputError(FaultlineError):
    """The log could not be read: missing, a directory, binary, empty..."""


class PlaybookError(FaultlineError):
    """A playbook is invalid. The message starts with file:line."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
