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

    import studio.app.file_actions
    from studio.app import dialogs
    from studio.app.view import LaunchOptions, StudioView

    chosen: list[str] = []

    def choose(title: str, extensions: list[str], on_chosen: object, **_: object) -> None:
        chosen.append(title)
        on_chosen(tmp / "copper.cube")

    studio.app.file_actions.ask_file = choose
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
        shown = (view.preview.image, view.preview.mode_radio, view.preview.timing_text, view.tools.scopes.use_button)
        for item in shown:
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


def scopes_and_eyedroppers(tmp: Path) -> None:
    """Ctrl+K shows the scopes of the hair before and after; the live hair's colour becomes the light target
    through its button; the dark eyedropper picks a 5x5 average from the preview, the light one from a reference
    photo, each through the window's own click handler with the mouse put over the picture."""
    import dearpygui.dearpygui as dpg

    from studio.app.scopes import oklab
    from studio.app.view import LaunchOptions, StudioView
    from studio.images import read_mask, read_rgb
    from studio.runtime.look_settings import to_hex

    still, mask = read_rgb(SWATCHES / "light.png"), read_mask(SWATCHES / "light_mask.png", (512, 512))
    view = StudioView(segmenter_factory=lambda: None)
    try:
        view.start(LaunchOptions(source=str(SWATCHES / "light.png"), source_mask=SWATCHES / "light_mask.png",
                                 preset=COPPER, dark=SWATCHES / "dark.png", light=SWATCHES / "light.png"))
        assert view.wait_until(view.settled, 60) and view.wait_until(view.preview_in_sync, 60)
        tools, keys = view.tools, view.menu_bar
        assert not dpg.is_item_shown(tools.scopes.group)
        keys.key_pressed(0, dpg.mvKey_LControl)
        keys.key_pressed(0, dpg.mvKey_K)
        keys.key_released(0, dpg.mvKey_K)
        keys.key_released(0, dpg.mvKey_LControl)
        assert tools.scopes.shown and dpg.is_item_shown(tools.scopes.group)
        measured = lambda: tools.scopes.hair is not None and tools.scopes.hair.lightness is not None  # noqa: E731
        assert view.wait_until(measured, 30), "the scopes never came"

        # The histogram as plotted: the hair's own lightness before, the copper look's after.
        hair = mask >= 0.5
        before_l = float(np.average(oklab(still[hair])[:, 0], weights=mask[hair]))
        xs, before = dpg.get_value(tools.scopes.series["before"][1])[:2]
        _, after = dpg.get_value(tools.scopes.series["after"][1])[:2]
        assert abs(sum(before) - 100.0) < 0.5 and abs(sum(after) - 100.0) < 0.5  # percent of the hair
        assert abs(float(np.average(xs[: len(before)], weights=before[: len(xs)])) - before_l) < 0.02
        lab = tools.scopes.hair.mean_lab
        assert np.hypot(*lab[1, 1:]) > np.hypot(*lab[0, 1:]) + 0.05  # copper: the colour lands well out
        for role in ("dark", "light"):
            assert dpg.get_item_configuration(tools.scopes.markers[role][0])["show"]
        assert not dpg.get_item_configuration(tools.scopes.markers["middle"][0])["show"]

        # The live hair's mean colour, to the light look (the frame is the light reference itself).
        expected = (mask[hair] @ still[hair].astype(np.float64)) / mask[hair].sum()
        shown = dpg.get_value(tools.scopes.hex_text)
        assert np.abs(np.array([int(shown[i:i + 2], 16) for i in (1, 3, 5)]) - expected).max() <= 2, shown
        button = tools.scopes.use_button
        assert dpg.get_item_label(button) == "Use as light target"
        dpg.get_item_callback(button)(button, None, None)
        assert view.studio.document.light.look.target == shown
        view.screenshot(tmp / "scopes.png")

        # The dark eyedropper, armed with its Pick button, then a click on the middle of the preview.
        pick = view.panels["dark"].pick_button
        dpg.get_item_callback(pick)(pick, None, None)
        assert dpg.get_item_label(pick) == "Picking" and tools.eyedropper.armed == "dark"
        (left, top), (right, bottom) = (dpg.get_item_rect_min(view.preview.image),
                                        dpg.get_item_rect_max(view.preview.image))
        _click_at(view, view.preview.image, ((left + right) / 2, (top + bottom) / 2))  # the frame's middle
        assert view.studio.document.dark.look.target == to_hex(still[254:259, 254:259].reshape(-1, 3).mean(0) / 255)
        assert dpg.get_item_label(pick) == "Pick" and tools.eyedropper.armed is None

        # The light one with Ctrl+L, on the light reference photo's thumbnail, 10 pixels in from its corner.
        keys.key_pressed(0, dpg.mvKey_LControl)
        keys.key_pressed(0, dpg.mvKey_L)
        assert tools.eyedropper.armed == "light"
        thumb = view.panels["light"].drawlist
        corner = dpg.get_item_rect_min(thumb)
        _click_at(view, thumb, (corner[0] + 10, corner[1] + 10))  # the 512-pixel photo fills the 168 thumbnail
        x = y = int(10 / 168 * 512)
        expected_hex = to_hex(still[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).mean(0) / 255)
        assert view.studio.document.light.look.target == expected_hex, (view.studio.document.light.look.target,
                                                                         expected_hex)
        view.undo()
        assert view.studio.document.light.look.target == shown  # one undo step per pick
        view.wait_until(view.preview_in_sync, 30)
        view.screenshot(tmp / "picked.png")
    finally:
        view.close()


