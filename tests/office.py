"""Headless LibreOffice for the tests that check a spreadsheet opens as we say (summary, review worksheet)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from okg_paths import missing_tool

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
FILTERS = {"xlsx": "xlsx", "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1"}  # csv: comma, ", UTF-8, line 1


def require_soffice() -> None:
    """Skip (or fail, when OFSTED_KG_REQUIRE_TOOLS=1 as in CI) if LibreOffice is not installed."""
    if not Path(SOFFICE).exists():
        missing_tool("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")


def convert(path: Path, target: str, out: Path) -> Path:
    """``path`` opened and saved by headless LibreOffice as ``target`` (xlsx, or csv in UTF-8) into ``out``,
    with a profile and HOME of its own (it needs writable ones)."""
    out.mkdir(exist_ok=True)
    result = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(out / 'profile').as_uri()}",
                             "--convert-to", FILTERS[target], "--outdir", str(out), str(path)],
                            capture_output=True, text=True, timeout=180, check=False,
                            env={**os.environ, "HOME": str(out)})
    converted = out / f"{path.stem}.{target}"
    assert result.returncode == 0 and converted.is_file(), result.stdout + result.stderr
    return converted
