"""Writing output folders safely: whole or not at all, and never over files ofsted-kg did not write.

A folder (the HTML site) is written to a hidden staging folder beside it
and swapped in when complete, so a killed run never leaves a half-written
output.  Swapping a folder in removes the folder that was there, so that is allowed
only when it is missing, empty, or an earlier output whose every file is
listed in the manifest (``MANIFEST``) written into it: a file ofsted-kg did
not write is never removed.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

MANIFEST = ".ofsted-kg-site"
MANIFEST_HEADER = ("# Written by `ofsted-kg report`: every file it wrote into this folder. The next report -o\n"
                   "# replaces this folder only while it holds nothing but these files.\n")


class FolderError(ValueError):
    """An output folder that must not be replaced (it holds files ofsted-kg did not write, or is the current one)."""


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
