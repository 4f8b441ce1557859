"""Dear PyGui raw textures that keep alive the buffer they show.

A raw texture holds a pointer to the float buffer it was given and uploads from it on every frame; a buffer
that Python frees while it is shown (a temporary passed to `add_raw_texture` or `set_value`) is then read
after it was freed, which crashed the window at random under Xvfb. `RawTexture` holds a reference to the
buffer for as long as the texture shows it.
"""

from __future__ import annotations

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.preview import to_texture


class RawTexture:
    """A float-RGB raw texture of `width` x `height` pixels; `tag` is what images and drawlists use."""

    def __init__(self, width: int, height: int, picture: np.ndarray) -> None:
        """Start showing `picture` (uint8 RGB, `height` x `width`)."""
        self._buffer = to_texture(picture)
        with dpg.texture_registry():
            self.tag = dpg.add_raw_texture(width, height, self._buffer, format=dpg.mvFormat_Float_rgb)

    def show(self, picture: np.ndarray) -> None:
        """Show a uint8 RGB picture of the texture's size."""
        self.show_buffer(to_texture(picture))

    def show_buffer(self, buffer: np.ndarray) -> None:
        """Show a buffer `to_texture` made (e.g. in a worker thread); it is kept until the next one."""
        dpg.set_value(self.tag, buffer)
        self._buffer = buffer
