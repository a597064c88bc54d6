"""Pictures of the network for slides: File > Export Image (PNG, SVG, PDF) with
every label inside the picture, a clean style without editing controls or
step-through callouts, a chosen background and scale, heat maps clipped to
their neurons in SVG; Edit > Copy Image; File > Print."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QColor, QContextMenuEvent, QImage
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QDialogButtonBox

from nnsim.app.canvas.export import CanvasPicture
from nnsim.app.learn.overlay import CalloutItem
from nnsim.app.pictures import PictureOptions, render_image
from nnsim.design.model import LayerKind
from nnsim.resources import example_path

SVG = "{http://www.w3.org/2000/svg}"


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)[
        :, : image.width()].copy()  # a copy: the image's memory goes with it


def _answer_dialog(qtbot, choices: dict[str, str], done: list) -> None:
    """Once the Export Image dialog is up: pick each combo's item by typing
    arrow keys into it, then click Export."""

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog.objectName() != "export_image_dialog":
            QTimer.singleShot(20, act)
            return
        for name, wanted in choices.items():
            combo = dialog.findChild(QComboBox, name)
            combo.setFocus()
            QTest.keyClick(combo, Qt.Key_Home)
            for _ in range(combo.count()):
                if combo.currentData() == wanted:
                    break
                QTest.keyClick(combo, Qt.Key_Down)
            assert combo.currentData() == wanted
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
        QTest.mouseClick(ok, Qt.LeftButton)
        done.append(True)

    QTimer.singleShot(0, act)


def _outside_labels(scene):
    """Scene rects of the labels drawn beside neurons."""
    return {item.outside: item.mapRectToScene(item._outside_rect()) for item in scene.neuron_items.values()
            if item.outside}


def test_iris_png_holds_every_label_on_a_transparent_background(make_window, qtbot, tmp_path):
    window, answers = make_window(example_path("iris"))
    window.show()
    scene = window.canvas_scene()
    labels = _outside_labels(scene)
    assert {"sepal length", "petal width", "versicolor", "virginica"} <= set(labels)
    answers.export_path = tmp_path / "iris"
    done: list = []
    _answer_dialog(qtbot, {"export_kind": "png", "export_background": "transparent", "export_scale": 1.0}, done)
    window.acts.export_image.trigger()
    assert done and not answers.errors
    image = QImage(str(tmp_path / "iris.png"))
    source = CanvasPicture(scene).source
    assert (image.width(), image.height()) == (round(source.width()), round(source.height()))
    px = _pixels(image)
    assert px[0, 0, 3] == 0  # transparent where nothing is drawn
    for text, rect in labels.items():
        assert source.contains(rect), text  # the label lies inside the picture...
        r = rect.translated(-source.left(), -source.top())
        inked = px[int(r.top()):int(r.bottom()), int(r.left()):int(r.right()), 3]
        assert inked.max() > 200, text  # ...and is drawn there


def test_the_clean_style_leaves_out_buttons_and_step_through_callouts(make_window, qtbot):
    window, _ = make_window(example_path("iris"))
    window.show()
    scene = window.canvas_scene()
    inputs = next(item for item in scene.layer_items.values() if item.kind == LayerKind.INPUT)
    minus = inputs.mapRectToScene(inputs._buttons()[0])
    first = min((n for n in scene.neuron_items.values() if n.kind == LayerKind.INPUT), key=lambda n: n.y())
    callout = CalloutItem(["x1 = 5.1"], "focus", "middle")
    callout.setPos(first.scenePos() + QPointF(0, -60))
    scene.addItem(callout)
    picture = CanvasPicture(scene)
    seen = {}
    for clean in (True, False):
        px = _pixels(render_image(picture, PictureOptions(background="white", scale=1.0, clean=clean)))
        r = minus.translated(-picture.source.left(), -picture.source.top()).adjusted(2, 2, -2, -2)
        button = px[int(r.top()):int(r.bottom()), int(r.left()):int(r.right()), :3].astype(int)
        minus_sign = button.mean(axis=-1) < 170  # the dark "−" (the frame's fill and border are light)
        callout_colour = np.all(np.abs(px[..., :3].astype(int) - QColor("#fff8d6").getRgb()[:3]) <= 2, axis=-1)
        seen[clean] = (int(minus_sign.sum()), int(callout_colour.sum()))
    assert seen[True] == (0, 0)  # no "−" drawn where the button was, no callout
    assert seen[False][0] > 5 and seen[False][1] > 50  # both there in the editing style
    assert callout.isVisible() and not scene.clean  # the canvas itself is as it was
    callout.setPos(picture.source.left() - 200, picture.source.top())  # beyond the drawing
    box = callout.sceneBoundingRect()
    assert picture.source_for(PictureOptions(clean=False)).contains(box)  # the editing style shows it whole
    assert not picture.source_for(PictureOptions(clean=True)).intersects(box)


def test_svg_heat_maps_are_clipped_to_their_circles(make_window, qtbot, tmp_path):
    window, answers = make_window(example_path("circle"))
    window.show()
    scene = window.canvas_scene()
    hidden = [nid for nid, item in scene.neuron_items.items() if item.kind == LayerKind.HIDDEN]
    square = QImage(50, 50, QImage.Format_RGB32)  # a map without transparency: a square on its own
    square.fill(QColor("#2166ac"))
    scene.set_neuron_thumbnails({nid: square for nid in hidden})
    answers.export_path = tmp_path / "circle.svg"
    done: list = []
    _answer_dialog(qtbot, {"export_kind": "svg", "export_background": "white"}, done)
    window.acts.export_image.trigger()
    assert done and not answers.errors
    root = ET.parse(tmp_path / "circle.svg").getroot()
    clips = {c.get("id"): c for c in root.iter(f"{SVG}clipPath")}
    parents = {child: parent for parent in root.iter() for child in parent}
    images = list(root.iter(f"{SVG}image"))
    assert len(images) == sum(item.thumbnail is not None for item in scene.neuron_items.values()) >= len(hidden)
    for image in images:
        node, clip, matrix = image, None, None
        while node is not None and (clip is None or matrix is None):
            ref, transform = node.get("clip-path"), node.get("transform")
            if ref and clip is None:
                clip = clips[re.fullmatch(r"url\(#(.+)\)", ref).group(1)]
            if transform and matrix is None:
                matrix = [float(v) for v in re.findall(r"-?[\d.]+", transform)]
            node = parents.get(node)
        assert clip is not None, "an image outside any clip path"
        d = clip.find(f"{SVG}path").get("d")
        numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
        xs, ys = numbers[0::2], numbers[1::2]
        a, _, _, dd, e, f = matrix  # the neuron's place (no rotation on the canvas)
        x, y, w, h = (float(image.get(k)) for k in ("x", "y", "width", "height"))
        cx, cy = a * (x + w / 2) + e, dd * (y + h / 2) + f
        # The clip is a circle (curves, not a staircase) inside the square image, at its centre.
        assert "C" in d and "L" not in d.replace("Z", "")[1:], d[:80]
        assert max(xs) - min(xs) <= a * w + 0.5 and max(ys) - min(ys) <= dd * h + 0.5
        assert max(xs) - min(xs) > 0.8 * a * w
        assert abs((max(xs) + min(xs)) / 2 - cx) < 0.5 and abs((max(ys) + min(ys)) / 2 - cy) < 0.5


def test_copy_image_and_print_to_pdf(make_window, qtbot, tmp_path, monkeypatch):
    window, answers = make_window(example_path("xor-mlp"))
    window.show()
    QApplication.clipboard().clear()
    window.acts.copy_image.trigger()
    copied = QApplication.clipboard().image()
    size = CanvasPicture(window.canvas_scene()).size()
    assert (copied.width(), copied.height()) == (round(size.width() * 2), round(size.height() * 2))
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "net.pdf"))
    monkeypatch.setattr(window.files, "ask_printer", lambda: printer)
    window.acts.print.trigger()
    data = (tmp_path / "net.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    assert not answers.errors


def _menu_click(qtbot, menu_of, text: str) -> None:
    """Right-click the widget (the context-menu event Qt sends for it), then
    click the menu's item ``text``."""
    widget = menu_of.widget
    target = widget.viewport() if hasattr(widget, "viewport") else widget
    pos = target.rect().center()
    QApplication.sendEvent(target, QContextMenuEvent(QContextMenuEvent.Mouse, pos, target.mapToGlobal(pos)))
    menu = menu_of.menu
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    action = next(a for a in menu.actions() if a.text() == text)
    QTest.mouseClick(menu, Qt.LeftButton, Qt.NoModifier, menu.actionGeometry(action).center())
    qtbot.waitUntil(lambda: not menu.isVisible(), timeout=2000)