def workspace_save(tmp: Path) -> None:
    """Session 1 of 2: reference photos loaded through their Load photo dialogs (masks found beside them), a still
    with its mask as the source, zoom, scopes and "preview as light"; File > Save as writes the preset and its
    workspace beside it, the photos inside the folder relative, the source outside it absolute."""
    import shutil

    import dearpygui.dearpygui as dpg
    import yaml

    from studio.app.view import LaunchOptions, StudioView

    refs = tmp / "refs"
    refs.mkdir()
    for name in ("dark.png", "dark_mask.png", "light.png", "light_mask.png"):
        shutil.copy(SWATCHES / name, refs / name)
    view = StudioView(segmenter_factory=lambda: None)
    try:
        view.start(LaunchOptions(preset=COPPER, source=str(SWATCHES / "middle.png"),
                                 source_mask=SWATCHES / "middle_mask.png"))
        assert view.wait_until(view.settled, 60)
        for role in ("dark", "light"):
            view.panels[role]._ask_photo()  # the Load photo... button's callback
            _choose_in_dialog(refs / f"{role}.png")
        loaded = lambda: view.settled() and all(view.studio.document.slot(r).reference for r in ("dark", "light"))  # noqa: E731
        assert view.wait_until(loaded, 60)
        view.preview.zoom_to(2.0)
        view.tools.show_scopes(True)
        view.set_preview_mode("light")
        assert view.wait_until(view.preview_in_sync, 60)
        view.save_as()  # File > Save as...
        _choose_in_dialog(tmp / "mine.yaml")
        status = dpg.get_value(view.status_text)
        assert status == f"Saved {tmp / 'mine.yaml'} and its workspace.", status
        data = yaml.safe_load((tmp / "mine.workspace.yaml").read_text())
        assert data["preset"] == "mine.yaml"
        assert data["references"] == {"dark": {"photo": "refs/dark.png", "mask": {"file": "refs/dark_mask.png"}},
                                      "light": {"photo": "refs/light.png", "mask": {"file": "refs/light_mask.png"}}}
        assert data["source"] == {"file": str((SWATCHES / "middle.png").resolve()),
                                  "mask": str((SWATCHES / "middle_mask.png").resolve())}
        assert data["view"] == {"preview_as": "light", "zoom": 2.0, "scopes": True}
        view.screenshot(tmp / "saved.png")
    finally:
        view.close()


