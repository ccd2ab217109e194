"""Disks that fail for tests: a real full one (a small tmpfs of its own, filled to the last
byte) and index files with junk in them.

Mounting needs root with the right to mount (as in this project's sandbox); where that is
refused, the tests that need a full disk are skipped and say why.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(where: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``where`` for the block, unmounted after."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if mount is None or umount is None or os.geteuid() != 0:
        pytest.skip("a full disk needs a tmpfs, and mounting one needs root")
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:  # lazily: the index may still have its files mapped
        subprocess.run([umount, "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of ``disk`` with one file; deleting it gives the space back."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        for chunk in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):  # ENOSPC: on with smaller pieces
                while True:
                    f.write(bytes(chunk))
    return filler


def junk_inside(path: Path) -> None:
    """Junk over a tantivy file's content, its footer (format version, checksum) left whole
    and the file never cut: what a torn write or a bad block leaves, and what tantivy's own
    open does not check."""
    data = path.read_bytes()
    footer = 8 + int.from_bytes(data[-8:-4], "little")
    inside = len(data) - footer
    with path.open("r+b") as f:  # in place: a reader may have the file mapped
        f.write((b"junk" * inside)[:inside])


def junk_at(path: Path, offset: int = 0) -> None:
    """16 bytes of junk at ``offset`` in a file (at 0, a term file's first dictionary head)."""
    with path.open("r+b") as f:
        f.seek(offset)
        f.write(b"junk" * 4)
