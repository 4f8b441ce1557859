"""A corpus of malformed packs, each made from a valid one by a single change, with the words its
rejection must contain. FOLDER_CASES change a pack's files; ZIP_CASES build hostile archives."""

from __future__ import annotations

import copy
import stat
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import yaml

from studio.digest import sha256_file
from studio.pack import MANIFEST
from studio.pack_archive import PackLimits

PRESET = "presets/copper/copper.yaml"
NOISE = np.random.default_rng(0).bytes(1 << 20).hex()  # incompressible filler, so size limits fire, not ratio
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"


@dataclass(frozen=True)
class FolderCase:
    name: str
    mutate: Callable[[Path], None]
    expected: str


@dataclass(frozen=True)
class ZipCase:
    name: str
    mutate: Callable[[Path, Path], None]  # (valid pack folder, archive to write)
    expected: str
    limits: PackLimits = field(default_factory=PackLimits)


def rezip(folder: Path, archive: Path, extra: list[tuple[str | zipfile.ZipInfo, bytes]] = (),
          compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Zip every file of `folder`, then the `extra` members as given (names unchecked)."""
    with warnings.catch_warnings(), zipfile.ZipFile(archive, "w", compression) as out:
        warnings.simplefilter("ignore")  # "Duplicate name" is the point of one case
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            out.write(path, path.relative_to(folder).as_posix())
        for name, data in extra:
            out.writestr(name, data)


def manifest_edit(change: Callable[[dict], object], refresh: bool = False) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        document = yaml.safe_load((root / MANIFEST).read_text())
        change(document)
        (root / MANIFEST).write_text(yaml.safe_dump(document, sort_keys=False))
        if refresh:
            refresh_checksums(root)
    return mutate


def file_edit(relative: str, data: bytes | Callable[[Path], bytes], refresh: bool = True) -> Callable[[Path], None]:
    """Overwrite one file; with `refresh`, update pack.yaml's checksums so deeper checks are reached."""
    def mutate(root: Path) -> None:
        (root / relative).write_bytes(data(root) if callable(data) else data)
        if refresh:
            refresh_checksums(root)
    return mutate


def refresh_checksums(root: Path) -> None:
    document = yaml.safe_load((root / MANIFEST).read_text())
    for entry in document["files"]:
        if (root / entry["path"]).is_file():
            entry["bytes"], entry["sha256"] = (root / entry["path"]).stat().st_size, sha256_file(root / entry["path"])
    (root / MANIFEST).write_text(yaml.safe_dump(document, sort_keys=False))


def preset_edit(old: str, new: str) -> Callable[[Path], None]:
    return file_edit(PRESET, lambda root: (root / PRESET).read_text().replace(old, new, 1).encode())


def texture(root: Path, layout: str, bits: int) -> str:
    document = yaml.safe_load((root / MANIFEST).read_text())
    return next(t["path"] for t in document["presets"][0]["anchors"][0]["textures"]
                if (t["layout"], t["bits"]) == (layout, bits))


def replace_texture(layout: str, bits: int, data: Callable[[Path], bytes]) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / texture(root, layout, bits)).write_bytes(data(root))
        refresh_checksums(root)
    return mutate


