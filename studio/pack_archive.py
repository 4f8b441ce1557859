"""Zip archives of LUT packs: write one reproducibly, extract one without trusting it.

Every member name, type, size and compression ratio is checked before anything is extracted, and
extraction goes to a fresh folder that is renamed into place only when complete. What a pack holds is
checked by `studio.pack.validate_pack`, not here.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from studio.atomic import atomic_path, temporary_folder
from studio.errors import StudioError

__all__ = ["PackError", "PackLimits", "extract_pack", "name_problem", "write_zip"]

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member timestamps: the same presets always give the same bytes
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class PackLimits:
    """What a pack may hold before it is refused unread (sizes in bytes, uncompressed)."""

    max_files: int = 4096
    max_file_bytes: int = 64 << 20
    max_total_bytes: int = 512 << 20
    max_manifest_bytes: int = 1 << 20
    max_ratio: float = 100.0
    """Largest uncompressed / compressed size of a member; checked for members above `ratio_floor_bytes`."""
    ratio_floor_bytes: int = 64 << 10


class PackError(StudioError):
    """A pack that cannot be built, read or trusted. `problems` lists each problem on its own."""

    def __init__(self, problems: str | list[str], path: str | Path | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems), path)


def write_zip(root: Path, output: Path) -> None:
    """Write the files under the folder `root` to the zip `output` (atomically), byte-for-byte reproducibly:
    sorted members, fixed timestamps and modes, deflated."""
    with atomic_path(output) as temp, zipfile.ZipFile(temp, "w") as archive:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=_ZIP_TIME)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.create_system = 3  # unix, so the mode above is read as such
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)


def extract_pack(archive: str | Path, destination: str | Path, limits: PackLimits = PackLimits()) -> None:
    """Extract the zip `archive` into the new folder `destination` after checking every member.

    Refused, with nothing written: absolute names, '..' or backslashes in names, links and special files,
    duplicates, a file and a folder of one name, encryption, too many or too large members, too high a
    compression ratio, corrupt data.
    The pack's contents are not validated here; see `studio.pack.validate_pack`.
    """
    archive, destination = Path(archive), Path(destination)
    if destination.exists():
        raise PackError("already exists; extract into a new folder", destination)
    try:
        zip_file = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise PackError(f"not a readable zip archive ({error})", archive) from None
    with zip_file:
        problems = _member_problems(zip_file.infolist(), limits)
        if problems:
            raise PackError(problems, archive)
        staging = temporary_folder(destination.parent, "extract")
        try:
            for info in zip_file.infolist():
                _extract_member(zip_file, info, staging)
            staging.rename(destination)
        except PackError as error:
            raise PackError(error.problems, archive) from None
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def name_problem(name: str) -> str | None:
    """Why `name` is not a safe relative '/'-separated path inside a pack, or None when it is."""
    parts = name.rstrip("/").split("/")
    if not name or len(name) > 255:
        return "empty or over-long name"
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    if "\\" in name:
        return "backslash in name"
    if any(ord(c) < 32 for c in name):
        return "control character in name"
    if any(part in ("", ".", "..") for part in parts):
        return "'..', '.' or empty segment in path"
    return None


def _member_problems(infos: list[zipfile.ZipInfo], limits: PackLimits) -> list[str]:
    problems = [f"{len(infos)} members; a pack holds at most {limits.max_files}"][: len(infos) > limits.max_files]
    seen: set[str] = set()
    folders = {folder.casefold() for info in infos for folder in _folders(info)}
    total = 0
    for info in infos:
        name, kind = info.filename, stat.S_IFMT(info.external_attr >> 16)
        problem = name_problem(name)
        if problem is None and name.casefold() in seen:
            problem = "duplicate member"
        elif problem is None and not info.is_dir() and name.casefold() in folders:
            problem = "a file and a folder of the same name"
        elif problem is None and kind == stat.S_IFLNK:
            problem = "symbolic link"
        elif problem is None and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            problem = "not a regular file"
        elif problem is None and info.flag_bits & 0x1:
            problem = "encrypted member"
        elif problem is None and info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problem = f"unsupported compression method {info.compress_type}"
        elif problem is None and info.file_size > limits.max_file_bytes:
            problem = f"{info.file_size} bytes uncompressed; the limit per file is {limits.max_file_bytes}"
        elif (problem is None and info.file_size > limits.ratio_floor_bytes
              and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            problem = f"compression ratio {info.file_size / max(info.compress_size, 1):.0f} (zip bomb?)"
        if problem:
            problems.append(f"{name!r}: {problem}")
        seen.add(name.casefold())
        total += info.file_size
    if total > limits.max_total_bytes:
        problems.append(f"{total} bytes uncompressed in all; the limit is {limits.max_total_bytes}")
    return problems


def _folders(info: zipfile.ZipInfo) -> list[str]:
    """The folders a member makes when extracted: those above it, and itself if it is one."""
    parts = info.filename.rstrip("/").split("/")
    return ["/".join(parts[:end]) for end in range(1, len(parts) + (1 if info.is_dir() else 0))]


def _extract_member(zip_file: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> None:
    target = root.joinpath(*info.filename.rstrip("/").split("/"))
    written = 0
    try:
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with zip_file.open(info) as source, open(target, "xb") as sink:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > info.file_size:  # never trust the header's size alone
                    raise PackError(f"{info.filename!r}: more data than its header declares")
                sink.write(chunk)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError) as error:
        raise PackError(f"{info.filename!r}: corrupt or unreadable member ({error})") from None
