"""The studio's eyedroppers, as plain Python (the window only wires them to widgets; tests drive them headless).

Two ways to take a look's target colour from a picture:
- pick: arm the eyedropper of one look (dark, middle or light), then click any image the studio shows (the preview
  or a reference photo): the look's target becomes the colour under the click, a 5x5 average;
- live hair: the mean colour of the hair in the current preview frame (scopes.measure_hair reads it), with one
  action that makes it the target of the look the frame is nearest to.
Each sets the target as one undoable edit.
"""

from __future__ import annotations

import numpy as np

from studio.app.state import ROLES, Studio, StudioStateError
from studio.runtime.intensity import unit_scale
from studio.runtime.look_settings import to_hex

PICK_SIZE = 5
"""Edge of the square of pixels a pick averages (odd: centred on the pixel clicked)."""

NO_HAIR_SWATCH = (64, 64, 64)
"""The live-hair swatch's colour (0-255 RGB) while there is no hair to measure."""


def pick_colour(image: np.ndarray, x: int, y: int, size: int = PICK_SIZE) -> np.ndarray:
    """The mean sRGB colour (float64 in [0, 1], gamma-encoded values averaged) of the `size` x `size` pixels
    centred on pixel (x, y) (column, row) of `image` (HxWx3 or more channels; uint8, uint16 or float in [0, 1]).

    A small neighbourhood steadies the pick against sensor noise and single strands. Near an edge the square is
    cut to the pixels inside the image (never padded or wrapped); a point outside the image is first moved to
    the nearest pixel."""
    height, width = image.shape[:2]
    x, y = int(np.clip(x, 0, width - 1)), int(np.clip(y, 0, height - 1))
    half = size // 2
    patch = image[max(0, y - half):y + half + 1, max(0, x - half):x + half + 1, :3]
    return patch.reshape(-1, 3).astype(np.float64).mean(axis=0) / unit_scale(image.dtype)


def live_hair_text(colour: np.ndarray | None) -> str:
    """What the live-hair readout says: the colour's hex, or that this frame has no hair."""
    return "no hair in this frame" if colour is None else to_hex(colour)


def swatch_rgba(colour: np.ndarray | None) -> list[float]:
    """The live-hair swatch's colour for Dear PyGui (0-255 RGBA): the hair's, or NO_HAIR_SWATCH."""
    rgb = NO_HAIR_SWATCH if colour is None else np.clip(np.round(np.asarray(colour) * 255.0), 0, 255)
    return [float(value) for value in rgb] + [255.0]


class Eyedropper:
    """The eyedroppers of a Studio. `armed` is the look ('dark', 'middle' or 'light') whose target the next pick
    sets, None when no eyedropper is armed."""

    def __init__(self, studio: Studio) -> None:
        self.studio = studio
        self.armed: str | None = None

    def toggle(self, role: str) -> str:
        """Arm `role`'s eyedropper (or put it down when it is the armed one); returns what to tell the artist."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (use {', '.join(ROLES)})")
        if self.armed == role:
            self.armed = None
            return "Eyedropper put down."
        self.armed = role
        return (f"Eyedropper: click the preview (the frame before the recolour) or a reference photo to pick the "
                f"{role} target colour ({PICK_SIZE}x{PICK_SIZE} average); Pick again to cancel.")

    def pick(self, image: np.ndarray, x: int, y: int, where: str = "the image") -> str:
        """Set the armed look's target to `pick_colour(image, x, y)` (one undo step) and put the eyedropper down;
        `where` names the picture in the message returned. StudioStateError when no eyedropper is armed."""
        if self.armed is None:
            raise StudioStateError("arm an eyedropper first (Pick beside a target colour)")
        role, self.armed = self.armed, None
        colour = to_hex(pick_colour(image, x, y))
        self._set_target(role, colour)
        return f"{role.capitalize()} target colour {colour}, picked from {where} at ({int(x)}, {int(y)})."

    def live_role(self, intensity: float | None) -> str:
        """The look the live hair's colour goes to: the armed eyedropper's; else the look the preview is forced to
        ('preview as'); else the one whose reference intensity is nearest the frame's hair `intensity` (the
        darker on a tie); else, with no reference yet, dark for hair below mid-grey and light above."""
        if self.armed is not None:
            return self.armed
        document = self.studio.document
        known = {role: document.slot(role).intensity for role in ROLES if document.slot(role).intensity is not None}
        if self.studio.preview_mode in known:
            return self.studio.preview_mode
        if intensity is None:
            return "dark"
        if not known:
            return "dark" if intensity < 0.5 else "light"
        return min(known, key=lambda role: (abs(known[role] - intensity), ROLES.index(role)))

    def use_live_hair(self, colour: np.ndarray | None, intensity: float | None) -> str:
        """Make the live hair's mean `colour` (sRGB floats in [0, 1]) the target of `live_role(intensity)` (one
        undo step); puts an armed eyedropper down. StudioStateError when the frame has no hair (`colour` None)."""
        if colour is None:
            raise StudioStateError("no hair in this frame: there is no hair colour to use")
        role = self.live_role(intensity)
        self.armed = None
        hex_colour = to_hex(colour)
        self._set_target(role, hex_colour)
        return f"{role.capitalize()} target colour {hex_colour}: the live hair's mean colour."

    def _set_target(self, role: str, colour: str) -> None:
        self.studio.end_edit()  # a pick is its own undo step, never merged into a colour drag before it
        self.studio.set_look(role, target=colour)
        self.studio.end_edit()
