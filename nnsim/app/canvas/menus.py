"""Context menus of the canvas: on a neuron, a layer, a connection, or the
empty canvas. ``build`` returns the menu without showing it, so tests (and
the window) can trigger its actions directly."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QActionGroup, QTransform
from PySide6.QtWidgets import QMenu

from nnsim.app.canvas.frames import LayerItem
from nnsim.app.canvas.items import NeuronItem
from nnsim.app.canvas.selection import clipboard_fragment
from nnsim.design.model import Activation, LayerKind
from nnsim.design.recipes import EditError

NEW_LAYERS = ((LayerKind.INPUT, 2), (LayerKind.HIDDEN, 4), (LayerKind.OUTPUT, 1))


def build(tools, pos: QPointF, view=None) -> QMenu | None:
    scene = tools.scene
    scale = view.transform().m11() if view is not None else 1.0
    menu = QMenu(view)
    for item in scene.items(pos, Qt.IntersectsItemShape, Qt.DescendingOrder, QTransform.fromScale(scale, scale)):
        if isinstance(item, NeuronItem):
            _neuron_menu(menu, tools, item, pos)
            return menu
        if isinstance(item, LayerItem):
            _layer_menu(menu, tools, item, pos)
            return menu
    pair = scene.connection_at(pos, scale)
    if pair is not None:
        _connection_menu(menu, tools, pair)
    else:
        _canvas_menu(menu, tools, pos, view)
    return menu


def _set(tools, fn, pos=None) -> None:
    try:
        fn()
    except EditError as e:
        tools.refuse(str(e), pos)


def _activation_menu(parent: QMenu, current: Activation | None, choose, default: Activation | None = None) -> QMenu:
    sub = parent.addMenu("Activation")
    group = QActionGroup(sub)
    options = ([(None, f"Layer's ({default.value})")] if default is not None else []) + [
        (a, a.value.replace("_", " ")) for a in Activation
    ]
    for value, text in options:
        act = sub.addAction(text)
        act.setCheckable(True)
        act.setChecked(value == current)
        group.addAction(act)
        act.triggered.connect(lambda _=False, v=value: choose(v))
    return sub


def _neuron_menu(menu: QMenu, tools, item: NeuronItem, pos: QPointF) -> None:
    scene, doc = tools.scene, tools.doc
    n = doc.index.neuron(item.nid)
    layer = doc.index.layer(n.layer)
    neurons, layers, pairs = scene.selected_ids()
    many = item.isSelected() and len(neurons) + len(layers) + len(pairs) > 1
    if many:
        menu.addAction("Delete selection", scene.delete_selection)
    else:
        menu.addAction("Delete neuron", lambda: doc.remove(neurons=[item.nid], text="Delete neuron"))
    menu.addAction(f"Add neuron to '{layer.name}'", lambda: tools.resize_layer_by(layer.id, 1, pos))
    if layer.kind != LayerKind.INPUT:
        _activation_menu(
            menu, n.activation, lambda a: _set(tools, lambda: doc.set_neuron(item.nid, activation=a), pos),
            default=layer.activation,
        )
        menu.addSeparator()
        menu.addAction("Freeze incoming connections", lambda: _freeze_into(tools, [item.nid], True))
        menu.addAction("Unfreeze incoming connections", lambda: _freeze_into(tools, [item.nid], False))
    menu.addSeparator()
    menu.addAction(f"Select layer '{layer.name}'", lambda: scene.select(layers=[layer.id]))


def _freeze_into(tools, nids, frozen: bool) -> None:
    into = set(nids)
    pairs = [(c.source, c.target) for c in tools.scene.design.connections if c.target in into and c.frozen != frozen]
    if pairs:
        tools.doc.set_connections(pairs, frozen=frozen)
    tools.notify(f"{'Froze' if frozen else 'Unfroze'} {len(pairs)} connection" + ("s" if len(pairs) != 1 else ""))


def _layer_menu(menu: QMenu, tools, item: LayerItem, pos: QPointF) -> None:
    scene, doc = tools.scene, tools.doc
    layer = doc.index.layer(item.lid)
    menu.addAction("Add neuron", lambda: tools.resize_layer_by(layer.id, 1, pos))
    remove = menu.addAction("Remove last neuron", lambda: tools.resize_layer_by(layer.id, -1, pos))
    remove.setEnabled(item.count > 1)
    if layer.kind != LayerKind.OUTPUT:
        sub = menu.addMenu("Connect all to")
        others = [other for other in scene.design.layers if other.id != layer.id and other.kind != LayerKind.INPUT]
        for other in others:
            sub.addAction(
                f"'{other.name}'",
                lambda o=other.id: tools.connect(("layer", layer.id), ("layer", o), pos),
            )
        sub.setEnabled(bool(others))
    _recurrent_menu(menu, tools, layer, pos)
    if layer.kind != LayerKind.INPUT:
        _activation_menu(
            menu, layer.activation, lambda a: _set(tools, lambda: doc.set_layer(layer.id, activation=a), pos)
        )
        menu.addAction("Freeze incoming connections",
                       lambda: _freeze_into(tools, [n.id for n in scene.design.neurons_of(layer.id)], True))
    menu.addSeparator()
    menu.addAction("Delete layer", lambda: doc.remove(layers=[layer.id], text=f"Delete layer '{layer.name}'"))


def _recurrent_menu(menu: QMenu, tools, layer, pos: QPointF) -> None:
    """"Connect all recurrently": the layer onto itself (an Elman loop) or
    back to an earlier layer (a Jordan loop), each value arriving one time
    step later."""
    if layer.kind == LayerKind.INPUT:
        return
    scene = tools.scene
    menu.addAction("Connect all recurrently (onto itself)",
                   lambda: tools.connect(("layer", layer.id), ("layer", layer.id), pos, delay=1))
    others = [o for o in scene.design.layers if o.id != layer.id and o.kind != LayerKind.INPUT]
    if others:
        sub = menu.addMenu("Connect all recurrently to")
        for other in others:
            sub.addAction(f"'{other.name}'",
                          lambda o=other.id: tools.connect(("layer", layer.id), ("layer", o), pos, delay=1))


def _connection_menu(menu: QMenu, tools, pair) -> None:
    scene, doc = tools.scene, tools.doc
    _, _, selected = scene.selected_ids()
    if pair not in selected:
        scene.select(connections=[pair])
        selected = [pair]
    _, frozen = scene.weight_of(pair)
    many = len(selected) > 1
    noun = f"{len(selected)} connections" if many else "connection"
    freeze = menu.addAction(f"Unfreeze {noun}" if frozen else f"Freeze {noun}")
    freeze.triggered.connect(lambda: doc.set_connections(list(selected), frozen=not frozen))
    menu.addAction(f"Delete {noun}", lambda: doc.remove(connections=list(selected), text=f"Delete {noun}"))


def _canvas_menu(menu: QMenu, tools, pos: QPointF, view) -> None:
    scene, doc = tools.scene, tools.doc
    sub = menu.addMenu("Add layer here")
    for kind, size in NEW_LAYERS:
        text = f"{kind.value.capitalize()} layer ({size} neuron{'s' if size > 1 else ''})"
        sub.addAction(text, lambda k=kind, s=size: _add_layer(tools, k, s, pos))
    paste = menu.addAction("Paste", lambda: scene.paste(pos))
    paste.setEnabled(clipboard_fragment() is not None)
    menu.addSeparator()
    arrange = menu.addAction("Arrange layers", doc.arrange)
    arrange.setEnabled(bool(scene.design.layers))
    menu.addAction("Select all", scene.select_all)
    if view is not None:
        menu.addAction("Fit to window", view.fit_all)


def _add_layer(tools, kind: LayerKind, size: int, pos: QPointF) -> None:
    try:
        lid = tools.doc.add_layer(kind, size, pos.x(), pos.y())
    except EditError as e:
        tools.refuse(str(e), pos)
        return
    tools.scene.select(layers=[lid])
