"""Getting the hair model: download it (or take a local copy), verify its size and SHA-256 against the
manifest, keep it in `models_dir()`, and convert it to ONNX beside it.

Every file is written to a temporary name in its destination folder and renamed into place only once
complete and verified, so an interrupted or failed run never leaves a half-written or unverified model.
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from studio.atomic import atomic_path
from studio.digest import sha256_file
from studio.segmentation.convert import convert_tflite_to_onnx
from studio.segmentation.errors import ModelError
from studio.segmentation.manifest import (
    HAIR_MODEL,
    ModelManifest,
    all_manifests,
    load_manifest,
    manifest_path,
    models_dir,
)

__all__ = ["DOWNLOAD_DEADLINE_S", "DOWNLOAD_TIMEOUT_S", "STALL_BYTES", "STALL_S", "fetch_model", "install_model"]

DOWNLOAD_TIMEOUT_S = 30.0
"""Seconds to wait for the server to connect or to send the next piece."""

DOWNLOAD_DEADLINE_S = 600.0
"""Seconds the whole download may take (the model is 0.8 MB: about 1.3 kB/s at the least)."""

STALL_S = 60.0
"""Seconds in which the download must make STALL_BYTES of progress: a server trickling a byte now and then,
always within DOWNLOAD_TIMEOUT_S, is given up on too."""

STALL_BYTES = 16 * 1024

_CHUNK = 64 * 1024


def fetch_model(
    url: str | None = None,
    dest_dir: str | Path | None = None,
    progress: bool = True,
    timeout: float = DOWNLOAD_TIMEOUT_S,
    deadline: float = DOWNLOAD_DEADLINE_S,
    stall: float = STALL_S,
    model: str = HAIR_MODEL,
) -> Path:
    """Download `model` (one of manifest.MODELS; default: from its manifest's URL) into `dest_dir` (default
    `models_dir()`), verify it, convert it, and return the path of the .onnx. A verified .tflite already there
    is not downloaded again. Raises ModelError for network and HTTP failures, truncated downloads and a wrong
    size or hash, and for a download that waits `timeout` seconds for a piece, takes longer than `deadline`
    seconds in all (give or take one `timeout`), or gets less than STALL_BYTES in `stall` seconds."""
    manifest = load_manifest(manifest_path(model))
    url = url or manifest.url
    folder = _prepare(dest_dir)
    target = folder / manifest.tflite_file
    if not _already_verified(target, manifest):
        try:
            with atomic_path(target) as temp:
                with temp.open("wb") as sink:
                    digest, size = _download(url, sink, manifest, progress, _Limits(timeout, deadline, stall))
                _verify(size, digest, manifest, what=f"the download from {url}", path=None)
        except OSError as error:
            raise ModelError(f"cannot write the model: {error.strerror or error}", target) from None
    return _convert(target, folder, manifest)


def install_model(source: str | Path, dest_dir: str | Path | None = None) -> Path:
    """Verify a local copy of one of the models (recognised by its SHA-256) and install it into `dest_dir`
    (default `models_dir()`), then convert it; returns the path of the .onnx. Raises ModelError naming `source`
    when it is missing, unreadable, or none of the published models (wrong size or SHA-256)."""
    source = Path(source).expanduser()
    if not source.is_file():
        raise ModelError("no such file" if not source.exists() else "not a file", source)
    try:
        size, digest = source.stat().st_size, sha256_file(source)
    except OSError as error:
        raise ModelError(f"cannot read the model: {error.strerror or error}", source) from None
    manifest = _meant(source, size, digest)
    _verify(size, digest, manifest, what="this file", path=source)
    folder = _prepare(dest_dir)
    target = folder / manifest.tflite_file
    if not (target.exists() and target.resolve() == source.resolve()):
        try:
            with atomic_path(target) as temp:
                shutil.copyfile(source, temp)
                # Hash the copy, not only the original: the bytes that are kept are the ones vouched for.
                _verify(temp.stat().st_size, sha256_file(temp), manifest, what="the copy", path=target)
        except OSError as error:
            raise ModelError(f"cannot copy the model: {error.strerror or error}", target) from None
    return _convert(target, folder, manifest)


def _meant(source: Path, size: int, digest: str) -> ModelManifest:
    """The manifest `source` matches by hash, else the one of its file name or size (whose check then says
    what is wrong); ModelError when it resembles none of the models."""
    manifests = all_manifests()
    for matches in (lambda m: m.sha256 == digest, lambda m: m.tflite_file == source.name, lambda m: m.size == size):
        found = [manifest for manifest in manifests if matches(manifest)]
        if found:
            return found[0]
    known = ", ".join(f"{m.tflite_file} ({m.size} bytes)" for m in manifests)
    raise ModelError(f"not one of the models this project uses ({known}): {size} bytes, SHA-256 {digest}", source)


def _prepare(dest_dir: str | Path | None) -> Path:
    folder = Path(dest_dir).expanduser() if dest_dir is not None else models_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ModelError(f"cannot create the models folder: {error.strerror or error}", folder) from None
    return folder


def _convert(tflite: Path, folder: Path, manifest: ModelManifest) -> Path:
    onnx_file = folder / manifest.onnx_file
    convert_tflite_to_onnx(tflite, onnx_file)
    return onnx_file


def _already_verified(path: Path, manifest: ModelManifest) -> bool:
    try:
        return path.stat().st_size == manifest.size and sha256_file(path) == manifest.sha256
    except OSError:
        return False


@dataclass(frozen=True)
class _Limits:
    """How long a download may wait for one piece, take in all, and go without STALL_BYTES of progress (s)."""

    timeout: float
    deadline: float
    stall: float


class _Clock:
    """Tracks a download's progress against its _Limits; `check` raises ModelError when one is passed."""

    def __init__(self, url: str, limits: _Limits) -> None:
        self.url, self.limits = url, limits
        self.start = self.mark = time.monotonic()
        self.marked = 0

    def check(self, received: int) -> None:
        now = time.monotonic()
        if received - self.marked >= STALL_BYTES:
            self.mark, self.marked = now, received
        if now - self.start > self.limits.deadline:
            raise ModelError(f"the download from {self.url} took longer than {self.limits.deadline:g} s "
                             f"({received} bytes received): too slow; try again, or download the file another "
                             "way and run `hair-studio models install --from FILE`")
        if now - self.mark > self.limits.stall:
            raise ModelError(f"the download from {self.url} stalled: {received - self.marked} bytes in the last "
                             f"{now - self.mark:.1f} s ({received} in all)")


