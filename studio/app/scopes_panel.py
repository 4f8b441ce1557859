"""Under the preview: the live hair's colour (swatch, hex, a button that makes it a look's target) and the scopes
of the hair, shown on demand: a lightness histogram and a vectorscope, before and after the recolour. Widgets
only: the numbers come from scopes.py (measured in the preview worker), the decisions from eyedropper.py."""

from __future__ import annotations

from collections.abc import Callable

import dearpygui.dearpygui as dpg
import numpy as np

from studio.app.eyedropper import live_hair_text, swatch_rgba
from studio.app.scopes import CHROMA_RANGE, LIGHTNESS_BINS, SCOPE_SIZE, HairScopes, describe, oklab, scope_position
from studio.app.textures import PictureTexture
from studio.runtime.look_settings import parse_hex

SCOPES_HEIGHT = 262
"""Pixels the scopes take under the preview when shown (the preview shrinks by as much)."""

PLOT_SIZE = (430, SCOPE_SIZE + 30)
BEFORE_COLOUR, AFTER_COLOUR = (190, 190, 190), (255, 160, 70)
TARGET_COLOUR = (230, 200, 120)  # the reference panels' title colour
GRID_COLOUR, TEXT_COLOUR = (64, 64, 72), (150, 150, 150)
RINGS = (0.05, 0.10, 0.15)
"""Oklab chroma of the vectorscope's rings."""

HUES = {"R": (255, 0, 0), "Y": (255, 255, 0), "G": (0, 255, 0), "C": (0, 255, 255), "B": (0, 0, 255),
        "M": (255, 0, 255)}
"""The hue marks around the vectorscope: sRGB primaries and secondaries, each at its own Oklab hue."""

_CENTRES = (np.arange(LIGHTNESS_BINS) + 0.5) / LIGHTNESS_BINS
_MARK = 5  # half the edge of a look target's square in the vectorscope


