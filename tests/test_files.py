"""The external sort behind canonical N-Quads exports: the same bytes as sorting in memory, any run size."""
from __future__ import annotations

import random

import pytest

from ofsted_kg.files import atomic_write, write_sorted_lines


@pytest.mark.parametrize("run", [1, 3, 1000])
def test_sorted_lines_on_disk_equal_sorting_in_memory(tmp_path, run):
    rng = random.Random(7)
    lines = [f'<s{rng.randrange(50)}> <p> "a\u2028b {rng.randrange(9)}" <g> .'.encode() for _ in range(200)]
    payload = b"\n".join(lines)  # no final newline; duplicates across runs; U+2028 is not a line end
    out = tmp_path / "x.nq"
    atomic_write(out, lambda fh: write_sorted_lines(fh, lambda raw: raw.write(payload), tmp_path, run=run))
    assert out.read_bytes() == b"".join(sorted({line + b"\n" for line in lines}))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.nq"]  # no scratch left behind


def test_nothing_to_sort_gives_an_empty_file(tmp_path):
    out = tmp_path / "x.nq"
    atomic_write(out, lambda fh: write_sorted_lines(fh, lambda raw: None, tmp_path))
    assert out.read_bytes() == b""
