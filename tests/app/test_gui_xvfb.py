"""The real studio window under Xvfb: a video preview, two reference photos, the light target colour changed
through the UI's own callbacks, screenshots compared in the preview's hair and non-hair regions, and the
saved preset checked with `hair-studio preset validate`. Also the `hair-studio gui --screenshot` run."""

from __future__ import annotations

import hashlib
import os
import select
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from studio.app.recent import CONFIG_DIR_VARIABLE
from studio.images import read_rgb
from studio.sources import VideoSource
from tests.conftest import require_shared

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    """A display for Dear PyGui: the current one, or an Xvfb server started here (1600x1000)."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if shutil.which("Xvfb") is None:
        message = "Xvfb is not installed (apt-get install xvfb libgl1-mesa-dri libglx-mesa0)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    read_end, write_end = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten",
                               "tcp"], pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20.0)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number:
            pytest.fail("Xvfb did not start")
        os.environ["DISPLAY"] = f":{number}"
        yield os.environ["DISPLAY"]
    finally:
        os.environ.pop("DISPLAY", None)
        os.close(read_end)
        server.terminate()
        server.wait(timeout=10)


class GroundTruthSegmenter:
    """Serves the clip's ground-truth mask for each frame, recognised by its decoded bytes: the window then
    runs without the model, and the test knows exactly where the hair is."""

    provider = "ground truth (test)"

    def __init__(self, clip: Path, masks: Path) -> None:
        packed = np.load(masks)["masks"]
        truth = np.unpackbits(packed, axis=-1)[..., : packed.shape[-1] * 8].astype(np.float32)
        source = VideoSource(clip)
        self._masks = {self._key(source.read()): truth[index, :, : truth.shape[1]] for index in range(len(truth))}
        source.close()

    @staticmethod
    def _key(frame: np.ndarray) -> bytes:
        return hashlib.blake2b(frame.tobytes(), digest_size=16).digest()

    def segment(self, image: np.ndarray) -> np.ndarray:
        """The frame's ground-truth mask (zeros for an unknown frame)."""
        return self._masks.get(self._key(image), np.zeros(image.shape[:2], np.float32))

    track = segment

    def reset(self) -> None:
        """Nothing to forget."""


def _through_ui(item: int, value: object, app_data: object = None) -> None:
    """Set a widget's value and run its callback the way Dear PyGui does."""
    import dearpygui.dearpygui as dpg

    dpg.set_value(item, value)
    dpg.get_item_callback(item)(item, value if app_data is None else app_data, dpg.get_item_user_data(item))


def _preview_crop(view: object, screenshot: Path) -> np.ndarray:
    import dearpygui.dearpygui as dpg

    from studio.app.preview_panel import PREVIEW_SIZE

    x, y = (int(v) for v in dpg.get_item_rect_min(view.preview.image))
    right, bottom = (int(v) for v in dpg.get_item_rect_max(view.preview.image))
    drawn = read_rgb(screenshot)[y:bottom, x:right]  # the texture as drawn, scaled to the window
    return cv2.resize(drawn, PREVIEW_SIZE, interpolation=cv2.INTER_AREA).astype(np.int32)


