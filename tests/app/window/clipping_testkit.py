"""Finding text that does not fit its widget: a button, label, check box or
tab whose words are cut off, and panels that need a sideways scroll bar."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QToolButton,
    QWidget,
)

SLACK = 1  # px of rounding


def _name(w: QWidget) -> str:
    parents = []
    p = w
    while p is not None and len(parents) < 4:
        parents.append(p.objectName() or type(p).__name__)
        p = p.parentWidget()
    return "/".join(reversed(parents))


def _shown(w: QWidget) -> bool:
    """Visible and not parked out of sight (Qt moves the docks of tabs behind
    others off-screen)."""
    if not w.isVisible() or w.width() <= 0:
        return False
    top = w.window()
    return not w.visibleRegion().isEmpty() or top is w


def label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or not label.pixmap().isNull():
        return None
    room = label.contentsRect()
    margin = 2 * label.margin() + max(0, label.indent())
    width, height = room.width() - margin, room.height()
    if label.wordWrap():
        need = label.heightForWidth(label.width())
        if need > label.height() + SLACK:
            return f"needs {need} px of height, has {label.height()}"
        return None
    if label.textFormat() == label.textFormat().RichText or (
            label.textFormat() == label.textFormat().AutoText and "<" in text):
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        need = doc.idealWidth()
    else:
        if label.buddy() is not None:  # "Spee&d": the & marks the shortcut, it is not drawn
            text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
        fm = label.fontMetrics()
        need = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    if need > width + SLACK:
        return f"text needs {need:.0f} px, has {width}"
    if height + SLACK < label.fontMetrics().height():
        return f"{height} px high, a line needs {label.fontMetrics().height()}"
    return None


def button_problem(b: QAbstractButton) -> str | None:
    text = b.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return None
    if isinstance(b, QPushButton):
        opt = QStyleOptionButton()
        b.initStyleOption(opt)
        room = b.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, b).width()
        need = b.fontMetrics().horizontalAdvance(text)
        if not b.icon().isNull():
            need += b.iconSize().width() + 4
        if need > room + SLACK:
            return f"text needs {need} px, has {room}"
        return None
    if isinstance(b, (QToolButton, QCheckBox, QRadioButton)):
        if isinstance(b, QToolButton) and b.toolButtonStyle().name == "ToolButtonIconOnly":
            return None
        need = b.sizeHint().width()
        if need > b.width() + SLACK:
            return f"needs {need} px, has {b.width()}"
    return None


def _scrolls_up_and_down(w: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractScrollArea) and p.verticalScrollBar().maximum() > 0:
            return True
        p = p.parentWidget()
    return False


def partly_hidden(w: QWidget) -> str | None:
    """A control cut by the edge of its dock or panel (not one scrolled out
    of view in an area that scrolls)."""
    seen = w.visibleRegion().boundingRect()
    if seen.isEmpty() or seen == w.rect() or _scrolls_up_and_down(w):
        return None
    return f"only {seen.width()}x{seen.height()} of {w.width()}x{w.height()} in view"


def tab_bar_problem(bar: QTabBar) -> str | None:
    if bar.count() == 0:
        return None
    need = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
    if bar.shape().name.startswith(("RoundedWest", "RoundedEast", "TriangularWest", "TriangularEast")):
        need = sum(bar.tabSizeHint(i).height() for i in range(bar.count()))
        room = bar.height()
    else:
        room = bar.width()
    if need > room + SLACK:
        tabs = ", ".join(bar.tabText(i) for i in range(bar.count()))
        return f"tabs ({tabs}) need {need} px, have {room}"
    return None


CHECKED = {"labels": 0, "buttons": 0, "tab bars": 0}


def clipped(root: QWidget) -> list[str]:
    """Every widget under ``root`` (and ``root``) whose text does not fit
    (``CHECKED`` counts what was looked at)."""
    problems = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _shown(w):
            continue
        problem = None
        kind = "labels" if isinstance(w, QLabel) else "buttons" if isinstance(w, QAbstractButton) else (
            "tab bars" if isinstance(w, QTabBar) else None)
        if kind is not None:
            CHECKED[kind] += 1
        if isinstance(w, QLabel):
            problem = label_problem(w)
        elif isinstance(w, QAbstractButton):
            problem = button_problem(w) or partly_hidden(w)
        elif isinstance(w, QTabBar):
            problem = tab_bar_problem(w)
        if problem:
            problems.append(f"{_name(w)} “{getattr(w, 'text', lambda: '')()[:40]}”: {problem}")
    return problems


def sideways_scrolling(root: QWidget) -> list[str]:
    """Scroll areas under ``root`` that need a sideways scroll bar."""
    return [_name(a) for a in root.findChildren(QScrollArea)
            if _shown(a) and a.horizontalScrollBar().maximum() > 0]
