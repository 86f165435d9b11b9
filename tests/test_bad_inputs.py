"""Bad inputs through the real CLI: each is refused (or kept and flagged) with one clear line naming it.

Every case builds a folder holding the bad input beside a good report
(``samples/000_…``, Stockport's 2024 focused visit) with ``ofsted-kg build
FOLDER -o OUT.trig``, and checks that

* exactly one line of the output names the bad file, and says why in words;
* the good report is still built and written (exit code 1 when anything was refused);
* nothing is read out of a refused file: the graph holds the good report only.

Reports that are readable but incomplete (no dates, no authority) are kept and
flagged, never dropped; the same bytes under two names are one report; two
reports of one visit give a warning and are both kept.  A folder where every
file is bad exits 3 and leaves an existing output file alone.

Run with ``-s`` to see the exact line the tool printed for each case (lines
starting ``TOOL SAID``): they are the table in docs/reliability.md.

Real PDFs come from tests/extraction/cases (Crown copyright, Open Government
Licence v3.0).  The encrypted-PDF cases need ``pypdf`` (test extra).
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from okg_paths import ROOT, SAMPLES
from rdflib import Dataset
from rdflib.namespace import RDF

from ofsted_kg.cli.main import cli
from ofsted_kg.rdf.vocab import OKG

GOOD = SAMPLES / "000_704365d219ad75ee.txt"  # Stockport focused visit, January 2024
GOOD_NAME = "Stockport focused visit 2024.txt"
INSPECTION = SAMPLES / "003_18bb4a6b1039e7a2.txt"  # Stockport ILACS inspection, May 2025
CASE_PDFS = sorted((ROOT / "tests" / "extraction" / "cases").glob("*/input.pdf"))
A_PDF = ROOT / "tests" / "extraction" / "cases" / "pdf-2019-letter-lowercase-bullets" / "input.pdf"


# --------------------------------------------------------------------------- helpers

def folder_with_good_report(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(GOOD, folder / GOOD_NAME)
    return folder


def run(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def build(folder: Path, out: Path, *extra: str):
    return run("build", folder, "-o", out, "-j", "1", *extra)


def lines_naming(output: str, name: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if name in line]


def graph(out: Path) -> Dataset:
    data = Dataset(default_union=True)
    data.parse(out, format="trig")
    return data


def source_files(out: Path) -> set[str]:
    return {str(o) for o in graph(out).objects(None, OKG.sourceFile)}


def reports(data: Dataset) -> set:
    return set(data.subjects(RDF.type, OKG.Report))


def said(case: str, line: str) -> None:
    print(f"TOOL SAID | {case} | {line}")


def assert_refused(result, out: Path, bad: Path, *words: str, case: str) -> str:
    """One line names ``bad`` and gives the reason (all ``words``); the good report alone is built."""
    output = result.output
    assert result.exit_code == 1, output
    assert "built 1 report (" in output, output
    assert "refused 1 file:" in output, output
    found = lines_naming(output, bad.name)
    assert len(found) == 1, f"expected one line naming {bad.name}:\n{output}"
    line = found[0]
    assert line.startswith(f"{bad}: "), line  # the file first, then the reason
    for word in words:
        assert word.lower() in line.lower(), f"{word!r} not in {line!r}"
    assert "internal error" not in line
    assert out.is_file()
    assert source_files(out) == {GOOD_NAME}  # nothing read out of the refused file
    said(case, line)
    return line


def matplotlib_pdf(path: Path, lines: list[str]) -> Path:
    """A real one-page PDF whose only content is ``lines`` of text (a true text layer)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.27, 11.69))
    for i, line in enumerate(lines):
        fig.text(0.08, 0.94 - i * 0.03, line, fontsize=9)
    fig.savefig(path, format="pdf")
    return path


