"""`hair-studio recolor` on real photos, folders and a video with the segmenter; bad inputs are clear errors
and leave nothing behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from studio.cli import main
from studio.images import read_rgb
from tests.conftest import require_shared
from tests.test_video import make_clip

PRESET = Path(__file__).resolve().parents[2] / "lut_presets" / "cherry-red.yaml"


@pytest.fixture
def portraits(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("Jackie_Chan_0010", "Charlotte_Rampling_0001"):
        shutil.copy(require_shared(f"data/portraits/dark/{name}.jpg"), folder)
    return folder


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """The first 12 frames of an LFW motion clip, re-encoded (512x512, 30 fps)."""
    capture = cv2.VideoCapture(str(require_shared("data/videos/lfw_motion_1/clip.mp4")))
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (512, 512))
    for _ in range(12):
        ok, frame = capture.read()
        assert ok
        writer.write(frame)
    writer.release()
    capture.release()
    return path


def test_a_folder_of_photos_is_recoloured_beside_them(portraits: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["recolor", str(portraits), "--preset", str(PRESET)]) == 0
    for source in sorted(portraits.glob("*_0*.jpg")):
        if source.stem.endswith(".recoloured"):
            continue
        out = source.with_name(f"{source.stem}.recoloured.jpg")
        before, after = read_rgb(source).astype(int), read_rgb(out).astype(int)
        assert before.shape == after.shape
        changed = np.abs(after - before).max(axis=2) > 40
        assert 0.02 < changed.mean() < 0.6  # the hair, not the whole picture
    assert "hair intensity" in capsys.readouterr().out


def test_several_photos_into_an_output_folder(portraits: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    photos = sorted(str(p) for p in portraits.iterdir())
    assert main(["recolor", *photos, "--preset", str(PRESET), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(p).name for p in photos)


def test_a_video_keeps_its_size_frame_rate_and_length(clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    assert main(["recolor", str(clip), "--preset", str(PRESET), "-o", str(out)]) == 0
    capture = cv2.VideoCapture(str(out))
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(30.0)
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (512, 512)
    frames = 0
    while capture.read()[0]:
        frames += 1
    assert frames == 12
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.avi", "out.mp4"]  # no temporary files left


def test_a_video_keeps_its_sound(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source, out = tmp_path / "talk.mp4", tmp_path / "talk-red.mp4"
    make_clip(source, size=(128, 96), frames=8)
    assert main(["recolor", str(source), "--preset", str(PRESET), "-o", str(out)]) == 0
    assert "sound copied (aac)" in capsys.readouterr().out
    with av.open(str(out)) as container:
        assert [s.type for s in container.streams] == ["video", "audio"]
        assert sum(1 for _ in container.decode(video=0)) == 8


@pytest.mark.parametrize("case", ["missing", "output-is-folder", "output-is-input", "no-output-folder", "not-a-video",
                                  "bad-camera", "mask-with-folder", "unknown-suffix"])
def test_bad_input_is_a_clear_error_and_writes_nothing(case: str, portraits: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture) -> None:
    photo = sorted(portraits.iterdir())[0]
    fake_video = tmp_path / "fake.mp4"
    fake_video.write_text("not a video")
    argv = {
        "missing": [str(tmp_path / "absent.jpg")],
        "output-is-input": [str(photo), "-o", str(photo)],
        "output-is-folder": [str(fake_video), "-o", str(portraits)],
        "no-output-folder": [str(photo), "-o", str(tmp_path / "nowhere" / "x.png")],
        "not-a-video": [str(fake_video), "-o", str(tmp_path / "x.mp4")],
        "bad-camera": ["camera:99", "-o", str(tmp_path / "x.mp4")],
        "mask-with-folder": [str(portraits), "--mask", str(photo)],
        "unknown-suffix": [str(tmp_path / "fake.mp4"), "-o", str(tmp_path / "x.txt")],
    }[case]
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["recolor", *argv, "--preset", str(PRESET)]) == 1
    assert capsys.readouterr().err.startswith("error: ")
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
