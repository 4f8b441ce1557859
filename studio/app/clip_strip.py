"""The test-clip strip: the sources an artist keeps at hand (clips, stills, cameras) in the order added, the one
shown, and the loop range and frame steps of a paused video. Pure Python (no Dear PyGui): `state.py` keeps the
strip, the view shows it as a row of buttons and the capture thread (sources.py) does the seeking."""

from __future__ import annotations

from dataclasses import dataclass

from studio.app.workspace import SourceChoice
from studio.sources import LoopRange

MAX_SOURCES = 9
"""The strip holds at most this many sources (Ctrl+Shift+1 .. 9 pick them); adding one more drops the oldest."""


@dataclass(frozen=True)
class ClipStrip:
    """The strip's sources (no duplicates, oldest first) and the index of the one shown (None: none of them)."""

    sources: tuple[SourceChoice, ...] = ()
    current: int | None = None

    def add(self, source: SourceChoice) -> ClipStrip:
        """The strip with `source` shown: it keeps its place when already there (a camera by index, a file by
        its absolute path and mask), else it joins at the end, the oldest dropped beyond MAX_SOURCES."""
        if source in self.sources:
            return ClipStrip(self.sources, self.sources.index(source))
        kept = (*self.sources, source)[-MAX_SOURCES:]
        return ClipStrip(kept, len(kept) - 1)

    def remove(self, index: int) -> ClipStrip:
        """The strip without its `index`th source; the shown one stays shown (None when it was the one removed)."""
        if not 0 <= index < len(self.sources):
            return self
        kept = self.sources[:index] + self.sources[index + 1:]
        current = self.current
        if current is not None:
            current = None if current == index else current - (current > index)
        return ClipStrip(kept, current)

    def pick(self, index: int) -> SourceChoice | None:
        """The `index`th source (0-based) to open, None when the strip has no such slot."""
        return self.sources[index] if 0 <= index < len(self.sources) else None

    def labels(self) -> list[str]:
        """A short button label per source: '1 clip.mp4', '2 camera 0', the shown one marked with '*'."""
        return [f"{'*' if i == self.current else ''}{i + 1} " + (f"camera {s.camera}" if s.camera is not None
                                                                 else s.path.name)
                for i, s in enumerate(self.sources)]


def loop_from_entries(first: int, last: int, frame_count: int) -> LoopRange | None:
    """The loop range the in/out entries ask for, clamped to a video of `frame_count` frames (`first` and `last`
    are frame numbers from 0, either order); None (play the whole clip) when it would cover the whole clip."""
    if frame_count <= 0:
        return None
    low, high = sorted((int(first), int(last)))
    low, high = max(0, min(low, frame_count - 1)), max(0, min(high, frame_count - 1))
    return None if (low, high) == (0, frame_count - 1) else LoopRange(low, high)


def frame_label(index: int, frame_count: int, fps: float, loop: LoopRange | None = None) -> str:
    """'frame 12 / 150  0.40 s  loop 10-40' for the shown frame of a video played at `fps`."""
    seconds = index / fps if fps > 0 else 0.0
    looped = f"  loop {loop.first}-{loop.last}" if loop is not None else ""
    return f"frame {index} / {frame_count}  {seconds:.2f} s{looped}"
