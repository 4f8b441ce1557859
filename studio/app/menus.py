"""The studio window's menu bar (File, Edit, Preview) and the Ctrl+key shortcuts shown in it. Every item
and shortcut calls an action of the `StudioView`; nothing is decided here."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import dearpygui.dearpygui as dpg

from studio.app.state import ROLES

if TYPE_CHECKING:
    from studio.app.view import StudioView


class MenuBar:
    """The menus of a `StudioView`'s window (build it inside the window) and its keyboard shortcuts."""

    def __init__(self, view: StudioView) -> None:
        self.view = view
        with dpg.menu_bar():
            with dpg.menu(label="File"):
                dpg.add_menu_item(label="New", shortcut="Ctrl+N", callback=lambda *_: view.new())
                dpg.add_menu_item(label="Open...", shortcut="Ctrl+O", callback=lambda *_: view.open_dialog())
                self.recent_menu = dpg.add_menu(label="Open recent")
                dpg.add_menu_item(label="Save", shortcut="Ctrl+S", callback=lambda *_: view.save())
                dpg.add_menu_item(label="Save as...", shortcut="Ctrl+Shift+S", callback=lambda *_: view.save_as())
                dpg.add_separator()
                for role in ROLES:
                    dpg.add_menu_item(label=f"Export {role} LUT as .cube...", shortcut="Ctrl+E" if role == "light"
                                      else "", callback=lambda *_, r=role: view.export_cube(r))
                pack = dpg.add_menu_item(label="Export LUT pack...", callback=lambda *_: view.export_pack())
                with dpg.tooltip(pack):
                    dpg.add_text("A zip for apps: the saved preset, its LUTs, schemas and shader (save first).")
                dpg.add_separator()
                dpg.add_menu_item(label="Quit", shortcut="Ctrl+Q", callback=lambda *_: view.quit())
            with dpg.menu(label="Edit"):
                self.undo_item = dpg.add_menu_item(label="Undo", shortcut="Ctrl+Z", callback=lambda *_: view.undo())
                self.redo_item = dpg.add_menu_item(label="Redo", shortcut="Ctrl+Y", callback=lambda *_: view.redo())
                dpg.add_menu_item(label="Swap references", callback=lambda *_: view.act(view.studio.swap_references))
                dpg.add_menu_item(label="Remove middle reference",
                                  callback=lambda *_: view.act(view.studio.clear_middle))
            with dpg.menu(label="Preview"):
                for number, mode in enumerate(("auto", "dark", "light"), start=1):
                    dpg.add_menu_item(label=f"Preview as {mode}", shortcut=f"Ctrl+{number}",
                                      callback=lambda *_, m=mode: view.set_preview_mode(m))
                dpg.add_menu_item(label="Mask overlay", shortcut="Ctrl+M", callback=lambda *_: self._toggle("overlay"))
                dpg.add_menu_item(label="Pause", shortcut="Ctrl+P", callback=lambda *_: self._toggle("pause"))

    def sync(self) -> None:
        """Enable Undo and Redo as far as the state allows."""
        dpg.configure_item(self.undo_item, enabled=self.view.studio.can_undo)
        dpg.configure_item(self.redo_item, enabled=self.view.studio.can_redo)

    def show_recent(self, paths: list[Path]) -> None:
        """List `paths` under File > Open recent (each asks about unsaved changes before opening)."""
        dpg.delete_item(self.recent_menu, children_only=True)
        for path in paths:
            dpg.add_menu_item(label=str(path), parent=self.recent_menu,
                              callback=lambda *_, p=path: self.view.unless_unsaved(lambda: self.view.open_path(p)))
        if not paths:
            dpg.add_menu_item(label="(none yet)", parent=self.recent_menu, enabled=False)

    def key_pressed(self, sender: int, key: int, *_: object) -> None:
        """Key-press handler: run the menu action of a Ctrl (or Ctrl+Shift) shortcut; other keys do nothing."""
        if not (dpg.is_key_down(dpg.mvKey_LControl) or dpg.is_key_down(dpg.mvKey_RControl)):
            return
        view = self.view
        shift = dpg.is_key_down(dpg.mvKey_LShift) or dpg.is_key_down(dpg.mvKey_RShift)
        actions = {dpg.mvKey_N: view.new, dpg.mvKey_O: view.open_dialog, dpg.mvKey_Q: view.quit,
                   dpg.mvKey_S: view.save_as if shift else view.save, dpg.mvKey_Z: view.redo if shift else view.undo,
                   dpg.mvKey_Y: view.redo, dpg.mvKey_E: lambda: view.export_cube("light"),
                   dpg.mvKey_1: lambda: view.set_preview_mode("auto"),
                   dpg.mvKey_2: lambda: view.set_preview_mode("dark"),
                   dpg.mvKey_3: lambda: view.set_preview_mode("light"),
                   dpg.mvKey_M: lambda: self._toggle("overlay"), dpg.mvKey_P: lambda: self._toggle("pause")}
        if key in actions:
            actions[key]()

    def _toggle(self, what: str) -> None:
        preview = self.view.preview
        if what == "overlay":
            preview.set_overlay(not dpg.get_value(preview.overlay))
        else:
            preview.set_paused(not dpg.get_value(preview.pause_box))
