"""studio.video: frames through a function with their size and timestamps kept, the sound carried along."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from studio.errors import StudioError
from studio.video import VideoWriter, open_output, probe, recolour_video


def make_clip(path: Path, size: tuple[int, int] = (96, 64), frames: int = 10, rate: int = 25,
              audio_codec: str | None = "aac") -> None:
    """A clip of `frames` frames (a moving bar), with a 440 Hz tone in `audio_codec` (None: silent)."""
    width, height = size
    with open_output(path) as container:
        video = VideoWriter(container, rate, width, height)
        audio = container.add_stream(audio_codec, rate=44100, layout="mono") if audio_codec else None
        for index in range(frames):
            picture = np.zeros((height, width, 3), np.uint8)
            picture[:, (index * 7) % width] = (200, 120, 40)
            video.write(picture)
        if audio is not None:
            samples = 44100 * frames // rate
            tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(samples) / 44100)).astype(np.float32)
            layout = "fltp" if audio_codec == "aac" else "s16"
            data = tone[None] if layout == "fltp" else (tone * 32767).astype(np.int16)[None]
            frame = av.AudioFrame.from_ndarray(data, format=layout, layout="mono")
            frame.sample_rate, frame.pts = 44100, 0
            container.mux(audio.encode(frame))
            container.mux(audio.encode(None))
        video.finish()


def streams(path: Path) -> list[tuple[str, str, float]]:
    with av.open(str(path)) as container:
        return [(s.type, s.codec_context.name, float(s.duration * s.time_base) if s.duration else 0.0)
                for s in container.streams]


def test_frames_pass_through_with_their_size_count_and_rate_and_the_sound_is_copied(tmp_path: Path) -> None:
    source, output = tmp_path / "in.mp4", tmp_path / "out.mp4"
    make_clip(source)
    seen: list[tuple[int, ...]] = []

    def invert(rgb: np.ndarray) -> np.ndarray:
        seen.append(rgb.shape)
        return 255 - rgb

    info = recolour_video(source, output, invert)
    assert info.audio == ("aac",) and (info.width, info.height, info.fps) == (96, 64, 25.0)
    assert seen == [(64, 96, 3)] * 10
    out = probe(output)
    assert (out.width, out.height, out.fps, out.frames) == (96, 64, 25.0, 10)
    before, after = streams(source), streams(output)
    assert [s[:2] for s in after] == [("video", "h264"), ("audio", "aac")]
    assert after[1][2] == pytest.approx(before[1][2])  # the same sound, packet for packet
    with av.open(str(output)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert first.mean() > 200  # inverted: mostly white


def test_sound_the_container_cannot_hold_is_re_encoded_to_aac(tmp_path: Path) -> None:
    source, output = tmp_path / "in.mov", tmp_path / "out.mp4"
    make_clip(source, audio_codec="pcm_mulaw")  # MP4 cannot hold mu-law
    assert streams(source)[1][1] == "pcm_mulaw"
    recolour_video(source, output, lambda rgb: rgb)
    kinds = streams(output)
    assert [s[:2] for s in kinds] == [("video", "h264"), ("audio", "aac")]
    assert kinds[1][2] == pytest.approx(0.4, abs=0.05)


def test_odd_sizes_and_silent_clips_work(tmp_path: Path) -> None:
    source, output = tmp_path / "in.mkv", tmp_path / "out.mkv"
    make_clip(source, size=(33, 21), frames=3, audio_codec=None)
    info = recolour_video(source, output, lambda rgb: rgb)
    assert info.audio == () and probe(output).frames in (3, None)
    assert (probe(output).width, probe(output).height) == (33, 21)


def test_a_file_that_is_not_a_video_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\\x00" * 100)
    with pytest.raises(StudioError, match="not a readable video") as error:
        probe(junk)
    assert error.value.path == junk
    assert str(error.value) == f"{junk}: not a readable video (Invalid data found when processing input)"
    clip = tmp_path / "clip.mp4"
    make_clip(clip, frames=2)
    with pytest.raises(StudioError, match="video suffix"):
        recolour_video(clip, tmp_path / "out.txt", lambda rgb: rgb)


def test_a_writer_without_timestamps_spaces_frames_by_the_rate(tmp_path: Path) -> None:
    path = tmp_path / "camera.mp4"
    make_clip(path, frames=6, rate=Fraction(30000, 1001), audio_codec=None)  # type: ignore[arg-type]
    assert probe(path).fps == pytest.approx(29.97, abs=0.01)
