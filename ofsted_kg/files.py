"""Writing output files and folders safely: whole or not at all, with the modes the user's umask asks for.

A file is written to a temporary file beside it and renamed over it when
complete; a folder (the HTML site) is written to a hidden staging folder
beside it and swapped in when complete, so a killed run never leaves a
half-written output.  Temporary files and folders are created private
(0600/0700); they are given the mode a plain ``open``/``mkdir`` would have
given (the process umask) before they are renamed into place, so outputs
are not left private by accident.

Swapping a folder in removes the folder that was there, so that is allowed
only when it is missing, empty, or an earlier output whose every file is
listed in the manifest (``MANIFEST``) written into it: a file ofsted-kg did
not write is never removed.
"""
from __future__ import annotations

import heapq
import itertools
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

MANIFEST = ".ofsted-kg-site"
MANIFEST_HEADER = ("# Written by `ofsted-kg report`: every file it wrote into this folder. The next report -o\n"
                   "# replaces this folder only while it holds nothing but these files.\n")


class FolderError(ValueError):
    """An output folder that must not be replaced (it holds files ofsted-kg did not write, or is the current one)."""


def umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask would briefly alter it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode(path: Path) -> int:
    """The mode an in-place write would leave: the replaced file's own, else 0666 less the umask."""
    try:
        existing = path.stat()
        if stat.S_ISREG(existing.st_mode):
            return stat.S_IMODE(existing.st_mode)
    except OSError:
        pass
    return 0o666 & ~umask()


def atomic_write(path: Path, payload: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``payload`` (bytes, or a function that writes into the open file) to ``path`` via a temporary
    file renamed over it when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode(path))
        with os.fdopen(fd, "wb") as fh:
            if callable(payload):
                payload(fh)
            else:
                fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def output_folder(folder: Path | str) -> Path:
    """``folder`` made absolute (``.`` and ``..`` folded), refused if it is the current folder or holds it.

    The site replaces its folder as a whole; replacing the folder a shell is
    in would leave that shell in a deleted folder."""
    given = str(folder)
    absolute = Path(os.path.abspath(given))
    here = Path.cwd()
    if absolute == here or absolute in here.parents or absolute.resolve() in (here.resolve(), *here.resolve().parents):
        raise FolderError(f"{given}: is the current folder (or holds it), and the site replaces its folder as a "
                          f"whole; give a folder of its own, e.g. -o {Path(given) / 'site'}")
    return absolute


def check_replaceable(folder: Path, shown: str | None = None) -> None:
    """Raise FolderError unless ``folder`` is missing, empty, or an earlier site holding only its listed files."""
    shown = shown or str(folder)
    if not folder.exists() and not folder.is_symlink():
        return
    if not folder.is_dir():
        raise FolderError(f"{shown}: exists and is not a folder")
    files, dirs = _contents(folder)
    if not files and not dirs:
        return
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise FolderError(f"{shown}: not empty and not a site ofsted-kg wrote (no {MANIFEST} in it); "
                          "give a new or empty folder")
    listed = {line.strip() for line in manifest.read_text(encoding="utf-8", errors="replace").splitlines()
              if line.strip() and not line.startswith("#")}
    parents = {str(p) for name in listed for p in Path(name).parents if str(p) != "."}
    foreign = sorted((files - listed - {MANIFEST}) | (dirs - parents))
    if foreign:
        more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
        raise FolderError(f"{shown}: holds {len(foreign)} file(s) ofsted-kg did not write ({', '.join(foreign[:3])}"
                          f"{more}); move them out or give another folder")


def _contents(folder: Path) -> tuple[set[str], set[str]]:
    """(files, folders) under ``folder`` as relative POSIX paths; symlinks count as files and are not followed."""
    files, dirs = set(), set()
    for root, subdirs, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in subdirs:
            if (Path(root) / name).is_symlink():
                files.add((base / name).as_posix())
            else:
                dirs.add((base / name).as_posix())
        files.update((base / name).as_posix() for name in names)
    return files, dirs


def replace_folder(folder: Path, fill: Callable[[Path], None], shown: str | None = None) -> None:
    """Let ``fill`` write into a staging folder, then swap it in for ``folder`` (see the module docstring)."""
    folder = output_folder(folder)
    check_replaceable(folder, shown)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    aside: Path | None = None
    try:
        fill(staging)
        files, _ = _contents(staging)
        (staging / MANIFEST).write_text(MANIFEST_HEADER + "".join(f"{f}\n" for f in sorted(files)), encoding="utf-8")
        os.chmod(staging, 0o777 & ~umask())
        check_replaceable(folder, shown)  # again: something may have been put there while we rendered
        if folder.exists() or folder.is_symlink():
            aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
            folder.rename(aside / folder.name)
        staging.rename(folder)
    except BaseException:
        if aside is not None and (aside / folder.name).exists() and not folder.exists():
            (aside / folder.name).rename(folder)  # put the earlier site back
        shutil.rmtree(staging, ignore_errors=True)
        if aside is not None:
            try:
                aside.rmdir()  # empty once the earlier site is back; if it is not, keep it rather than delete it
            except OSError:
                pass
        raise
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


def write_sorted_lines(out: BinaryIO, write: Callable[[BinaryIO], None], near: Path, run: int = 200_000) -> None:
    """The lines ``write`` writes, sorted as bytes and without duplicates, into ``out``.

    An external merge sort: what ``write`` writes goes to a scratch file, is
    sorted ``run`` lines at a time into runs on disk, and the runs are merged;
    so a canonical N-Quads file of any size is written holding ``run`` lines in
    memory, not the whole file (scratch files go in a hidden folder in ``near``).  Lines end at b"\\n" only (binary mode), never
    at U+2028 or other characters N-Quads leaves raw inside literals."""
    with tempfile.TemporaryDirectory(prefix=".ofsted-kg-sort.", dir=near) as scratch:
        raw = Path(scratch) / "unsorted"
        with open(raw, "wb") as fh:
            write(fh)
        with open(raw, "rb") as fh:
            runs = sorted_runs(fh, Path(scratch), "run", run)
        raw.unlink()
        merge_runs(out, runs)


def sorted_runs(lines: Iterable[bytes], scratch: Path, tag: str, run: int = 200_000) -> list[Path]:
    """``lines`` sorted ``run`` at a time into files ``scratch/TAG-N`` (each sorted, without duplicates), for
    :func:`merge_runs`; several producers can each make their own runs, in parallel, under their own tags."""
    runs: list[Path] = []
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, run)):
        runs.append(scratch / f"{tag}-{len(runs)}")
        runs[-1].write_bytes(b"".join(sorted({line.rstrip(b"\n") + b"\n" for line in chunk if line.strip()})))
    return runs


def merge_runs(out: BinaryIO, runs: list[Path]) -> None:
    """Sorted run files merged into ``out``, each line once."""
    handles = [open(r, "rb") for r in runs]  # noqa: SIM115 - closed below
    try:
        last = None
        for line in heapq.merge(*handles):
            if line != last:
                out.write(line)
                last = line
    finally:
        for handle in handles:
            handle.close()
