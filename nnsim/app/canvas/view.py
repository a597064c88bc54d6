"""The canvas view: zoom, pan, keyboard, drops from the palette, export.

An endless canvas: no scroll bars; the wheel zooms around the cursor, the
middle button or Space + left button pans, F (or Home) fits the design. A
tap of Space that pans nothing emits ``space_tapped`` (the window's
play/pause). The design is fitted into view when a new one opens (once the
view has its size) and when asked (``fit_all``, ``fit_when_settled``); a
change of the view's size keeps the zoom and the point in the middle, so a
dock that opens, closes or widens never rescales the network under the
pointer.
Antialiasing is off while something is dragged, and items draw less detail
when zoomed out.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QElapsedTimer, QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QCursor, QKeySequence, QPainter, QPen, QPixmap, QTransform
from PySide6.QtWidgets import QApplication, QGraphicsView, QLabel, QWidget

from nnsim.app.canvas import export
from nnsim.app.canvas import style as S
from nnsim.app.canvas.interactions import part_from_mime
from nnsim.app.canvas.keyboard import KeyboardChooser
from nnsim.app.canvas.scene import CanvasScene

MIN_ZOOM, MAX_ZOOM = 0.02, 4.0
FIT_MAX_ZOOM = 1.25
KEY_STEP = 1.25
WORLD = 1.0e6  # half-size of the (invisible) scroll area in scene units
GRID = 24.0
GRID_MIN_ZOOM = 0.5
FOCUS_WIDTH = 2.0  # viewport pixels of the frame drawn while the canvas has the keyboard
TAP_MS = 500  # a Space press released sooner, without panning, is a tap
EMPTY_HINT = ("Drag neurons or whole layers from Parts onto the canvas (or double-click a part),\n"
              "then drag from a neuron's + port to another neuron to connect them.\n"
              "Help ▸ Example Gallery has ready-made networks.")
NUDGE = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, -1), Qt.Key_Down: (0, 1)}


def _grid_brush() -> QBrush:
    pm = QPixmap(int(GRID), int(GRID))
    pm.fill(S.BACKGROUND)
    p = QPainter(pm)
    p.setPen(Qt.NoPen)
    p.setBrush(S.GRID)
    p.drawRect(QRectF(0, 0, 2, 2))
    p.end()
    return QBrush(pm)


class FocusFrame(QWidget):
    """A frame (and nothing else) over the canvas: the keys go there."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setAttribute(Qt.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.NoFocus)
        self.hide()

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setPen(QPen(S.FOCUS, FOCUS_WIDTH))
        half = FOCUS_WIDTH / 2
        p.drawRect(QRectF(self.rect()).adjusted(half, half, -half, -half))
        p.end()


