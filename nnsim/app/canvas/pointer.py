"""Mouse handling of the canvas scene: drags that move neurons, clicks and
hover on connections (found geometrically, they are not items), tooltips and
context menus. Mixed into ``CanvasScene``."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTransform
from PySide6.QtWidgets import QToolTip

from nnsim.app.canvas.blocks import BlockItem
from nnsim.app.canvas.connections import nearest_segment
from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.items import NeuronItem
from nnsim.app.canvas.selection import tooltip_at


class PointerMixin:
    """Mouse, tooltip and context-menu handling of ``CanvasScene``."""

    def mousePressEvent(self, event) -> None:  # noqa: N802
        view = _view_of(event)
        self._pending_pair = None
        if event.button() == Qt.LeftButton and view is not None:
            if self._top_item(event.scenePos(), view) is None:
                # A click on a connection selects it; a drag from there is
                # still a rubber band (dense bundles cover the whole canvas).
                hit = self.connection_at(event.scenePos(), _scale(view))
                additive = bool(event.modifiers() & Qt.ControlModifier)
                if hit is not None:
                    self._pending_pair = (hit, event.screenPos(), additive)
                if not additive:
                    self.set_selected_connections([])
        super().mousePressEvent(event)
        grabber = self.mouseGrabberItem()
        self._press = (
            event.button() == Qt.LeftButton
            and isinstance(grabber, (NeuronItem, LayerItem, BlockItem))
            and not self.tools.connecting
        )

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if self._dirty_neurons:
            self._flush()
        if event.buttons() == Qt.NoButton:
            view = _view_of(event)
            if view is not None:
                over = self._top_item(event.scenePos(), view)
                self._set_hover(None if over is not None else self.connection_at(event.scenePos(), _scale(view)))

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if self._press and event.button() == Qt.LeftButton:
            self._press = False
            self._end_drag()
        pending, self._pending_pair = getattr(self, "_pending_pair", None), None
        if pending is not None and event.button() == Qt.LeftButton:
            pair, at, additive = pending
            if (event.screenPos() - at).manhattanLength() <= 4:
                self._click_pair(pair, additive)

    def contextMenuEvent(self, event) -> None:  # noqa: N802
        view = _view_of(event)
        menu = self.tools.context_menu(event.scenePos(), view)
        if menu is not None:
            self._menu = menu  # keep it alive while it is shown
            menu.exec(event.screenPos())
            event.accept()

    def helpEvent(self, event) -> None:  # noqa: N802
        view = _view_of(event)
        text = self.tooltip_at(event.scenePos(), _scale(view) if view else 1.0)
        if text:
            QToolTip.showText(event.screenPos(), text, event.widget())
            event.accept()
        else:
            QToolTip.hideText()
            event.ignore()

    def _top_item(self, pos: QPointF, view):
        """The neuron or layer under ``pos``, ignoring connections and overlays."""
        for item in self.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, view.transform()):
            if isinstance(item, (NeuronItem, LayerItem)):
                return item
        return None

    # == connections under the cursor ====================================================
    def connection_at(self, pos: QPointF, scale: float = 1.0, tolerance_px: float = 4.5) -> tuple[int, int] | None:
        """The connection nearest to ``pos`` (scene coordinates) within a few
        pixels at this zoom, as (source, target)."""
        tol = tolerance_px / max(scale, 1e-6)
        x, y = pos.x(), pos.y()
        best = None
        for key, item in self.bundle_items.items():
            if not item.isVisible():  # drawn as a loop arc (``nnsim.app.canvas.loops``)
                continue
            rect = item.boundingRect().adjusted(-tol, -tol, tol, tol)
            if not rect.contains(pos):
                continue
            data = item.data
            hit = nearest_segment(data.segments(self.table.pos), x, y, tol)
            if hit is not None and (best is None or hit[1] < best[1]):
                best = (int(data.keys[hit[0]]), hit[1])
        if best is None:
            return None
        k = best[0]
        return (k >> 32, k & 0xFFFFFFFF)

    def weight_of(self, pair) -> tuple[float, bool] | None:
        """(shown weight, frozen) of a connection, live weights included."""
        found = self.table.find(*pair)
        if found is None:
            return None
        key, i = found
        data = self.table.pairs[key]
        return float(data.shown_weights()[i]), bool(data.frozen[i])

    def tooltip_at(self, pos: QPointF, scale: float = 1.0) -> str:
        return tooltip_at(self, pos, scale)



def _view_of(event):
    widget = event.widget()
    return widget.parent() if widget is not None else None


def _scale(view) -> float:
    t: QTransform = view.transform()
    return float(np.hypot(t.m11(), t.m12()))
