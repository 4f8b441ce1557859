"""The live preview panel: source chooser, the recoloured feed, before/after split, mask overlay,
"preview as" switch and the per-stage timings (widgets and callbacks; the work runs in preview_worker.py)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.dialogs import ask_file
from studio.app.hosts import PreviewHost
from studio.app.preview import fit_box, zoom_region
from studio.app.preview_worker import PreviewResult, PreviewSettings, PreviewStats, PreviewWorker
from studio.app.references import find_mask_file
from studio.app.scopes import HairScopes
from studio.app.segmenters import FixedMask, FrameSegmenter
from studio.app.strip_panel import StripPanel
from studio.app.textures import RawTexture
from studio.images import read_mask
from studio.runtime import Recolorizer
from studio.sources import IMAGE_SUFFIXES, CaptureThread, DropQueue, FrameSource, ImageSource, list_cameras, open_source

PREVIEW_SIZE = (960, 540)
"""Preview texture (width, height); frames (or the zoomed part) are letterboxed into it, and it is drawn as
large as the window allows."""

MAX_ZOOM = 8.0
"""The closest zoom: an eighth of the frame's width fills the preview."""

ZOOM_STEP = 1.25
"""Zoom factor of one mouse-wheel step."""

MODE_LABELS = {"auto": "automatic", "dark": "dark LUT", "middle": "middle LUT", "light": "light LUT"}
"""'Preview as' radio entries by preview mode."""

VIDEO_SUFFIXES = [".mp4", ".mov", ".avi", ".mkv", ".webm"]


