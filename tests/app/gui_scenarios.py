"""Studio scenarios that need a window of their own, run by tests/app/test_gui_xvfb.py in a subprocess each
(`python -m tests.app.gui_scenarios NAME TMP_DIR`); a failed check exits non-zero with its message."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
SWATCHES = ROOT / "reference_images"
COPPER = ROOT / "lut_presets" / "copper.yaml"


def quick_ctrl_taps(tmp: Path) -> None:
    """Quick Ctrl taps run their shortcut; Ctrl+E exports every LUT; a lost Ctrl release is forgotten."""
    import dearpygui.dearpygui as dpg

    import studio.app.view
    from studio.app import dialogs
    from studio.app.view import LaunchOptions, StudioView

    chosen: list[str] = []

    def choose(title: str, extensions: list[str], on_chosen: object, **_: object) -> None:
        chosen.append(title)
        on_chosen(tmp / "copper.cube")

    studio.app.view.ask_file = choose
    view = StudioView(segmenter_factory=lambda: None)
    try:
        view.start(LaunchOptions(preset=COPPER, dark=SWATCHES / "dark.png", light=SWATCHES / "light.png"))
        assert view.wait_until(view.settled, 60)
        keys = view.menu_bar
        # A tap whose events are all handled after both keys are up again, as happens a frame later.
        keys.key_pressed(0, dpg.mvKey_LControl)
        keys.key_pressed(0, dpg.mvKey_E)
        keys.key_released(0, dpg.mvKey_E)
        keys.key_released(0, dpg.mvKey_LControl)
        written = sorted(p.name for p in tmp.glob("*.cube"))
        assert written == ["copper.dark.cube", "copper.light.cube"], written
        assert 'TITLE "Copper (dark)"' in (tmp / "copper.dark.cube").read_text()
        keys.key_pressed(0, dpg.mvKey_E)  # E alone, Ctrl already up: nothing
        assert len(chosen) == 1, chosen
        keys.key_pressed(0, dpg.mvKey_LControl)  # a Ctrl whose release the window never saw
        keys.settle_keys()
        keys.key_pressed(0, dpg.mvKey_E)
        assert len(chosen) == 1, chosen
        assert dialogs.file_filters([".png", ".jpg"]) == ["Supported (*.png *.jpg){.png,.jpg}", ".png", ".jpg", ".*"]
        keys.show_shortcuts()
        view.wait_until(lambda: False, 0.3)
        view.screenshot(tmp / "help.png")
    finally:
        view.close()


def small_window_and_zoom(tmp: Path) -> None:
    """The preview fits a 1280x720 window with its controls; zoom keeps the point under the mouse; pan stops
    at the frame's edge; the A/B toggle shows the frame unchanged."""
    import dearpygui.dearpygui as dpg

    from studio.app.preview import letterbox, to_texture
    from studio.app.view import PREVIEW_MARGINS, LaunchOptions, StudioView
    from studio.images import read_rgb

    view = StudioView(segmenter_factory=lambda: None)
    try:
        view.start(LaunchOptions(source=str(SWATCHES / "light.png"), source_mask=SWATCHES / "light_mask.png",
                                 preset=COPPER))
        assert view.wait_until(view.settled, 60) and view.wait_until(view.preview_in_sync, 60)
        view.preview.fit(1280 - PREVIEW_MARGINS[0], 720 - PREVIEW_MARGINS[1])  # as the resize callback does
        view.wait_until(lambda: False, 0.5)
        for item in (view.preview.image, view.preview.mode_radio, view.preview.timing_text):
            right, bottom = dpg.get_item_rect_max(item)
            assert right <= 1280 and bottom <= 720, (item, right, bottom)  # nothing falls off the window
        panel = view.preview
        panel.zoom_to(4.0, (0.25, 0.75))  # the anchor keeps its place on screen: (anchor - centre) * zoom stays
        assert panel._settings.zoom == 4.0 and np.allclose(panel._settings.centre, (0.3125, 0.6875))
        panel.pan(-10_000, 10_000)  # dragged far to the left and down: the view stops at the frame's corner
        assert np.allclose(panel._settings.centre, (0.875, 0.125)), panel._settings.centre
        panel.zoom_to(1.0)
        assert np.allclose(panel._settings.centre, (0.5, 0.5))
        panel.set_before(True)
        assert view.wait_until(view.preview_in_sync, 30)
        shown = view.preview.last_result.texture
        expected = to_texture(letterbox(read_rgb(SWATCHES / "light.png"), 960, 540))
        assert np.abs(shown - expected).max() < 1e-6  # A/B: the frame as it is
        view.screenshot(tmp / "small.png")
    finally:
        view.close()


if __name__ == "__main__":
    {"quick_ctrl_taps": quick_ctrl_taps, "small_window_and_zoom": small_window_and_zoom}[sys.argv[1]](Path(sys.argv[2]))
