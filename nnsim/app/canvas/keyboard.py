"""The canvas from the keyboard: choosing neurons and connecting them.

Tab and Shift+Tab select the next or previous neuron (in the design's order,
layer by layer); past the last one Tab leaves the canvas for the next panel.
C starts a connection from the selected neuron (or layer): Tab and Shift+Tab
then choose the target, shown as a dragged connection is; Enter connects (and
selects the new connection, so the inspector shows its weight) and Escape
gives up. The arrow keys move what is selected (see the view).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF

MARGIN = 30  # viewport pixels kept around a neuron chosen from the keyboard


class KeyboardChooser:
    """Selection and connection by keys for one view."""

    def __init__(self, view):
        self.view = view
        self.source: tuple[str, int] | None = None  # a connection being made from the keyboard
        self.target: int | None = None  # the neuron chosen as its target

    @property
    def scene(self):
        return self.view.scene()

    def _order(self) -> list[int]:
        items = self.scene.neuron_items
        return [n.id for n in self.scene.design.neurons if n.id in items]

    def _show(self, nid: int) -> None:
        item = self.scene.neuron_items[nid]
        self.view.ensureVisible(QRectF(item.mapRectToScene(item.boundingRect())), MARGIN, MARGIN)

    # -- choosing a neuron -------------------------------------------------------------
    def step(self, forward: bool) -> bool:
        """Select the next (or previous) neuron, or choose the next target while
        connecting. False when there is none further: the focus moves on."""
        order = self._order()
        if not order:
            return False
        if self.source is not None:
            return self._step_target(order, forward)
        neurons, layers, _ = self.scene.selected_ids()
        current = neurons[-1] if len(neurons) == 1 and not layers else None
        if current is None or current not in order:
            if layers:  # from a selected layer: its first neuron
                members = [n.id for n in self.scene.design.neurons_of(layers[0]) if n.id in order]
                nid = members[0] if members else order[0 if forward else -1]
            else:
                nid = order[0 if forward else -1]
        else:
            k = order.index(current) + (1 if forward else -1)
            if not 0 <= k < len(order):
                self.scene.select()
                return False
            nid = order[k]
        self.scene.select(neurons=[nid])
        self._show(nid)
        return True

    def _step_target(self, order: list[int], forward: bool) -> bool:
        kind, ident = self.source
        index = self.scene.document.index
        layer = index.neuron(ident).layer if kind == "neuron" else ident
        candidates = [nid for nid in order if index.neuron(nid).layer != layer]  # not within one layer
        if not candidates:
            return True
        if self.target in candidates:
            k = (candidates.index(self.target) + (1 if forward else -1)) % len(candidates)
        else:
            k = 0 if forward else len(candidates) - 1
        self.target = candidates[k]
        self.scene.tools.update_connect(self.scene.neuron_items[self.target].scenePos())
        self._show(self.target)
        return True

    # -- connecting --------------------------------------------------------------------
    def begin(self) -> bool:
        """Start a connection from the one selected neuron or layer."""
        neurons, layers, _ = self.scene.selected_ids()
        if len(neurons) + len(layers) != 1:
            self.scene.message.emit("Select one neuron or layer (Tab), then press C to connect it")
            return False
        if neurons:
            self.source = ("neuron", neurons[0])
            start = self.scene.neuron_items[neurons[0]].scenePos()
        else:
            self.source = ("layer", layers[0])
            item = self.scene.layer_items.get(layers[0]) or self.scene.block_items.get(layers[0])
            start = item.sceneBoundingRect().center()
        self.target = None
        self.scene.tools.begin_connect(*self.source, start, delay=0)
        self.scene.message.emit("Connect to: Tab chooses the neuron, Enter connects, Esc cancels")
        return True

    @property
    def connecting(self) -> bool:
        return self.source is not None

    def finish(self) -> bool:
        """Connect the source to the chosen target (Enter)."""
        source, target = self.source, self.target
        self.cancel()
        if source is None or target is None:
            return False
        done = self.scene.tools.connect(source, ("neuron", target))
        if done and source[0] == "neuron":  # the new connection: the inspector offers its weight
            self.scene.select(connections=[(source[1], target)])
        return done

    def cancel(self) -> None:
        if self.source is not None:
            self.scene.tools.cancel()
        self.source = self.target = None
