"""The studio's preview thread: frames through the HairPipeline (segment, recolour), composed into the
preview texture, and the frame rate and stage times the window shows. No Dear PyGui here."""

from __future__ import annotations

import collections
import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from studio.app.baker import PREVIEW_SMOOTHING
from studio.app.preview import compose_preview, to_texture, zoom_region
from studio.app.scopes import HairScopes, measure_hair
from studio.app.segmenters import FrameSegmenter
from studio.runtime import HairPipeline, Recolorizer
from studio.sources import DropQueue, Frame

FPS_MEMORY = 5.0
"""Seconds after which a shown frame no longer counts towards the preview's frame rate."""

STAGES = ("capture", "segment", "recolour", "display")
"""The timed stages of one preview frame."""

HAIR_INTERVAL = 0.2
"""Seconds between measurements of the live hair (its colour, and the scopes when shown) on a playing source:
five a second is enough to read them and costs the preview little. A re-rendered frame (an edit, a still) is
measured every time, so the scopes follow edits at once."""


@dataclass(frozen=True)
class PreviewSettings:
    """How the preview renders: the Recolorizer (None: show the feed unchanged), a forced anchor position
    (None: automatic), the before/after split (fraction shown 'before', from the left), the mask overlay,
    the texture size (width, height), the zoom (>= 1) around `centre` (fractions of the frame) and `before`
    (the A/B toggle: the feed unchanged, recoloured in the background so the flip back is instant); `scopes`:
    measure the hair's histograms and vectorscope too (its mean colour is always measured)."""

    recolorizer: Recolorizer | None = None
    position: float | None = None
    split: float = 0.0
    overlay: bool = False
    size: tuple[int, int] = (960, 540)
    zoom: float = 1.0
    centre: tuple[float, float] = (0.5, 0.5)
    before: bool = False
    scopes: bool = False


@dataclass(frozen=True)
class PreviewResult:
    """One rendered preview frame: the texture buffer and what the stats line shows; `frame` the source frame
    (before the recolour: what an eyedropper picks from) and `hair` its hair measured (None: not measured this
    frame, the last measurement still holds)."""

    texture: np.ndarray
    frame_index: int
    frame_shape: tuple[int, int]
    mask: np.ndarray | None
    intensity: float | None
    t: float | None
    timings: dict[str, float]
    settings_version: int
    frame: np.ndarray | None = None
    hair: HairScopes | None = None


