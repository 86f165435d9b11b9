"""Writing a one-sheet ``.xlsx`` workbook with openpyxl, the same bytes for the same rows.

openpyxl stamps the time of saving into ``docProps/core.xml`` and into every entry of the zip file; both are
set to a fixed time here (:data:`FIXED_TIME`), so an unchanged graph gives an unchanged file.  Text is
written as text, never as a formula: a cell that begins with ``=`` (a file name, say) stays words, and a code
such as ``052`` keeps its zero.  Characters XML cannot carry (C0 controls) become U+FFFD.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

FIXED_TIME = datetime(2000, 1, 1)  # workbook created/modified: no clock in outputs
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
CellValue = str | int | float | None


class _FixedTimeZip(ZipFile):
    """A zip file whose entries all carry :data:`ZIP_TIME` (openpyxl adds them by name, stamped with now, or
    from temporary files, stamped with their time)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # noqa: ANN001 - ZipFile's
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # noqa: ANN001 - ZipFile's
        """A file added from disk (openpyxl's sheets) would carry that file's time: add its bytes instead."""
        with open(filename, "rb") as fh:
            self.writestr(arcname or str(filename), fh.read(), compress_type, compresslevel)


def xlsx_bytes(sheet: str, columns: Sequence[str], rows: Sequence[Sequence[CellValue]]) -> bytes:
    """The workbook: one sheet named ``sheet``, a bold header row of ``columns``, then ``rows``; '' is blank."""
    book = Workbook()
    table = book.active
    table.title = sheet
    for col, name in enumerate(columns, start=1):
        _put(table.cell(row=1, column=col), name).font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for col, value in enumerate(row, start=1):
            _put(table.cell(row=number, column=col), value)
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()  # save() closes it
    return buffer.getvalue()


def _put(cell: Cell, value: CellValue) -> Cell:
    if value is None or value == "":
        return cell  # left empty, as a spreadsheet's blank
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"  # text, even when it begins with '=' (openpyxl would take that for a formula)
    else:
        cell.value = value
    return cell
