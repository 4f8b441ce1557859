"""The preset browser window: the presets of a folder as thumbnails on the live frame; a click opens one (the way
File > Open does, unsaved changes asked about first), or in compare mode shows it beside the current preset.
Widgets and callbacks only: which files, in what order, error tiles and the pictures are browser.py's, rendered
in a task thread when the artist asks (Refresh), never every frame."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.browser import COMPARE_SIZE, THUMB_SIZE, Entry, Page, build_page, compare_pair, default_folder
from studio.app.dialogs import ask_file
from studio.app.hosts import BrowserHost
from studio.app.textures import PictureTexture
from studio.runtime import Preset

COLUMNS = 4
"""Thumbnails a row."""

WINDOW_SIZE = (COLUMNS * (THUMB_SIZE[0] + 26) + 30, 600)
ERROR_COLOUR, LABEL_COLOUR, NOTE_COLOUR = (255, 130, 130), (230, 200, 120), (160, 160, 160)


class PresetBrowser:
    """A window of its own, hidden until `toggle()`; `refresh()` renders the folder's thumbnails again."""

    def __init__(self, host: BrowserHost) -> None:
        self.host = host
        self.folder: Path | None = None
        self.page: Page | None = None
        self.buttons: list[int] = []  # the tiles' image buttons, in the page's order
        self.compared: Entry | None = None
        self._textures: list[PictureTexture] = []
        self._request = 0  # a page or comparison that comes back after a newer request is dropped
        blank = np.zeros((COMPARE_SIZE[1], 2 * COMPARE_SIZE[0], 3), np.uint8)
        self._compare_texture = PictureTexture(2 * COMPARE_SIZE[0], COMPARE_SIZE[1], blank)
        with dpg.window(label="Preset browser", show=False, width=WINDOW_SIZE[0], height=WINDOW_SIZE[1],
                        pos=(240, 60), on_close=lambda *_: None) as self.window:
            with dpg.group(horizontal=True):
                dpg.add_button(label="Refresh", callback=lambda *_: self.refresh())
                with dpg.tooltip(dpg.last_item()):
                    dpg.add_text("Render the thumbnails again on the frame the preview shows now.")
                dpg.add_button(label="Folder...", callback=lambda *_: self.ask_folder())
                with dpg.tooltip(dpg.last_item()):
                    dpg.add_text("Choose any preset in the folder to browse.")
                self.compare_box = dpg.add_checkbox(label="Compare", callback=lambda s, v, *_: self.set_compare(v))
                with dpg.tooltip(self.compare_box):
                    dpg.add_text("A click shows that preset beside the current one instead of opening it.")
            self.folder_text = dpg.add_text("", color=NOTE_COLOUR, wrap=WINDOW_SIZE[0] - 30)
            with dpg.group(show=False) as self.compare_group:
                self.compare_text = dpg.add_text("", color=LABEL_COLOUR)
                self._compare_texture.add_image(width=2 * COMPARE_SIZE[0], height=COMPARE_SIZE[1])
            dpg.add_separator()
            self.grid = dpg.add_group()

    @property
    def shown(self) -> bool:
        """Whether the browser window is open."""
        return bool(dpg.is_item_shown(self.window))

    def toggle(self) -> None:
        """Open the browser (rendering its folder the first time), or close it."""
        if self.shown:
            dpg.hide_item(self.window)
            return
        dpg.show_item(self.window)
        dpg.focus_item(self.window)
        if self.page is None:
            self.refresh()

    def show_folder(self, folder: Path) -> None:
        """Browse `folder` from now on."""
        self.folder = Path(folder)
        self.refresh()

    def ask_folder(self) -> None:
        """Choose the folder through the file dialog: any preset in it."""
        ask_file("Browse the presets of a folder (choose any preset in it)", [".yaml", ".yml"],
                 lambda path: self.show_folder(path.parent), folder=self.folder, kind="preset")

    def refresh(self) -> None:
        """Scan the folder and render each preset on the frame the preview shows now, in a task thread."""
        if self.folder is None:
            self.folder = default_folder(self.host.studio.path)
        folder, (frame, mask) = self.folder, self._live()
        self._request += 1
        request = self._request
        dpg.set_value(self.folder_text, f"{folder}: rendering ...")
        self.host.tasks.submit(lambda: build_page(folder, frame, mask),
                               lambda page: self._show_page(page, request), self._failed(request))

    def set_compare(self, on: bool) -> None:
        """Compare mode: a click shows the preset beside the current one (off: a click opens it)."""
        dpg.set_value(self.compare_box, bool(on))
        if not on:
            self.compared = None
            dpg.hide_item(self.compare_group)

    def click(self, index: int) -> None:
        """A tile clicked: open its preset (or compare it); a tile that failed says why."""
        entry = self.page.tiles[index].entry
        if entry.preset is None:
            self.host.status(f"{entry.path.name} cannot be loaded: {entry.error}", error=True)
        elif dpg.get_value(self.compare_box):
            self.compare(entry)
        else:
            self.host.unless_unsaved(lambda: self.host.open_path(entry.path))

    def compare(self, entry: Entry) -> None:
        """Show `entry`'s preset beside the current one on the live frame (rendered in a task thread)."""
        current = self._current_preset()
        if current is None:
            self.host.status("The current preset has no LUTs yet: load or open both references to compare.", True)
            return
        (frame, mask), other = self._live(), entry.preset
        self._request += 1
        request = self._request
        self.compared = entry
        self.host.tasks.submit(lambda: compare_pair(current, other, frame, mask),
                               lambda pair: self._show_pair(pair, entry, request), self._failed(request))

    # ----- results, on the main thread -----

    def _show_page(self, page: Page, request: int) -> None:
        if request != self._request:
            return
        self.page = page
        dpg.delete_item(self.grid, children_only=True)
        self.buttons = []
        row = None
        for index, tile in enumerate(page.tiles):
            if index == len(self._textures):
                self._textures.append(PictureTexture(*THUMB_SIZE, tile.picture))
            else:
                self._textures[index].show(tile.picture)
            if index % COLUMNS == 0:
                row = dpg.add_group(horizontal=True, parent=self.grid)
            self._add_tile(row, index, tile.entry)
        failed = sum(tile.entry.preset is None for tile in page.tiles)
        note = f", {failed} cannot be loaded" if failed else ""
        dpg.set_value(self.folder_text, f"{page.folder}: {len(page.tiles)} preset(s){note}; on {page.rendered_on}.")

    def _add_tile(self, row: int, index: int, entry: Entry) -> None:
        with dpg.group(parent=row, width=THUMB_SIZE[0] + 16):
            button = self._textures[index].add_image_button(width=THUMB_SIZE[0], height=THUMB_SIZE[1],
                                                            callback=lambda *_, i=index: self.click(i))
            self.buttons.append(button)
            if entry.preset is None:
                dpg.add_text(f"cannot load {entry.path.name}", color=ERROR_COLOUR, wrap=THUMB_SIZE[0])
            else:
                dpg.add_text(entry.label, color=LABEL_COLOUR, wrap=THUMB_SIZE[0])
        with dpg.tooltip(button):
            dpg.add_text(str(entry.path))
            if entry.preset is None:
                dpg.add_text(entry.error, color=ERROR_COLOUR, wrap=480)
            elif entry.preset.description:
                dpg.add_text(entry.preset.description, wrap=480)

    def _show_pair(self, pair: np.ndarray, entry: Entry, request: int) -> None:
        if request != self._request:
            return
        self._compare_texture.show(pair)
        current = self.host.studio.document.name
        dpg.set_value(self.compare_text, f"Left: {current} (current, as edited)      Right: {entry.label}")
        dpg.show_item(self.compare_group)

    def _failed(self, request: int) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            if request == self._request:
                dpg.set_value(self.folder_text, f"{self.folder}: {error}")
            self.host.report_error(error)

        return failed

    # ----- what the host shows -----

    def _live(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """The source frame and its hair mask as the preview worker last had them."""
        result = self.host.preview.last_result
        return (None, None) if result is None else (result.frame, result.mask)

    def _current_preset(self) -> Preset | None:
        """The current document as the baker last baked it (None until both references are known and in order)."""
        baked = self.host.baker.latest
        return None if baked is None or baked.recolorizer is None else baked.recolorizer.preset