def workspace_reopen(tmp: Path) -> None:
    """Session 2 of 2, a fresh process: File > Open on the preset brings back the reference photos with their
    masks, the source, the zoom, the scopes and "preview as"; the dialogs open in the folders session 1 chose."""
    import dearpygui.dearpygui as dpg

    from studio.app import recent
    from studio.app.references import MaskChoice
    from studio.app.view import StudioView

    refs = (tmp / "refs").resolve()
    assert recent.start_folder("preset") == tmp.resolve() and recent.start_folder("photo") == refs
    view = StudioView(segmenter_factory=lambda: None)
    try:
        recent_items = dpg.get_item_children(view.menu_bar.recent_menu, 1)
        assert str((tmp / "mine.yaml").resolve()) in [dpg.get_item_label(item) for item in recent_items]
        assert view.studio.document.dark.reference is None
        view.open_dialog()  # File > Open...
        _choose_in_dialog(tmp / "mine.yaml")
        restored = lambda: view._restoring is None and view.settled() and view.preview_in_sync()  # noqa: E731
        assert view.wait_until(restored, 60), dpg.get_value(view.status_text)
        document = view.studio.document
        for role in ("dark", "light"):
            reference = document.slot(role).reference
            assert reference is not None, role
            assert reference.path == refs / f"{role}.png"
            assert reference.mask_choice == MaskChoice("file", path=refs / f"{role}_mask.png")
            assert reference.hair_fraction < 0.9  # the mask file's, not the whole image
            assert document.slot(role).intensity == reference.intensity
        assert not view.studio.dirty and not view.studio.can_undo
        assert view.preview.description == "image middle.png + mask file", view.preview.description
        assert view.preview.zoom == 2.0 and view.tools.scopes.shown and view.studio.preview_mode == "light"
        assert dpg.get_value(view.preview.mode_radio) == "light LUT"
        status = dpg.get_value(view.status_text)
        assert status.startswith(f"Opened {tmp / 'mine.yaml'} with its workspace (dark reference, light reference,"
                                 f" source "), status
        view.screenshot(tmp / "reopened.png")
    finally:
        view.close()


def preset_browser(tmp: Path) -> None:
    """Ctrl+G opens the preset browser on the opened preset's folder, thumbnails rendered on the live frame
    (a still with its mask); a preset that cannot be loaded is an error tile; compare mode shows two presets
    side by side; a click on a thumbnail opens that preset as File > Open does."""
    import shutil

    import dearpygui.dearpygui as dpg

    from studio.app.browser import THUMB_SIZE
    from studio.app.view import LaunchOptions, StudioView

    presets = tmp / "presets"
    presets.mkdir()
    for name in ("copper", "midnight-blue", "platinum"):
        for path in COPPER.parent.glob(f"{name}.*"):
            shutil.copy(path, presets / path.name)
    (presets / "broken.yaml").write_text("schema_version: 1\nname: Broken\nanchors: []\n")
    view = StudioView(segmenter_factory=lambda: None)
    try:
        view.start(LaunchOptions(source=str(SWATCHES / "middle.png"), source_mask=SWATCHES / "middle_mask.png",
                                 preset=presets / "copper.yaml"))
        assert view.wait_until(view.settled, 60) and view.wait_until(view.preview_in_sync, 60)
        browser, keys = view.browser, view.menu_bar
        assert not browser.shown
        keys.key_pressed(0, dpg.mvKey_LControl)
        keys.key_pressed(0, dpg.mvKey_G)
        keys.key_released(0, dpg.mvKey_G)
        keys.key_released(0, dpg.mvKey_LControl)
        assert browser.shown
        assert view.wait_until(lambda: browser.page is not None and not view.tasks.busy, 60), \
            dpg.get_value(browser.folder_text)
        labels = [tile.entry.label for tile in browser.page.tiles]
        assert labels == ["Copper", "Midnight Blue", "Platinum", "broken.yaml"], labels
        assert browser.page.rendered_on == "the live frame" and browser.folder == presets
        assert "4 preset(s), 1 cannot be loaded" in dpg.get_value(browser.folder_text)
        assert len(browser.buttons) == 4
        blue = browser.page.tiles[1].picture.astype(int)
        assert np.abs(blue - browser.page.tiles[0].picture).sum(axis=-1).max() > 100  # two looks, two pictures
        view.step(draw=True)
        view.step(draw=True)
        size = dpg.get_item_rect_size(browser.buttons[0])
        assert size[0] >= THUMB_SIZE[0], size

        dpg.get_item_callback(browser.buttons[3])(browser.buttons[3], None, None)  # the broken tile
        assert "broken.yaml cannot be loaded" in dpg.get_value(view.status_text)
        assert view.studio.document.name == "Copper"

        _set_checkbox(browser.compare_box, True)
        dpg.get_item_callback(browser.buttons[1])(browser.buttons[1], None, None)
        assert view.wait_until(lambda: dpg.is_item_shown(browser.compare_group) and not view.tasks.busy, 30)
        assert dpg.get_value(browser.compare_text).endswith("Right: Midnight Blue")
        assert view.studio.document.name == "Copper"  # compare mode opens nothing
        view.wait_until(lambda: False, 0.3)
        view.screenshot(tmp / "browser.png")

        _set_checkbox(browser.compare_box, False)
        dpg.get_item_callback(browser.buttons[2])(browser.buttons[2], None, None)  # Platinum
        assert view.studio.document.name == "Platinum" and view.studio.path == presets / "platinum.yaml"
        assert not view.studio.dirty
        view.studio.set_name("Platinum, edited")  # unsaved: a click asks first, as File > Open does
        dpg.get_item_callback(browser.buttons[0])(browser.buttons[0], None, None)
        assert view.studio.document.name == "Platinum, edited"
        question = [w for w in dpg.get_all_items() if dpg.get_item_type(w).endswith("mvWindowAppItem")
                    and dpg.get_item_label(w) == "Unsaved changes"]
        assert question, "no unsaved-changes question"
        discard = next(b for b in dpg.get_item_children(question[-1], 1) + _buttons_in(question[-1])
                       if dpg.get_item_label(b) == "Discard")
        dpg.get_item_callback(discard)(discard, None, None)
        assert view.studio.document.name == "Copper" and not view.studio.dirty
    finally:
        view.close()


