"""One reference's panel: photo thumbnail with its hair mask, mask source, target colour, look sliders and
the baked LUT strip (widgets and callbacks only; decisions live in state.py)."""

from __future__ import annotations

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.dialogs import ask_file
from studio.app.hosts import ReferenceHost
from studio.app.preview import fit_box, strip_picture, thumbnail
from studio.app.references import MaskChoice, Reference
from studio.app.state import Slot
from studio.app.textures import PictureTexture
from studio.runtime import LUT3D
from studio.runtime.look_settings import parse_hex, to_hex
from studio.sources import IMAGE_SUFFIXES

THUMB = 168
"""Thumbnail edge in pixels."""

STRIP_SIZE = (33 * 33, 33)
"""Texture size of the LUT strip (it is resampled to this whatever the LUT size)."""

SLIDERS = (("strength", 1.0), ("texture", 1.0), ("shine", 1.0), ("saturation", 2.0))
"""Look controls and their maxima (minimum 0)."""

MASK_LABELS = {"segmenter": "segmenter", "whole": "whole image", "rectangle": "rectangle (drag)",
               "file": "mask file..."}
"""Mask-source combo entries by MaskChoice kind."""


PICK_LABELS = {False: "Pick", True: "Picking"}
"""The eyedropper button's label, put down and armed."""

PICK_KEYS = {"dark": "Ctrl+D", "light": "Ctrl+L"}


