"""The test-clip strip under the source row: a button per kept source (one click, or Ctrl+Shift+N, shows it),
and for a video the frame steps (Ctrl+, and Ctrl+.) and the loop range. Widgets and callbacks only: the strip's
list is `Studio.strip` (clip_strip.py), the seeking is the capture thread's (sources.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import dearpygui.dearpygui as dpg

from studio.app.clip_strip import frame_label, loop_from_entries
from studio.app.state import Studio
from studio.sources import CaptureThread


class StripHost(Protocol):
    """What the strip needs of the preview panel: opening a source, the capture and the pause."""

    capture: CaptureThread | None

    def open(self, spec: str, mask: Path | None = None) -> None: ...
    def set_paused(self, paused: bool) -> None: ...


class StripPanel:
    """The strip's rows (build it inside the preview's column)."""

    def __init__(self, host: StripHost, studio: Callable[[], Studio]) -> None:
        """`studio`: the state that keeps the strip (the view's, which a new window state may replace)."""
        self.host = host
        self._studio = studio
        self._labels: list[str] | None = None
        self.clip_buttons: list[int] = []
        with dpg.group(horizontal=True):
            dpg.add_text("Clips")
            self.row = dpg.add_group(horizontal=True)
            self.remove_button = dpg.add_button(label="Remove shown", callback=lambda *_: self.remove_shown())
        with dpg.group(horizontal=True) as self.video_row:
            self.back_button = dpg.add_button(label="< frame", callback=lambda *_: self.step(-1))
            self.next_button = dpg.add_button(label="frame >", callback=lambda *_: self.step(1))
            self.in_input = dpg.add_input_int(label="in", width=90, default_value=0, min_value=0, min_clamped=True)
            dpg.add_button(label="here##in", callback=lambda *_: self._mark(self.in_input))
            self.out_input = dpg.add_input_int(label="out", width=90, default_value=0, min_value=0, min_clamped=True)
            dpg.add_button(label="here##out", callback=lambda *_: self._mark(self.out_input))
            self.loop_button = dpg.add_button(label="Loop in-out", callback=lambda *_: self.set_loop())
            dpg.add_button(label="Whole clip", callback=lambda *_: self.clear_loop())
            self.frame_text = dpg.add_text("", color=(160, 160, 160))
            with dpg.tooltip(self.loop_button):
                dpg.add_text("Play only frames in..out (from 0); steps: Ctrl+, and Ctrl+. (the feed pauses)")

    def sync(self) -> None:
        """Rebuild the buttons when the strip changed; show the video's frame (every loop turn: cheap)."""
        strip = self._studio().strip
        labels = strip.labels()
        if labels != self._labels:
            self._labels = labels
            dpg.delete_item(self.row, children_only=True)
            self.clip_buttons = [dpg.add_button(label=label, parent=self.row, callback=lambda *_, i=i: self.switch(i))
                                 for i, label in enumerate(labels)]
        capture = self.host.capture
        video = capture.video if capture is not None else None
        dpg.configure_item(self.video_row, show=video is not None)
        if video is not None:
            dpg.set_value(self.frame_text, frame_label(max(0, video.shown), video.frame_count, video.fps, video.loop))

    def switch(self, index: int) -> None:
        """Show the strip's `index`th source (0-based); nothing when there is no such slot."""
        source = self._studio().strip.pick(index)
        if source is not None:
            self.host.open(source.spec, source.mask)

    def remove_shown(self) -> None:
        """Take the shown source off the strip (the preview keeps showing it until another is picked)."""
        current = self._studio().strip.current
        if current is not None:
            self._studio().remove_from_strip(current)

    def step(self, frames: int) -> None:
        """Pause a video and show the frame `frames` on (back when negative)."""
        capture = self.host.capture
        if capture is not None and capture.video is not None:
            self.host.set_paused(True)
            capture.step(frames)

    def set_loop(self) -> None:
        """Loop the video between the in and out frames (the whole clip when they cover it)."""
        capture = self.host.capture
        if capture is not None and capture.video is not None:
            capture.set_loop(loop_from_entries(dpg.get_value(self.in_input), dpg.get_value(self.out_input),
                                               capture.video.frame_count))

    def clear_loop(self) -> None:
        """Play the whole clip again."""
        if self.host.capture is not None:
            self.host.capture.set_loop(None)

    def _mark(self, entry: int) -> None:
        capture = self.host.capture
        if capture is not None and capture.video is not None:
            dpg.set_value(entry, max(0, capture.video.shown))
