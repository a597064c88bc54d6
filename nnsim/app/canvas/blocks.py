"""Layers drawn as blocks: one item per layer (an image, a convolution,
pooling, a flatten; any type whose ``drawn`` is "block").

A ``BlockItem`` shows the layer's name and type, its options in one line, its
output shape, and, when its settings do not fit what it receives, the reason
in red. Its texts follow the window's text size (``S.label_scale``) and the
block grows down with them, keeping its width (blocks stand side by side):
a name and type that no longer fit on one line take two, and options too
long for a line wrap instead of being cut short (at the usual size they keep
to one line, shortened with …). A connect port on its right starts a link. While training, a block of
feature maps shows them as small images for the chosen sample, and a
convolution its kernels (``set_maps``, ``set_kernels``). Like every canvas
item it only draws what the scene tells it and reports gestures to the scene.

A new kind of block (a recurrent cell with its own drawing) subclasses
``BlockItem``, overrides ``paint_body`` and ``body_height``, and takes its row
in ``nnsim.app.canvas.layer_items.LAYER_ITEMS``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from nnsim.app.canvas import style as S
from nnsim.app.canvas.items import LayerPort, _inside, _shows_selected, drawn_clean
from nnsim.design.layer_types import TYPES, options_of
from nnsim.design.model import Activation, Layer, LayerKind

WIDTH = 200.0
HEADER = 22.0
LINE = 15.0
PAD = 8.0
TILE = 20.0  # a feature map or kernel thumbnail
BIG = 96.0  # the focused map drawn large
BIG_KERNEL = 56.0
TILE_GAP = 3.0
MAX_TILES = 16  # thumbnails per row shown (more are summarised as "+n")
BODY_LOD = 0.3  # below this zoom a block shows its title only (its pictures stay readable longer than text)

OPTION_TEXT = {
    "filters": "{} filters", "kernel": "{0}×{0}", "stride": "stride {}", "padding": "{}",
    "pool": "{0}×{0}", "cells": "{} cells", "channels": "{} ch", "height": "{} high", "width": "{} wide",
}


def options_line(layer: Layer) -> str:
    """The options of a block in a few words ("8 filters 3×3 same")."""
    o = options_of(layer)
    if layer.type == "image":
        return f"{o['height']}×{o['width']} pixels, {o['channels']} channel{'s' if o['channels'] > 1 else ''}"
    words = []
    for name, value in o.items():
        if isinstance(value, bool):
            if value and name == "frozen":
                words.append("frozen")
            continue
        if name == "stride" and value in (0, 1):
            continue
        if name == "padding":
            words.append(value)
            continue
        if name == "initial_state":  # zeros, the usual start, goes without saying
            words += ["learned start"] if value == "learned" else []
            continue
        if name in OPTION_TEXT:
            words.append(OPTION_TEXT[name].format(value))
        else:  # another type's option: its label ("forget gate's starting bias 1")
            option = TYPES[layer.type].option(name)
            words[-1:] = [w + "," for w in words[-1:]]
            words.append(f"{option.label.split(' (')[0].lower() if option else name} {value:g}")
    return " ".join(words)


def shape_text(shape) -> str:
    if shape is None:
        return "output: not known yet"
    if len(shape) == 3:
        c, h, w = shape
        return f"output: {c} × {h}×{w}"
    return f"output: {' × '.join(str(s) for s in shape)} values"


class BlockItem(LayerPort, QGraphicsItem):
    """A layer drawn as one block (see the module docstring)."""

    def __init__(self, lid: int):
        super().__init__()
        self.lid = lid
        self.setFlags(QGraphicsItem.ItemIsSelectable | QGraphicsItem.ItemIsMovable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setZValue(2.0)
        self.name = ""
        self.kind = LayerKind.HIDDEN
        self.type_name = ""
        self.title = ""
        self.options = ""
        self.shape_line = ""
        self.problem = ""
        self.activation = Activation.LINEAR
        self.drop_state: bool | None = None
        self.maps: list[QImage] = []
        self.kernels: list[QImage] = []
        self.focus_map = -1  # the map under the pointer (or chosen): drawn large beside the block
        self.field: tuple[int, int, int, int] | None = None  # an image's pixels a hovered map value looks at
        self._focus_pixel: tuple[int, int] | None = None
        self._problem_lines: list[str] = []
        self._option_lines: list[str] = []
        self._hover_port = False
        self._rect = QRectF()
        self.restyle()

    # -- data ----------------------------------------------------------------------------
    def set_data(self, layer: Layer, shape, problem: str | None) -> None:
        kind = TYPES.get(layer.type)
        self.name, self.kind, self.type_name = layer.name, layer.kind, layer.type
        self.title = kind.title if kind else layer.type
        self.activation = Activation(layer.activation)
        self.options = options_line(layer)
        if layer.type == "conv":
            self.options += f", {S.ACTIVATION_SYMBOL[self.activation]}"
        self.shape_line = shape_text(shape)
        self.problem = problem or ""
        self.restyle()

    def restyle(self) -> None:
        """Measure the texts again at the window's text size and grow to fit them."""
        k = S.label_scale()
        self._k = k
        self._name_font, self._title_font = S.label_font(11, True), S.label_font(9)
        self._text_font, self._small_font = S.label_font(10), S.label_font(8)
        width = WIDTH - 2 * PAD
        name_w = QFontMetricsF(self._name_font).horizontalAdvance(self.name)
        title_w = QFontMetricsF(self._title_font).horizontalAdvance(self.title)
        # At the usual size the name takes the header's left half, shortened if it must;
        # larger text puts the type under the name once the two no longer fit side by side.
        self._title_w = title_w
        self._two_row_header = k > 1 and name_w + PAD + title_w > width
        self._header = HEADER * k + (LINE * k if self._two_row_header else 0)
        self._line = LINE * k
        fm = QFontMetricsF(self._text_font)
        if k > 1:  # wrapped rather than cut short
            self._option_lines = _wrap(self.options, fm, width, most=3) or [""]
        else:
            self._option_lines = [fm.elidedText(self.options, Qt.ElideRight, width)]
        fm = QFontMetricsF(S.label_font(9))
        self._problem_lines = _wrap(self.problem, fm, width) if self.problem else []
        self._layout()
        self.update()

    def set_maps(self, images: list[QImage] | None) -> None:
        """Feature maps (one image per channel) for the chosen sample; None: none."""
        self.maps = list(images or [])
        self._layout()
        self.update()

    def set_kernels(self, images: list[QImage] | None) -> None:
        """The kernels as weight images (blue positive, orange negative)."""
        self.kernels = list(images or [])
        self._layout()
        self.update()

    # -- geometry ------------------------------------------------------------------------
    def _tile_rows(self, count: int) -> int:
        per_row = int((WIDTH - 2 * PAD + TILE_GAP) // (TILE + TILE_GAP))
        return (min(count, MAX_TILES) + per_row - 1) // per_row

    def _texts_height(self) -> float:
        """The header, options, output shape and problem: where the pictures start."""
        return (self._header + self._line * (len(self._option_lines) + 1) + 6
                + self._line * len(self._problem_lines) * 0.8)

    def _caption_height(self) -> float:
        """The line above a row of pictures ("feature maps", "kernels")."""
        return 14 * self._k

    def body_height(self) -> float:
        h = self._texts_height()
        for images in (self.maps, self.kernels):
            if images:
                h += self._caption_height() + self._tile_rows(len(images)) * (TILE + TILE_GAP)
        return h + 4

    def _layout(self) -> None:
        h = self.body_height()
        rect = QRectF(-WIDTH / 2, -h / 2, WIDTH, h)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect

    @property
    def frame(self) -> QRectF:
        return self._rect

    def scene_frame(self) -> QRectF:
        return self.mapRectToScene(self._rect)

    def port_frame(self) -> QRectF:
        return self._rect

    def in_port(self, local: QPointF) -> bool:
        return self.has_port and _inside(local, self.port_center(), S.LAYER_PORT_RADIUS + 3)

    def tile_rects(self, which: str) -> list[QRectF]:
        """Where each map ('maps') or kernel ('kernels') thumbnail is drawn."""
        y = self._rect.top() + self._texts_height()
        per_row = int((WIDTH - 2 * PAD + TILE_GAP) // (TILE + TILE_GAP))
        for name, images in (("maps", self.maps), ("kernels", self.kernels)):
            if not images:
                continue
            y += self._caption_height()
            rects = [QRectF(self._rect.left() + PAD + (i % per_row) * (TILE + TILE_GAP),
                            y + (i // per_row) * (TILE + TILE_GAP), TILE, TILE)
                     for i in range(min(len(images), MAX_TILES))]
            if name == which:
                return rects
            y += self._tile_rows(len(images)) * (TILE + TILE_GAP)
        return []

    def map_at(self, local: QPointF) -> int:
        for which in ("maps", "kernels"):
            for i, rect in enumerate(self.tile_rects(which)):
                if rect.contains(local):
                    return i
        return -1

    def _focused(self) -> bool:
        return 0 <= self.focus_map < len(self.maps) or (self.field is not None and bool(self.maps))

    def boundingRect(self) -> QRectF:  # noqa: N802
        r = self._rect.adjusted(-3, -3, S.LAYER_PORT_RADIUS + 9, 3)
        if self._focused():
            r = r.united(self._focus_rect().adjusted(-2, -2, 2, 2))
        return r

    def _focus_rect(self) -> QRectF:
        """Below the block: the focused map large, with its kernel beside it."""
        return QRectF(self._rect.left(), self._rect.bottom() + 8, WIDTH, BIG + 8 + 14 * self._k)

    def _big_rect(self) -> QRectF:
        f = self._focus_rect()
        return QRectF(f.left() + 6, f.top() + 4, BIG, BIG)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self._rect, 8, 8)
        if self._focused():
            path.addRect(self._focus_rect())
        if self.has_port:
            path.addEllipse(self.port_center(), S.LAYER_PORT_RADIUS + 3, S.LAYER_PORT_RADIUS + 3)
        return path

    def itemChange(self, change, value):  # noqa: N802
        if change == QGraphicsItem.ItemPositionHasChanged and self.scene() is not None:
            self.scene().block_moved(self)
        return super().itemChange(change, value)

    # -- painting ------------------------------------------------------------------------
    def paint(self, painter: QPainter, option, widget=None) -> None:
        ks = S.KIND_STYLE[self.kind]
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if _shows_selected(self):
            border = QPen(S.SELECT, 2.4)
        elif self.drop_state is not None:
            border = QPen(S.ACCEPT if self.drop_state else S.REFUSED, 2.6)
        elif self.problem:
            border = QPen(S.REFUSED, 1.6)
        else:
            border = QPen(ks.border.darker(115), 1.4)
        painter.setPen(border)
        painter.setBrush(ks.frame)
        painter.drawRoundedRect(self._rect, 8, 8)
        header = QRectF(self._rect.left(), self._rect.top(), WIDTH, self._header)
        painter.setPen(Qt.NoPen)
        painter.setBrush(ks.fill)
        clip = QPainterPath()
        clip.addRoundedRect(self._rect.adjusted(1, 1, -1, -1), 7, 7)
        painter.save()
        painter.setClipPath(clip)
        painter.drawRect(header)
        painter.restore()
        if lod >= BODY_LOD * 0.7:
            name_rect, title_rect = self.caption_rects()
            painter.setPen(ks.title)
            painter.setFont(self._name_font)
            fm = QFontMetricsF(self._name_font)
            painter.drawText(name_rect, Qt.AlignLeft | Qt.AlignVCenter,
                             fm.elidedText(self.name, Qt.ElideRight, name_rect.width()))
            painter.setFont(self._title_font)
            painter.setPen(S.MUTED)
            painter.drawText(title_rect, Qt.AlignRight | Qt.AlignVCenter,
                             QFontMetricsF(self._title_font).elidedText(self.title, Qt.ElideRight, title_rect.width()))
        if lod >= BODY_LOD:
            self.paint_body(painter)
        if self.has_port and not drawn_clean(self):
            self._paint_port(painter, ks)

    def caption_rects(self) -> tuple[QRectF, QRectF]:
        """Where the name and the type are written in the header (item coordinates)."""
        top, left = self._rect.top(), self._rect.left()
        if self._two_row_header:
            row = self._header - self._line
            return (QRectF(left + PAD, top, WIDTH - 2 * PAD, row),
                    QRectF(left + PAD, top + row, WIDTH - 2 * PAD, self._line))
        if self._k > 1:  # the name takes what the type leaves
            name_w = WIDTH - 3 * PAD - self._title_w
            return (QRectF(left + PAD, top, name_w, self._header),
                    QRectF(left + 2 * PAD + name_w, top, self._title_w, self._header))
        return (QRectF(left + PAD, top, WIDTH / 2 - PAD, self._header),
                QRectF(left + WIDTH / 2, top, WIDTH / 2 - PAD, self._header))

    def text_rects(self) -> list[QRectF]:
        """Where each line under the header is written: the options, the
        output shape, then the problem's lines (item coordinates)."""
        y = self._rect.top() + self._header + 3
        left, width, line = self._rect.left() + PAD, WIDTH - 2 * PAD, self._line
        rects = [QRectF(left, y + i * line, width, line) for i in range(len(self._option_lines) + 1)]
        y += len(rects) * line + 2
        return rects + [QRectF(left, y + i * line * 0.8, width, line * 0.8) for i in range(len(self._problem_lines))]

    def paint_body(self, painter: QPainter) -> None:
        """Options, output shape, the problem, and the thumbnails."""
        painter.setRenderHint(QPainter.SmoothPixmapTransform, False)  # pixels stay square
        rects = self.text_rects()
        painter.setFont(self._text_font)
        painter.setPen(S.TEXT)
        count = len(self._option_lines)
        for rect, line in zip(rects, self._option_lines):
            painter.drawText(rect, Qt.AlignLeft | Qt.AlignVCenter, line)
        painter.setPen(S.MUTED)
        painter.drawText(rects[count], Qt.AlignLeft | Qt.AlignVCenter, self.shape_line)
        if self._problem_lines:
            painter.setPen(S.REFUSED)
            painter.setFont(S.label_font(9))
            for rect, line in zip(rects[count + 1:], self._problem_lines):
                painter.drawText(rect, Qt.AlignLeft | Qt.AlignVCenter, line)
        for which, images, label in (("maps", self.maps, "feature maps"), ("kernels", self.kernels, "kernels")):
            rects = self.tile_rects(which)
            if not rects:
                continue
            painter.setPen(S.MUTED)
            painter.setFont(self._small_font)
            extra = f"  (+{len(images) - len(rects)})" if len(images) > len(rects) else ""
            caption = self._caption_height()
            painter.drawText(QRectF(rects[0].left(), rects[0].top() - caption + 1, WIDTH - 2 * PAD, caption - 2),
                             Qt.AlignLeft | Qt.AlignVCenter, label + extra)
            painter.setPen(QPen(S.HOVER, 0.8))
            painter.setBrush(Qt.NoBrush)  # the frames must not cover the pictures
            for i, (rect, image) in enumerate(zip(rects, images)):
                painter.drawImage(rect, image)
                if which == "maps" and i == self.focus_map:
                    painter.setPen(QPen(S.HIGHLIGHT, 2.0))
                    painter.drawRect(rect.adjusted(-1, -1, 1, 1))
                    painter.setPen(QPen(S.HOVER, 0.8))
                else:
                    painter.drawRect(rect)
        if self._focused():
            self._paint_focus(painter)

    def _paint_focus(self, painter: QPainter) -> None:
        """The focused map large (or, on an image, the input with the pixels a
        hovered value looks at) and the kernel that made it."""
        i = self.focus_map if 0 <= self.focus_map < len(self.maps) else 0
        panel, big = self._focus_rect(), self._big_rect()
        painter.setPen(QPen(S.HIGHLIGHT, 1.5))
        painter.setBrush(QColor("#ffffff"))
        painter.drawRoundedRect(panel, 6, 6)
        image = self.maps[i]
        painter.drawImage(big, image)
        painter.setPen(S.TEXT)
        painter.setFont(S.label_font(9))
        label = "input" if self.type_name == "image" else f"map {i + 1}"
        painter.drawText(QRectF(big.left(), big.bottom() + 2, BIG, 14 * self._k), Qt.AlignCenter, label)
        sx, sy = BIG / max(image.width(), 1), BIG / max(image.height(), 1)
        if self._focus_pixel is not None:
            r, c = self._focus_pixel
            painter.setPen(QPen(S.HIGHLIGHT, 2.0))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(QRectF(big.left() + c * sx, big.top() + r * sy, sx, sy))
        if self.field is not None:
            top, left, bottom, right = self.field
            painter.setPen(QPen(S.HIGHLIGHT, 2.4))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(QRectF(big.left() + left * sx, big.top() + top * sy, (right - left + 1) * sx,
                                    (bottom - top + 1) * sy))
            painter.setPen(S.TEXT)
            painter.drawText(QRectF(big.right() + 8, big.top(), panel.right() - big.right() - 12, 40),
                             Qt.AlignLeft | Qt.TextWordWrap, "where the value under the pointer looks")
        if 0 <= self.focus_map < len(self.kernels):
            k = QRectF(big.right() + 14, big.top() + 14, BIG_KERNEL, BIG_KERNEL)
            painter.drawImage(k, self.kernels[self.focus_map])
            painter.setPen(QPen(S.HOVER, 1.0))
            painter.drawRect(k)
            painter.setPen(S.TEXT)
            painter.drawText(QRectF(k.left() - 6, k.bottom() + 2, BIG_KERNEL + 12, 14 * self._k), Qt.AlignCenter,
                             f"kernel {self.focus_map + 1}")

    def _paint_port(self, painter: QPainter, ks: S.KindStyle) -> None:
        hot = self._hover_port or self._connecting
        c = self.port_center()
        painter.setPen(QPen(ks.ring, 1.4))
        painter.setBrush(ks.ring if hot else QColor("#ffffff"))
        painter.drawEllipse(c, S.LAYER_PORT_RADIUS, S.LAYER_PORT_RADIUS)
        arrow = QPainterPath(QPointF(c.x() - 2.5, c.y() - 4))
        arrow.lineTo(c.x() + 4, c.y())
        arrow.lineTo(c.x() - 2.5, c.y() + 4)
        arrow.closeSubpath()
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor("#ffffff") if hot else ks.ring)
        painter.drawPath(arrow)

    # -- interaction ---------------------------------------------------------------------
    def hoverMoveEvent(self, event) -> None:  # noqa: N802
        if self._focused() and 0 <= self.focus_map < len(self.maps) and self._big_rect().contains(event.pos()):
            image, big = self.maps[self.focus_map], self._big_rect()
            r = int((event.pos().y() - big.top()) / BIG * image.height())
            c = int((event.pos().x() - big.left()) / BIG * image.width())
            self._set_focus_pixel((min(r, image.height() - 1), min(c, image.width() - 1)))
            return
        self._set_focus_pixel(None)
        port = self.in_port(event.pos())
        if port != self._hover_port:
            self._hover_port = port
            self.update()
        self.setCursor(Qt.CrossCursor if port else Qt.OpenHandCursor)
        i = self.map_at(event.pos()) if self.maps else -1
        if i != self.focus_map and (i >= 0 or not self.isSelected()):
            self.set_focus_map(i)

    def _set_focus_pixel(self, pixel: tuple[int, int] | None) -> None:
        if pixel != self._focus_pixel:
            self._focus_pixel = pixel
            self.update()
            if self.scene() is not None:
                self.scene().map_pixel_hovered(self.lid, pixel)

    def set_field(self, field: tuple[int, int, int, int] | None) -> None:
        """Mark the pixels of this image that a hovered map value looks at."""
        if field != self.field:
            self.prepareGeometryChange()
            self.field = field
            self.update()

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802
        self._set_focus_pixel(None)
        self._hover_port = False
        self.unsetCursor()
        if not self.isSelected():
            self.set_focus_map(-1)
        self.update()

    def set_focus_map(self, i: int) -> None:
        if i != self.focus_map:
            self.prepareGeometryChange()
            self.focus_map = i
            self.update()
            if self.scene() is not None:
                self.scene().map_focused(self.lid, i)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.LeftButton and self.in_port(event.pos()):
            self._start_connect(event, "layer", self.lid)
            return
        if event.button() == Qt.LeftButton and self.maps:
            i = self.map_at(event.pos())
            if i >= 0:
                self.set_focus_map(i)
        super().mousePressEvent(event)


def _wrap(text: str, fm: QFontMetricsF, width: float, most: int = 4) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if fm.horizontalAdvance(trial) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = fm.elidedText(lines[-1] + " …", Qt.ElideRight, width)
    return lines


__all__ = ["BlockItem", "options_line", "shape_text"]
