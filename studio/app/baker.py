"""The look baker: bakes the newest recipe in a thread so slider drags never wait, with the preview's
Recolorizer and the response strip. No Dear PyGui here."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from studio.app.recipe import Recipe, preset_from_recipe, recipe_luts
from studio.app.response import ResponseRamp, middle_tone_hair, response_ramp
from studio.errors import StudioError
from studio.runtime import LUT3D, Recolorizer

PREVIEW_SMOOTHING = 0.5
"""Intensity smoothing of the preview's Recolorizer (as an app would use on video)."""


@dataclass(frozen=True)
class Baked:
    """The baker's output for one recipe: each role's LUT (None without an intensity) and, when both
    references are known and in order, a Recolorizer for the preview and the preset's response strip."""

    recipe: Recipe
    luts: dict[str, LUT3D | None]
    recolorizer: Recolorizer | None
    ramp: ResponseRamp | None = None


class LookBaker:
    """Bakes the latest requested recipe in a thread (about 0.2 s a preset): slider drags never wait for it,
    and recipes requested while it works are skipped in favour of the newest."""

    def __init__(self) -> None:
        self.latest: Baked | None = None
        self.error = ""
        self._request: Recipe | None = None
        self._baking = False
        self._wake = threading.Condition()
        threading.Thread(target=self._run, name="baker", daemon=True).start()

    @property
    def busy(self) -> bool:
        """Whether a recipe is waiting or being baked."""
        return self._request is not None or self._baking

    def request(self, recipe: Recipe) -> None:
        """Ask for `recipe` to be baked (replacing any request not started yet)."""
        with self._wake:
            self._request = recipe
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                self._wake.wait_for(lambda: self._request is not None)
                recipe, self._request = self._request, None
                self._baking = True
            try:
                self.latest = bake_recipe(recipe)
                self.error = ""
            except (StudioError, ValueError) as error:
                self.error = str(error)
            finally:
                self._baking = False


def bake_recipe(recipe: Recipe) -> Baked:
    """Each role's LUT and, for an ordered recipe, a preview Recolorizer and the response strip."""
    luts = recipe_luts(recipe)
    if not recipe.ordered:
        return Baked(recipe, luts, None)
    preset = preset_from_recipe(recipe, "preview")
    ramp = response_ramp(preset, middle_tone_hair())
    return Baked(recipe, luts, Recolorizer(preset, smoothing=PREVIEW_SMOOTHING), ramp)
