"""The canvas's blocks and loop labels at a larger text size: a block grows
down with its captions (its width stays, blocks stand side by side), every
caption stays inside it, and a loop's label box grows with its text."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF

from canvas_testkit import open_view
from nnsim.app.canvas import style as S
from nnsim.app.canvas.loops import label_font
from nnsim.io.files import load
from nnsim.resources import example_path


@pytest.fixture
def larger_text():
    def apply(scene, scale: float) -> None:
        S.set_text_scale(scale)
        scene.restyle_labels()

    yield apply
    S.set_text_scale(1.0)


def _inside(inner, outer) -> bool:
    return outer.adjusted(-0.5, -0.5, 0.5, 0.5).contains(inner)


def _check_captions(item) -> None:
    frame = item.frame
    name_rect, title_rect = item.caption_rects()
    assert _inside(name_rect, frame) and _inside(title_rect, frame), item.name
    name_fm, title_fm = QFontMetricsF(item._name_font), QFontMetricsF(item._title_font)
    assert name_fm.height() <= name_rect.height() + 1 and title_fm.height() <= title_rect.height() + 1
    assert title_fm.horizontalAdvance(item.title) <= title_rect.width() + 0.5, item.title  # the type whole
    assert not name_rect.intersects(title_rect.adjusted(1, 1, -1, -1)), item.name
    for rect in item.text_rects():
        assert _inside(rect, frame), item.name
        assert QFontMetricsF(item._text_font).height() <= rect.height() + 1


@pytest.mark.parametrize("example", ["shapes-cnn", "reber-lstm"])
def test_blocks_grow_with_the_text_and_keep_their_captions_inside(qtbot, larger_text, example):
    doc, scene, view = open_view(qtbot, load(example_path(example)))
    blocks = list(scene.block_items.values())
    assert blocks
    usual = {item.lid: item.frame for item in blocks}
    for item in blocks:
        _check_captions(item)
    larger_text(scene, 1.75)
    for item in blocks:
        frame = item.frame
        assert frame.width() == usual[item.lid].width()  # side by side as before
        assert frame.height() >= 1.5 * usual[item.lid].height(), item.name  # all text: it grows with it
        assert item._name_font.pixelSize() >= 1.7 * 11
        _check_captions(item)
    for (s, t), link in scene.link_items.items():  # the links still meet the blocks' frames
        assert link.sceneBoundingRect().adjusted(-5, -5, 5, 5).intersects(scene._frame_of(t))
    larger_text(scene, 1.0)
    assert {item.lid: item.frame for item in blocks} == usual


def test_a_block_at_large_text_wraps_its_options_and_puts_its_type_under_a_long_name(qtbot, larger_text):
    doc, scene, view = open_view(qtbot, load(example_path("reber-lstm")))
    item = next(i for i in scene.block_items.values() if i.type_name == "lstm")
    item.name = "long short-term memory"
    item.options = "24 cells, forget gate's starting bias 1, learned start"
    larger_text(scene, 1.75)
    item.restyle()
    assert item._two_row_header and len(item._option_lines) >= 2
    assert all("…" not in line for line in item._option_lines[:-1])
    _check_captions(item)


def test_loop_labels_grow_with_the_text_and_stay_in_their_arc(qtbot, larger_text):
    doc, scene, view = open_view(qtbot, load(example_path("sine-rnn")))
    arcs = [arc for arc in scene.loops.items.values() if arc.isVisible()]
    assert arcs
    usual = {arc.key: arc.label_box() for arc in arcs}
    larger_text(scene, 1.75)
    for arc in arcs:
        box = arc.label_box()
        assert box.height() >= 1.5 * usual[arc.key].height() and box.width() > 1.4 * usual[arc.key].width()
        assert QFontMetricsF(label_font()).height() <= box.height()
        assert QFontMetricsF(label_font()).horizontalAdvance(arc.label()) <= box.width()
        assert arc.boundingRect().contains(box)
        assert box.bottom() < min(scene.layer_items[lid].scene_frame().top() for lid in arc.key)  # above the titles
    larger_text(scene, 1.0)
    assert {arc.key: arc.label_box() for arc in arcs} == usual
