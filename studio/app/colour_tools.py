"""The eyedroppers and the scopes, wired to the window: the Pick buttons and the click that picks, the live-hair
button, the scopes switch. Widgets and callbacks only: the decisions are eyedropper.Eyedropper's, the numbers
scopes.measure_hair's (in the preview worker)."""

from __future__ import annotations

from studio.app.eyedropper import Eyedropper
from studio.app.hosts import ToolsHost
from studio.app.scopes_panel import ScopesPanel


class ColourTools:
    """Build it where the live-hair row and the scopes go (under the preview); `refresh()` every loop turn."""

    def __init__(self, host: ToolsHost) -> None:
        self.host = host
        self.eyedropper = Eyedropper(host.studio)
        self.scopes = ScopesPanel(self.use_live_hair, self.show_scopes)
        self._label = ""

    def toggle_eyedropper(self, role: str) -> None:
        """Arm `role`'s eyedropper, or put it down when it is armed."""
        self.host.status(self.eyedropper.toggle(role))
        self._show_armed()

    def click(self) -> bool:
        """A left click: with an eyedropper armed and the mouse over the preview or a reference photo, pick the
        colour there (True: the click was the eyedropper's)."""
        if self.eyedropper.armed is None:
            return False
        under = self.host.preview.pixel_under_mouse()
        where = "the preview frame"
        for role, panel in self.host.panels.items():
            if under is None:
                under, where = panel.pixel_under_mouse(), f"the {role} reference photo"
        if under is None:
            return False
        message: list[str] = []
        if self.host.act(lambda: message.append(self.eyedropper.pick(*under, where=where))):
            self.host.status(message[0])
        self._show_armed()
        return True

    def use_live_hair(self) -> None:
        """Make the live hair's mean colour a look's target (which one: Eyedropper.live_role)."""
        hair, intensity = self.scopes.hair, self.host.preview.live_intensity()
        message: list[str] = []
        if self.host.act(lambda: message.append(
                self.eyedropper.use_live_hair(None if hair is None else hair.colour, intensity))):
            self.host.status(message[0])
        self._show_armed()

    def show_scopes(self, shown: bool) -> None:
        """Show or hide the scopes: the preview worker measures the histograms only while they are shown, and the
        preview makes room for them."""
        self.scopes.set_shown(shown)
        self.host.preview.set_scopes(shown)
        self.host.fit_preview()

    def toggle_scopes(self) -> None:
        """Show the scopes if hidden, else hide them."""
        self.show_scopes(not self.scopes.shown)

    def refresh(self) -> None:
        """Show the newest hair measurement, the look targets and which look the live-hair button sets."""
        role = self.eyedropper.live_role(self.host.preview.live_intensity())
        self.scopes.show(self.host.preview.last_hair, f"Use as {role} target")
        document = self.host.studio.document
        self.scopes.show_targets({role: document.slot(role).look.target for role in self.host.panels
                                  if document.slot(role).intensity is not None})

    def _show_armed(self) -> None:
        for role, panel in self.host.panels.items():
            panel.show_armed(self.eyedropper.armed == role)
