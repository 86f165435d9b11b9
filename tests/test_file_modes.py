"""Every file and folder a verb writes gets the mode the process umask asks for, as a plain open/mkdir would.

Outputs are written to private temporary files (0600) and folders (0700) and
renamed into place; before this test they kept those private modes.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from okg_paths import SAMPLES

from ofsted_kg.cli.main import cli
from ofsted_kg.files import umask

ONE_REPORT = SAMPLES / "000_704365d219ad75ee.txt"


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def mask(request):
    before = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def invoke(*args: object) -> None:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def test_umask_is_read_without_changing_it(mask):
    assert umask() == mask and umask() == mask


def test_every_output_kind_honours_the_umask(mask, seed_graph_file, tmp_path):
    want_file, want_dir = 0o666 & ~mask, 0o777 & ~mask
    invoke("build", ONE_REPORT, "-o", tmp_path / "built.trig", "-j", "1")
    invoke("build", ONE_REPORT, "--store", f"oxigraph:{tmp_path / 'store'}", "-o", tmp_path / "dumped.nq", "-j", "1")
    for suffix in (".jsonld", ".ttl", ".nq"):
        invoke("export", seed_graph_file, "-o", tmp_path / f"exported{suffix}")
    invoke("export", seed_graph_file, "--csv", tmp_path / "csv")
    invoke("export", seed_graph_file, "--summary", tmp_path / "summary.csv", "--summary", tmp_path / "summary.xlsx")
    for suffix in (".png", ".svg", ".graphml", ".gexf"):
        invoke("graph", seed_graph_file, "-o", tmp_path / f"network{suffix}", "--authority", "Stockport")
    invoke("report", seed_graph_file, "-o", tmp_path / "site")

    files = [tmp_path / "built.trig", tmp_path / "dumped.nq", *tmp_path.glob("exported.*"),
             *(tmp_path / "csv").iterdir(), *tmp_path.glob("network.*"), *tmp_path.glob("summary.*")]
    site = tmp_path / "site"
    files += [p for p in site.rglob("*") if p.is_file()]
    folders = [tmp_path / "csv", site, *(p for p in site.rglob("*") if p.is_dir())]
    assert len(files) > 20 and {p.suffix for p in files} >= {".trig", ".nq", ".jsonld", ".csv", ".png", ".svg",
                                                               ".graphml", ".gexf", ".html", ".css", ".js", ".xlsx"}
    assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in files if mode(p) != want_file} == {}
    assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in folders if mode(p) != want_dir} == {}
    assert not [p for p in tmp_path.rglob(".*.tmp")]  # no temporary file left behind


def test_rewriting_a_file_keeps_the_mode_it_was_given(seed_graph_file, tmp_path):
    out = tmp_path / "shared.ttl"
    invoke("export", seed_graph_file, "-o", out)
    out.chmod(0o640)
    invoke("export", seed_graph_file, "-o", out)
    assert mode(out) == 0o640
