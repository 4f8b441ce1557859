"""Dear PyGui dialogs the studio opens: file choosers and the unsaved-changes question (widgets only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import dearpygui.dearpygui as dpg

from studio.app.recent import remember_folder, start_folder

FileChosen = Callable[[Path], None]


def ask_file(title: str, extensions: Sequence[str], on_chosen: FileChosen, default_name: str = "",
             folder: Path | None = None, kind: str = "preset") -> None:
    """A modal file dialog; `on_chosen(path)` runs when the artist picks a file (nothing on cancel).

    The filter starts on all of `extensions` together, then offers each alone and all files; the dialog
    opens in `folder`, else where the last file of this `kind` (recent.FOLDER_KINDS) was chosen, in this session
    or an earlier one, else the working folder."""

    def chosen(sender: int, app_data: dict, user_data: object) -> None:
        path = app_data.get("file_path_name", "") if isinstance(app_data, dict) else ""
        dpg.delete_item(sender)
        if path:
            remember_folder(kind, Path(path).parent)
            on_chosen(Path(path))

    start = folder or start_folder(kind) or Path.cwd()
    with dpg.file_dialog(label=title, width=760, height=480, modal=True, callback=chosen,
                         cancel_callback=lambda sender, *_: dpg.delete_item(sender),
                         default_filename=default_name or ".", default_path=str(start)):
        for pattern in file_filters(extensions):
            dpg.add_file_extension(pattern)


def file_filters(extensions: Sequence[str]) -> list[str]:
    """Dear PyGui filter entries for `extensions` (e.g. ['.png', '.jpg']): first all of them together (the
    dialog starts on the first entry), then each alone, then all files."""
    together = ",".join(extensions)
    listed = " ".join(f"*{extension}" for extension in extensions)
    combined = [f"Supported ({listed}){{{together}}}"] if len(extensions) > 1 else []
    return [*combined, *extensions, ".*"]


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
