"""Dear PyGui textures for the studio: `RawTexture` for the live preview, `PictureTexture` for pictures that
change now and then (reference thumbnails, LUT strips, the response ramp, the vectorscope, the browser's tiles).

Dear PyGui uploads every raw and dynamic texture on every frame it draws, shown or not. Without a GPU (Mesa's
llvmpipe) eight small ones cost about 4 ms of each redraw on this machine; a static texture is uploaded once, so
a picture that changes seldom is a static texture, replaced (new texture, images pointed at it, old one
deleted) when it changes.

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


class PictureTexture:
    """A picture that changes now and then, as a static texture of `width` x `height` pixels. Show it through
    `add_image`, `add_image_button` or `draw_image`, which keep track of the items that use it, so that `show`
    can point them at the new texture."""

    def __init__(self, width: int, height: int, picture: np.ndarray) -> None:
        """Start showing `picture` (uint8 RGB, `height` x `width`)."""
        self.size = (width, height)
        self.tag = self._texture(picture)
        self._users: list[int | str] = []

    def add_image(self, **options: object) -> int | str:
        """`dpg.add_image` of this picture (`options` as there)."""
        return self._used(dpg.add_image(self.tag, **options))

    def add_image_button(self, **options: object) -> int | str:
        """`dpg.add_image_button` of this picture (`options` as there)."""
        return self._used(dpg.add_image_button(self.tag, **options))

    def draw_image(self, pmin: tuple[float, float], pmax: tuple[float, float], **options: object) -> int | str:
        """`dpg.draw_image` of this picture between the corners `pmin` and `pmax` (`options` as there)."""
        return self._used(dpg.draw_image(self.tag, pmin, pmax, **options))

    def show(self, picture: np.ndarray) -> None:
        """Show a uint8 RGB picture of the texture's size in every item that shows this texture."""
        old, self.tag = self.tag, self._texture(picture)
        self._users = [item for item in self._users if dpg.does_item_exist(item)]
        for item in self._users:
            dpg.configure_item(item, texture_tag=self.tag)
        dpg.delete_item(old)

    def _used(self, item: int | str) -> int | str:
        self._users.append(item)
        return item

    def _texture(self, picture: np.ndarray) -> int | str:
        width, height = self.size
        if picture.shape != (height, width, 3):
            raise ValueError(f"expected a {width}x{height} RGB picture, got shape {picture.shape}")
        rgba = np.ones((height, width, 4), np.float32)
        np.multiply(picture, np.float32(1.0 / 255.0), out=rgba[..., :3], dtype=np.float32)
        with dpg.texture_registry():
            return dpg.add_static_texture(width, height, rgba.ravel())