def shape_only_pdf(path: Path) -> Path:
    """A real PDF with a drawing and no text at all."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle

    fig = Figure(figsize=(8.27, 11.69))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.add_patch(Circle((0.5, 0.5), 0.3))
    fig.savefig(path, format="pdf")
    return path


def blank_page_pdf(path: Path) -> Path:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    doc.new_page(595, 842)
    doc.save(str(path))
    doc.close()
    return path


def scanned_pdf(path: Path, source: Path = A_PDF, pages: int = 2) -> Path:
    """A real Ofsted report 'scanned': its pages rendered to pictures, in a PDF with no text layer."""
    import pypdfium2 as pdfium
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    doc = pdfium.PdfDocument(str(source))
    try:
        with PdfPages(path) as pdf:
            for i in range(min(pages, len(doc))):
                pixels = doc[i].render(scale=0.6).to_numpy()
                fig = Figure(figsize=(pixels.shape[1] / 72, pixels.shape[0] / 72), dpi=72)
                fig.figimage(pixels)
                pdf.savefig(fig)
    finally:
        doc.close()
    return path


def encrypted_pdf(path: Path, user_password: str, source: Path = A_PDF) -> Path:
    """A real Ofsted report PDF re-saved with standard PDF encryption (RC4-128: needs no crypto library)."""
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="RC4-128")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


BUDGET_LINES = [
    "Council annual budget 2024 to 2025",
    "Summary of revenue spending by service area, as agreed by full council in February 2024.",
    "Highways and transport: 12.4 million pounds, up 3 per cent on last year.",
    "Parks, libraries and leisure: 6.1 million pounds; two branch libraries will open on Sundays.",
    "Waste collection: 9.8 million pounds, including the new food waste round.",
    "Council tax will rise by 4.99 per cent. Reserves stay above the minimum set by the section 151 officer.",
]


def _random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


# --------------------------------------------------------------------------- refused, one line each

BAD_FILES = [
    # (case, file name, make(path), words the one line must contain)
    ("empty text file", "notes.txt", lambda p: p.write_bytes(b""), ["empty file"]),
    ("zero-byte PDF", "report.pdf", lambda p: p.write_bytes(b""), ["empty file"]),
    ("encrypted PDF (password to open)", "locked report.pdf",
     lambda p: encrypted_pdf(p, user_password="secret"), ["encrypted", "password"]),
    ("PDF that is not an Ofsted report (council budget)", "budget 2024.pdf",
     lambda p: matplotlib_pdf(p, BUDGET_LINES * 3), ["not an Ofsted children's services report"]),
    ("text that is not an Ofsted report (council budget)", "budget 2024.txt",
     lambda p: p.write_text("\n\n".join(BUDGET_LINES * 3), encoding="utf-8"),
     ["not an Ofsted children's services report"]),
    ("binary junk named .pdf", "junk.pdf", lambda p: p.write_bytes(_random_bytes(8192, 1)), ["not a PDF", "%PDF-"]),
    ("binary junk after a %PDF- header", "broken.pdf",
     lambda p: p.write_bytes(b"%PDF-1.7\n" + _random_bytes(8192, 2)), ["corrupt or truncated PDF"]),
    ("binary junk named .txt", "junk.txt", lambda p: p.write_bytes(_random_bytes(8192, 3)), ["binary data", "NUL"]),
    ("control characters named .txt (no NULs)", "controls.txt",
     lambda p: p.write_bytes(bytes(range(1, 32)) * 64), ["binary data", "control characters"]),
    ("Windows-1252 text (invalid UTF-8)", "inspection cp1252.txt",
     lambda p: p.write_bytes(INSPECTION.read_text(encoding="utf-8").encode("cp1252", errors="replace")),
     ["not valid UTF-8", "0x92"]),
    ("Latin-1 text (invalid UTF-8)", "latin1.txt",
     lambda p: p.write_bytes("Inspection of Café Town local authority children's services".encode("latin-1")),
     ["not valid UTF-8", "0xe9"]),
    ("UTF-8 cut inside a character", "cut.txt",
     lambda p: p.write_bytes(INSPECTION.read_bytes()[:INSPECTION.read_bytes().index("’".encode()) + 1]),
     ["not valid UTF-8", "0xe2"]),
    ("UTF-16 (BOM) with an odd number of bytes", "odd utf16.txt",
     lambda p: p.write_bytes(GOOD.read_text(encoding="utf-8").encode("utf-16") + b"\x00"), ["invalid UTF-16"]),
    ("UTF-16 (BOM) with a lone surrogate", "surrogate utf16.txt",
     lambda p: p.write_bytes(b"\xff\xfe" + "Inspection of ".encode("utf-16-le") + b"\x00\xd8" + "X".encode("utf-16-le")),
     ["invalid UTF-16"]),
    ("UTF-16 big-endian (BOM) with a lone low surrogate", "surrogate utf16be.txt",
     lambda p: p.write_bytes(b"\xfe\xff" + "Report ".encode("utf-16-be") + b"\xdc\x00"), ["invalid UTF-16"]),
]


@pytest.mark.parametrize("case, name, make, words", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_refused_in_one_line_and_the_good_report_is_built(tmp_path, case, name, make, words):
    folder = folder_with_good_report(tmp_path)
    bad = folder / name
    make(bad)
    out = tmp_path / "out" / "graph.trig"
    assert_refused(build(folder, out), out, bad, *words, case=case)


@pytest.mark.parametrize("pdf", CASE_PDFS, ids=[p.parent.name for p in CASE_PDFS])
def test_first_half_of_a_real_pdf_is_refused_as_truncated(tmp_path, pdf):
    folder = folder_with_good_report(tmp_path)
    bad = folder / f"{pdf.parent.name} (half).pdf"
    data = pdf.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    out = tmp_path / "graph.trig"
    assert_refused(build(folder, out), out, bad, "corrupt or truncated PDF", case="truncated PDF (first half of a real report)")


@pytest.mark.parametrize("make", [blank_page_pdf, shape_only_pdf, scanned_pdf],
                         ids=["empty page (pypdfium2)", "drawing only (matplotlib)", "scanned report (page images)"])
def test_pdf_without_a_text_layer_is_refused_and_nothing_is_invented(tmp_path, make):
    folder = folder_with_good_report(tmp_path)
    bad = make(folder / "scanned report.pdf")
    out = tmp_path / "graph.trig"
    line = assert_refused(build(folder, out), out, bad, "no text layer", "scanned", "OCR is not attempted",
                          case=f"PDF with no text layer: {make.__name__}")
    assert "pages" in line
    data = graph(out)
    assert len(reports(data)) == 1  # no report, authority or visit made up from the picture
    labels = {str(o) for o in data.objects(None, OKG.sourceFile)}
    assert "scanned report.pdf" not in labels


def test_pdf_encrypted_only_against_editing_is_read(tmp_path):
    """An owner password alone (empty user password) does not stop reading: such PDFs are common."""
    folder = folder_with_good_report(tmp_path)
    encrypted_pdf(folder / "devon letter (owner password).pdf", user_password="")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 0, result.output
    assert "built 2 reports" in result.output
    assert source_files(out) == {GOOD_NAME, "devon letter (owner password).pdf"}


# --------------------------------------------------------------------------- far too large

HUGE = 200 * 1024 * 1024


def _huge_file(folder: Path) -> Path:
    path = folder / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(HUGE)  # sparse: 200 MB long, no disk used
    return path


def test_200_mb_file_is_refused_as_too_large_without_loading_it(tmp_path, monkeypatch):
    folder = folder_with_good_report(tmp_path)
    huge = _huge_file(folder)
    loaded = []
    read_bytes = Path.read_bytes

    def spy(self):
        loaded.append(self.name)
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert_refused(result, out, huge, "too large", "limit", case="200 MB file (sparse)")
    assert huge.name not in loaded and GOOD_NAME in loaded  # refused from its size, never loaded into memory
    # (no wall-clock bound: that it is never read is checked here and, in bytes, by the next test)


def _bytes_read_by_this_process() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")
def test_200_mb_file_is_not_read_to_the_end(tmp_path):
    folder = folder_with_good_report(tmp_path)
    _huge_file(folder)
    out = tmp_path / "graph.trig"
    before = _bytes_read_by_this_process()
    result = build(folder, out)
    read = _bytes_read_by_this_process() - before
    assert result.exit_code == 1 and "too large" in result.output
    assert read < 64 * 1024 * 1024, f"read {read / 1e6:.0f} MB to refuse one file for its size"


# --------------------------------------------------------------------------- kept, but flagged

def test_report_without_readable_dates_is_kept_flagged_and_listed_by_stats(tmp_path):
    folder = folder_with_good_report(tmp_path)
    text = INSPECTION.read_text(encoding="utf-8")
    assert "12 to 23 May 2025" in text
    undated = folder / "undated inspection.txt"
    undated.write_text(text.replace("12 to 23 May 2025", ""), encoding="utf-8")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 0, result.output  # kept: nothing was refused
    assert "built 2 reports" in result.output
    found = lines_naming(result.output, undated.name)
    assert found == [f"flagged: {undated}: visit dates not found"], result.output
    said("inspection report with its dates blanked", found[0])
    assert source_files(out) == {GOOD_NAME, undated.name}
    data = graph(out)
    problems = {str(p) for p in data.objects(None, OKG.problem)}
    assert problems == {"visit dates not found"}
    stats = run("stats", out)
    assert stats.exit_code == 0, stats.output
    assert "flagged while reading (1):" in stats.output
    assert f"  {undated.name}: visit dates not found" in stats.output.splitlines()
    assert any(line.split() == ["reports", "2"] for line in stats.output.splitlines())
    said("inspection report with its dates blanked (ofsted-kg stats)", f"{undated.name}: visit dates not found")


BLANK_AUTHORITY = [
    pytest.param(INSPECTION, "Stockport", id="ILACS inspection"),
    pytest.param(GOOD, "Stockport", id="focused-visit letter"),
]


@pytest.mark.parametrize("source, name", BLANK_AUTHORITY)
def test_report_without_its_authority_is_kept(tmp_path, source, name):
    folder = folder_with_good_report(tmp_path)
    blanked = folder / "no authority.txt"
    blanked.write_text(source.read_text(encoding="utf-8").replace(name, ""), encoding="utf-8")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 0, result.output
    assert "built 2 reports" in result.output
    assert source_files(out) == {GOOD_NAME, blanked.name}
    stats = run("stats", out)
    assert any(line.split() == ["unresolved", "authorities", "1"] for line in stats.output.splitlines()), stats.output


@pytest.mark.parametrize("source, name", BLANK_AUTHORITY)
def test_report_without_its_authority_is_flagged_not_given_an_invented_one(tmp_path, source, name):
    folder = folder_with_good_report(tmp_path)
    blanked = folder / "no authority.txt"
    blanked.write_text(source.read_text(encoding="utf-8").replace(name, ""), encoding="utf-8")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert f"flagged: {blanked}: authority name not found" in result.output, result.output
    stats = run("stats", out)
    assert f"  {blanked.name}: authority name not found" in stats.output.splitlines(), stats.output


# --------------------------------------------------------------------------- duplicates and clashes

@pytest.mark.parametrize("source, first, second", [
    (GOOD, "Stockport focused visit.txt", "copy of Stockport focused visit.txt"),
    (A_PDF, "Devon 2019.pdf", "Devon 2019 (1).pdf"),
], ids=["text", "pdf"])
def test_same_report_under_two_names_is_one_report_with_both_names(tmp_path, source, first, second):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(source, folder / first)
    shutil.copy(source, folder / second)
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 0, result.output
    assert "built 1 report (" in result.output
    kept, also = sorted([first, second])  # the first name in sort order is the report's, the other is recorded
    found = lines_naming(result.output, also)
    assert found == [f"same report as {kept}: {also} (recorded as a second file name)"], result.output
    said(f"the same report twice under two names ({source.suffix})", found[0])
    data = graph(out)
    (report,) = reports(data)
    assert {str(o) for o in data.objects(report, OKG.sourceFile)} == {first, second}


def test_two_reports_of_the_same_visit_are_both_kept_with_a_warning(tmp_path):
    folder = folder_with_good_report(tmp_path)
    text = GOOD.read_text(encoding="utf-8")
    assert "greater demand" in text
    edited = folder / "Stockport focused visit 2024 (edited).txt"
    edited.write_text(text.replace("greater demand", "greater level of demand"), encoding="utf-8")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 0, result.output
    assert "built 2 reports" in result.output
    warnings = [line for line in lines_naming(result.output, "describes the same visit as")]
    assert len(warnings) == 1, result.output
    assert warnings[0].startswith("warning: ") and edited.name in warnings[0] and GOOD_NAME in warnings[0]
    said("two different reports claiming the same visit", warnings[0])
    data = graph(out)
    both = reports(data)
    assert len(both) == 2
    assert len({data.value(r, OKG.describes) for r in both}) == 1  # one visit, two reports
    assert source_files(out) == {GOOD_NAME, edited.name}


# --------------------------------------------------------------------------- nothing usable at all

def _all_bad(folder: Path) -> list[Path]:
    folder.mkdir()
    files = [folder / "empty.txt", folder / "junk.pdf", folder / "latin1.txt", folder / "budget.txt",
             folder / "half.pdf"]
    files[0].write_bytes(b"")
    files[1].write_bytes(_random_bytes(4096, 7))
    files[2].write_bytes("Caf\u00e9".encode("latin-1"))
    files[3].write_text("\n\n".join(BUDGET_LINES), encoding="utf-8")
    data = A_PDF.read_bytes()
    files[4].write_bytes(data[: len(data) // 2])
    files.append(blank_page_pdf(folder / "blank.pdf"))
    return files


@pytest.mark.parametrize("existing", [True, False], ids=["output exists", "no output yet"])
def test_folder_of_only_bad_files_exits_3_and_writes_nothing(tmp_path, existing):
    files = _all_bad(tmp_path / "bad")
    out = tmp_path / "graph.trig"
    before = b"# a graph from an earlier build: must survive byte for byte\n<urn:a> <urn:b> <urn:c> .\n"
    if existing:
        out.write_bytes(before)
        stamp = out.stat().st_mtime_ns
    result = run("build", tmp_path / "bad", "-o", out)  # default jobs: the worker-process path
    assert result.exit_code == 3, result.output
    assert "built 0 reports (0 recommendations, 0 findings); nothing written" in result.output
    assert f"refused {len(files)} files:" in result.output
    for path in files:
        assert len(lines_naming(result.output, path.name)) == 1, result.output
    if existing:
        assert out.read_bytes() == before and out.stat().st_mtime_ns == stamp
    else:
        assert not out.exists()


def test_every_bad_file_is_named_even_when_two_have_the_same_bytes(tmp_path):
    folder = folder_with_good_report(tmp_path)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "empty.pdf").write_bytes(b"")
    out = tmp_path / "graph.trig"
    result = build(folder, out)
    assert result.exit_code == 1
    assert len(lines_naming(result.output, "empty.txt")) == 1, result.output
    assert len(lines_naming(result.output, "empty.pdf")) == 1, result.output