class PreviewPanel:
    """The preview and the source it shows; owns the capture thread and the preview worker."""

    def __init__(self, view: PreviewHost) -> None:
        self.view = view
        self.stats = PreviewStats()
        self.capture: CaptureThread | None = None
        self.worker: PreviewWorker | None = None
        self.last_result: PreviewResult | None = None
        self.last_hair: HairScopes | None = None  # the newest measurement of the live hair (scopes.py)
        self.configured_version = 0
        self.description = "no source"
        self._fixed: FixedMask | None = None
        self._settings = PreviewSettings(size=PREVIEW_SIZE)
        self._cameras: dict[str, int] = {}
        self._shown_size = PREVIEW_SIZE
        self.texture = RawTexture(*PREVIEW_SIZE, np.zeros((*PREVIEW_SIZE[::-1], 3), np.uint8))
        with dpg.group(horizontal=True):
            dpg.add_text("Source")
            self.camera_combo = dpg.add_combo(["(find cameras)"], width=170, default_value="choose camera",
                                              callback=self._camera_chosen)
            dpg.add_button(label="Find cameras", callback=lambda *_: self.find_cameras())
            dpg.add_button(label="Video file...", callback=lambda *_: self._ask_file("video"))
            dpg.add_button(label="Still image...", callback=lambda *_: self._ask_file("image"))
            self.pause_box = dpg.add_checkbox(label="Pause", callback=lambda s, value, *_: self.set_paused(value))
            self.source_text = dpg.add_text("no source", color=(160, 160, 160))
        self.strip = StripPanel(self, lambda: view.studio)
        self.image = dpg.add_image(self.texture.tag, width=PREVIEW_SIZE[0], height=PREVIEW_SIZE[1])
        with dpg.group(horizontal=True):
            self.before_box = dpg.add_checkbox(label="Before", callback=lambda s, v, *_: self.set_before(v))
            with dpg.tooltip(self.before_box):
                dpg.add_text("A/B: the feed as it is (Ctrl+B flips)")
            self.split = dpg.add_slider_float(label="before | after", min_value=0.0, max_value=1.0, width=200,
                                              format="%.2f", callback=lambda s, v, *_: self._configure(split=float(v)))
            self.zoom_slider = dpg.add_slider_float(label="zoom", min_value=1.0, max_value=MAX_ZOOM, width=120,
                                                    default_value=1.0, format="%.1fx",
                                                    callback=lambda s, v, *_: self.zoom_to(v))
            with dpg.tooltip(self.zoom_slider):
                dpg.add_text("Mouse wheel over the preview zooms there; drag with the right button to pan.")
            self.overlay = dpg.add_checkbox(label="Mask overlay", callback=lambda s, v, *_: self.set_overlay(v))
        with dpg.group(horizontal=True):
            dpg.add_text("Preview as")
            self.mode_radio = dpg.add_radio_button(list(MODE_LABELS.values()), horizontal=True,
                                                   default_value=MODE_LABELS["auto"], callback=self._mode_chosen)
        self.frame_text = dpg.add_text("")
        self.timing_text = dpg.add_text("")

    # ----- sources -----

    def open(self, spec: str, mask: Path | None = None) -> None:
        """Open a source in the background ('camera:N', a video or a still image) and preview it."""
        self.view.status(f"Opening {spec} ...")
        self.view.tasks.submit(lambda: _open_with_mask(spec, mask), lambda opened: self._start(opened, spec, mask),
                               self.view.report_error)

    def find_cameras(self) -> None:
        """Probe for cameras in the background and list them in the combo."""
        self.view.status("Looking for cameras ...")
        self.view.tasks.submit(list_cameras, self._cameras_found, self.view.report_error)

    def _cameras_found(self, found: object) -> None:
        self._cameras = {f"camera {index}": index for index in found}
        dpg.configure_item(self.camera_combo, items=list(self._cameras) or ["(no camera found)"])
        self.view.status(f"Found {len(self._cameras)} camera(s)." if self._cameras else
                         "No camera found: use a video file or a still image.")

    def _camera_chosen(self, sender: int, label: str, *_: object) -> None:
        if label in self._cameras:
            self.open(f"camera:{self._cameras[label]}")
        else:
            self.find_cameras()

    def _ask_file(self, kind: str) -> None:
        extensions = sorted(IMAGE_SUFFIXES) if kind == "image" else VIDEO_SUFFIXES
        ask_file(f"Preview a {kind}", extensions, lambda path: self.open(str(path)), kind="source")

    def _start(self, opened: object, spec: str, mask: Path | None) -> None:
        source, fixed = opened
        self.stop()
        self._fixed = fixed
        frames: DropQueue = DropQueue(2)
        self.capture = CaptureThread(source, frames)
        self.worker = PreviewWorker(frames, self._segmenter, self._settings, hold=lambda: self.view.baker.busy)
        self.configured_version = self.worker.settings_version
        self.stats = PreviewStats()
        self.last_hair = None
        self.description = source.description + (" + mask file" if fixed else "")
        dpg.set_value(self.source_text, self.description)
        self.set_paused(dpg.get_value(self.pause_box))
        self.view.source_opened(spec, mask)
        self.strip.sync()
        self.view.status(f"Previewing {self.description}.")

    @property
    def is_live(self) -> bool:
        """Whether the source delivers a stream of frames (a camera or video, not a still image)."""
        return self.capture is not None and not isinstance(self.capture.source, ImageSource)

    def _segmenter(self) -> FrameSegmenter | None:
        return self._fixed or self.view.segmenters.segmenter

    def stop(self) -> None:
        """Stop the current source and worker."""
        if self.worker is not None:
            self.worker.stop()
        if self.capture is not None:
            self.capture.stop()
        self.worker = self.capture = None

    # ----- size, zoom and pan -----

    @property
    def zoom(self) -> float:
        """The preview's zoom (1: the whole frame)."""
        return self._settings.zoom

    def fit(self, width: int, height: int) -> None:
        """Show the preview as large as fits `width` x `height` pixels, the texture's aspect kept."""
        scale = max(0.1, min(width / PREVIEW_SIZE[0], height / PREVIEW_SIZE[1]))
        size = (max(1, int(PREVIEW_SIZE[0] * scale)), max(1, int(PREVIEW_SIZE[1] * scale)))
        if size != self._shown_size:
            self._shown_size = size
            dpg.configure_item(self.image, width=size[0], height=size[1])

    def zoom_to(self, zoom: float, anchor: tuple[float, float] | None = None) -> None:
        """Zoom to `zoom` (1: the whole frame, up to MAX_ZOOM). `anchor`, a point of the frame (fractions),
        stays where it is on screen (the mouse position for the wheel); None keeps the centre."""
        old, new = self._settings.zoom, float(np.clip(zoom, 1.0, MAX_ZOOM))
        centre = self._settings.centre
        if anchor is not None:  # the anchor keeps its offset from the centre, scaled by the zoom change
            centre = tuple(a + (c - a) * old / new for a, c in zip(anchor, centre, strict=True))
        dpg.set_value(self.zoom_slider, new)
        self._configure(zoom=new, centre=_clamped_centre(centre, new))

    def wheel(self, steps: float) -> None:
        """Mouse wheel: zoom in (steps > 0) or out around the frame point under the mouse, when over the preview."""
        point = self._frame_point(dpg.get_mouse_pos(local=False))
        if point is not None:
            self.zoom_to(self._settings.zoom * ZOOM_STEP ** steps, point)

    def pan(self, dx: float, dy: float) -> None:
        """Move the zoomed view by a mouse drag of (dx, dy) screen pixels (the picture follows the mouse)."""
        zoom, (cx, cy) = self._settings.zoom, self._settings.centre
        width, height = self._shown_size
        centre = (cx - dx / (width * zoom), cy - dy / (height * zoom))
        self._configure(centre=_clamped_centre(centre, zoom))

    def toggle(self, what: str) -> None:
        """Flip the mask overlay ('overlay'), the pause ('pause') or the A/B toggle ('before')."""
        if what == "overlay":
            self.set_overlay(not dpg.get_value(self.overlay))
        elif what == "before":
            self.set_before(not dpg.get_value(self.before_box))
        else:
            self.set_paused(not dpg.get_value(self.pause_box))

    def switch_clip(self, index: int) -> None:
        """Show the test-clip strip's `index`th source (0-based)."""
        self.strip.switch(index)

    def step(self, frames: int) -> None:
        """Pause a video and step `frames` frames (back when negative)."""
        self.strip.step(frames)

    def set_before(self, before: bool) -> None:
        """Show the feed unchanged (A/B) or recoloured."""
        dpg.set_value(self.before_box, bool(before))
        self._configure(before=bool(before))

    def pixel_under_mouse(self) -> tuple[np.ndarray, int, int] | None:
        """The shown frame before the recolour (what an eyedropper picks from) and the pixel (x, y) of it under
        the mouse; None when the mouse is not over the picture."""
        point = self._frame_point(dpg.get_mouse_pos(local=False))
        if point is None or self.last_result.frame is None:
            return None
        height, width = self.last_result.frame_shape
        return (self.last_result.frame, min(width - 1, int(point[0] * width)),
                min(height - 1, int(point[1] * height)))

    def _frame_point(self, mouse: list[float]) -> tuple[float, float] | None:
        """The frame point (fractions) under screen position `mouse`, None when it is not over the picture."""
        result = self.last_result
        if result is None or not dpg.is_item_hovered(self.image):
            return None
        left, top = dpg.get_item_rect_min(self.image)
        width, height = self._shown_size
        frame_h, frame_w = result.frame_shape
        x, y, w, h = fit_box(frame_h, frame_w, width, height)  # the picture inside the letterboxed image
        u, v = (mouse[0] - left - x) / w, (mouse[1] - top - y) / h
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None
        left_px, top_px, right_px, bottom_px = zoom_region(frame_h, frame_w, self._settings.zoom,
                                                           self._settings.centre)
        return ((left_px + u * (right_px - left_px)) / frame_w, (top_px + v * (bottom_px - top_px)) / frame_h)

    # ----- settings -----

    def set_recolorizer(self, recolorizer: Recolorizer | None) -> None:
        """Preview with this Recolorizer (None: the feed unchanged)."""
        self._configure(recolorizer=recolorizer)

    def set_paused(self, paused: bool) -> None:
        """Freeze (True) or resume the feed; edits still show on the frozen frame."""
        dpg.set_value(self.pause_box, bool(paused))
        if self.capture is not None:
            self.capture.pause(bool(paused))

    def set_scopes(self, shown: bool) -> None:
        """Have the worker measure the hair's histograms and vectorscope (only while the scopes are shown)."""
        self._configure(scopes=bool(shown))

    def live_intensity(self) -> float | None:
        """The shown frame's hair intensity (None: no frame yet, or no hair in it)."""
        return None if self.last_result is None else self.last_result.intensity

    def set_overlay(self, overlay: bool) -> None:
        """Show or hide the hair-mask overlay."""
        dpg.set_value(self.overlay, bool(overlay))
        self._configure(overlay=bool(overlay))

    def show_mode(self, mode: str, position: float | None) -> None:
        """Reflect the studio's preview mode in the radio buttons, and the anchor position it forces (None:
        automatic) in the worker."""
        dpg.set_value(self.mode_radio, MODE_LABELS[mode])
        self._configure(position=position)

    def _mode_chosen(self, sender: int, label: str, *_: object) -> None:
        mode = next(mode for mode, text in MODE_LABELS.items() if text == label)
        self.view.set_preview_mode(mode)

    def _configure(self, **changes: object) -> None:
        self._settings = dataclasses.replace(self._settings, **changes)
        if self.worker is not None:
            self.configured_version = self.worker.configure(**changes)

    # ----- every frame -----

    def poll(self) -> bool:
        """Show the newest preview result, if any, and the stats lines; whether there was one."""
        self.strip.sync()
        result = self.worker.results.get(0) if self.worker is not None else None
        if result is None:
            return False
        start = time.perf_counter()
        self.texture.show_buffer(result.texture)
        self.stats.record(result, (time.perf_counter() - start) * 1000.0)
        self.last_result = result
        if result.hair is not None:
            self.last_hair = result.hair
        if result.intensity is None:
            frame = "hair intensity -   t -   (no recolouring: " + self.view.why_not_recolouring() + ")"
        else:
            frame = f"hair intensity {result.intensity:.3f}   t = {result.t:.2f} (light LUT weight)"
        dpg.set_value(self.frame_text, f"{frame}   |   provider: {self.view.provider_text(self._fixed)}")
        paused = "paused | " if dpg.get_value(self.pause_box) else ""
        dpg.set_value(self.timing_text, paused + self.stats.summary())
        return True

    def problem(self) -> str:
        """A source or pipeline problem to show in the status bar ('' when all is well)."""
        if self.capture is not None and self.capture.status:
            return self.capture.status
        return self.worker.error if self.worker is not None else ""


def _open_with_mask(spec: str, mask: Path | None) -> tuple[FrameSource, FixedMask | None]:
    """Open the source and, for a still image, its mask (given, or found beside it); runs in a worker."""
    source = open_source(spec)
    if mask is None and isinstance(source, ImageSource):
        mask = find_mask_file(Path(spec))
    if mask is None:
        return source, None
    shape = source.image.shape[:2] if isinstance(source, ImageSource) else None
    return source, FixedMask(read_mask(mask, shape))


def _clamped_centre(centre: tuple[float, float], zoom: float) -> tuple[float, float]:
    """`centre` moved so the view at `zoom` stays inside the frame."""
    half = 0.5 / max(1.0, zoom)
    return (float(np.clip(centre[0], half, 1.0 - half)), float(np.clip(centre[1], half, 1.0 - half)))