class ReferencePanel:
    """Widgets for the 'dark' or 'light' reference."""

    def __init__(self, view: ReferenceHost, role: str, edit_done: int | str) -> None:
        self.view = view
        self.role = role
        self._shown: tuple[Reference | None, float | None] | None = None
        self._drag_start: tuple[float, float] | None = None
        self._drawing = False
        self.thumb_texture = PictureTexture(THUMB, THUMB, np.full((THUMB, THUMB, 3), 40, np.uint8))
        self.strip_texture = PictureTexture(*STRIP_SIZE, strip_picture(None, *STRIP_SIZE))
        with dpg.child_window(height=392, border=True):
            dpg.add_text(f"{role.capitalize()} reference", color=(230, 200, 120))
            with dpg.group(horizontal=True):
                with dpg.drawlist(width=THUMB, height=THUMB) as self.drawlist:
                    self.thumb_texture.draw_image((0, 0), (THUMB, THUMB))
                    self.rectangle = dpg.draw_rectangle((0, 0), (0, 0), color=(255, 255, 0), thickness=2, show=False)
                with dpg.group():
                    dpg.add_button(label="Load photo...", width=200, callback=self._ask_photo)
                    dpg.add_text("Hair mask from")
                    self.mask_combo = dpg.add_combo(list(MASK_LABELS.values()), width=200, callback=self._mask_chosen,
                                                    default_value=MASK_LABELS["whole"])
                    self.info = dpg.add_text("no photo loaded", wrap=340)
            with dpg.group(horizontal=True):
                self.colour = dpg.add_color_edit((138, 75, 42, 255), label="target colour", no_alpha=True,
                                                 display_mode=dpg.mvColorEdit_hex, width=300,
                                                 callback=self._colour_changed)
                self.pick_button = dpg.add_button(label=PICK_LABELS[False], width=70,
                                                  callback=lambda *_: self.view.toggle_eyedropper(role))
                with dpg.tooltip(self.pick_button):
                    dpg.add_text(f"Eyedropper: then click the preview or a reference photo; the {role} target\n"
                                 f"becomes the colour there (a 5x5 average). {PICK_KEYS.get(role, '')}")
            dpg.bind_item_handler_registry(self.colour, edit_done)
            self.sliders = {}
            for name, high in SLIDERS:
                slider = dpg.add_slider_float(label=name, min_value=0.0, max_value=high, width=300, format="%.2f",
                                              callback=self._slider_changed, user_data=name)
                dpg.bind_item_handler_registry(slider, edit_done)
                self.sliders[name] = slider
            dpg.add_text("Baked LUT (strip: x = r + N*b, y = g)")
            self.strip_texture.add_image(width=520, height=28)

    # ----- refresh from state -----

    def refresh(self, slot: Slot) -> None:
        """Show `slot`: look values, reference info and thumbnail."""
        dpg.set_value(self.colour, [*(parse_hex(slot.look.target) * 255.0).tolist(), 255.0])
        for name, _ in SLIDERS:
            dpg.set_value(self.sliders[name], getattr(slot.look, name))
        if self._shown == (slot.reference, slot.intensity):
            return
        self._shown = (slot.reference, slot.intensity)
        reference = slot.reference
        if reference is None:
            picture = np.full((THUMB, THUMB, 3), 40, np.uint8)
            text = ("no photo loaded" if slot.intensity is None else
                    f"intensity {slot.intensity:.3f} (from the preset; load the photo to see it)")
        else:
            picture = thumbnail(reference.image, reference.mask, THUMB)
            text = (f"{reference.path.name}\nhair intensity {reference.intensity:.3f}\n"
                    f"hair {reference.hair_fraction:.1%} of the image\nmask: {reference.mask_choice.describe()}")
            dpg.set_value(self.mask_combo, MASK_LABELS[reference.mask_choice.kind])
        self.thumb_texture.show(picture)
        dpg.set_value(self.info, text)
        dpg.configure_item(self.rectangle, show=False)

    def show_armed(self, armed: bool) -> None:
        """Show whether this look's eyedropper is armed."""
        dpg.configure_item(self.pick_button, label=PICK_LABELS[bool(armed)])

    def pixel_under_mouse(self) -> tuple[np.ndarray, int, int] | None:
        """The reference photo and its pixel (x, y) under the mouse; None when the mouse is not over the photo."""
        reference = self.view.studio.document.slot(self.role).reference
        if reference is None or not dpg.is_item_hovered(self.drawlist):
            return None
        height, width = reference.image.shape[:2]
        x, y, w, h = fit_box(height, width, THUMB, THUMB)
        mouse = self._local_mouse()
        u, v = (mouse[0] - x) / w, (mouse[1] - y) / h
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None  # on the letterbox bars
        return reference.image, min(width - 1, int(u * width)), min(height - 1, int(v * height))

    def show_lut(self, lut: LUT3D | None) -> None:
        """Show the baked LUT strip (grey while the role has no intensity)."""
        self.strip_texture.show(strip_picture(lut, *STRIP_SIZE))

    # ----- callbacks -----

    def _ask_photo(self, *_: object) -> None:
        ask_file(f"Load the {self.role} reference photo", sorted(IMAGE_SUFFIXES),
                 lambda path: self.view.load_reference(self.role, path), kind="photo")

    def _mask_chosen(self, sender: int, label: str, *_: object) -> None:
        kind = next(kind for kind, text in MASK_LABELS.items() if text == label)
        self._drawing = kind == "rectangle"
        if kind == "file":
            ask_file(f"Mask for the {self.role} reference (255 = hair)", [".png", ".jpg", ".bmp"],
                     lambda path: self.view.remask(self.role, MaskChoice("file", path=path)), kind="mask")
        elif kind == "rectangle":
            self.view.status(f"Drag a box over the hair in the {self.role} thumbnail.")
        else:
            self.view.remask(self.role, MaskChoice(kind))

    def _colour_changed(self, sender: int, *_: object) -> None:
        rgb = np.asarray(dpg.get_value(sender)[:3], dtype=np.float64) / 255.0
        self.view.act(lambda: self.view.studio.set_look(self.role, target=to_hex(rgb)))

    def _slider_changed(self, sender: int, value: float, name: str) -> None:
        self.view.act(lambda: self.view.studio.set_look(self.role, **{name: round(float(value), 4)}))

    # ----- drawing a rectangle mask on the thumbnail -----

    def mouse_down(self) -> None:
        """Start a rectangle when the artist presses inside this thumbnail in rectangle mode."""
        self._drag_start = self._local_mouse() if self._drawing and dpg.is_item_hovered(self.drawlist) else None

    def mouse_drag(self) -> None:
        """Show the rectangle being dragged."""
        if self._drag_start is not None:
            dpg.configure_item(self.rectangle, pmin=self._drag_start, pmax=self._local_mouse(), show=True)

    def mouse_up(self) -> None:
        """Finish the rectangle: re-measure the reference with it as the mask."""
        if self._drag_start is None:
            return
        start, end, self._drag_start = self._drag_start, self._local_mouse(), None
        reference = self.view.studio.document.slot(self.role).reference
        if reference is None:
            self.view.status(f"Load the {self.role} photo first.", error=True)
            return
        height, width = reference.image.shape[:2]
        x, y, w, h = fit_box(height, width, THUMB, THUMB)
        corners = [((px - x) * width / w, (py - y) * height / h) for px, py in (start, end)]
        box = tuple(int(round(v)) for v in (*corners[0], *corners[1]))
        self.view.remask(self.role, MaskChoice("rectangle", box=(box[0], box[1], box[2], box[3])))

    def _local_mouse(self) -> tuple[float, float]:
        mouse, corner = dpg.get_mouse_pos(local=False), dpg.get_item_rect_min(self.drawlist)
        return (min(max(mouse[0] - corner[0], 0.0), THUMB), min(max(mouse[1] - corner[1], 0.0), THUMB))