def png(pixels: np.ndarray) -> bytes:
    return cv2.imencode(".png", pixels)[1].tobytes()


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit grey PNG of `width` x `height` black pixels: a few kilobytes per megapixel, which a decoder
    expands to a byte (or three) per pixel."""
    row = 1 + (width + 7) // 8  # filter byte 0, then the pixels, 8 to a byte
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(bytes(row * min(64, height - y))) for y in range(0, height, 64))
    data += compressor.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _set(path: str, value: object) -> Callable[[dict], None]:
    """A change that sets document[path...] = value, path dotted with list indexes."""
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]

    def change(document: dict) -> None:
        for part in parents:
            document = document[part]
        document[last] = value
    return change


def _delete(key: str) -> Callable[[dict], None]:
    return lambda document: document.pop(key)


def _write(relative: str, data: bytes) -> Callable[[Path], None]:
    return file_edit(relative, data, refresh=False)


FOLDER_CASES = [
    FolderCase("manifest-missing", lambda root: (root / MANIFEST).unlink(), "pack.yaml: missing"),
    FolderCase("manifest-not-yaml", _write(MANIFEST, b"name: [1, 2\n"), "malformed YAML"),
    FolderCase("manifest-not-utf8", _write(MANIFEST, b"name: \xff\xfe\n"), "malformed YAML"),
    FolderCase("manifest-a-list", _write(MANIFEST, b"- 1\n- 2\n"), "expected a mapping"),
    FolderCase("manifest-alias-bomb", _write(MANIFEST, BOMB.encode()), "aliases"),
    FolderCase("manifest-huge", lambda root: (root / MANIFEST).write_text((root / MANIFEST).read_text()
               + f"# {NOISE}\n"), "larger than"),
    FolderCase("schema-version-2", manifest_edit(_set("schema_version", 2)), "unknown schema_version 2"),
    FolderCase("schema-version-missing", manifest_edit(_delete("schema_version")), "unknown schema_version None"),
    FolderCase("files-missing", manifest_edit(_delete("files")), "'files' is a required property"),
    FolderCase("unknown-key", manifest_edit(_set("extra", 1)), "Additional properties"),
    FolderCase("empty-name", manifest_edit(_set("name", "")), "name"),
    FolderCase("bad-version", manifest_edit(_set("version", "1 0")), "version"),
    FolderCase("no-presets", manifest_edit(_set("presets", [])), "presets"),
    FolderCase("preset-id-upper-case", manifest_edit(_set("presets.0.id", "Copper")), "presets.0.id"),
    FolderCase("lut-size-64", manifest_edit(_set("presets.0.lut_size", 64)), "presets.0.lut_size"),
    FolderCase("unknown-layout", manifest_edit(_set("presets.0.anchors.0.textures.0.layout", "strip99")), "layout"),
    FolderCase("bits-12", manifest_edit(_set("presets.0.anchors.0.textures.0.bits", 12)), "bits"),
    FolderCase("one-anchor", manifest_edit(lambda d: d["presets"][0]["anchors"].pop()), "anchors"),
    FolderCase("intensity-above-1", manifest_edit(_set("presets.0.anchors.0.intensity", 2)), "intensity"),
    FolderCase("files-path-dotdot", manifest_edit(_set("files.0.path", "../evil.png")), "files.0.path"),
    FolderCase("files-path-absolute", manifest_edit(_set("files.0.path", "/etc/passwd")), "files.0.path"),
    FolderCase("files-path-backslash", manifest_edit(_set("files.0.path", "presets\\x.png")), "files.0.path"),
    FolderCase("preset-path-dotdot", manifest_edit(_set("presets.0.preset", "presets/../../x.yaml")),
               "presets.0.preset"),
    FolderCase("sha256-wrong", manifest_edit(_set("files.0.sha256", "0" * 64)), "does not match"),
    FolderCase("sha256-upper-case", manifest_edit(lambda d: d["files"][0].update(sha256=d["files"][0]["sha256"]
               .upper())), "files.0.sha256"),
    FolderCase("bytes-wrong", manifest_edit(lambda d: d["files"][0].update(bytes=d["files"][0]["bytes"] + 1)),
               "does not match"),
    FolderCase("listed-file-missing", lambda root: (root / "presets/copper/thumbnail.png").unlink(),
               "missing from the pack"),
    FolderCase("unlisted-file", _write("extra.txt", b"hello"), "not listed"),
    FolderCase("unlisted-hidden-file", _write("presets/.DS_Store", b"\0"), "not listed"),
    FolderCase("listed-twice", manifest_edit(lambda d: d["files"].append(dict(d["files"][0]))), "listed twice"),
    FolderCase("reference-not-listed", manifest_edit(_set("presets.0.thumbnail", "presets/copper/other.png")),
               "referenced but not listed"),
    FolderCase("duplicate-preset-id", manifest_edit(lambda d: d["presets"].append(copy.deepcopy(d["presets"][0]))),
               "duplicate preset id"),
    FolderCase("name-differs-from-preset", manifest_edit(_set("presets.0.name", "Other")), "differ from"),
    FolderCase("intensity-differs-from-preset", manifest_edit(_set("presets.0.anchors.0.intensity", 0.5)),
               "intensities differ"),
    FolderCase("preset-lut-changed", lambda root: replace_texture("strip17", 16, lambda r: png(
        np.zeros((17, 289, 3), np.uint16)))(root), "does not match its sha256"),
    FolderCase("preset-intensities-swapped", preset_edit("intensity: 0.15", "intensity: 0.95"), "strictly increasing"),
    FolderCase("preset-schema-version-2", preset_edit("schema_version: 1", "schema_version: 2"),
               "unknown schema_version 2"),
    FolderCase("preset-lut-outside", preset_edit("lut: copper.dark", "lut: ../copper.dark"), "anchors.0.lut"),
    FolderCase("preset-alias-bomb", file_edit(PRESET, BOMB.encode()), "aliases"),
    FolderCase("preset-huge", file_edit(PRESET, f"# {NOISE}\n".encode()), "larger than"),
    FolderCase("preset-garbage", file_edit(PRESET, b"\x00\x01\x02 not yaml: ["), "malformed YAML"),
    FolderCase("preset-unknown-look-key", preset_edit("shine:", "sparkle: 1\n    shine:"), "look"),
    FolderCase("export-wrong-size", replace_texture("strip16", 16, lambda r: png(np.zeros((17, 289, 3), np.uint16))),
               "expected a 256x16 RGB image"),
    FolderCase("export-wrong-depth", replace_texture("strip16", 16, lambda r: png(np.zeros((16, 256, 3), np.uint8))),
               "manifest says 16-bit"),
    FolderCase("export-not-png", replace_texture("strip16", 8, lambda r: b"GIF89a"), "does not start like a PNG"),
    FolderCase("export-bomb", replace_texture("strip16", 8, lambda r: png_bomb(5000, 5000)),
               "expected a 256x16 RGB image, got 5000x5000"),
    FolderCase("export-grey", replace_texture("strip16", 8, lambda r: png(np.zeros((16, 256), np.uint8))),
               "not a readable RGB PNG"),
    FolderCase("cube-garbage", file_edit("presets/copper/luts/copper.dark.cube", b"LUT_3D_SIZE banana\n"),
               "not a readable .cube"),
    FolderCase("thumbnail-not-an-image", file_edit("presets/copper/thumbnail.png", b"nope"),
               "not a readable PNG image"),
    FolderCase("thumbnail-bomb", file_edit("presets/copper/thumbnail.png", lambda r: png_bomb(5000, 5000)),
               "declares 5000x5000"),
]


def _with_member(name: str | zipfile.ZipInfo, data: bytes = b"x") -> Callable[[Path, Path], None]:
    return lambda folder, archive: rezip(folder, archive, extra=[(name, data)])


def _typed(name: str, kind: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system, info.external_attr = 3, (kind | 0o644) << 16
    return info


def _encrypted(folder: Path, archive: Path) -> None:
    """zipfile cannot encrypt, and clears the flag on writing: set it in the central directory afterwards."""
    rezip(folder, archive, extra=[("presets/secret.txt", b"x")])
    data = bytearray(archive.read_bytes())
    record = data.rindex(b"PK\x01\x02")  # the central directory record of the last member written
    data[record + 8] |= 0x1  # general purpose flags: bit 0 = encrypted
    archive.write_bytes(bytes(data))


def _corrupt(folder: Path, archive: Path) -> None:
    rezip(folder, archive, compression=zipfile.ZIP_STORED)
    data = bytearray(archive.read_bytes())
    start = data.index(b"schema_version")  # inside the stored pack.yaml
    data[start : start + 6] = b"SCHEMA"
    archive.write_bytes(bytes(data))


def _truncated(folder: Path, archive: Path) -> None:
    rezip(folder, archive)
    archive.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])


def _bytes(data: bytes) -> Callable[[Path, Path], None]:
    return lambda folder, archive: archive.write_bytes(data)


ZIP_CASES = [
    ZipCase("absolute-member", _with_member("/tmp/evil.txt"), "absolute path"),
    ZipCase("dotdot-member", _with_member("../evil.txt"), "'..'"),
    ZipCase("nested-dotdot-member", _with_member("presets/../../evil.txt"), "'..'"),
    ZipCase("backslash-member", _with_member("..\\evil.txt"), "backslash"),
    ZipCase("drive-letter-member", _with_member("C:/evil.txt"), "absolute path"),
    ZipCase("dot-segment-member", _with_member("./pack2.yaml"), "'..', '.' or empty segment"),
    ZipCase("empty-segment-member", _with_member("presets//x.txt"), "'..', '.' or empty segment"),
    ZipCase("control-character-member", _with_member("presets/a\x07b.txt"), "control character"),
    ZipCase("symlink-member", _with_member(_typed("presets/link.png", stat.S_IFLNK), b"/etc/passwd"), "symbolic link"),
    ZipCase("fifo-member", _with_member(_typed("presets/fifo", stat.S_IFIFO)), "not a regular file"),
    ZipCase("device-member", _with_member(_typed("presets/dev", stat.S_IFCHR)), "not a regular file"),
    ZipCase("duplicate-member", _with_member(MANIFEST, b"schema_version: 1\n"), "duplicate member"),
    ZipCase("case-duplicate-member", _with_member("PACK.YAML"), "duplicate member"),
    ZipCase("file-under-a-file", _with_member(f"{PRESET}/notes.txt"), "a file and a folder of the same name"),
    ZipCase("file-named-like-a-folder", _with_member("presets"), "a file and a folder of the same name"),
    ZipCase("file-named-like-a-folder-entry", lambda f, a: rezip(f, a, extra=[("extra/", b""), ("EXTRA", b"x")]),
            "a file and a folder of the same name"),
    ZipCase("encrypted-member", _encrypted, "encrypted"),
    ZipCase("bzip2-member", lambda f, a: rezip(f, a, compression=zipfile.ZIP_BZIP2), "unsupported compression"),
    ZipCase("zip-bomb-member", _with_member("presets/zeros.bin", bytes(8 << 20)), "compression ratio"),
    ZipCase("corrupt-member", _corrupt, "corrupt"),
    ZipCase("not-a-zip", _bytes(b"PK\x03\x04 this is not really a zip archive"), "not a readable zip"),
    ZipCase("empty-file", _bytes(b""), "not a readable zip"),
    ZipCase("truncated-zip", _truncated, "not a readable zip"),
    ZipCase("too-many-members", lambda f, a: rezip(f, a), "members; a pack holds at most 5", PackLimits(max_files=5)),
    ZipCase("member-too-large", lambda f, a: rezip(f, a), "the limit per file is 1000",
            PackLimits(max_file_bytes=1000)),
    ZipCase("total-too-large", lambda f, a: rezip(f, a), "bytes uncompressed in all",
            PackLimits(max_total_bytes=100_000)),
]