class PreviewWorker:
    """Takes frames from a DropQueue, runs them through a HairPipeline (segment, recolour) and composes them
    into `results` (a DropQueue of one: the display always gets the newest). With no new frame (a still image,
    a paused video) the last frame is re-rendered whenever the settings change, so edits show at once, and
    once the segmenter has loaded when the frame came before it."""

    def __init__(self, frames: DropQueue[Frame], segmenter: Callable[[], FrameSegmenter | None],
                 settings: PreviewSettings, hold: Callable[[], bool] = lambda: False) -> None:
        """`hold()` True makes the worker take no new frame (e.g. while a look bakes: the cores go to the
        bake, so an edit reaches the screen sooner); settings that change meanwhile (each bake of a slider
        drag) are still shown on the last frame."""
        self.frames = frames
        self._hold = hold
        self.results: DropQueue[PreviewResult] = DropQueue(1)
        self.error = ""
        self._segmenter = segmenter
        self._settings = settings
        self._version = 0
        self._lock = threading.Lock()
        # The last frame, with its mask and segmentation time once it has been segmented.
        self._last: tuple[Frame, tuple[np.ndarray, float] | None] | None = None
        self._hair: HairPipeline | None = None
        self._rendered_version = -1
        self._measured_at = -HAIR_INTERVAL
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="preview", daemon=True)
        self._thread.start()

    @property
    def settings_version(self) -> int:
        """Increases with every `configure`; results carry the version they were rendered with."""
        return self._version

    def configure(self, **changes: object) -> int:
        """Change PreviewSettings fields; returns the new settings version."""
        with self._lock:
            self._settings = dataclasses.replace(self._settings, **changes)
            self._version += 1
            return self._version

    def stop(self) -> None:
        """End the thread."""
        self._stop.set()
        self._thread.join(timeout=2.0)

    def _run(self) -> None:
        while not self._stop.is_set():
            held = self._hold()  # new frames wait; new settings still show on the last frame (a slider drag)
            frame = None if held else self.frames.get(timeout=0.02)
            try:
                if frame is not None:
                    self._render(frame, None, fresh=True)
                elif self._last is not None and (self._rendered_version != self._version or self._unsegmented()):
                    self._render(*self._last)  # new settings, or a segmenter at last: the last frame again
                elif held:
                    time.sleep(0.005)
                self.error = ""
            except Exception as error:  # a bad frame or mask is reported, and the next frame is tried
                self.error = str(error) or type(error).__name__

    def _unsegmented(self) -> bool:
        """Whether the last frame came before the segmenter and a segmenter is there now (a still image shown
        while the model loaded)."""
        return self._last is not None and self._last[1] is None and self._segmenter() is not None

    def _pipeline(self) -> HairPipeline | None:
        """The pipeline on the current segmenter (None until one is loaded); a new source starts a new clip."""
        segmenter = self._segmenter()
        if segmenter is None:
            return None
        if self._hair is None or self._hair.options.segmenter is not segmenter:
            self._hair = HairPipeline.create(None, segmenter, smoothing=PREVIEW_SMOOTHING)
            self._hair.reset()  # the previous source's mask is no prior for this one
        return self._hair

    def _render(self, frame: Frame, known: tuple[np.ndarray, float] | None, fresh: bool = False) -> None:
        """Segment (unless `known` gives the frame's mask and its segmentation time), recolour and compose;
        measure the hair when due (`fresh`: a new frame of a playing source, measured every HAIR_INTERVAL)."""
        with self._lock:
            settings, version = self._settings, self._version
        pipeline = self._pipeline()
        result = None
        if pipeline is not None:
            pipeline.use(settings.recolorizer)
            result = pipeline.process(frame.pixels, None if known is None else known[0], settings.position)
        mask = result.mask if result is not None else None
        segment_ms = known[1] if known is not None else result.timings["segment"] if result is not None else 0.0
        self._last = (frame, (mask, segment_ms) if mask is not None else None)
        start = time.perf_counter()
        recoloured = result.frame if result is not None else frame.pixels
        region = None
        if settings.zoom > 1.0:
            region = zoom_region(*frame.pixels.shape[:2], settings.zoom, settings.centre)
        picture = compose_preview(frame.pixels, recoloured, mask, settings.split, settings.overlay, settings.size,
                                  region, settings.before)
        texture = to_texture(picture)
        timings = {"capture": frame.capture_ms, "segment": segment_ms,
                   "recolour": result.timings["recolour"] if result is not None else 0.0,
                   "display": (time.perf_counter() - start) * 1000.0}
        hair = None
        if not fresh or start - self._measured_at >= HAIR_INTERVAL:  # a playing source: a few times a second
            self._measured_at = start
            hair = measure_hair(frame.pixels, recoloured, mask, settings.scopes)
        # A frame without hair has no intensity of its own (the runtime keeps the last one for the blend).
        showing = result is not None and result.t is not None
        self.results.put(PreviewResult(texture, frame.index, frame.pixels.shape[:2], mask,
                                       result.intensity if showing else None, result.t if showing else None,
                                       timings, version, frame.pixels, hair))
        self._rendered_version = version


class PreviewStats:
    """Frames per second shown and smoothed per-stage times (ms), measured on the main thread.

    The rate counts the frames shown over the last `window_seconds`, stretched back to the two latest frames
    when fewer came in the window, so slow rates read right (0.5 FPS, not 0); with under two frames in
    FPS_MEMORY seconds (a still image, a paused clip) there is no rate."""

    def __init__(self, window_seconds: float = 1.0) -> None:
        self.window_seconds = window_seconds
        self.stage_ms: dict[str, float] = {}
        self.frames_shown = 0
        self._shown_at: collections.deque[float] = collections.deque()

    def record(self, result: PreviewResult, upload_ms: float) -> None:
        """Count a displayed result; `upload_ms` (texture upload) adds to its display stage."""
        now = time.monotonic()
        self._shown_at.append(now)
        while len(self._shown_at) > 2 and now - self._shown_at[0] > self.window_seconds:
            self._shown_at.popleft()
        self.frames_shown += 1
        timings = dict(result.timings, display=result.timings["display"] + upload_ms)
        for stage in STAGES:
            previous = self.stage_ms.get(stage)
            self.stage_ms[stage] = timings[stage] if previous is None else 0.9 * previous + 0.1 * timings[stage]

    @property
    def fps(self) -> float | None:
        """Displayed frames per second (None: fewer than two frames in the last FPS_MEMORY seconds)."""
        recent = [t for t in self._shown_at if time.monotonic() - t <= FPS_MEMORY]
        if len(recent) < 2:
            return None
        return (len(recent) - 1) / max(1e-6, recent[-1] - recent[0])

    def summary(self) -> str:
        """'FPS 29.8 | capture 3.1 ms | segment 18.0 ms | ...'."""
        stages = " | ".join(f"{stage} {self.stage_ms[stage]:.1f} ms" for stage in STAGES if stage in self.stage_ms)
        fps = self.fps
        return ("FPS -" if fps is None else f"FPS {fps:.1f}") + (f" | {stages}" if stages else "")