def test_plots_are_copied_saved_and_printed_from_their_context_menu(make_window, qtbot, tmp_path, monkeypatch):
    import nnsim.app.picture_menu as picture_menu

    window, _ = make_window(example_path("xor-mlp"))
    window.resize(1366, 768)
    window.show()
    ui, c = window.training, window.training.controller
    for dock in ui.docks.values():
        dock.show()
        dock.raise_()
    qtbot.waitUntil(lambda: c.session is not None, timeout=20000)
    c.play()
    qtbot.waitUntil(lambda: c.epoch > 3, timeout=20000)
    c.pause()
    for name in ("training_cost_dock", "training_confusion_dock"):  # in sight (a view behind a tab is not drawn)
        ui.docks[name].raise_()
    qtbot.waitUntil(lambda: ui.confusion.matrix.matrix is not None, timeout=20000)
    saved = iter([tmp_path / "cost.svg", tmp_path / "confusion.png", tmp_path / "map.png"])
    monkeypatch.setattr(picture_menu, "ask_picture_path", lambda *args: str(next(saved)))
    _menu_click(qtbot, ui.cost.pictures, "Save Image As…")
    svg = ET.parse(tmp_path / "cost.svg").getroot()
    assert any(t.text and "loss" in t.text for t in svg.iter(f"{SVG}text"))  # axis titles stay text
    _menu_click(qtbot, ui.confusion.pictures, "Save Image As…")
    matrix = QImage(str(tmp_path / "confusion.png"))
    size = ui.confusion.matrix.size()
    assert (matrix.width(), matrix.height()) == (size.width() * 2, size.height() * 2)
    assert len(np.unique(_pixels(matrix)[..., :3].reshape(-1, 3), axis=0)) > 20  # cells, numbers: not blank
    ui.docks["training_output_dock"].raise_()
    _menu_click(qtbot, ui.output.pictures, "Save Image As…")
    assert QImage(str(tmp_path / "map.png")).width() == ui.output.plot_widget.width() * 2

    QApplication.clipboard().clear()
    _menu_click(qtbot, ui.histograms.pictures, "Copy Image")
    copied = QApplication.clipboard().image()
    assert copied.width() == ui.histograms.graphics.width() * 2

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "cost.pdf"))
    monkeypatch.setattr(picture_menu, "ask_printer", lambda parent: printer)
    _menu_click(qtbot, ui.cost.pictures, "Print…")
    assert (tmp_path / "cost.pdf").read_bytes().startswith(b"%PDF")