class ScopesPanel:
    """`show(hair, button_label)` draws a measurement; `show_targets` marks the looks' target colours."""

    def __init__(self, use_live_hair: Callable[[], None], show_scopes: Callable[[bool], None]) -> None:
        self.shown = False
        self.hair: HairScopes | None = None
        self._targets: dict[str, str] | None = None
        self._button: tuple[str, bool] | None = None
        self._empty = np.zeros((SCOPE_SIZE, SCOPE_SIZE, 3), np.uint8)
        self.texture = PictureTexture(SCOPE_SIZE, SCOPE_SIZE, self._empty)
        with dpg.group(horizontal=True):
            dpg.add_text("Live hair")
            self.swatch = dpg.add_color_button(swatch_rgba(None), width=40, height=20, no_alpha=True,
                                               no_drag_drop=True)
            self.hex_text = dpg.add_text(live_hair_text(None))
            self.use_button = dpg.add_button(label="Use as target", enabled=False, callback=lambda *_: use_live_hair())
            dpg.bind_item_theme(self.use_button, _disabled_theme())
            with dpg.tooltip(self.use_button):
                dpg.add_text("The mean colour of the hair in this frame becomes a look's target (Ctrl+H): the armed\n"
                             "eyedropper's look, else the one 'Preview as' forces, else the reference nearest the\n"
                             "frame's hair intensity.")
            dpg.add_spacer(width=24)
            self.scopes_box = dpg.add_checkbox(label="Scopes", callback=lambda s, value, *_: show_scopes(value))
            with dpg.tooltip(self.scopes_box):
                dpg.add_text("Lightness histogram and vectorscope of the hair, before and after (Ctrl+K)")
        with dpg.group(show=False) as self.group:
            with dpg.group(horizontal=True):
                self._build_histogram()
                self._build_vectorscope()
                with dpg.group():
                    dpg.add_text("The hair of this frame,\nweighted by its mask:", color=TEXT_COLOUR)
                    dpg.add_text("grey    before the recolour", color=BEFORE_COLOUR)
                    dpg.add_text("colour  after it", color=AFTER_COLOUR)
                    dpg.add_text("D, M, L  the looks' target\n         colours (lines: their\n         lightness)",
                                 color=TARGET_COLOUR)
                    dpg.add_text(f"Vectorscope: Oklab a/b,\nhue around, chroma out;\nrings every {RINGS[0]:.2f},"
                                 f"\nrim {CHROMA_RANGE:.2f} (beyond: on it)", color=TEXT_COLOUR)
            self.summary = dpg.add_text(describe(None), color=TEXT_COLOUR)

    def _build_histogram(self) -> None:
        with dpg.plot(label="Lightness of the hair", width=PLOT_SIZE[0], height=PLOT_SIZE[1], no_menus=True,
                      no_box_select=True, no_mouse_pos=True, no_inputs=True) as self.plot:
            self.x_axis = dpg.add_plot_axis(dpg.mvXAxis, label="Oklab lightness", no_menus=True)
            dpg.set_axis_limits(self.x_axis, 0.0, 1.0)
            with dpg.plot_axis(dpg.mvYAxis, label="% of the hair", no_menus=True) as self.y_axis:
                zeros = [0.0] * LIGHTNESS_BINS
                self.series = {}
                for name, colour in (("before", BEFORE_COLOUR), ("after", AFTER_COLOUR)):
                    fill = dpg.add_shade_series(_CENTRES.tolist(), zeros, label=name)
                    line = dpg.add_line_series(_CENTRES.tolist(), zeros, label=name)
                    dpg.bind_item_theme(fill, _series_theme(dpg.mvShadeSeries, dpg.mvPlotCol_Fill, (*colour, 70)))
                    dpg.bind_item_theme(line, _series_theme(dpg.mvLineSeries, dpg.mvPlotCol_Line, (*colour, 255)))
                    self.series[name] = (fill, line)
                self.target_lines = dpg.add_inf_line_series([], label="targets")
                dpg.bind_item_theme(self.target_lines, _series_theme(dpg.mvInfLineSeries, dpg.mvPlotCol_Line,
                                                                     (*TARGET_COLOUR, 200)))
            dpg.set_axis_limits(self.y_axis, 0.0, 10.0)

    def _build_vectorscope(self) -> None:
        half = (SCOPE_SIZE - 1) / 2.0
        with dpg.drawlist(width=SCOPE_SIZE, height=SCOPE_SIZE):
            self.texture.draw_image((0, 0), (SCOPE_SIZE, SCOPE_SIZE))
            for chroma in RINGS:
                dpg.draw_circle((half, half), chroma / CHROMA_RANGE * half, color=GRID_COLOUR)
            dpg.draw_circle((half, half), half, color=(90, 90, 100))
            dpg.draw_line((half, 4), (half, SCOPE_SIZE - 4), color=GRID_COLOUR)
            dpg.draw_line((4, half), (SCOPE_SIZE - 4, half), color=GRID_COLOUR)
            for label, rgb in HUES.items():
                _, a, b = oklab(np.array(rgb, np.uint8))
                x, y = scope_position(a / np.hypot(a, b) * 0.9 * CHROMA_RANGE, b / np.hypot(a, b) * 0.9 * CHROMA_RANGE)
                light = tuple(int(128 + value // 2) for value in rgb)  # readable on the dark disc
                dpg.draw_text((float(x) - 4, float(y) - 7), label, color=light, size=14)
            self.markers = {}
            for role in ("dark", "middle", "light"):
                box = dpg.draw_rectangle((0, 0), (0, 0), color=TARGET_COLOUR, thickness=1.5, show=False)
                text = dpg.draw_text((0, 0), role[0].upper(), color=TARGET_COLOUR, size=13, show=False)
                self.markers[role] = (box, text)

    def set_shown(self, shown: bool) -> None:
        """Show or hide the scopes (the live-hair row stays)."""
        self.shown = bool(shown)
        dpg.set_value(self.scopes_box, self.shown)
        dpg.configure_item(self.group, show=self.shown)

    def show(self, hair: HairScopes | None, button_label: str) -> None:
        """Show the newest measurement of the live hair (None: none yet) and label the button that uses it."""
        button = (button_label, hair is not None and hair.colour is not None)
        if button != self._button:
            self._button = button
            dpg.configure_item(self.use_button, label=button[0], enabled=button[1])
        if hair is self.hair:
            return
        self.hair = hair
        colour = None if hair is None else hair.colour
        dpg.set_value(self.swatch, swatch_rgba(colour))
        dpg.set_value(self.hex_text, live_hair_text(colour))
        if hair is not None and hair.colour is not None and hair.lightness is None:
            return  # measured without scopes: the scopes keep what they showed
        dpg.set_value(self.summary, describe(hair))
        lightness = np.zeros((2, LIGHTNESS_BINS)) if hair is None or hair.lightness is None else hair.lightness
        for (fill, line), row in zip(self.series.values(), lightness * 100.0, strict=True):
            dpg.set_value(fill, [_CENTRES.tolist(), row.tolist(), [0.0] * LIGHTNESS_BINS])
            dpg.set_value(line, [_CENTRES.tolist(), row.tolist()])
        dpg.set_axis_limits(self.y_axis, 0.0, max(5.0, float(lightness.max()) * 100.0 * 1.15))
        self.texture.show(self._empty if hair is None or hair.picture is None else hair.picture)

    def show_targets(self, targets: dict[str, str]) -> None:
        """Mark each look's target colour (role -> '#rrggbb'; roles left out are not marked) in both scopes."""
        if targets == self._targets:
            return
        self._targets = dict(targets)
        for role, (box, text) in self.markers.items():
            if role not in targets:
                dpg.configure_item(box, show=False)
                dpg.configure_item(text, show=False)
                continue
            _, a, b = oklab(parse_hex(targets[role]))
            x, y = (float(v) for v in scope_position(a, b))
            dpg.configure_item(box, pmin=(x - _MARK, y - _MARK), pmax=(x + _MARK, y + _MARK), show=True)
            dpg.configure_item(text, pos=(x + _MARK + 2, y - _MARK - 4), show=True)
        lightness = [float(oklab(parse_hex(colour))[0]) for colour in targets.values()]
        dpg.set_value(self.target_lines, [lightness])


def _disabled_theme() -> int:
    """A button that looks disabled when it is (Dear PyGui draws it as enabled otherwise)."""
    with dpg.theme() as theme, dpg.theme_component(dpg.mvButton, enabled_state=False):
        dpg.add_theme_color(dpg.mvThemeCol_Text, (110, 110, 110))
        for part in (dpg.mvThemeCol_Button, dpg.mvThemeCol_ButtonHovered, dpg.mvThemeCol_ButtonActive):
            dpg.add_theme_color(part, (45, 45, 48))
    return theme


def _series_theme(component: int, target: int, colour: tuple[int, ...]) -> int:
    with dpg.theme() as theme, dpg.theme_component(component):
        dpg.add_theme_color(target, colour, category=dpg.mvThemeCat_Plots)
    return theme
