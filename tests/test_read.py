"""Bad inputs are refused with one clear reason; good text in any encoding is read."""
from __future__ import annotations

import pytest
from okg_paths import SAMPLES

from ofsted_kg.extract.read import ReadError, read_source
from ofsted_kg.pipeline.build import build


@pytest.mark.parametrize("name, payload, reason", [
    ("empty.txt", b"", "empty file"),
    ("zero.pdf", b"", "empty file"),
    ("truncated.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "corrupt or truncated PDF"),
    ("download.pdf", b"<!DOCTYPE html><html><head></head><body>Report not found</body></html>", "HTML web page"),
    ("junk.pdf", bytes(range(256)) * 8, "does not start with %PDF-"),
    ("junk.txt", b"\x00\x01\x02binary" * 100, "binary data"),
    ("latin1.txt", "Caf\u00e9 report".encode("latin-1"), "not valid UTF-8"),
])
def test_bad_inputs_are_refused_with_a_reason(tmp_path, name, payload, reason):
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(ReadError, match=reason):
        read_source(path)


def test_utf16_text_is_read(tmp_path):
    text = (SAMPLES / "002_62303ff77bc82be1.txt").read_text(encoding="utf-8")
    path = tmp_path / "letter (utf-16).txt"
    path.write_bytes(text.encode("utf-16"))
    assert read_source(path).raw_text == text


def test_file_too_large_is_refused(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(ReadError, match="too large"):
        read_source(path, max_bytes=1024)


def test_same_report_twice_under_two_names_is_one_report(tmp_path):
    text = (SAMPLES / "004_9b57a39226bdff7e.txt").read_bytes()
    (tmp_path / "a.txt").write_bytes(text)
    (tmp_path / "copy of a.txt").write_bytes(text)
    result = build([tmp_path], jobs=1)
    assert len(result.built) == 1 and result.duplicates == [("copy of a.txt", "a.txt")]
    names = {str(o) for o in result.dataset.objects(None, None) if str(o).endswith(".txt")}
    assert names == {"a.txt", "copy of a.txt"}
