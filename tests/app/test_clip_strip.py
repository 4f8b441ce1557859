"""The test-clip strip, headless: its list (adding, deduplicating, removing, the shown one), the loop range
asked for by the in/out entries, the frame label, and the strip kept in the saved workspace (old files without
one still load)."""

from __future__ import annotations

from pathlib import Path

import yaml

from studio.app.clip_strip import MAX_SOURCES, ClipStrip, frame_label, loop_from_entries
from studio.app.state import Studio
from studio.app.workspace import VERSION_KEY, SourceChoice, Workspace, read_workspace, write_workspace
from studio.sources import LoopRange


def _file(tmp_path: Path, name: str) -> SourceChoice:
    path = tmp_path / name
    path.write_bytes(b"x")
    return SourceChoice.from_spec(str(path))


def test_adding_keeps_one_entry_per_source_and_shows_the_added_one(tmp_path: Path) -> None:
    clip, still, camera = _file(tmp_path, "a.mp4"), _file(tmp_path, "b.png"), SourceChoice.from_spec("camera:0")
    strip = ClipStrip().add(clip).add(still).add(camera)
    assert strip.sources == (clip, still, camera) and strip.current == 2
    again = strip.add(SourceChoice.from_spec(str(tmp_path / "." / "a.mp4")))
    assert again.sources == strip.sources and again.current == 0  # the same file: no new entry, shown
    assert again.labels() == ["*1 a.mp4", "2 b.png", "3 camera 0"]
    assert again.add(SourceChoice.from_spec("0")) == strip  # a bare index is the same camera
    assert strip.pick(1) == still and strip.pick(3) is None and strip.pick(-1) is None


def test_removing_keeps_the_shown_one_shown_and_the_strip_is_bounded(tmp_path: Path) -> None:
    a, b, c = (_file(tmp_path, f"{n}.mp4") for n in "abc")
    strip = ClipStrip().add(a).add(b).add(c)  # c shown
    assert strip.remove(0) == ClipStrip((b, c), 1)
    assert strip.remove(2) == ClipStrip((a, b), None)
    assert strip.remove(7) == strip
    many = ClipStrip()
    for index in range(MAX_SOURCES + 2):
        many = many.add(SourceChoice(camera=index))
    assert len(many.sources) == MAX_SOURCES and many.sources[0] == SourceChoice(camera=2)
    assert many.current == MAX_SOURCES - 1


def test_the_loop_entries_are_ordered_clamped_and_a_whole_clip_is_no_loop() -> None:
    assert loop_from_entries(10, 40, 150) == LoopRange(10, 40)
    assert loop_from_entries(40, 10, 150) == LoopRange(10, 40)
    assert loop_from_entries(-5, 999, 150) is None
    assert loop_from_entries(100, 999, 150) == LoopRange(100, 149)
    assert loop_from_entries(3, 3, 0) is None  # unknown length: nothing to clamp to
    assert frame_label(15, 150, 30.0, LoopRange(10, 40)) == "frame 15 / 150  0.50 s  loop 10-40"
    assert frame_label(0, 0, 0.0) == "frame 0 / 0  0.00 s"


def test_the_strip_is_kept_in_the_workspace_and_old_files_still_load(tmp_path: Path) -> None:
    clip, still = _file(tmp_path, "clip.mp4"), _file(tmp_path, "still.png")
    studio = Studio()
    studio.note_source(str(clip.path))
    studio.note_source("camera:1")
    studio.note_source(str(still.path))
    studio.note_source(str(clip.path))  # back to the first: no duplicate
    assert studio.strip.sources == (clip, SourceChoice(camera=1), still) and studio.strip.current == 0
    path = studio.save_workspace(tmp_path / "mine.workspace.yaml")
    data = yaml.safe_load(path.read_text())
    assert data["sources"] == [{"file": "clip.mp4"}, {"camera": 1}, {"file": "still.png"}]
    assert data[VERSION_KEY] == 1
    reopened = Studio()
    reopened.open_workspace(path)
    assert reopened.strip.sources == studio.strip.sources

    old = tmp_path / "old.workspace.yaml"
    old.write_text(f"{VERSION_KEY}: 1\nsource: {{camera: 0}}\n")
    workspace, problems = read_workspace(old)
    assert problems == [] and workspace.sources == () and workspace.source == SourceChoice(camera=0)


def test_bad_strip_entries_are_problems_and_the_rest_loads(tmp_path: Path) -> None:
    clip = _file(tmp_path, "clip.mp4")
    path = tmp_path / "w.workspace.yaml"
    path.write_text(f"{VERSION_KEY}: 1\nsources: [{{file: clip.mp4}}, {{camera: -1}}, {{file: gone.mp4}}, "
                    f"{{file: clip.mp4}}]\n")
    workspace, problems = read_workspace(path)
    assert workspace.sources == (clip, SourceChoice(path=(tmp_path / "gone.mp4").resolve()))  # deduplicated
    assert any("camera" in p for p in problems) and any("gone.mp4 is missing" in p for p in problems)
    path.write_text(f"{VERSION_KEY}: 1\nsources: {{file: clip.mp4}}\n")
    assert read_workspace(path)[1] == ["sources: expected a list of sources, not {'file': 'clip.mp4'}"]
    assert write_workspace(Workspace(), tmp_path / "empty.workspace.yaml").read_text().count("sources") == 0
