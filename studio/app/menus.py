"""The studio window's menu bar (File, Edit, Preview, Presets, Help) and the Ctrl+key shortcuts shown in it. Every item
and shortcut calls an action of its host (hosts.MenuHost, the StudioView); nothing is decided here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import dearpygui.dearpygui as dpg

from studio.app.hosts import MenuHost
from studio.app.state import ROLES

_CONTROL = frozenset({dpg.mvKey_LControl, dpg.mvKey_RControl})
_SHIFT = frozenset({dpg.mvKey_LShift, dpg.mvKey_RShift})


def _key_name(key: int) -> str:
    """'S' for dpg.mvKey_S: the letter or digit of a key constant."""
    return next(name.removeprefix("mvKey_") for name in dir(dpg) if name.startswith("mvKey_")
                and getattr(dpg, name) == key and len(name) == len("mvKey_") + 1)


class MenuBar:
    """The menus of a window (build it inside the window) and its keyboard shortcuts."""

    def __init__(self, view: MenuHost) -> None:
        self.view = view
        self._held: set[int] = set()  # modifier keys pressed and not yet released, from the event stream
        with dpg.menu_bar():
            with dpg.menu(label="File"):
                dpg.add_menu_item(label="New", shortcut="Ctrl+N", callback=lambda *_: view.new())
                dpg.add_menu_item(label="Open...", shortcut="Ctrl+O", callback=lambda *_: view.open_dialog())
                self.recent_menu = dpg.add_menu(label="Open recent")
                dpg.add_menu_item(label="Save", shortcut="Ctrl+S", callback=lambda *_: view.save())
                dpg.add_menu_item(label="Save as...", shortcut="Ctrl+Shift+S", callback=lambda *_: view.save_as())
                dpg.add_separator()
                workspace = dpg.add_menu_item(label="Open workspace...", shortcut="Ctrl+Shift+O",
                                              callback=lambda *_: view.open_workspace_dialog())
                with dpg.tooltip(workspace):
                    dpg.add_text("A workspace (NAME.workspace.yaml, written beside a preset when it is saved) brings\n"
                                 "back the preset, its reference photos and masks, the source and the view.")
                dpg.add_menu_item(label="Save workspace...", shortcut="Ctrl+Shift+W",
                                  callback=lambda *_: view.save_workspace_dialog())
                dpg.add_separator()
                dpg.add_menu_item(label="Export LUTs as .cube...", shortcut="Ctrl+E",
                                  callback=lambda *_: view.export_cubes())
                for role in ROLES:
                    dpg.add_menu_item(label=f"Export {role} LUT as .cube...",
                                      callback=lambda *_, r=role: view.export_cube(r))
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
                dpg.add_menu_item(label="Before/after (A/B)", shortcut="Ctrl+B",
                                  callback=lambda *_: self._toggle("before"))
                dpg.add_menu_item(label="Zoom to fit", shortcut="Ctrl+0", callback=lambda *_: view.preview.zoom_to(1.0))
                dpg.add_menu_item(label="Previous frame (video)", shortcut="Ctrl+,",
                                  callback=lambda *_: view.preview.step(-1))
                dpg.add_menu_item(label="Next frame (video)", shortcut="Ctrl+.",
                                  callback=lambda *_: view.preview.step(1))
                dpg.add_menu_item(label="Clip strip: show clip N", shortcut="Ctrl+Shift+1..9", enabled=False)
                dpg.add_separator()
                dpg.add_menu_item(label="Scopes (lightness, vectorscope)", shortcut="Ctrl+K",
                                  callback=lambda *_: view.tools.toggle_scopes())
                for role, key in (("dark", "D"), ("light", "L")):
                    dpg.add_menu_item(label=f"Eyedropper: pick the {role} target", shortcut=f"Ctrl+{key}",
                                      callback=lambda *_, r=role: view.tools.toggle_eyedropper(r))
                dpg.add_menu_item(label="Eyedropper: pick the middle target",
                                  callback=lambda *_: view.tools.toggle_eyedropper("middle"))
                dpg.add_menu_item(label="Use the live hair colour as a target", shortcut="Ctrl+H",
                                  callback=lambda *_: view.tools.use_live_hair())
            with dpg.menu(label="Presets"):
                dpg.add_menu_item(label="Preset browser", shortcut="Ctrl+G", callback=lambda *_: view.browser.toggle())
                dpg.add_menu_item(label="Refresh the browser's thumbnails", callback=lambda *_: view.browser.refresh())
            with dpg.menu(label="Help"):
                dpg.add_menu_item(label="Keyboard shortcuts", shortcut="F1", callback=lambda *_: self.show_shortcuts())

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

    def shortcuts(self) -> dict[tuple[int, bool], tuple[str, Callable[[], None]]]:
        """Every keyboard shortcut: (key, with Shift) -> (what it does, the action). All need Ctrl."""
        view = self.view
        return {
            (dpg.mvKey_N, False): ("New preset", view.new),
            (dpg.mvKey_O, False): ("Open a preset", view.open_dialog),
            (dpg.mvKey_S, False): ("Save", view.save),
            (dpg.mvKey_S, True): ("Save as", view.save_as),
            (dpg.mvKey_O, True): ("Open a workspace", view.open_workspace_dialog),
            (dpg.mvKey_W, True): ("Save the workspace", view.save_workspace_dialog),
            (dpg.mvKey_E, False): ("Export the LUTs as .cube", view.export_cubes),
            (dpg.mvKey_Q, False): ("Quit", view.quit),
            (dpg.mvKey_Z, False): ("Undo", view.undo),
            (dpg.mvKey_Z, True): ("Redo", view.redo),
            (dpg.mvKey_Y, False): ("Redo", view.redo),
            (dpg.mvKey_1, False): ("Preview as automatic", lambda: view.set_preview_mode("auto")),
            (dpg.mvKey_2, False): ("Preview as dark LUT", lambda: view.set_preview_mode("dark")),
            (dpg.mvKey_3, False): ("Preview as light LUT", lambda: view.set_preview_mode("light")),
            (dpg.mvKey_M, False): ("Mask overlay on/off", lambda: self._toggle("overlay")),
            (dpg.mvKey_P, False): ("Pause/play", lambda: self._toggle("pause")),
            (dpg.mvKey_B, False): ("Before/after (A/B)", lambda: self._toggle("before")),
            (dpg.mvKey_0, False): ("Zoom to fit", lambda: view.preview.zoom_to(1.0)),
            (dpg.mvKey_K, False): ("Scopes on/off", view.tools.toggle_scopes),
            (dpg.mvKey_D, False): ("Eyedropper: pick the dark target", lambda: view.tools.toggle_eyedropper("dark")),
            (dpg.mvKey_L, False): ("Eyedropper: pick the light target",
                                   lambda: view.tools.toggle_eyedropper("light")),
            (dpg.mvKey_H, False): ("Use the live hair colour as a target", view.tools.use_live_hair),
            (dpg.mvKey_G, False): ("Preset browser (thumbnails on the live frame)", view.browser.toggle),
            (dpg.mvKey_Comma, False): ("Previous frame of a video (pauses it)", lambda: view.preview.step(-1)),
            (dpg.mvKey_Period, False): ("Next frame of a video (pauses it)", lambda: view.preview.step(1)),
            **{(getattr(dpg, f"mvKey_{n}"), True): (f"Clip strip: show clip {n}",
                                                    lambda i=n - 1: view.preview.switch_clip(i)) for n in range(1, 10)},
            (dpg.mvKey_F1, False): ("This list", self.show_shortcuts),
        }

    def key_pressed(self, sender: int, key: int, *_: object) -> None:
        """Key-press handler: run the action of a Ctrl (or Ctrl+Shift) shortcut; other keys do nothing.

        Modifiers are followed through the press and release events themselves, in the order they came: a
        quick tap (Ctrl and the key both up before the handler runs, a frame later) still counts, where asking
        whether Ctrl is down at handling time lost about one tap in eight."""
        if key in _CONTROL or key in _SHIFT:
            self._held.add(key)
            return
        if not self._held & _CONTROL and not any(dpg.is_key_down(k) for k in _CONTROL):
            return
        shift = bool(self._held & _SHIFT) or any(dpg.is_key_down(k) for k in _SHIFT)
        shortcut = self.shortcuts().get((key, shift))
        if shortcut is not None:
            shortcut[1]()

    def key_released(self, sender: int, key: int, *_: object) -> None:
        """Key-release handler: a modifier is up again."""
        self._held.discard(key)

    def settle_keys(self) -> None:
        """After the frame's events: forget modifiers that are not down (a release the window never saw)."""
        self._held = {key for key in self._held if dpg.is_key_down(key)}

    def show_shortcuts(self) -> None:
        """A window listing the keyboard shortcuts."""
        names = {dpg.mvKey_F1: "F1"}
        punctuation = {dpg.mvKey_Comma: ",", dpg.mvKey_Period: "."}
        lines = []
        for (key, shift), (what, _) in self.shortcuts().items():
            name = names.get(key) or punctuation.get(key) or _key_name(key)
            combo = name if key in names else "Ctrl+" + ("Shift+" if shift else "") + name
            lines.append(f"{combo:<16} {what}")
        with dpg.window(label="Keyboard shortcuts", width=460, height=min(900, 60 + 23 * len(lines)), pos=(200, 40)):
            for line in lines:
                dpg.add_text(line)

    def _toggle(self, what: str) -> None:
        self.view.preview.toggle(what)