def _download(url: str, sink: BinaryIO, manifest: ModelManifest, progress: bool, limits: _Limits) -> tuple[str, int]:
    """Stream `url` into `sink`; returns (SHA-256 hex digest, bytes received)."""
    digest, received = hashlib.sha256(), 0
    request = urllib.request.Request(url, headers={"User-Agent": "hair-lut-studio"})
    clock = _Clock(url, limits)
    try:
        with urllib.request.urlopen(request, timeout=limits.timeout) as response:
            announced = response.headers.get("Content-Length")
            if announced is not None and announced.isdigit() and int(announced) != manifest.size:
                raise ModelError(
                    f"{url} announces {int(announced)} bytes but the model is {manifest.size} bytes: "
                    "not the published model (is the URL right?)"
                )
            with tqdm(
                total=manifest.size,
                unit="B",
                unit_scale=True,
                desc=manifest.tflite_file,
                disable=not progress,
                leave=False,
            ) as bar:
                # read1: whatever one receive brings, so the clock is checked as each piece arrives
                while chunk := response.read1(_CHUNK):
                    sink.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
                    clock.check(received)
                    if received > manifest.size:
                        break  # more than the model: _verify reports it; reading on could last forever
    except urllib.error.HTTPError as error:
        raise ModelError(f"cannot download {url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise ModelError(
            f"cannot download {url}: {_reason(error.reason)}. Check the network, or download the file "
            "another way and run `hair-studio models install --from FILE`"
        ) from None
    except http.client.IncompleteRead as error:
        received += len(error.partial)
        raise ModelError(f"the download from {url} was cut off after {received} of {manifest.size} bytes") from None
    except TimeoutError:
        raise ModelError(f"the download from {url} stalled for {limits.timeout:g} s after {received} bytes") from None
    except (ConnectionError, http.client.HTTPException) as error:
        raise ModelError(f"the download from {url} failed after {received} bytes: {error}") from None
    return digest.hexdigest(), received


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(getattr(reason, "strerror", None) or reason)


def _verify(size: int, digest: str, manifest: ModelManifest, what: str, path: Path | None) -> None:
    if size < manifest.size:
        problem = f"{what} is truncated: {size} of {manifest.size} bytes"
    elif size > manifest.size:
        problem = f"{what} is {size} bytes, but the model is {manifest.size} bytes: not the published model"
    elif digest != manifest.sha256:
        problem = (
            f"{what} has SHA-256 {digest}, but the manifest expects {manifest.sha256}: "
            "corrupted, or not the published model"
        )
    else:
        return
    raise ModelError(problem, path)

