"""Asking how and where to write a picture (``nnsim.app.pictures``): the Export
Image dialog for the canvas, and the Copy / Save / Print menu that plots and
maps offer on a right click."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nnsim.app.pictures import (
    BACKGROUNDS,
    KINDS,
    SCALES,
    PictureOptions,
    WidgetPicture,
    copy_picture,
    print_picture,
    write_picture,
)


class ExportImageDialog(QDialog):
    """Format, background, scale and style of an exported picture."""

    def __init__(self, options: PictureOptions, parent=None, what: str = "the network"):
        super().__init__(parent)
        self.setWindowTitle("Export Image")
        self.setObjectName("export_image_dialog")
        form = QFormLayout()
        self.kind = QComboBox(objectName="export_kind")
        for kind, label in KINDS.items():
            self.kind.addItem(label.split(" (")[0], kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(options.kind)))
        self.background = QComboBox(objectName="export_background")
        for key, label in BACKGROUNDS.items():
            self.background.addItem(label, key)
        self.background.setCurrentIndex(max(0, self.background.findData(options.background)))
        self.scale = QComboBox(objectName="export_scale")
        for s in SCALES:
            self.scale.addItem(f"{s:g}×", s)
        self.scale.setCurrentIndex(max(0, self.scale.findData(options.scale)))
        self.clean = QCheckBox("Clean style: no −/+ buttons, ports or step-through numbers")
        self.clean.setObjectName("export_clean")
        self.clean.setChecked(options.clean)
        form.addRow("Format:", self.kind)
        form.addRow("Background:", self.background)
        form.addRow("Scale (PNG):", self.scale)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.clean)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.kind.currentIndexChanged.connect(self._follow_kind)
        self._follow_kind()
        self.setToolTip(f"A picture of {what} for slides and handouts")

    def _follow_kind(self) -> None:
        self.scale.setEnabled(self.kind.currentData() == "png")  # SVG and PDF stay vectors

    def options(self) -> PictureOptions:
        return PictureOptions(self.kind.currentData(), self.background.currentData(), self.scale.currentData(),
                              self.clean.isChecked())


def ask_picture_path(parent, title: str, start: str) -> str | None:
    """A file name for a picture; its ending chooses the format."""
    filters = ";;".join(KINDS.values())
    path, chosen = QFileDialog.getSaveFileName(parent, title, start, filters)
    if not path:
        return None
    if Path(path).suffix.lower().lstrip(".") not in KINDS:
        kind = next((k for k, label in KINDS.items() if label == chosen), "png")
        path += f".{kind}"
    return path


def ask_printer(parent) -> QPrinter | None:
    """A printer the user chose (or a PDF file, from the print dialog)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    return printer if dialog.exec() == QDialog.Accepted else None


def pictures_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.PicturesLocation) or str(Path.home())


class PictureMenu:
    """Copy image, Save image as… and Print… on a widget's right click. The
    plot's context menu, when it has one of its own, is replaced."""

    def __init__(self, widget: QWidget, title: str, source: QWidget | None = None):
        self.widget = widget
        self.source = source or widget  # what is drawn: the widget itself unless a part of it is meant
        self.title = title
        self.options = PictureOptions(scale=2.0)
        widget.setContextMenuPolicy(Qt.CustomContextMenu)
        widget.customContextMenuRequested.connect(self._show)
        self.menu = QMenu(widget)
        self.copy_action = self.menu.addAction("Copy Image", self.copy)
        self.save_action = self.menu.addAction("Save Image As…", self.save)
        self.print_action = self.menu.addAction("Print…", self.print)

    def picture(self) -> WidgetPicture:
        return WidgetPicture(self.source, self.title)

    def _show(self, pos) -> None:
        self.menu.popup(self.widget.mapToGlobal(pos))

    def copy(self):
        return copy_picture(self.picture(), self.options)

    def save(self) -> bool:
        stem = "".join(c if c.isalnum() or c in " -_" else "-" for c in self.title).strip() or "plot"
        path = ask_picture_path(self.widget.window(), "Save Image", str(Path(pictures_dir()) / f"{stem}.png"))
        if not path:
            return False
        try:
            ok = write_picture(self.picture(), path, self.options)
        except OSError as e:
            ok, detail = False, str(e)
        else:
            detail = "The picture could not be written there."
        if not ok:
            QMessageBox.warning(self.widget.window(), "nnsim", f"Could not save {Path(path).name}\n{detail}")
        return ok

    def print(self) -> bool:
        printer = ask_printer(self.widget.window())
        return printer is not None and print_picture(self.picture(), printer, self.options)
