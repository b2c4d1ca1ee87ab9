"""Reading a log: a file, stdin, a .gz file or bytes, streamed in normalised blocks.

Blocks always end at a line boundary (unless one line is longer than the block limit), so a
pattern never has to look across two blocks, and each block knows the number of its first
line. Memory stays bounded whatever the size of the log.
"""

from __future__ import annotations

import codecs
import gzip
import io
import sys
from pathlib import Path
from typing import BinaryIO, Iterator, NamedTuple

from faultline.errors import InputError
from faultline.logs._native import count_newlines, normalise

BLOCK = 8 << 20  # bytes read at a time
MAX_LINE_IN_BLOCK = 64 << 20  # a longer line is split across blocks
SNIFF = 64 << 10

_UTF16_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_BINARY_MAGIC = (b"\x7fELF", b"\x89PNG", b"PK\x03\x04", b"%PDF-", b"\xff\xd8\xff", b"GIF8", b"MZ\x90\x00")
# Control bytes that never appear in text (TAB, LF, CR, FF, BS and ESC do).
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x08\x1b")


class Block(NamedTuple):
    text: bytes  # normalised bytes, ending with a line boundary
    first_line: int  # 1-based number, in the original input, of the block's first line
    last_line: int  # ... and of its last line


def _block(raw: bytes, first_line: int, at_line_start: bool) -> Block:
    # Normalising never adds or removes a line break: the raw block's count holds.
    last_line = first_line + count_newlines(raw) - raw.endswith(b"\n")
    return Block(normalise(raw, at_line_start), first_line, last_line)


def _looks_binary(sample: bytes) -> bool:
    if sample.startswith(_BINARY_MAGIC):
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    invalid = sample.decode("utf-8", "replace").count("\ufffd")
    return controls / len(sample) > 0.10 or invalid / len(sample) > 0.30


class _Utf16Reader:
    """Re-encodes a UTF-16 stream (PowerShell's default) as UTF-8 while streaming."""

    def __init__(self, raw: BinaryIO, encoding: str):
        self._raw, self._decoder, self._pending = raw, codecs.getincrementaldecoder(encoding)("replace"), b""

    def close(self) -> None:
        self._raw.close()

    def read(self, size: int = -1) -> bytes:
        while not self._pending:
            data = self._raw.read(BLOCK)
            self._pending = self._decoder.decode(data, final=not data).encode("utf-8")
            if not data:
                break
        out, self._pending = (self._pending, b"") if size < 0 else (self._pending[:size], self._pending[size:])
        return out


def open_log(source: str | Path | bytes | BinaryIO) -> tuple[BinaryIO, str]:
    """A binary stream over the log's bytes (gzip and UTF-16 undone) and its display name."""
    if isinstance(source, bytes):
        stream, name = io.BytesIO(source), "<bytes>"
    elif isinstance(source, (str, Path)) and str(source) == "-":
        stream, name = sys.stdin.buffer, "<stdin>"
    elif isinstance(source, (str, Path)):
        path, name = Path(source), str(source)
        if path.is_dir():
            raise InputError(f"{name}: is a directory, not a log file")
        try:
            stream = path.open("rb")
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot read: {exc.strerror or exc}") from None
    else:
        stream, name = source, getattr(source, "name", "<stream>")
    stream = io.BufferedReader(stream) if not hasattr(stream, "peek") else stream
    head = stream.peek(4)[:4]
    if head[:2] == b"\x1f\x8b":
        stream = io.BufferedReader(gzip.GzipFile(fileobj=stream))  # type: ignore[arg-type]
        head = stream.peek(4)[:4]
    for bom, encoding in _UTF16_BOMS.items():
        if head.startswith(bom):
            stream.read(len(bom))
            return _Utf16Reader(stream, encoding), name  # type: ignore[return-value]
    return stream, name


def read_blocks(stream: BinaryIO, name: str) -> Iterator[Block]:
    """Normalised blocks of the log, each ending at a line boundary."""
    line, carry, first = 1, b"", True
    at_line_start = True
    try:
        while True:
            data = stream.read(BLOCK)
            if first:
                if not data:
                    raise InputError(f"{name}: the log is empty")
                if _looks_binary(data[:SNIFF]):
                    raise InputError(f"{name}: looks like binary data, not a text log")
                data = data.removeprefix(codecs.BOM_UTF8)
                first = False
            buffer = carry + data
            if not data:
                if buffer:
                    yield _block(buffer, line, at_line_start)
                return
            cut = buffer.rfind(b"\n") + 1
            if cut == 0 and len(buffer) < MAX_LINE_IN_BLOCK:
                carry = buffer
                continue
            if cut == 0:
                cut = len(buffer)
            block, carry = buffer[:cut], buffer[cut:]
            current = _block(block, line, at_line_start)
            yield current
            line = current.last_line + block.endswith(b"\n")
            at_line_start = block.endswith(b"\n")
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise InputError(f"{name}: cannot read: {exc}") from None
