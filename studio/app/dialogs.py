"""Dear PyGui dialogs the studio opens: file choosers and the unsaved-changes question (widgets only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import dearpygui.dearpygui as dpg

FileChosen = Callable[[Path], None]


def ask_file(title: str, extensions: Sequence[str], on_chosen: FileChosen, default_name: str = "",
             folder: Path | None = None) -> None:
    """A modal file dialog; `on_chosen(path)` runs when the artist picks a file (nothing on cancel)."""

    def chosen(sender: int, app_data: dict, user_data: object) -> None:
        path = app_data.get("file_path_name", "") if isinstance(app_data, dict) else ""
        dpg.delete_item(sender)
        if path:
            on_chosen(Path(path))

    with dpg.file_dialog(label=title, width=760, height=480, modal=True, callback=chosen,
                         cancel_callback=lambda sender, *_: dpg.delete_item(sender),
                         default_filename=default_name or ".", default_path=str(folder or Path.cwd())):
        for extension in extensions:
            dpg.add_file_extension(extension)


def ask_choice(title: str, text: str, choices: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """A modal question in the middle of the viewport; each choice is (button label, action)."""
    width, height = 440, 130
    with dpg.window(label=title, modal=True, no_resize=True, width=width, height=height,
                    pos=((dpg.get_viewport_client_width() - width) // 2,
                         (dpg.get_viewport_client_height() - height) // 2)) as window:
        dpg.add_text(text, wrap=width - 20)
        with dpg.group(horizontal=True):
            for label, action in choices:
                dpg.add_button(label=label, width=120, callback=_close_then(window, action))


def _close_then(window: int, action: Callable[[], None]) -> Callable[..., None]:
    def run(*_: object) -> None:
        dpg.delete_item(window)
        action()

    return run
