"""Group frames: in a design of several networks (a GAN's generator and
discriminator), a dashed frame around each group's layers with the group's
name above it. Drawn below everything else and never in the way of the
mouse; it follows the layers' frames whenever they change or move."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.design.gan import GROUP_TITLES

MARGIN = 18.0  # px around the layers' frames
TITLE_GAP = 6.0
COLORS = {"generator": QColor(117, 82, 170), "discriminator": QColor(27, 140, 105)}


class GroupFrame(QGraphicsItem):
    Z = -40.0

    def __init__(self, group: str):
        super().__init__()
        self.group = group
        self.title = GROUP_TITLES.get(group, group)
        self.color = COLORS.get(group, QColor(120, 120, 120))
        self.setZValue(self.Z)
        self.setAcceptedMouseButtons(Qt.NoButton)
        self.rect = QRectF()
        self.lit = False  # at work in a step-through: drawn bold, tinted

    def set_lit(self, on: bool) -> None:
        if on != self.lit:
            self.lit = on
            self.update()

    def set_rect(self, rect: QRectF) -> None:
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = QRectF(rect)

    @property
    def font(self) -> QFont:
        """The title's font, at the window's text size (as the layers' labels)."""
        font = QFont()
        font.setPointSizeF(11.0 * S.label_scale())
        font.setBold(True)
        return font

    def restyle(self) -> None:
        """The text size changed: the title's height is in the bounding rect."""
        self.prepareGeometryChange()
        self.update()

    def title_height(self) -> float:
        return QFontMetricsF(self.font).height()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        return self.rect.adjusted(-2, -self.title_height() - TITLE_GAP - 2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pen = QPen(self.color, 3.2 if self.lit else 1.6, Qt.SolidLine if self.lit else Qt.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        tint = QColor(self.color)
        tint.setAlpha(28)
        painter.setBrush(tint if self.lit else Qt.NoBrush)
        painter.drawRoundedRect(self.rect, 14, 14)
        painter.setFont(self.font)
        painter.drawText(self.rect.topLeft() + QPointF(8, -TITLE_GAP), self.title)


class GroupFrames:
    """The scene's group frames, one per group that has layers (none for a
    design of one network)."""

    def __init__(self, scene):
        self.scene = scene
        self.items: dict[str, GroupFrame] = {}

    def restyle(self) -> None:
        for item in self.items.values():
            item.restyle()

    def highlight(self, group: str | None) -> None:
        """Light up one group's frame (None: none), e.g. the player at work."""
        for name, item in self.items.items():
            item.set_lit(name == group)

    def update(self) -> None:
        scene = self.scene
        rects: dict[str, QRectF] = {}
        for layer in scene.design.layers:
            item = scene.layer_items.get(layer.id)
            if not layer.group or item is None:
                continue
            r = item.sceneBoundingRect()
            rects[layer.group] = rects[layer.group].united(r) if layer.group in rects else r
        for group in list(self.items):
            if group not in rects:
                scene.removeItem(self.items.pop(group))
        for group, r in rects.items():
            item = self.items.get(group)
            if item is None:
                item = self.items[group] = GroupFrame(group)
                scene.addItem(item)
            item.set_rect(r.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN))
