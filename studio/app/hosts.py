"""What each part of the window needs from the view that holds it: small interfaces, so that panels and the
menu bar depend on these and not on the whole StudioView (which implements all of them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from studio.app.baker import LookBaker
from studio.app.preview_worker import PreviewResult
from studio.app.references import MaskChoice
from studio.app.scopes import HairScopes
from studio.app.segmenters import FixedMask, SegmenterLoader
from studio.app.state import Studio
from studio.app.tasks import Tasks


class Reporter(Protocol):
    """The status line."""

    def status(self, message: str, error: bool = False) -> None:
        """Show `message` (in the error colour when `error`)."""

    def report_error(self, error: BaseException) -> None:
        """Show an error's message."""


class ReferenceHost(Reporter, Protocol):
    """What a reference panel needs: the state, edits through it, loading and re-masking its photo."""

    studio: Studio

    def act(self, edit: Callable[[], object]) -> bool:
        """Run an edit of the state, report its error, refresh the window; whether it succeeded."""

    def load_reference(self, role: str, path: Path, choice: MaskChoice | None = None) -> None:
        """Read and mask a reference photo in the background."""

    def remask(self, role: str, choice: MaskChoice) -> None:
        """Make the reference's mask another way."""

    def toggle_eyedropper(self, role: str) -> None:
        """Arm `role`'s eyedropper (the next click on an image picks its target colour), or put it down."""


class PreviewHost(Reporter, Protocol):
    """What the preview panel needs: background jobs, the segmenter, the baker, the preview mode."""

    studio: Studio
    tasks: Tasks
    segmenters: SegmenterLoader
    baker: LookBaker

    def set_preview_mode(self, mode: str) -> None:
        """Preview as automatic or as one anchor's LUT."""

    def provider_text(self, fixed: FixedMask | None) -> str:
        """Where the preview's masks come from."""

    def why_not_recolouring(self) -> str:
        """Why the preview shows the plain feed."""

    def source_opened(self, spec: str, mask: Path | None) -> None:
        """The preview now shows `spec` ('camera:N' or a file; `mask`: a still's own mask file)."""


class PreviewControls(Protocol):
    """The preview toggles and zoom the menu bar drives."""

    def toggle(self, what: str) -> None:
        """Flip 'overlay', 'pause' or 'before'."""

    def zoom_to(self, zoom: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom the preview (1: the whole frame)."""

    def switch_clip(self, index: int) -> None:
        """Show the test-clip strip's `index`th source (0-based)."""

    def step(self, frames: int) -> None:
        """Pause a video and step `frames` frames (back when negative)."""


class ToolControls(Protocol):
    """The eyedroppers and scopes the menu bar drives."""

    def toggle_eyedropper(self, role: str) -> None:
        """Arm `role`'s eyedropper, or put it down."""

    def use_live_hair(self) -> None:
        """Make the live hair's mean colour a look's target."""

    def toggle_scopes(self) -> None:
        """Show or hide the scopes."""


class ImagePoint(Protocol):
    """A picture the eyedropper can pick from."""

    def pixel_under_mouse(self) -> tuple[np.ndarray, int, int] | None:
        """(image, x, y) of the pixel under the mouse; None when the mouse is not over the picture."""


class PickablePanel(ImagePoint, Protocol):
    """A reference panel, as the eyedroppers see it."""

    def show_armed(self, armed: bool) -> None:
        """Show whether this panel's eyedropper is armed."""


class LivePreview(ImagePoint, Protocol):
    """The preview, as the eyedroppers and scopes see it."""

    last_hair: HairScopes | None

    def live_intensity(self) -> float | None:
        """The shown frame's hair intensity (None: no hair)."""

    def set_scopes(self, shown: bool) -> None:
        """Measure the scopes in the preview worker, or not."""


class ToolsHost(Reporter, Protocol):
    """What the eyedroppers and scopes need of the window."""

    studio: Studio
    preview: LivePreview
    panels: dict[str, PickablePanel]

    def act(self, edit: Callable[[], object]) -> bool:
        """Run an edit of the state, report its error, refresh the window; whether it succeeded."""

    def fit_preview(self) -> None:
        """Size the preview to the window and the panels under it."""


class BrowserControls(Protocol):
    """The preset browser the menu bar drives."""

    def toggle(self) -> None:
        """Open or close the browser."""

    def refresh(self) -> None:
        """Render its thumbnails again on the current frame."""


class LiveFrame(Protocol):
    """The preview, as the preset browser sees it: the last result (its source frame and hair mask)."""

    last_result: PreviewResult | None


class BrowserHost(Reporter, Protocol):
    """What the preset browser needs: the state, background jobs, the baked current preset, the live frame, and
    opening a preset the way File > Open does."""

    studio: Studio
    tasks: Tasks
    baker: LookBaker
    preview: LiveFrame

    def open_path(self, path: Path) -> None:
        """Open the preset at `path` (and restore its workspace)."""

    def unless_unsaved(self, action: Callable[[], None]) -> None:
        """Run `action`, asking about unsaved changes first."""


class MenuHost(Protocol):
    """The commands behind the menus and shortcuts."""

    studio: Studio
    preview: PreviewControls
    tools: ToolControls
    browser: BrowserControls

    def act(self, edit: Callable[[], object]) -> bool: ...
    def new(self) -> None: ...
    def open_dialog(self) -> None: ...
    def open_path(self, path: Path) -> None: ...
    def save(self, then: Callable[[], None] | None = None) -> None: ...
    def save_as(self, then: Callable[[], None] | None = None) -> None: ...
    def export_cube(self, role: str) -> None: ...
    def export_cubes(self) -> None: ...
    def export_pack(self) -> None: ...
    def open_workspace_dialog(self) -> None: ...
    def save_workspace_dialog(self) -> None: ...
    def quit(self) -> None: ...
    def undo(self) -> None: ...
    def redo(self) -> None: ...
    def set_preview_mode(self, mode: str) -> None: ...
    def unless_unsaved(self, action: Callable[[], None]) -> None: ...