class CanvasView(QGraphicsView):
    """Shows a CanvasScene; see the module docstring for the gestures."""

    # Status-bar text: the scene's messages pass through here too.
    message = Signal(str)
    zoom_changed = Signal(float)
    # Space pressed and released quickly without panning.
    space_tapped = Signal()

    def __init__(self, scene: CanvasScene, parent=None):
        super().__init__(parent)
        self._scene = scene  # the view does not own its scene: keep it alive
        self.setScene(scene)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.MinimalViewportUpdate)
        self.setOptimizationFlags(QGraphicsView.DontSavePainterState)
        self.setCacheMode(QGraphicsView.CacheBackground)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ContainsItemShape)
        self.setTransformationAnchor(QGraphicsView.NoAnchor)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSceneRect(QRectF(-WORLD, -WORLD, 2 * WORLD, 2 * WORLD))
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setMouseTracking(True)
        self._grid = _grid_brush()
        self._pan_from: QPoint | None = None
        self._space = False
        self._space_panned = False  # the held Space was used to pan
        self._space_held = QElapsedTimer()
        self._dragging = False
        self.keys = KeyboardChooser(self)
        self.text_scale = 1.0  # fitting magnifies up to this much more (presentation mode)  # Tab chooses neurons, C connects
        # A fit asked for before the view has its final size (a design opened at
        # start-up, a workspace switched) waits until its resizes settle.
        self._fit_pending = True
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._settled_fit)
        scene.message.connect(self.message)
        scene.rebuilt.connect(self._on_rebuilt)
        scene.shown_connections_changed.connect(self._update_lod_note)
        # Says when dense connections are thinned out; a child of the view,
        # not of the viewport, so scrolling does not move it.
        self._lod_note = QLabel(self)
        self._lod_note.setStyleSheet(
            "QLabel { background: rgba(255, 255, 255, 215); color: #4b5563; border: 1px solid #d5d9e0;"
            " border-radius: 4px; padding: 2px 6px; font-size: 11px; }"
        )
        self._lod_note.hide()
        # An empty design says how to begin, in the middle of the view.
        self._empty_note = QLabel(
            "<p style='font-size: 15px; font-weight: bold'>An empty network</p>" + EMPTY_HINT.replace("\n", "<br>"), self)
        self._empty_note.setAlignment(Qt.AlignCenter)
        self._empty_note.setStyleSheet("QLabel { color: #6b7280; font-size: 13px; background: transparent; }")
        self._empty_note.setAttribute(Qt.WA_TransparentForMouseEvents)
        self._empty_note.hide()
        # A frame round the canvas while it has the keyboard: over the viewport,
        # not drawn in it, so panning does not scroll it away.
        self._focus_frame = FocusFrame(self)
        document = scene.document
        for signal in (document.reset, document.neurons_added, document.neurons_removed):
            signal.connect(self._update_empty_note)
        self._update_empty_note()

    # -- zoom --------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        t = self.transform()
        return math.hypot(t.m11(), t.m12())

    def set_zoom(self, zoom: float, anchor: QPoint | None = None) -> None:
        """Zoom to ``zoom`` keeping the scene point under ``anchor`` (viewport
        pixels; default the centre) where it is."""
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        if anchor is None:
            anchor = self.viewport().rect().center()
        before = self.mapToScene(anchor)
        self.setTransform(QTransform.fromScale(zoom, zoom))
        after = self.mapFromScene(before)
        self._scroll_by(after.x() - anchor.x(), after.y() - anchor.y())
        self._scene.set_view_zoom(zoom)
        self._update_lod_note()
        self.zoom_changed.emit(zoom)

    def _update_lod_note(self) -> None:
        shown, total = self._scene.shown_connections(self.zoom)
        if shown < total:
            self._lod_note.setText(f"Showing the strongest {shown:,} of {total:,} connections · zoom in for more")
            self._lod_note.adjustSize()
            self._place_lod_note()
            self._lod_note.show()
        else:
            self._lod_note.hide()

    def _update_empty_note(self, *_) -> None:
        empty = not self._scene.document.design.neurons
        if empty:
            self._empty_note.setGeometry(self.viewport().geometry())
        self._empty_note.setVisible(empty)

    def _place_lod_note(self) -> None:
        vp = self.viewport().geometry()
        self._lod_note.move(vp.left() + 8, vp.bottom() - self._lod_note.height() - 8)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)  # the resize anchor keeps the middle in the middle
        self._place_lod_note()
        self._empty_note.setGeometry(self.viewport().geometry())
        self._focus_frame.setGeometry(self.viewport().geometry())
        if self._fit_pending and self.isVisible():
            self._fit_timer.start()  # still settling: fit once it has

    def _scroll_by(self, dx: float, dy: float) -> None:
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + round(dx))
        v.setValue(v.value() + round(dy))

    def zoom_in(self) -> None:
        self._fit_pending = False
        self.set_zoom(self.zoom * KEY_STEP)

    def zoom_out(self) -> None:
        self._fit_pending = False
        self.set_zoom(self.zoom / KEY_STEP)

    def zoom_reset(self) -> None:
        self._fit_pending = False
        self.set_zoom(1.0)

    def fit_when_settled(self) -> None:
        """Fit the design once the view's size has settled (after a layout
        change the window makes on purpose, or before the view is shown)."""
        self._fit_pending = True
        if self.isVisible():
            self._fit_timer.start()

    def _settled_fit(self) -> None:
        # Layouts still waiting to run (docks resized a moment ago) take their
        # sizes first: a fit into a size about to change fits the wrong room.
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        if self._fit_pending and self.isVisible():
            self._fit_pending = False
            self.fit_all()

    def fit_all(self) -> None:
        """Show the whole design (never magnified beyond FIT_MAX_ZOOM)."""
        self._fit_pending = False
        rect = self._scene.content_rect()
        if rect.isEmpty():
            self.set_zoom(1.0)
            self.centerOn(0, 0)
            return
        rect = rect.adjusted(-30, -30, 30, 30)
        vp = self.viewport().rect()
        zoom = min(vp.width() / rect.width(), vp.height() / rect.height(), FIT_MAX_ZOOM * self.text_scale)
        self.set_zoom(zoom)
        self.centerOn(rect.center())

    def _on_rebuilt(self) -> None:
        if self.isVisible():
            self.fit_all()  # at once, so what follows (a drop, a test) sees it fitted
        self.fit_when_settled()  # and again if the view is still taking its size

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self._fit_pending:
            self._fit_timer.start()

    def wheelEvent(self, event) -> None:  # noqa: N802
        self._fit_pending = False
        delta = event.angleDelta()
        if event.modifiers() & Qt.ShiftModifier:  # pan sideways
            self._scroll_by(-(delta.y() or delta.x()) / 2, 0)
        elif delta.y():
            self.set_zoom(self.zoom * 1.0015 ** delta.y(), event.position().toPoint())
        event.accept()

    # -- background ----------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802
        painter.fillRect(rect, S.BACKGROUND)
        if self.zoom >= GRID_MIN_ZOOM:
            painter.fillRect(rect, self._grid)

    # -- mouse: pan, antialiasing off while dragging ----------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus()
        self.keys.cancel()
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and self._space):
            self._space_panned = self._space
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)
        if event.button() == Qt.LeftButton and not self._scene.tools.connecting:
            # moving items or a rubber band: speed over smooth edges until release
            self._dragging = True
            self.setRenderHint(QPainter.Antialiasing, False)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None:
            p = event.position().toPoint()
            d = p - self._pan_from
            self._pan_from = p
            self._fit_pending = False
            self._scroll_by(-d.x(), -d.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._pan_from is not None and event.button() in (Qt.MiddleButton, Qt.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.OpenHandCursor if self._space else Qt.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)
        event.accept()  # a rubber band ending on empty canvas is handled too
        if self._dragging and event.button() == Qt.LeftButton:
            self._dragging = False
            self.setRenderHint(QPainter.Antialiasing, True)
            self.viewport().update()

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._scene.clear_hover()
        super().leaveEvent(event)

    # -- keyboard ------------------------------------------------------------------------
    def event(self, event) -> bool:
        # Space belongs to the canvas while it has focus (tap or pan), not to a
        # window-wide shortcut.
        if event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_Space \
                and not event.modifiers() & ~Qt.KeypadModifier:
            event.accept()
            return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 - Qt's names
        # Tab chooses the next neuron; past the last one the focus moves on.
        if self.hasFocus() and (self.keys.step(next) or self.keys.connecting):
            return True
        return super().focusNextPrevChild(next)

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)
        self._focus_frame.setGeometry(self.viewport().geometry())
        self._focus_frame.show()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self._focus_frame.hide()
        self.keys.cancel()
        if self._space:  # the release will not come here
            self._space = False
            self._space_panned = True
            if self._pan_from is None:
                self.viewport().unsetCursor()
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.ControlModifier)
        scene = self._scene
        if key == Qt.Key_Space:
            if not event.isAutoRepeat():
                self._space = True
                self._space_panned = False
                self._space_held.start()
                self.viewport().setCursor(Qt.OpenHandCursor)
        elif key in (Qt.Key_Delete, Qt.Key_Backspace):
            scene.delete_selection()
        elif event.matches(QKeySequence.ZoomIn) or (ctrl and key in (Qt.Key_Equal, Qt.Key_Plus)):
            self.zoom_in()
        elif event.matches(QKeySequence.ZoomOut) or (ctrl and key in (Qt.Key_Minus, Qt.Key_Underscore)):
            self.zoom_out()
        elif ctrl and key == Qt.Key_0:
            self.zoom_reset()
        elif (key == Qt.Key_F and not ctrl) or key == Qt.Key_Home:
            self.fit_all()
        elif event.matches(QKeySequence.SelectAll):
            scene.select_all()
        elif event.matches(QKeySequence.Copy):
            scene.copy_selection()
        elif event.matches(QKeySequence.Cut):
            scene.cut_selection()
        elif event.matches(QKeySequence.Paste):
            self.paste()
        elif ctrl and key == Qt.Key_D:
            scene.duplicate_selection()
        elif key in NUDGE and not ctrl:
            step = 50.0 if mods & Qt.ShiftModifier else 10.0
            dx, dy = NUDGE[key]
            scene.move_selection(dx * step, dy * step, nudge=True)
        elif key == Qt.Key_C and not mods & ~Qt.KeypadModifier:
            self.keys.begin()
        elif key in (Qt.Key_Return, Qt.Key_Enter) and self.keys.connecting:
            self.keys.finish()
        elif key == Qt.Key_Escape:
            self.keys.cancel()
            scene.tools.cancel()
            scene.select()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key_Space:
            if not event.isAutoRepeat() and self._space:
                self._space = False
                if self._pan_from is None:
                    self.viewport().unsetCursor()
                if not self._space_panned and self._space_held.elapsed() < TAP_MS:
                    self.space_tapped.emit()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # -- drops from the palette ------------------------------------------------------------
    def _drop_pos(self, event) -> QPointF:
        return self.mapToScene(event.position().toPoint())

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if part_from_mime(event.mimeData()) is not None:
            self._scene.tools.drag_part(event.mimeData(), self._drop_pos(event))
            event.acceptProposedAction()
        else:  # nothing else can be dropped on the canvas
            event.ignore()

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if part_from_mime(event.mimeData()) is not None:
            self._scene.tools.drag_part(event.mimeData(), self._drop_pos(event))
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self._scene.tools.leave_part()
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        if part_from_mime(event.mimeData()) is not None:
            if self._scene.tools.drop_part(event.mimeData(), self._drop_pos(event)):
                event.acceptProposedAction()
            else:
                event.ignore()
            self.setFocus()
        else:
            event.ignore()

    # -- the scene's commands, for the window's menus ---------------------------------------
    def _cursor_scene_pos(self) -> QPointF | None:
        p = self.viewport().mapFromGlobal(QCursor.pos())
        return self.mapToScene(p) if self.viewport().rect().contains(p) else None

    def paste(self) -> list[int]:
        """Paste at the cursor when it is over the canvas."""
        return self._scene.paste(self._cursor_scene_pos())

    def select_all(self) -> None:
        self._scene.select_all()

    def delete_selection(self) -> None:
        self._scene.delete_selection()

    def copy_selection(self) -> bool:
        return self._scene.copy_selection()

    def cut_selection(self) -> None:
        self._scene.cut_selection()

    def duplicate_selection(self) -> list[int]:
        return self._scene.duplicate_selection()

    def freeze_selection(self, frozen: bool = True) -> None:
        self._scene.freeze_selection(frozen)

    def picture(self) -> export.CanvasPicture:
        """The whole design as a picture (``nnsim.app.pictures``) for files, the clipboard and printing."""
        return export.CanvasPicture(self._scene, self._scene.design.name or "nnsim design")

    def export_png(self, path, scale: float = 2.0, options=None) -> bool:
        return export.export_png(self._scene, path, scale, options)

    def export_svg(self, path, options=None) -> bool:
        return export.export_svg(self._scene, path, self._scene.design.name, options)


__all__ = ["CanvasView"]
