"""Log normalisation: the C normaliser against its reference statement, and its promises."""

from hypothesis import given, settings, strategies as st

from faultline.logs._native import normalise
from tests.reference_normalise import normalise as reference

# Bytes biased towards everything the normaliser treats specially.
pieces = st.sampled_from([
    b"\n", b"\r", b"\r\n", b"\x00", b"\x1b", b"\x1b[", b"\x1b[31m", b"\x1b[0K", b"\x1b[1;32m", b"\x1b]0;t\x07",
    b"\x1b]8;;http://x\x1b\\", b"\x1bM", b"##[error]", b"##[group]", b"##[warning]", b"2024-05-01T10:00:00.1234567Z ",
    b"2024-05-01T10:00:00Z ", b"09:07:29  ", b"09:07:29 ", b"[2024-05-01T10:00:00.123Z] ", b" 00O ", b" 01E+", b" 00O", b"00Ox", b"[", b"]", b";", b"m", b"a", b"Error: ", b"\xff", b"\xe2\x82\xac", b" ", b"\t",
])
logs = st.lists(st.one_of(pieces, st.binary(max_size=4)), max_size=40).map(b"".join)


@settings(max_examples=3000)
@given(logs, st.booleans())
def test_matches_reference(data, at_line_start):
    assert normalise(data, at_line_start) == reference(data, at_line_start)


@given(logs)
def test_line_count_preserved(data):
    assert normalise(data).count(b"\n") == data.count(b"\n")


@given(logs)
def test_no_escape_or_nul_survives(data):
    out = normalise(data)
    assert b"\x1b" not in out and b"\x00" not in out


def test_examples():
    raw = (
        b"2024-05-01T10:00:00.1234567Z ##[error]\x1b[31mboom\x1b[0m\r\n"
        b"progress 10%\rprogress 100%\n"
        b"\x1b]0;title\x07nul\x00byte\n"
    )
    assert normalise(raw) == b"boom\nprogress 10%\rprogress 100%\nnulbyte\n"


def test_runner_prefixes_of_every_ci():
    assert normalise(b"2024-05-01T10:00:00.123456Z 00O+ npm error code E404\n") == b"npm error code E404\n"
    assert normalise(b"2024-05-01T10:00:00.123456Z 01E warning\n") == b"warning\n"
    assert normalise(b"[2024-05-01T10:00:00.123Z] + make test\n") == b"+ make test\n"
    assert normalise(b"09:07:29  E       assert 422 == 201\n") == b"E       assert 422 == 201\n"


def test_timestamp_needs_fraction_and_zone():
    # Application log timestamps are kept; only the runner's prefix shape is removed.
    assert normalise(b"2024-05-01T10:00:00Z started\n") == b"2024-05-01T10:00:00Z started\n"
    assert normalise(b"2024-05-01 10:00:00.123Z started\n") == b"2024-05-01 10:00:00.123Z started\n"
    assert normalise(b"12:00:01 INFO started\n") == b"12:00:01 INFO started\n"