def clip_strip(tmp: Path) -> None:
    """Two sources join the clip strip (a video and a still); its buttons switch between them; a paused video
    steps a frame with Ctrl+. and its button, and plays inside the loop range set in the in/out entries."""
    import cv2
    import dearpygui.dearpygui as dpg

    from studio.app.view import LaunchOptions, StudioView

    clip = tmp / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for index in range(20):
        writer.write(np.full((48, 64, 3), 10 * index, np.uint8))
    writer.release()
    view = StudioView(segmenter_factory=_NoHair)
    try:
        view.start(LaunchOptions(source=str(clip)))
        panel, strip = view.preview, view.preview.strip
        is_video = lambda: panel.capture is not None and panel.capture.video is not None  # noqa: E731
        assert view.wait_until(view.settled, 60) and view.wait_until(is_video, 30)
        panel.open(str(SWATCHES / "middle.png"), SWATCHES / "middle_mask.png")
        assert view.wait_until(lambda: panel.capture is not None and not is_video(), 30)
        view.step(draw=True)
        labels = [dpg.get_item_label(b) for b in strip.clip_buttons]
        assert labels == ["1 clip.avi", "*2 middle.png"], labels
        assert not dpg.is_item_shown(strip.video_row)  # no frame controls for a still
        dpg.get_item_callback(strip.clip_buttons[0])(strip.clip_buttons[0], None, None)  # one click: the clip
        assert view.wait_until(is_video, 30)
        view.step(draw=True)
        assert dpg.is_item_shown(strip.video_row)
        assert [dpg.get_item_label(b) for b in strip.clip_buttons] == ["*1 clip.avi", "2 middle.png"]
        _set_checkbox(panel.pause_box, True)
        view.wait_until(lambda: False, 0.3)
        video = panel.capture.video
        shown = video.shown
        keys = view.menu_bar
        keys.key_pressed(0, dpg.mvKey_LControl)
        keys.key_pressed(0, dpg.mvKey_Period)  # Ctrl+. : the next frame
        keys.key_released(0, dpg.mvKey_Period)
        keys.key_released(0, dpg.mvKey_LControl)
        expected = (shown + 1) if shown < 19 else 19
        assert view.wait_until(lambda: video.shown == expected, 10), (shown, video.shown)
        dpg.get_item_callback(strip.back_button)(strip.back_button, None, None)
        assert view.wait_until(lambda: video.shown == expected - 1, 10), video.shown
        view.wait_until(lambda: False, 0.2)
        assert dpg.get_value(strip.frame_text).startswith(f"frame {expected - 1} / 20"), dpg.get_value(strip.frame_text)
        dpg.set_value(strip.in_input, 12)
        dpg.set_value(strip.out_input, 15)
        dpg.get_item_callback(strip.loop_button)(strip.loop_button, None, None)
        _set_checkbox(panel.pause_box, False)
        seen: set[int] = set()
        view.wait_until(lambda: seen.add(video.shown) or len(seen) > 6, 3)
        assert {v for v in seen if v >= 0} <= set(range(12, 16)) | {expected - 1}, seen
        assert set(range(12, 16)) <= seen, seen
        assert "loop 12-15" in dpg.get_value(strip.frame_text)
        assert dpg.get_value(view.status_text).startswith("Previewing video clip.avi"), dpg.get_value(view.status_text)
        view.screenshot(tmp / "clip_strip.png")
    finally:
        view.close()


class _NoHair:
    """A segmenter that finds no hair (the clip strip's scenario needs frames, not masks)."""

    provider = "none (test)"

    def segment(self, image: np.ndarray) -> np.ndarray:
        return np.zeros(image.shape[:2], np.float32)

    track = segment

    def reset(self) -> None:
        pass


