"""The studio's state driven headless: load -> tune -> save -> reopen, undo/redo, wrong-order references,
missing files, masks, recent files, and the preview's background thread."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from studio.app import recent
from studio.app.baker import bake_recipe
from studio.app.preview import compose_preview, fit_box, letterbox, zoom_region
from studio.app.preview_worker import PreviewResult, PreviewSettings, PreviewStats, PreviewWorker
from studio.app.references import MaskChoice, default_mask_choice, make_mask, read_reference
from studio.app.segmenters import FixedMask
from studio.app.state import Studio, StudioStateError
from studio.bake import bake_preset
from studio.errors import PresetError, StudioError
from studio.images import write_image
from studio.lut_files import read_lut
from studio.pack import thumbnail, validate_pack
from studio.preset_writer import save_preset
from studio.runtime import Look, load_preset
from studio.runtime.preset import validate
from studio.sheet import default_test_image
from studio.sources import DropQueue, Frame
from tests.app.preview_results import next_result
from tests.conftest import require_shared


def _swatch(folder: Path, name: str, hair_level: int, size: int = 64) -> tuple[Path, Path]:
    """A test photo: a grey background with a square of hair at `hair_level`, and its mask file."""
    image = np.full((size, size, 3), 128, np.uint8)
    image[16:48, 16:48] = (hair_level, int(hair_level * 0.9), int(hair_level * 0.8))
    mask = np.zeros((size, size), np.uint8)
    mask[16:48, 16:48] = 255
    (folder / "masks").mkdir(exist_ok=True)
    write_image(folder / f"{name}.png", image)
    write_image(folder / "masks" / f"{name}.png", mask)
    return folder / f"{name}.png", folder / "masks" / f"{name}.png"


@pytest.fixture
def pair(tmp_path: Path) -> dict[str, Path]:
    """Dark and light swatch photos with masks in masks/."""
    return {"dark": _swatch(tmp_path, "dark", 30)[0], "light": _swatch(tmp_path, "light", 220)[0]}


def _loaded(pair: dict[str, Path]) -> Studio:
    studio = Studio()
    for role, path in pair.items():
        studio.set_reference(role, read_reference(path, default_mask_choice(path, segmenter_ready=False)))
    return studio


def test_load_tune_save_reopen_gives_the_identical_preset(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    studio.set_name("Copper test")
    studio.set_look("dark", target="#a0522d", strength=0.9)
    studio.set_look("light", target="#d2691e", shine=0.5, saturation=1.3)
    first = studio.save(tmp_path / "copper.yaml")
    assert not studio.dirty and validate(first) == []

    reopened = Studio()
    reopened.open(first)
    assert reopened.document.content() == studio.document.content()
    assert not reopened.dirty
    second = reopened.save(tmp_path / "again.yaml")
    assert load_preset(second) == load_preset(first)
    documents = [yaml.safe_load(path.read_text()) for path in (first, second)]
    for anchors in zip(documents[0]["anchors"], documents[1]["anchors"], strict=True):
        assert anchors[0]["sha256"] == anchors[1]["sha256"]
        assert anchors[0]["look"] == anchors[1]["look"] and anchors[0]["intensity"] == anchors[1]["intensity"]


def test_real_reference_photos_measure_and_save(tmp_path: Path) -> None:
    portraits = require_shared("data/portraits")
    studio = Studio()
    for role, name in (("dark", "celebahq_27866"), ("light", "celebahq_28066")):
        path = portraits / role / f"{name}.jpg"
        choice = default_mask_choice(path, segmenter_ready=False)
        assert choice.kind == "file"
        studio.set_reference(role, read_reference(path, choice))
    dark, light = studio.document.dark.reference, studio.document.light.reference
    assert dark.intensity < 0.15 < 0.5 < light.intensity
    assert 0.05 < dark.hair_fraction < 0.6 and 0.05 < light.hair_fraction < 0.6
    assert studio.warnings() == []
    assert validate(studio.save(tmp_path / "real.yaml")) == []


def test_undo_redo_of_every_edit(pair: dict[str, Path]) -> None:
    studio = Studio()
    assert not studio.can_undo and not studio.undo()
    studio.set_reference("dark", read_reference(pair["dark"], MaskChoice("whole")))
    studio.set_name("One")
    for value in (0.2, 0.3, 0.4):  # one slider drag: merges into a single step
        studio.set_look("light", strength=value)
    studio.end_edit()
    studio.set_look("light", strength=0.5)  # a second drag of the same slider: its own step
    studio.set_lut_size(17)
    studio.swap_references()
    assert studio.document.light.reference is not None and studio.document.dark.reference is None

    studio.undo()
    assert studio.document.dark.reference is not None
    studio.undo()
    assert studio.document.lut_size == 33
    studio.undo()
    assert studio.document.light.look.strength == 0.4
    studio.undo()
    assert studio.document.light.look.strength == 1.0
    studio.undo()
    assert studio.document.name == "Untitled"
    studio.undo()
    assert studio.document.dark.reference is None and not studio.can_undo

    assert studio.redo() and studio.redo()
    assert studio.document.name == "One"
    studio.set_description("new branch")
    assert not studio.can_redo and not studio.redo()


def test_dirty_follows_the_saved_content(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    assert studio.dirty and studio.title().endswith("* - Hair LUT Studio")
    studio.save(tmp_path / "p.yaml")
    studio.set_look("dark", texture=0.1)
    assert studio.dirty
    studio.undo()
    assert not studio.dirty
    studio.set_preview_mode("light")  # not an edit of the preset
    assert not studio.dirty and studio.preview_position() == 1.0


def test_wrong_order_references_warn_and_cannot_be_saved(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = Studio()
    studio.set_reference("dark", read_reference(pair["light"], MaskChoice("file", path=pair["light"].parent
                                                                          / "masks" / "light.png")))
    studio.set_reference("light", read_reference(pair["dark"], MaskChoice("file", path=pair["dark"].parent
                                                                          / "masks" / "dark.png")))
    assert any("not lighter" in warning for warning in studio.warnings())
    assert not studio.recipe().ordered
    with pytest.raises(StudioStateError, match="not lighter"):
        studio.save(tmp_path / "wrong.yaml")
    assert not (tmp_path / "wrong.yaml").exists()
    assert bake_recipe(studio.recipe()).recolorizer is None
    studio.swap_references()
    assert studio.warnings() == [] and studio.recipe().ordered
    assert validate(studio.save(tmp_path / "right.yaml")) == []


def test_missing_and_bad_files_raise_readable_errors(pair: dict[str, Path], tmp_path: Path) -> None:
    with pytest.raises(StudioError, match="file not found"):
        read_reference(tmp_path / "nope.png", MaskChoice("whole"))
    with pytest.raises(StudioError, match="file not found"):
        read_reference(pair["dark"], MaskChoice("file", path=tmp_path / "no_mask.png"))
    studio = Studio()
    with pytest.raises(PresetError, match="file not found"):
        studio.open(tmp_path / "missing.yaml")
    with pytest.raises(StudioStateError, match="no file yet"):
        studio.save()
    with pytest.raises(StudioStateError, match="load the dark reference"):
        studio.save(tmp_path / "p.yaml")
    with pytest.raises(StudioStateError, match="load the light reference"):
        studio.export_cube("light", tmp_path / "l.cube")
    empty = tmp_path / "empty.png"
    write_image(empty, np.zeros((64, 64), np.uint8))
    with pytest.raises(StudioStateError, match="no hair"):
        read_reference(pair["dark"], MaskChoice("file", path=empty))
    with pytest.raises(StudioStateError, match="a preset needs a name"):
        studio.set_name("  ")
    with pytest.raises(ValueError):
        studio.set_look("dark", strength=3.0)
    assert studio.document.dark.look == Look()


def test_presets_of_four_anchors_are_refused(tmp_path: Path) -> None:
    preset = bake_preset("Four", [(0.1, Look()), (0.4, Look()), (0.6, Look()), (0.9, Look())], size=17)
    save_preset(preset, tmp_path / "four.yaml")
    with pytest.raises(PresetError, match="two or three anchors"):
        Studio().open(tmp_path / "four.yaml")


def test_a_middle_reference_is_loaded_tuned_saved_and_reopened(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    middle = _swatch(tmp_path, "middle", 120)[0]
    studio.set_reference("middle", read_reference(middle, default_mask_choice(middle, segmenter_ready=False)))
    studio.set_look("middle", target="#a05030", texture=0.5)
    assert studio.recipe().ordered and [role for role, _ in studio.recipe().anchors()] == ["dark", "middle", "light"]
    studio.set_preview_mode("middle")
    assert studio.preview_position() == 1.0
    studio.set_preview_mode("light")
    assert studio.preview_position() == 2.0
    studio.save(tmp_path / "three.yaml")
    assert validate(tmp_path / "three.yaml") == []
    saved = load_preset(tmp_path / "three.yaml")
    assert [a.look.target for a in saved.anchors][1] == "#a05030" and len(saved.anchors) == 3
    reopened = Studio()
    reopened.open(tmp_path / "three.yaml")
    assert reopened.document.middle.look == studio.document.middle.look and not reopened.dirty
    assert reopened.preset().anchors[1].lut == studio.preset().anchors[1].lut
    reopened.clear_middle()
    assert reopened.dirty and len(reopened.preset().anchors) == 2
    reopened.undo()
    assert len(reopened.preset().anchors) == 3


def test_a_middle_reference_outside_the_pair_warns_and_cannot_be_saved(pair: dict[str, Path],
                                                                         tmp_path: Path) -> None:
    studio = _loaded(pair)
    too_light = _swatch(tmp_path, "too-light", 250)[0]
    studio.set_reference("middle", read_reference(too_light, default_mask_choice(too_light, segmenter_ready=False)))
    assert any("must lie between" in warning for warning in studio.warnings())
    with pytest.raises(StudioError, match="must lie between"):
        studio.save(tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()


def test_opened_preset_keeps_intensities_without_photos(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    studio.save(tmp_path / "p.yaml")
    studio.new()
    assert studio.document.dark.intensity is None and not studio.can_undo
    studio.open(tmp_path / "p.yaml")
    assert studio.document.dark.reference is None and studio.document.dark.intensity is not None
    assert studio.recipe().ordered


def test_export_cube_matches_the_baked_lut(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    studio.set_lut_size(17)
    studio.export_cube("dark", tmp_path / "dark")
    exported = read_lut(tmp_path / "dark.cube")
    expected = studio.preset().anchors[0].lut
    assert exported.size == 17 and np.allclose(exported.table, expected.table, atol=1e-5)


def test_export_pack_needs_a_saved_preset_and_builds_a_valid_pack(pair: dict[str, Path], tmp_path: Path) -> None:
    studio = _loaded(pair)
    with pytest.raises(StudioStateError, match="save the preset first"):
        studio.export_pack(tmp_path / "pack.zip")
    studio.save(tmp_path / "p.yaml")
    written = studio.export_pack(tmp_path / "pack")
    assert written == tmp_path / "pack.zip" and validate_pack(written) == []
    with zipfile.ZipFile(written) as archive:  # the thumbnail shows the project's swatches, not the artist's photos
        name = next(n for n in archive.namelist() if n.endswith("thumbnail.png"))
        shown = cv2.imdecode(np.frombuffer(archive.read(name), np.uint8), cv2.IMREAD_COLOR)
    expected = thumbnail(load_preset(tmp_path / "p.yaml"), *default_test_image())
    assert np.abs(cv2.cvtColor(shown, cv2.COLOR_BGR2RGB).astype(int) - expected).max() <= 1


def test_mask_choices() -> None:
    image = np.zeros((40, 60, 3), np.uint8)
    assert make_mask(image, MaskChoice("whole")).min() == 1.0
    box = make_mask(image, MaskChoice("rectangle", box=(50, 30, 10, 5)))  # corners in any order
    assert box.sum() == 40 * 25 and box[5:30, 10:50].all()
    with pytest.raises(StudioStateError, match="empty"):
        make_mask(image, MaskChoice("rectangle", box=(5, 5, 6, 30)))
    with pytest.raises(StudioStateError, match="segmenter is not available"):
        make_mask(image, MaskChoice("segmenter"))
    assert make_mask(image, MaskChoice("segmenter"), lambda frame: np.full(frame.shape[:2], 0.7)).max() == 0.7
    with pytest.raises(ValueError):
        MaskChoice("lasso")
    assert MaskChoice("rectangle", box=(1, 2, 11, 22)).describe() == "rectangle 10x20 at (1, 2)"


def test_default_mask_choice_prefers_a_mask_file(tmp_path: Path) -> None:
    photo, mask = _swatch(tmp_path, "swatch", 100)
    assert default_mask_choice(photo, segmenter_ready=True) == MaskChoice("file", path=mask)
    mask.unlink()
    assert default_mask_choice(photo, segmenter_ready=True).kind == "segmenter"
    assert default_mask_choice(photo, segmenter_ready=False).kind == "whole"


def test_recent_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(recent.CONFIG_DIR_VARIABLE, str(tmp_path / "config"))
    assert recent.load_recent() == []
    files = [tmp_path / f"p{i}.yaml" for i in range(recent.RECENT_LIMIT + 2)]
    for path in files:
        path.write_text("x")
        recent.remember(path)
    recent.remember(files[0])
    listed = recent.load_recent()
    assert listed[0] == files[0].resolve() and len(listed) == recent.RECENT_LIMIT
    files[-1].unlink()
    assert files[-1].resolve() not in recent.load_recent()
    recent.recent_file().write_text("{not json")
    assert recent.load_recent() == []


def test_preview_worker_recolours_hair_only_and_rerenders_on_change(pair: dict[str, Path]) -> None:
    studio = _loaded(pair)
    reference = studio.document.light.reference
    frames: DropQueue[Frame] = DropQueue(2)
    settings = PreviewSettings(recolorizer=bake_recipe(studio.recipe()).recolorizer, size=(64, 64))
    worker = PreviewWorker(frames, lambda: FixedMask(reference.mask), settings)
    try:
        frames.put(Frame(reference.image, 0, 1.0))
        first = next_result(worker)
        picture = (first.texture.reshape(64, 64, 3) * 255 + 0.5).astype(np.uint8)
        hair = reference.mask > 0.5
        assert np.abs(picture[hair].astype(int) - reference.image[hair]).max() > 20
        assert np.array_equal(picture[~hair], reference.image[~hair])
        assert first.intensity == pytest.approx(reference.intensity, abs=1e-6) and first.t == pytest.approx(1.0)
        assert set(first.timings) == {"capture", "segment", "recolour", "display"}

        version = worker.configure(split=1.0)  # all "before": no new frame, the last one is re-rendered
        second = next_result(worker)
        assert second.settings_version == version
        after = (second.texture.reshape(64, 64, 3) * 255 + 0.5).astype(np.uint8)
        assert np.array_equal(after[:, 1:], reference.image[:, 1:])  # column 0 shows the split line
    finally:
        worker.stop()


def test_a_held_worker_takes_no_new_frame_but_shows_new_settings_on_the_last(pair: dict[str, Path]) -> None:
    studio = _loaded(pair)
    reference = studio.document.light.reference
    frames: DropQueue[Frame] = DropQueue(2)
    held = [False]
    settings = PreviewSettings(recolorizer=bake_recipe(studio.recipe()).recolorizer, size=(64, 64))
    worker = PreviewWorker(frames, lambda: FixedMask(reference.mask), settings, hold=lambda: held[0])
    try:
        frames.put(Frame(reference.image, 0, 1.0))
        assert next_result(worker).frame_index == 0
        held[0] = True  # a look is baking
        time.sleep(0.2)  # the worker sees it (it waits for frames 20 ms at a time)
        frames.put(Frame(reference.image, 1, 1.0))
        version = worker.configure(split=1.0)  # a bake landed while the next one bakes (a slider drag)
        shown = next_result(worker)
        assert shown.settings_version == version and shown.frame_index == 0  # the last frame, new settings
        assert worker.results.get(timeout=0.3) is None  # and not the new frame
        held[0] = False
        assert next_result(worker).frame_index == 1
    finally:
        worker.stop()


def test_a_still_shown_before_the_segmenter_loads_is_recoloured_once_it_has(pair: dict[str, Path]) -> None:
    studio = _loaded(pair)
    reference = studio.document.light.reference
    frames: DropQueue[Frame] = DropQueue(2)
    loaded: list[FixedMask] = []
    settings = PreviewSettings(recolorizer=bake_recipe(studio.recipe()).recolorizer, size=(64, 64))
    worker = PreviewWorker(frames, lambda: loaded[0] if loaded else None, settings)
    try:
        frames.put(Frame(reference.image, 0, 1.0))  # one frame only, as a still image gives
        before = next_result(worker)
        assert before.mask is None and before.intensity is None
        loaded.append(FixedMask(reference.mask))  # the model has loaded
        after = next_result(worker)
        assert after.mask is not None and after.t == pytest.approx(1.0)
        picture = (after.texture.reshape(64, 64, 3) * 255 + 0.5).astype(np.uint8)
        hair = reference.mask > 0.5
        assert np.abs(picture[hair].astype(int) - reference.image[hair]).max() > 20
    finally:
        worker.stop()


def test_preview_pictures_and_stats() -> None:
    assert fit_box(720, 1280, 960, 540) == (0, 0, 960, 540)
    assert fit_box(512, 512, 960, 540) == (210, 0, 540, 540)
    boxed = letterbox(np.full((10, 20, 3), 200, np.uint8), 20, 20)
    assert boxed[:5].max() == 0 and boxed[5:15].min() == 200
    before, after = np.zeros((4, 8, 3), np.uint8), np.full((4, 8, 3), 90, np.uint8)
    picture = compose_preview(before, after, None, 0.0, overlay=True, size=(8, 4))
    assert np.array_equal(picture, after)
    assert np.array_equal(compose_preview(before, after, None, 0.5, False, (8, 4), before=True), before)  # A/B
    assert zoom_region(720, 1280, 2.0, (0.5, 0.5)) == (320, 180, 960, 540)
    assert zoom_region(720, 1280, 4.0, (0.0, 1.0)) == (0, 540, 320, 720)  # kept inside the frame
    ramp = np.tile(np.arange(8, dtype=np.uint8)[None, :, None] * 30, (4, 1, 3))
    zoomed = compose_preview(ramp, ramp, None, 0.0, False, (8, 4), region=zoom_region(4, 8, 2.0, (0.75, 0.5)))
    assert zoomed[:, 2:6].min() >= 4 * 30 - 15  # the right half of the ramp, enlarged
    stats = PreviewStats()
    assert stats.fps is None and stats.summary() == "FPS -"
    queue: DropQueue[int] = DropQueue(2)
    for item in range(5):
        queue.put(item)
    assert queue.dropped == 3 and queue.get(0) == 3 and queue.get(0) == 4 and queue.get(0) is None


def test_slow_frame_rates_read_right_and_a_still_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    stats = PreviewStats()
    result = PreviewResult(np.zeros(3, np.float32), 0, (1, 1), None, None, None,
                           {"capture": 1.0, "segment": 2.0, "recolour": 3.0, "display": 4.0}, 0)
    for _ in range(4):  # 0.5 frames a second: never two frames within the one-second window
        stats.record(result, 0.0)
        clock[0] += 2.0
    clock[0] -= 2.0
    assert stats.fps == pytest.approx(0.5)
    for _ in range(31):  # 30 frames a second
        clock[0] += 1 / 30
        stats.record(result, 0.0)
    assert stats.fps == pytest.approx(30.0)
    clock[0] += 10.0  # a still image: nothing new for ten seconds
    assert stats.fps is None and stats.summary().startswith("FPS - | capture 1.0 ms")


def test_a_frame_without_hair_shows_no_intensity_instead_of_the_last_one(pair: dict[str, Path]) -> None:
    studio = _loaded(pair)
    reference = studio.document.light.reference
    frames: DropQueue[Frame] = DropQueue(2)
    masks = iter([reference.mask, np.zeros_like(reference.mask)])
    settings = PreviewSettings(recolorizer=bake_recipe(studio.recipe()).recolorizer, size=(64, 64))

    class TwoMasks:
        def track(self, frame: np.ndarray) -> np.ndarray:
            return next(masks)

        def reset(self) -> None:
            pass

    segmenter = TwoMasks()
    worker = PreviewWorker(frames, lambda: segmenter, settings)
    try:
        frames.put(Frame(reference.image, 0, 1.0))
        assert next_result(worker).intensity is not None
        frames.put(Frame(reference.image, 1, 1.0))
        empty = next_result(worker)
        assert empty.frame_index == 1 and empty.intensity is None and empty.t is None
    finally:
        worker.stop()
