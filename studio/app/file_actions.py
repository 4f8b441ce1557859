"""The File menu's actions of the studio window: new, open (a preset or a workspace, then restoring what its
workspace keeps), save, save as, save the workspace, the exports and quit. Widgets and callbacks only: what is
saved, read and restored, and in what order, is decided by `Studio` and `workspace.py`.

A mixin of StudioView (view.py), which has the parts listed at the top of the class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import dearpygui.dearpygui as dpg

from studio.app.dialogs import ask_choice, ask_file
from studio.app.recent import remember
from studio.app.references import Reference, read_reference
from studio.app.state import Studio
from studio.app.workspace import SUFFIX, Restore, workspace_path

if TYPE_CHECKING:
    from studio.app.colour_tools import ColourTools
    from studio.app.menus import MenuBar
    from studio.app.preview_panel import PreviewPanel
    from studio.app.tasks import Tasks


class FileActions:
    """new, open_path, save, save_as, the workspace and export dialogs, quit; `finish_restore` every loop turn."""

    studio: Studio
    tasks: Tasks
    menu_bar: MenuBar
    preview: PreviewPanel
    tools: ColourTools
    act: Callable[[Callable[[], object]], bool]
    status: Callable[..., None]
    report_error: Callable[[BaseException], None]
    sync: Callable[[], None]
    _segment: Callable[[object], object]

    _restoring: Restore | None = None  # the restore under way, summed up in the status line once its jobs are done
    _restore_problems: list[str]

    def new(self) -> None:
        """Start a new preset (asks about unsaved changes)."""
        self.unless_unsaved(lambda: self.act(self.studio.new))

    def open_dialog(self) -> None:
        """Ask for a preset (or a workspace) to open (asks about unsaved changes first)."""
        self.unless_unsaved(lambda: ask_file("Open preset", [".yaml", ".yml"], self.open_path, kind="preset"))

    def open_workspace_dialog(self) -> None:
        """Ask for a workspace file (NAME.workspace.yaml) to open (asks about unsaved changes first)."""
        self.unless_unsaved(lambda: ask_file(f"Open workspace (*{SUFFIX})", [".yaml"], self.open_path, kind="preset"))

    def open_path(self, path: Path, keep_roles: Iterable[str] = (), keep_source: bool = False) -> None:
        """Open the preset or workspace at `path`, then restore what its workspace keeps, less the `keep_roles`
        references and (`keep_source`) the source given otherwise (on the command line)."""
        opened: list[Restore] = []
        if self.act(lambda: opened.append(self.studio.open(path))):
            self.menu_bar.show_recent(remember(path))
            self.restore(opened[0].without(keep_roles, keep_source))

    def restore(self, plan: Restore) -> None:
        """Load the references of `plan` in the background, open its source, show its view; once every job is
        done the status line sums it up, with what could not be restored."""
        self._restoring, self._restore_problems = plan, []
        self.status(f"Opened {plan.opened}" + ("; restoring its workspace ..." if plan.workspace else "."))
        for role, entry in plan.references:
            self.tasks.submit(lambda entry=entry: read_reference(entry.photo, entry.mask, self._segment),
                              self._restored(role, plan.generation), self.report_error)
        if plan.source is not None:
            self.preview.open(plan.source.spec, plan.source.mask)
        if plan.view is not None:
            self.preview.zoom_to(plan.view.zoom)
            self.tools.show_scopes(plan.view.scopes)
        self.sync()

    def _restored(self, role: str, generation: int) -> Callable[[Reference], None]:
        def use(reference: Reference) -> None:
            note = self.studio.restore_reference(role, reference, generation)
            if note:
                self._restore_problems.append(note)
            self.sync()

        return use

    def note_restore_problem(self, error: BaseException) -> None:
        """An error while a restore is under way goes into its summary too."""
        if self._restoring is not None:
            self._restore_problems.append(str(error))

    def finish_restore(self) -> None:
        """Once the restore's jobs are done, show what came back and what did not."""
        if self._restoring is not None and not self.tasks.busy:
            message, problem = self._restoring.summary(self._restore_problems)
            self._restoring = None
            self.status(message, problem)

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the current file (Save as when there is none); `then` runs after a successful save."""
        if self.studio.path is None:
            self.save_as(then)
        else:
            self._save_to(self.studio.path, then)

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        """Ask for a file name, then save there."""
        ask_file("Save preset as", [".yaml"], lambda path: self._save_to(path, then),
                 default_name=f"{self.studio.document.name.lower().replace(' ', '_')}", kind="preset")

    def _save_to(self, path: Path, then: Callable[[], None] | None) -> None:
        self.studio.note_view(self.preview.zoom, self.tools.scopes.shown)
        if self.act(lambda: self.studio.save(path)):
            self.menu_bar.show_recent(remember(self.studio.path))
            note = self.studio.save_note
            self.status(f"Saved {self.studio.path}; {note}" if note else
                        f"Saved {self.studio.path} and its workspace.", error=bool(note))
            if then is not None:
                then()

    def save_workspace_dialog(self) -> None:
        """Ask for a workspace file name (beside the preset by default) and write the workspace there."""
        def save(path: Path) -> None:
            self.studio.note_view(self.preview.zoom, self.tools.scopes.shown)
            written: list[Path] = []
            if self.act(lambda: written.append(self.studio.save_workspace(path))):
                self.menu_bar.show_recent(remember(written[0]))
                unsaved = " (the preset's unsaved changes are not in it: save the preset too)" if self.studio.dirty \
                    else ""
                self.status(f"Saved the workspace {written[0]}{unsaved}.")

        preset = self.studio.path
        default = workspace_path(preset) if preset is not None else \
            Path(self.studio.document.name.lower().replace(" ", "_") + SUFFIX)
        ask_file("Save workspace as", [".yaml"], save, default_name=default.name,
                 folder=preset.parent if preset is not None else None, kind="preset")

    def export_cube(self, role: str) -> None:
        """Ask for a .cube file name and export `role`'s LUT."""
        def export(path: Path) -> None:
            if self.act(lambda: self.studio.export_cube(role, path)):
                self.status(f"Exported the {role} LUT to {path}.")

        ask_file(f"Export the {role} LUT", [".cube"], export,
                 default_name=f"{self.studio.document.name.lower().replace(' ', '_')}_{role}", kind="export")

    def export_cubes(self) -> None:
        """Ask for a base name and export every baked LUT as NAME.ROLE.cube."""
        def export(path: Path) -> None:
            written: list[Path] = []
            if self.act(lambda: written.extend(self.studio.export_cubes(path))):
                self.status(f"Exported {', '.join(p.name for p in written)} to {path.parent}.")

        ask_file("Export the LUTs as .cube (NAME.dark.cube, NAME.light.cube, ...)", [".cube"], export,
                 default_name=self.studio.document.name.lower().replace(" ", "_"), kind="export")

    def export_pack(self) -> None:
        """Ask for a .zip name and build a LUT pack of the saved preset in the background."""
        def build(path: Path) -> None:
            self.status(f"Building the LUT pack {path.name} ...")
            self.tasks.submit(lambda: self.studio.export_pack(path),
                              lambda written: self.status(f"Wrote the LUT pack {written}."), self.report_error)

        if self.studio.path is None or self.studio.dirty:
            self.status("Save the preset first: a LUT pack is built from the saved file.", error=True)
            return
        ask_file("Export LUT pack", [".zip"], build, default_name=f"{self.studio.path.stem}_pack", kind="export")

    def quit(self) -> None:
        """Close the window (asks about unsaved changes)."""
        self.unless_unsaved(dpg.stop_dearpygui)

    def unless_unsaved(self, action: Callable[[], None]) -> None:
        """Run `action`, first asking whether to save, discard or cancel when there are unsaved changes."""
        if not self.studio.dirty:
            action()
            return
        ask_choice("Unsaved changes", f"Save the changes to '{self.studio.document.name}' first?",
                   [("Save", lambda: self.save(then=action)), ("Discard", action), ("Cancel", lambda: None)])
