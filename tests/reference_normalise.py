"""A slow, obviously-correct statement of the log normalisation rules, as the oracle for
the C normaliser (faultline/logs/_native.c) in property tests."""

import re

ISO = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z"
# GitHub/Azure "ISO ", GitLab "ISO 00O+ ", Jenkins timestamper "[ISO] " or "HH:MM:SS  "
TIMESTAMP = re.compile(rb"\d\d:\d\d:\d\d  |(?:\[" + ISO + rb"\]|" + ISO + rb"(?: \d\d[OE]\+?(?= |$))?) ?")
MARKER = re.compile(rb"##\[(?:error|warning|notice|debug|command|section)\]")
ESCAPE = re.compile(
    rb"\x1b(?:\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"  # CSI, possibly cut short
    rb"|\][^\x07\n]*?(?:\x07|\x1b\\)|\][^\x07\n]*?(?=\n|$)"  # OSC to BEL/ST, or to the line end
    rb"|[\x40-\x5f]|)"  # two-byte sequence, or a lone ESC
)


def normalise(data: bytes, at_line_start: bool = True) -> bytes:
    lines = data.split(b"\n")
    out = []
    for i, line in enumerate(lines):
        # The CR of a CRLF pair goes whatever precedes it; a lone CR stays.
        if i < len(lines) - 1 and line.endswith(b"\r"):
            line = line[:-1]
        if i > 0 or at_line_start:
            m = TIMESTAMP.match(line)
            if m:
                line = line[m.end():]
            m = MARKER.match(line)
            if m:
                line = line[m.end():]
        line = ESCAPE.sub(b"", line)
        out.append(line.replace(b"\x00", b""))
    return b"\n".join(out)
