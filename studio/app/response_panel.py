"""The response strip under the reference panels: the preset's output across every hair intensity, ticks
at the references, a line at the live frame's intensity, and a warning where the colour fades."""

from __future__ import annotations

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.response import RAMP_WIDTH, ResponseRamp, with_markers
from studio.app.textures import PictureTexture

WARNING_COLOUR = (255, 190, 90)
_WIDTH_SCALE = 2  # screen pixels per strip column


class ResponsePanel:
    """Widgets only: `show(ramp, live_intensity)` redraws when either changes."""

    def __init__(self) -> None:
        blank = with_markers(_EMPTY, None)
        self._shape = blank.shape[:2]
        self._shown: tuple[int, int | None] | None = None
        self.texture = PictureTexture(RAMP_WIDTH, self._shape[0], blank)
        dpg.add_text("Response, dark hair to light: greys and hair recoloured; ticks at the references, a line at "
                     "the live frame", wrap=540, color=(160, 160, 160))
        self.texture.add_image(width=RAMP_WIDTH * _WIDTH_SCALE, height=self._shape[0])
        self.warning = dpg.add_text("", color=WARNING_COLOUR, wrap=540)

    def show(self, ramp: ResponseRamp | None, live_intensity: float | None) -> None:
        """Draw `ramp` (None: an empty strip) with the live frame's marker."""
        ramp = ramp or _EMPTY
        column = None if live_intensity is None else ramp.column(live_intensity)
        key = (id(ramp), column)
        if key == self._shown:
            return
        self._shown = key
        self.texture.show(with_markers(ramp, live_intensity))
        dpg.set_value(self.warning, ramp.warning())


_EMPTY = ResponseRamp(np.full((48, RAMP_WIDTH, 3), 40, np.uint8), np.linspace(0.0, 1.0, RAMP_WIDTH),
                      np.full(RAMP_WIDTH, np.nan), ())  # no preset yet: no ticks