def test_changing_the_light_colour_recolours_only_the_hair(display: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import dearpygui.dearpygui as dpg

    from studio.app.preview import letterbox
    from studio.app.preview_panel import PREVIEW_SIZE
    from studio.app.view import LaunchOptions, StudioView

    monkeypatch.setenv(CONFIG_DIR_VARIABLE, str(tmp_path / "config"))
    clip = require_shared("data/videos/lfw_motion_2/clip.mp4")  # from frame 90: Catherine Deneuve, fair hair
    portraits = require_shared("data/portraits")
    truth = GroundTruthSegmenter(clip, clip.parent / "masks.npz")
    view = StudioView(segmenter_factory=lambda: truth)
    try:
        view.start(LaunchOptions(source=str(clip), light=portraits / "light" / "celebahq_28066.jpg",
                                 dark=portraits / "dark" / "celebahq_27866.jpg"))
        assert view.wait_until(view.settled, 60), dpg.get_value(view.status_text)
        fair_hair_shown = lambda: view.preview_in_sync() and view.preview.last_result.mask.mean() > 0.13  # noqa: E731
        assert view.wait_until(fair_hair_shown, 60)
        stats = dpg.get_value(view.preview.frame_text)
        assert "t = " in stats and "ground truth (test)" in stats
        assert 0.3 < view.preview.last_result.t < 0.9  # automatic: between the dark and the light LUT
        assert "FPS" in dpg.get_value(view.preview.timing_text)
        assert view.studio.warnings() == []

        _through_ui(view.preview.mode_radio, "light LUT")
        for _ in range(3):  # pause on a fair-haired frame (the clip loops back to the first person)
            assert view.wait_until(fair_hair_shown, 30)
            _through_ui(view.preview.pause_box, True)
            view.wait_until(lambda: False, 0.5)  # frames already captured drain through the pipeline
            assert view.wait_until(view.preview_in_sync, 30)
            if fair_hair_shown():
                break
            _through_ui(view.preview.pause_box, False)
        frame = view.preview.last_result
        assert frame.t == 1.0 and frame.mask.mean() > 0.13
        view.screenshot(tmp_path / "before.png")

        _through_ui(view.panels["light"].colour, [32.0, 96.0, 255.0, 255.0], [32 / 255, 96 / 255, 1.0, 1.0])
        assert view.studio.document.light.look.target == "#2060ff"
        assert view.wait_until(view.preview_in_sync, 30)
        assert view.preview.last_result.frame_index == frame.frame_index
        view.screenshot(tmp_path / "after.png")

        mask = letterbox(frame.mask, *PREVIEW_SIZE)
        change = np.abs(_preview_crop(view, tmp_path / "after.png") - _preview_crop(view, tmp_path / "before.png"))
        change = change.sum(axis=-1)
        hair = mask > 0.99
        outside = cv2.dilate((mask > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
        assert hair.sum() > 2000 and outside.sum() > 100000
        assert np.median(change[hair]) > 60, "the hair did not change colour"
        assert change[outside].max() == 0, "pixels outside the hair changed"

        dpg.get_item_callback(view.menu_bar.undo_item)(view.menu_bar.undo_item, None, None)  # Edit > Undo
        assert view.studio.document.light.look.target != "#2060ff"
        dpg.get_item_callback(view.menu_bar.redo_item)(view.menu_bar.redo_item, None, None)
        assert view.studio.document.light.look.target == "#2060ff"

        view.save_as()
        dialog = [item for item in dpg.get_all_items() if dpg.get_item_type(item).endswith("mvFileDialog")][-1]
        preset = tmp_path / "blue.yaml"
        dpg.get_item_callback(dialog)(dialog, {"file_path_name": str(preset)}, None)
        assert view.studio.path == preset and not view.studio.dirty, dpg.get_value(view.status_text)
    finally:
        view.close()
    checked = subprocess.run([sys.executable, "-m", "studio", "preset", "validate", str(preset)],
                             capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith(": ok")


def test_gui_command_renders_frames_and_saves_a_screenshot(display: str, tmp_path: Path) -> None:
    videos = require_shared("data/videos")
    portraits = require_shared("data/portraits")
    screenshot = tmp_path / "studio.png"
    environment = dict(os.environ, **{CONFIG_DIR_VARIABLE: str(tmp_path / "config")})
    run = subprocess.run(
        [sys.executable, "-m", "studio", "gui", "--source", str(videos / "webcam" / "liveportrait_s32.mp4"),
         "--light", str(portraits / "light" / "celebahq_28066.jpg"),
         "--dark", str(portraits / "dark" / "celebahq_27866.jpg"), "--screenshot", str(screenshot), "--frames", "5"],
        capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "FPS" in run.stdout and read_rgb(screenshot).shape[1] >= 1280


def test_gui_without_the_model_shows_a_message_instead_of_crashing(display: str, tmp_path: Path) -> None:
    portraits = require_shared("data/portraits")
    screenshot = tmp_path / "no_model.png"
    environment = dict(os.environ, STUDIO_MODELS_DIR=str(tmp_path / "no_models"),
                       **{CONFIG_DIR_VARIABLE: str(tmp_path / "config")})
    still = portraits / "light" / "biden_official_portrait.jpg"  # no mask file beside it: needs the model
    run = subprocess.run(
        [sys.executable, "-m", "studio", "gui", "--source", str(still), "--screenshot", str(screenshot),
         "--frames", "3"], capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "none (model unavailable)" in run.stdout and screenshot.is_file()


def test_quick_ctrl_taps_run_their_shortcut_and_ctrl_e_exports_every_lut(display: str, tmp_path: Path) -> None:
    _scenario("quick_ctrl_taps", tmp_path)


def test_the_preview_fits_a_small_window_and_zooms_where_the_mouse_is(display: str, tmp_path: Path) -> None:
    _scenario("small_window_and_zoom", tmp_path)


def test_the_scopes_show_the_hair_and_the_eyedroppers_pick_target_colours(display: str, tmp_path: Path) -> None:
    _scenario("scopes_and_eyedroppers", tmp_path)


def test_a_saved_workspace_brings_back_the_references_and_source_in_a_new_session(display: str,
                                                                                   tmp_path: Path) -> None:
    _scenario("workspace_save", tmp_path)
    _scenario("workspace_reopen", tmp_path)  # a fresh process: nothing but the files on disk carries over


def test_the_preset_browser_shows_a_folder_compares_two_presets_and_opens_one(display: str, tmp_path: Path) -> None:
    _scenario("preset_browser", tmp_path)


def test_the_clip_strip_switches_sources_steps_frames_and_loops(display: str, tmp_path: Path) -> None:
    _scenario("clip_strip", tmp_path)


def test_a_picture_texture_is_replaced_in_every_item_that_shows_it(display: str, tmp_path: Path) -> None:
    _scenario("picture_texture", tmp_path)


def _scenario(name: str, tmp_path: Path) -> None:
    """Run a scenario of tests/app/gui_scenarios.py in its own process: Dear PyGui crashes at random when a
    second window is made in a process after the first was destroyed."""
    environment = dict(os.environ, **{CONFIG_DIR_VARIABLE: str(tmp_path / "config")})
    run = subprocess.run([sys.executable, "-m", "tests.app.gui_scenarios", name, str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