def picture_texture(tmp: Path) -> None:
    """A PictureTexture shown by an image, an image button and a drawlist: after `show`, all three draw the new
    picture, the old texture is gone, and an item deleted meanwhile is skipped."""
    import dearpygui.dearpygui as dpg
    import imageio.v3 as iio

    from studio.app.textures import PictureTexture

    def plain(colour: tuple[int, int, int]) -> np.ndarray:
        return np.full((32, 48, 3), colour, np.uint8)

    dpg.create_context()
    dpg.create_viewport(width=400, height=300)
    dpg.setup_dearpygui()
    texture = PictureTexture(48, 32, plain((255, 0, 0)))
    first = texture.tag
    with dpg.window(width=390, height=290):
        texture.add_image(width=48, height=32)
        gone = texture.add_image_button(width=48, height=32)
        with dpg.drawlist(width=48, height=32):
            texture.draw_image((0, 0), (48, 32))
    dpg.show_viewport()

    def drawn(name: str) -> tuple[int, int]:
        for _ in range(4):
            dpg.render_dearpygui_frame()
        dpg.output_frame_buffer(str(tmp / name))
        for _ in range(3):  # the frame buffer is written during a later frame
            dpg.render_dearpygui_frame()
        pixels = iio.imread(tmp / name)[..., :3].astype(int)
        red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60) & (pixels[..., 2] < 60)
        green = (pixels[..., 1] > 200) & (pixels[..., 0] < 60) & (pixels[..., 2] < 60)
        return int(red.sum()), int(green.sum())

    red, green = drawn("red.png")
    assert red >= 3 * 48 * 32 - 200 and green == 0, (red, green)
    dpg.delete_item(gone)
    texture.show(plain((0, 255, 0)))
    red, green = drawn("green.png")
    assert red == 0 and green >= 2 * 48 * 32 - 200, (red, green)
    assert not dpg.does_item_exist(first) and dpg.does_item_exist(texture.tag)
    try:
        texture.show(np.zeros((10, 10, 3), np.uint8))
    except ValueError as error:
        assert "48x32" in str(error), error
    else:
        raise AssertionError("a picture of the wrong size was taken")
    dpg.destroy_context()


def _set_checkbox(item: int, value: bool) -> None:
    import dearpygui.dearpygui as dpg

    dpg.set_value(item, value)
    dpg.get_item_callback(item)(item, value, None)


def _buttons_in(window: int) -> list[int]:
    """Every item inside `window`, its groups' children included."""
    import dearpygui.dearpygui as dpg

    found, stack = [], list(dpg.get_item_children(window, 1))
    while stack:
        item = stack.pop()
        found.append(item)
        stack.extend(dpg.get_item_children(item, 1) or [])
    return found


def _choose_in_dialog(path: Path) -> None:
    """Pick `path` in the file dialog just opened, as its OK button does."""
    import dearpygui.dearpygui as dpg

    dialog = [item for item in dpg.get_all_items() if dpg.get_item_type(item).endswith("mvFileDialog")][-1]
    dpg.get_item_callback(dialog)(dialog, {"file_path_name": str(path)}, None)


def _click_at(view: object, item: int, position: tuple[float, float]) -> None:
    """A left click at screen `position` over `item`, through the window's own mouse-click handler (the mouse
    cannot be moved under Xvfb: its position and what it hovers are set for the handler's run)."""
    import dearpygui.dearpygui as dpg

    handler = next(h for h in dpg.get_all_items() if dpg.get_item_type(h).endswith("mvMouseClickHandler"))
    mouse_pos, hovered = dpg.get_mouse_pos, dpg.is_item_hovered
    dpg.get_mouse_pos = lambda **_: list(position)
    dpg.is_item_hovered = lambda other: other == item
    try:
        dpg.get_item_callback(handler)(handler, 0, None)
    finally:
        dpg.get_mouse_pos, dpg.is_item_hovered = mouse_pos, hovered
    view.step(draw=True)


if __name__ == "__main__":
    {"quick_ctrl_taps": quick_ctrl_taps, "small_window_and_zoom": small_window_and_zoom,
     "scopes_and_eyedroppers": scopes_and_eyedroppers, "workspace_save": workspace_save,
     "workspace_reopen": workspace_reopen, "preset_browser": preset_browser,
     "clip_strip": clip_strip, "picture_texture": picture_texture}[sys.argv[1]](Path(sys.argv[2]))
