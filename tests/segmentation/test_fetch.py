"""Downloading and installing the model: verification, atomicity and error messages, against a local server."""

from __future__ import annotations

import hashlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio.segmentation import ModelError, load_manifest, models_dir
from studio.segmentation.fetch import fetch_model, install_model
from studio.segmentation.manifest import MODELS_DIR_VARIABLE, onnx_path, tflite_path

pytestmark = pytest.mark.shared

MANIFEST = load_manifest()


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves `routes` (path -> bytes); '/cut' announces the whole model but sends only half of it; '/trickle'
    sends it a byte every 0.2 s, '/slow' 20 kB every 0.1 s (fast enough never to stall, too slow to finish
    within a short deadline)."""

    routes: dict[str, bytes] = {}
    paces = {"/trickle": (1, 0.2), "/slow": (20_000, 0.1)}  # bytes per piece, seconds between pieces

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        if self.path in self.paces:
            body, (piece, pause) = self.routes["/good"], self.paces[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for start in range(0, min(len(body), 100 * piece), piece):  # at most 100 pieces: ends on its own
                self.wfile.write(body[start : start + piece])
                self.wfile.flush()
                time.sleep(pause)
            self.close_connection = True
            return
        if self.path == "/cut":
            body = self.routes["/good"]
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hangs up early on purpose in several tests (wrong size announced)


@pytest.fixture(scope="module")
def server(shared_model: Path) -> Iterator[str]:
    """Base URL of a local HTTP server on 127.0.0.1 serving good, corrupted and truncated copies."""
    good = shared_model.read_bytes()
    corrupted = bytearray(good)
    corrupted[len(good) // 2] ^= 0xFF
    _Handler.routes = {"/good": good, "/corrupted": bytes(corrupted), "/short": good[:100_000], "/long": good + b"x"}
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_good_copy_installs_and_converts(server: str, tmp_path: Path) -> None:
    result = fetch_model(url=f"{server}/good", dest_dir=tmp_path, progress=False)
    assert result == tmp_path / MANIFEST.onnx_file
    assert _files(tmp_path) == sorted([MANIFEST.tflite_file, MANIFEST.onnx_file])  # no temporary files left
    assert _sha256(tmp_path / MANIFEST.tflite_file) == MANIFEST.sha256
    # A verified copy is not downloaded again: even an unreachable URL then succeeds.
    assert fetch_model(url=f"{server}/missing", dest_dir=tmp_path, progress=False) == result


@pytest.mark.parametrize(
    ("route", "message"),
    [
        ("/corrupted", "SHA-256"),
        ("/short", "announces 100000 bytes"),
        ("/long", "announces 780589 bytes"),
        ("/cut", "truncated: 390294 of 780588 bytes"),
        ("/missing", "HTTP 404"),
    ],
)
def test_fetch_bad_download_leaves_nothing(server: str, tmp_path: Path, route: str, message: str) -> None:
    with pytest.raises(ModelError, match=message) as raised:
        fetch_model(url=f"{server}{route}", dest_dir=tmp_path, progress=False)
    assert f"{server}{route}" in str(raised.value)
    assert _files(tmp_path) == []


def test_failed_fetch_keeps_the_previous_file(server: str, tmp_path: Path) -> None:
    previous = tmp_path / MANIFEST.tflite_file
    previous.write_bytes(b"an older file")
    with pytest.raises(ModelError, match="SHA-256"):
        fetch_model(url=f"{server}/corrupted", dest_dir=tmp_path, progress=False)
    assert previous.read_bytes() == b"an older file"
    assert _files(tmp_path) == [MANIFEST.tflite_file]


def test_unreachable_server(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ModelError, match="cannot download .*models install --from"):
        fetch_model(url=f"http://127.0.0.1:{port}/model.tflite", dest_dir=tmp_path, progress=False)
    assert _files(tmp_path) == []


def test_silent_server_times_out(tmp_path: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/model.tflite"
        with pytest.raises(ModelError, match="timed out|stalled"):
            fetch_model(url=url, dest_dir=tmp_path, progress=False, timeout=0.5)
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    ("route", "limits", "message"),
    [
        ("/trickle", {"stall": 0.5}, r"stalled: \d+ bytes in the last [\d.]+ s"),
        ("/slow", {"deadline": 0.5}, "took longer than 0.5 s"),
    ],
)
def test_a_trickling_server_is_given_up_on(server: str, tmp_path: Path, route: str, limits: dict,
                                           message: str) -> None:
    """Every piece arrives well within the per-read timeout, so only an overall deadline and a stall limit end
    these downloads."""
    started = time.monotonic()
    with pytest.raises(ModelError, match=message) as raised:
        fetch_model(url=f"{server}{route}", dest_dir=tmp_path, progress=False, timeout=5, **limits)
    assert time.monotonic() - started < 3
    assert f"{server}{route}" in str(raised.value)
    assert _files(tmp_path) == []


def test_install_good_copy(shared_model: Path, tmp_path: Path) -> None:
    destination = tmp_path / "models"
    assert install_model(shared_model, dest_dir=destination) == destination / MANIFEST.onnx_file
    assert _files(destination) == sorted([MANIFEST.tflite_file, MANIFEST.onnx_file])
    assert _sha256(destination / MANIFEST.tflite_file) == MANIFEST.sha256


def test_install_missing_or_wrong_file(shared_model: Path, tmp_path: Path) -> None:
    destination = tmp_path / "models"
    missing = tmp_path / "nowhere.tflite"
    with pytest.raises(ModelError, match="no such file") as raised:
        install_model(missing, dest_dir=destination)
    assert str(missing) in str(raised.value)
    with pytest.raises(ModelError, match="not a file"):
        install_model(tmp_path, dest_dir=destination)
    small = tmp_path / "hair_segmentation.tflite"  # known by its name
    small.write_bytes(b"hello")
    with pytest.raises(ModelError, match="truncated: 5 of 780588 bytes") as raised:
        install_model(small, dest_dir=destination)
    assert str(small) in str(raised.value)
    unknown = tmp_path / "unknown.tflite"
    unknown.write_bytes(b"hello")
    with pytest.raises(ModelError, match=r"not one of the models this project uses \(hair_segmentation.tflite"):
        install_model(unknown, dest_dir=destination)
    tampered = tmp_path / "tampered.tflite"
    data = bytearray(shared_model.read_bytes())
    data[-1] ^= 0x01
    tampered.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="SHA-256 .* corrupted, or not the published model"):
        install_model(tampered, dest_dir=destination)
    assert _files(destination) == []


def test_models_dir_variable_is_respected(shared_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MODELS_DIR_VARIABLE, str(tmp_path / "elsewhere"))
    assert models_dir() == tmp_path / "elsewhere"
    assert tflite_path() == tmp_path / "elsewhere" / MANIFEST.tflite_file
    assert install_model(shared_model) == onnx_path() == tmp_path / "elsewhere" / MANIFEST.onnx_file
    assert onnx_path().is_file() and tflite_path().is_file()
    monkeypatch.delenv(MODELS_DIR_VARIABLE)
    assert models_dir() == Path(__file__).resolve().parents[2] / "models"
