"""The studio window: preset fields, status bar, file actions and the frame loop around the menus
(`studio.app.menus`) and the reference and preview panels. Widgets and callbacks only: every decision is a call
into `studio.app.state.Studio`, and slow work runs in background threads (`baker`, `preview_worker`,
`segmenters`, `tasks`), polled here on the main thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dearpygui.dearpygui as dpg

from studio.app.baker import Baked, LookBaker
from studio.app.browser_panel import PresetBrowser
from studio.app.colour_tools import ColourTools
from studio.app.file_actions import FileActions
from studio.app.menus import MenuBar
from studio.app.preview_panel import PreviewPanel
from studio.app.recent import load_recent
from studio.app.reference_panel import ReferencePanel
from studio.app.references import MaskChoice, default_mask_choice, measure_reference, read_reference
from studio.app.response_panel import ResponsePanel
from studio.app.scopes_panel import SCOPES_HEIGHT
from studio.app.segmenters import FixedMask, FrameSegmenter, SegmenterLoader, load_hair_segmenter
from studio.app.state import ROLES, Studio, StudioStateError
from studio.app.tasks import Tasks
from studio.errors import StudioError

VIEWPORT = (1600, 1000)
"""Initial window size (width, height)."""

PREVIEW_MARGINS = (600, 292)
"""Pixels of the window's width and height the preview leaves to the rest (the reference panels on the left,
the menu, source row, clip strip, controls, live-hair row and status lines); the scopes, when shown, take
SCOPES_HEIGHT more."""

UI_FPS = 60
"""Most window redraws a second (a display's refresh rate)."""

IDLE_FPS = 20
"""Fewest window redraws a second, with nothing new to show (keeps typing and hovering responsive)."""

INSTALL_HINT = "install the model: hair-studio models install --from PATH/hair_segmentation.tflite (or models fetch)"
ERROR_COLOUR, INFO_COLOUR, WARNING_COLOUR = (255, 110, 110), (200, 200, 200), (255, 180, 80)


@dataclass
class LaunchOptions:
    """What `hair-studio gui` was started with; every field is optional."""

    source: str | None = None
    source_mask: Path | None = None
    light: Path | None = None
    light_mask: Path | None = None
    dark: Path | None = None
    dark_mask: Path | None = None
    middle: Path | None = None
    middle_mask: Path | None = None
    preset: Path | None = None
    scopes: bool = False


class StudioView(FileActions):
    """The Dear PyGui front of a `Studio`. Create, `start(options)`, then `run()` (or `step()` in tests). The File
    menu's actions (open, save, restoring a workspace, exports) are in file_actions.py."""

    def __init__(self, studio: Studio | None = None,
                 segmenter_factory: Callable[[], FrameSegmenter] = load_hair_segmenter) -> None:
        self.studio = studio or Studio()
        self.tasks = Tasks()
        self.baker = LookBaker()
        self.segmenters = SegmenterLoader(segmenter_factory)
        self._baked: Baked | None = None
        self._last_draw = 0.0
        self._panning: tuple[float, float] | None = None  # the right-button drag so far, while it pans
        self._requested = None
        self._mode: tuple[str, float | None] = (self.studio.preview_mode, self.studio.preview_position())
        self._build()

    # ----- building the window -----

    def _build(self) -> None:
        dpg.create_context()
        dpg.configure_app(manual_callback_management=True)  # callbacks run on this (the main) thread
        dpg.create_viewport(title="Hair LUT Studio", width=VIEWPORT[0], height=VIEWPORT[1], disable_close=True)
        with dpg.item_handler_registry() as edit_done:
            dpg.add_item_deactivated_after_edit_handler(callback=lambda *_: self.studio.end_edit())
        with dpg.window() as self.window:
            self.menu_bar = MenuBar(self)
            with dpg.group(horizontal=True):
                with dpg.child_window(width=560, height=-30, border=False):
                    with dpg.group(horizontal=True):
                        dpg.add_text("Preset     ")
                        self.name_input = dpg.add_input_text(width=250, callback=self._name_typed, hint="name")
                        dpg.add_text("  LUT size")
                        self.size_combo = dpg.add_combo(["17", "33", "65"], width=60,
                                                        callback=lambda s, v, *_: self.act(
                                                            lambda: self.studio.set_lut_size(int(v))))
                    with dpg.group(horizontal=True):
                        dpg.add_text("Description")
                        self.description_input = dpg.add_input_text(width=-1, hint="one line shown to artists",
                                                                    callback=lambda s, v, *_: self.act(
                                                                        lambda: self.studio.set_description(v)))
                    for item in (self.name_input, self.description_input):
                        dpg.bind_item_handler_registry(item, edit_done)
                    self.warning_text = dpg.add_text("", color=WARNING_COLOUR, wrap=540)
                    self.response = ResponsePanel()
                    self.panels = {role: ReferencePanel(self, role, edit_done) for role in ROLES}
                with dpg.child_window(height=-30, border=False):
                    self.preview = PreviewPanel(self)
                    self.tools = ColourTools(self)
            with dpg.group(horizontal=True):
                self.status_text = dpg.add_text("Ready.", color=INFO_COLOUR)
                self.system_text = dpg.add_text("", color=WARNING_COLOUR)
        self.browser = PresetBrowser(self)
        with dpg.handler_registry():
            dpg.add_key_press_handler(callback=self.menu_bar.key_pressed)
            dpg.add_key_release_handler(callback=self.menu_bar.key_released)
            dpg.add_mouse_click_handler(button=dpg.mvMouseButton_Left,
                                        callback=lambda *_: self.tools.click() or self._each_panel("down"))
            dpg.add_mouse_drag_handler(button=dpg.mvMouseButton_Left, callback=lambda *_: self._each_panel("drag"))
            dpg.add_mouse_release_handler(button=dpg.mvMouseButton_Left, callback=lambda *_: self._each_panel("up"))
            dpg.add_mouse_wheel_handler(callback=lambda sender, steps, *_: self.preview.wheel(steps))
            dpg.add_mouse_drag_handler(button=dpg.mvMouseButton_Right, callback=self._right_drag)
            dpg.add_mouse_release_handler(button=dpg.mvMouseButton_Right, callback=self._right_release)
        dpg.set_exit_callback(lambda *_: self.quit())
        dpg.set_viewport_resize_callback(lambda *_: self.fit_preview())
        dpg.setup_dearpygui()
        dpg.show_viewport()
        dpg.set_primary_window(self.window, True)
        self.menu_bar.show_recent(load_recent())
        self.sync()

    # ----- state changes -----

    def act(self, edit: Callable[[], object]) -> bool:
        """Run an action on the state; its error goes to the status bar. Then refresh the window."""
        try:
            edit()
            return True
        except (StudioError, ValueError, OSError) as error:
            self.report_error(error)
            return False
        finally:
            self.sync()

    def sync(self) -> None:
        """Show the state: panels, preset fields, warnings, title, undo/redo, and ask for a bake if needed."""
        document = self.studio.document
        for role, panel in self.panels.items():
            panel.refresh(document.slot(role))
        if not dpg.is_item_active(self.name_input):
            dpg.set_value(self.name_input, document.name)
        if not dpg.is_item_active(self.description_input):
            dpg.set_value(self.description_input, document.description)
        dpg.set_value(self.size_combo, str(document.lut_size))
        dpg.set_value(self.warning_text, "\n".join(self.studio.warnings()))
        dpg.set_viewport_title(self.studio.title())
        self.menu_bar.sync()
        mode = (self.studio.preview_mode, self.studio.preview_position())
        if mode != self._mode:  # the forced position moves when a middle reference comes or goes
            self._mode = mode
            self.preview.show_mode(*mode)
        recipe = self.studio.recipe()
        if recipe != self._requested:
            self._requested = recipe
            self.baker.request(recipe)

    def status(self, message: str, error: bool = False) -> None:
        """Show a message in the status bar (red for errors)."""
        dpg.set_value(self.status_text, message)
        dpg.configure_item(self.status_text, color=ERROR_COLOUR if error else INFO_COLOUR)

    def report_error(self, error: BaseException) -> None:
        """Show an error from an action or a background job."""
        known = isinstance(error, (StudioError, ValueError, OSError))
        self.status(f"Error: {error}" if known else f"Unexpected error ({type(error).__name__}): {error}", True)
        self.note_restore_problem(error)

    def undo(self) -> None:
        """Undo the last edit."""
        if self.studio.can_undo:
            self.act(self.studio.undo)
        else:
            self.status("Nothing to undo.")

    def redo(self) -> None:
        """Redo the last undone edit."""
        self.act(self.studio.redo)

    def set_preview_mode(self, mode: str) -> None:
        """Force the dark or light LUT, or interpolate automatically."""
        self.act(lambda: self.studio.set_preview_mode(mode))

    def _name_typed(self, sender: int, value: str, *_: object) -> None:
        if value.strip():
            self.act(lambda: self.studio.set_name(value))

    # ----- references -----

    def load_reference(self, role: str, path: Path, choice: MaskChoice | None = None) -> None:
        """Read and measure a reference photo in the background, then make it `role`'s reference."""
        path = Path(path)
        choice = choice or default_mask_choice(path, not self.segmenters.error)
        self.status(f"Loading the {role} reference {path.name} ...")
        self.tasks.submit(lambda: read_reference(path, choice, self._segment), self._reference_ready(role),
                          self.report_error)

    def remask(self, role: str, choice: MaskChoice) -> None:
        """Re-measure `role`'s reference with another mask."""
        reference = self.studio.document.slot(role).reference
        if reference is None:
            self.status(f"Load the {role} photo first.", error=True)
            return
        self.tasks.submit(lambda: measure_reference(reference.path, reference.image, choice, self._segment),
                          self._reference_ready(role), self.report_error)

    def _reference_ready(self, role: str) -> Callable[[object], None]:
        def use(reference: object) -> None:
            if self.act(lambda: self.studio.set_reference(role, reference)):
                self.status(f"{role.capitalize()} reference: hair intensity {reference.intensity:.3f}.")

        return use

    def _segment(self, image: object) -> object:
        """The segmenter for a reference photo (runs in a task thread; waits for the model to load)."""
        segmenter = self.segmenters.wait(timeout=120.0)
        if segmenter is None:
            raise StudioStateError(f"the hair segmenter is unavailable ({self.segmenters.error}); "
                                   "use a mask file, the whole image or a rectangle")
        return segmenter.segment(image)

    def source_opened(self, spec: str, mask: Path | None) -> None:
        """The preview shows a new source: the next workspace keeps it."""
        self.studio.note_source(spec, mask)

    def provider_text(self, fixed: FixedMask | None) -> str:
        """Where the preview's masks come from: the execution provider, a mask file, or why there is none."""
        if fixed is not None:
            return "mask file (no model)"
        if self.segmenters.segmenter is not None:
            return self.segmenters.segmenter.provider
        return "loading model ..." if self.segmenters.loading else "none (model unavailable)"

    def why_not_recolouring(self) -> str:
        """The reason the preview shows the plain feed."""
        if self.preview.last_result is not None and self.preview.last_result.mask is None:
            return "loading the segmenter" if self.segmenters.loading else "no hair segmenter"
        recipe = self.studio.recipe()
        if recipe.dark is None or recipe.light is None:
            return "load both references"
        return "the references are in the wrong order" if not recipe.ordered else "no hair found in this frame"

    # ----- input -----

    def fit_preview(self) -> None:
        """Size the preview to the window and what is under it (on every resize, and as the scopes come and go)."""
        width, height = dpg.get_viewport_client_width(), dpg.get_viewport_client_height()
        below = PREVIEW_MARGINS[1] + (SCOPES_HEIGHT if self.tools.scopes.shown else 0)
        if width > 0 and height > 0:
            self.preview.fit(width - PREVIEW_MARGINS[0], height - below)

    def _right_drag(self, sender: int, drag: list[float], *_: object) -> None:
        """A right-button drag that started over the preview pans it (`drag`: button, dx, dy so far)."""
        if self._panning is None:
            if not dpg.is_item_hovered(self.preview.image):
                return
            self._panning = (0.0, 0.0)
        dx, dy = drag[1] - self._panning[0], drag[2] - self._panning[1]
        self._panning = (drag[1], drag[2])
        self.preview.pan(dx, dy)

    def _right_release(self, *_: object) -> None:
        self._panning = None

    def toggle_eyedropper(self, role: str) -> None:
        """Arm `role`'s eyedropper (the next click on the preview or a reference photo picks its target colour),
        or put it down."""
        self.tools.toggle_eyedropper(role)

    def _each_panel(self, event: str) -> None:
        for panel in self.panels.values():
            {"down": panel.mouse_down, "drag": panel.mouse_drag, "up": panel.mouse_up}[event]()

    # ----- running -----

    def start(self, options: LaunchOptions) -> None:
        """Apply the command line: open the preset, load the references, open the source (or find cameras)."""
        if options.preset is not None:  # the references and source given here win over its workspace's
            self.open_path(options.preset, [role for role in ROLES if getattr(options, role) is not None],
                           options.source is not None)
        for role in ROLES:
            path, mask = getattr(options, role), getattr(options, f"{role}_mask")
            if path is not None:
                self.load_reference(role, path, MaskChoice("file", path=mask) if mask is not None else None)
        if options.scopes:
            self.tools.show_scopes(True)
        if options.source is not None:
            self.preview.open(options.source, options.source_mask)
        else:
            self.preview.find_cameras()

    def step(self, draw: bool = False) -> bool:
        """One turn of the loop: deliver finished jobs and bakes, show the newest preview, and redraw the window
        (running its callbacks) when it is due (`draw`: redraw now, at most UI_FPS a second)."""
        self.tasks.poll()
        self.finish_restore()
        baked = self.baker.latest
        changed = baked is not self._baked
        if changed:
            self._baked = baked
            for role, panel in self.panels.items():
                panel.show_lut(baked.luts[role])
            self.preview.set_recolorizer(baked.recolorizer)
        changed |= self.preview.poll()
        self.tools.refresh()
        live = self.preview.last_result
        self.response.show(self._baked.ramp if self._baked else None, live.intensity if live is not None else None)
        self._show_system_status()
        if not self._draw_due(draw or changed):
            time.sleep(0.002)
            return dpg.is_dearpygui_running()
        dpg.render_dearpygui_frame()
        dpg.run_callbacks(dpg.get_callback_queue())
        self.menu_bar.settle_keys()
        return dpg.is_dearpygui_running()

    def _draw_due(self, news: bool) -> bool:
        """Whether to redraw now: at most UI_FPS times a second, and then for news on screen (a preview frame,
        a bake), while a mouse button is held (a drag), or at least IDLE_FPS times a second (typing, hovering).
        Without a GPU (e.g. under Xvfb) a redraw of the window costs 16-30 ms of CPU: redrawing only for a reason
        leaves the cores to the preview."""
        now = time.perf_counter()
        since = now - self._last_draw
        if since < 1.0 / UI_FPS:
            return False
        dragging = any(dpg.is_mouse_button_down(button) for button in (dpg.mvMouseButton_Left, dpg.mvMouseButton_Right))
        if news or dragging or since >= 1.0 / IDLE_FPS:
            self._last_draw = now
            return True
        return False

    def _show_system_status(self) -> None:
        problems = [self.preview.problem(), self.baker.error]
        if self.segmenters.error:
            hint = "" if "hair-studio models" in self.segmenters.error else f"; {INSTALL_HINT}"
            problems.append(f"Segmenter unavailable: {self.segmenters.error}{hint}")
        dpg.set_value(self.system_text, "   ".join(p for p in problems if p))

    def settled(self) -> bool:
        """Whether background jobs are done, the model has loaded (or failed) and the looks are baked."""
        return (not self.tasks.busy and not self.segmenters.loading and self._baked is not None
                and self._baked.recipe == self.studio.recipe())

    def preview_in_sync(self) -> bool:
        """Whether the preview on screen was rendered with the state's current looks and settings."""
        result = self.preview.last_result
        return (self._baked is not None and self._baked.recipe == self.studio.recipe() and result is not None
                and result.settings_version >= self.preview.configured_version)

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Render frames until `condition()` holds (True) or `timeout` seconds pass or the window closes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if not self.step():
                return False
        return condition()

    def screenshot(self, path: Path, timeout: float = 10.0) -> None:
        """Save the window as a PNG at `path` (rendered by Dear PyGui on the next frame)."""
        path = Path(path)
        path.unlink(missing_ok=True)
        for _ in range(3):  # raw textures reach the screen a frame or two after set_value
            self.step(draw=True)
        dpg.output_frame_buffer(file=str(path))
        if not self.wait_until(path.exists, timeout):
            raise StudioError("the screenshot was not written", path)

    def run(self) -> None:
        """The interactive loop, until the window is closed."""
        while self.step():
            pass

    def close(self) -> None:
        """Stop the workers and destroy the window."""
        self.preview.stop()
        self.tasks.shutdown()
        if self.segmenters.segmenter is not None:
            self.segmenters.segmenter.close()
        dpg.destroy_context()
