"""What the canvas shows beyond the design: highlight overlays (hover,
selection, learn mode) and the hooks the training views use. Mixed into
``CanvasScene``; none of this touches the design."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from nnsim.app.canvas import style as S
from nnsim.app.canvas.bundles import shorten
from nnsim.app.canvas.items import DOT_LOD
from nnsim.design.model import LayerKind
from nnsim.design.parameters import ParameterMap
from nnsim.engine.params import Parameters


class HooksMixin:
    """Overlays and training-view hooks of ``CanvasScene``."""

    def _pair_segments(self, pairs) -> tuple[np.ndarray, np.ndarray]:
        """Edge-to-edge segments and shown weights of some connections."""
        segs, weights = [], []
        for pair in pairs:
            found = self.table.find(*pair)
            if found is not None:
                key, i = found
                data = self.table.pairs[key]
                segs.append(data.segments(self.table.pos, [i])[0])
                weights.append(data.shown_weights()[i])
        if not segs:
            return np.zeros((0, 4)), np.zeros(0)
        return shorten(np.array(segs)), np.array(weights)

    def _refresh_overlays(self) -> None:
        for overlay, pairs, halo, width in (
            (self.hover_overlay, [self._hover_pair] if self._hover_pair else [], S.HOVER, 7.0),
            (self.select_overlay, self._selected_pairs, S.SELECT, 7.0),
            (self.highlight_overlay, self._highlight_pairs, S.HIGHLIGHT, 8.0),
        ):
            seg, w = self._pair_segments(self.loops.straight(pairs))
            if len(seg) == 0:
                if not overlay.is_empty():
                    overlay.clear()
                continue
            core_pos = S.cosmetic_pen(S.POSITIVE, 2.4)
            core_neg = S.cosmetic_pen(S.NEGATIVE, 2.4)
            overlay.set_highlight(seg, S.cosmetic_pen(halo, width), [(core_pos, w >= 0), (core_neg, w < 0)])
        self.loops.show_selection(self._selected_pairs)

    def shown_connections(self, zoom: float) -> tuple[int, int]:
        """(connections drawn at this zoom, all connections)."""
        shown = sum(min(len(b.data), b.shown_count(zoom)) for b in self.bundle_items.values())
        return shown, self.table.total

    def clear_hover(self) -> None:
        self._set_hover(None)
        self.set_hovered_neuron(-1)

    def set_hovered_neuron(self, nid: int) -> None:
        """Called by neuron items as the pointer enters (id) and leaves (-1)."""
        if nid != self._hover_neuron:
            self._hover_neuron = nid
            self.neuron_hovered.emit(nid)

    def _set_hover(self, pair) -> None:
        if pair != self._hover_pair:
            self._hover_pair = pair
            self._refresh_overlays()

    def parameter_map(self) -> ParameterMap:
        """Where each connection's weight and neuron's bias of the design
        lives among named parameter arrays (made again after structural
        edits)."""
        if self._parameter_map is None:
            self._parameter_map = ParameterMap(self.design)
        return self._parameter_map

    def set_live_parameters(self, params: Parameters | None) -> None:
        """Draw the weights and show the biases held in these named arrays
        (a copy of a network's ``Parameters``, e.g. while training) instead
        of the design's; None goes back to the design's. The design is not
        touched; arrays that are not this design's are ignored."""
        if params is None:
            self._live, self._live_params = None, None
            for key, data in self.table.pairs.items():
                if data.live is not None and data.set_live(None):
                    self.bundle_items[key].rebuild(self.table.pos)
            self._refresh_overlays()
            for item, _ in self._biased_items():
                item.show_bias(None)
            return
        numbers = self.parameter_map()
        weights = numbers.weights(params)
        if weights is None or len(weights) != self.table.total or not self._ensure_order():
            return  # out of step with the design: ignore (the next edit resets training)
        self._live, self._live_params = weights, params
        for key, data in self.table.pairs.items():
            if data.set_live(weights[data.design_idx]):
                self.bundle_items[key].rebuild(self.table.pos)
        self._refresh_overlays()
        biases = numbers.biases(params, np.zeros(len(self.design.neurons)))
        values = biases.tolist()
        for item, i in self._biased_items():
            item.show_bias(values[i])

    def _biased_items(self) -> list:
        """(item, design index) of every neuron with a bias (not the inputs),
        kept until neurons or layers change."""
        if self._bias_items is None:
            index = self.document.index
            self._bias_items = [
                (self.neuron_items[n.id], i) for i, n in enumerate(self.design.neurons)
                if n.id in self.neuron_items and index.layer(n.layer).kind != LayerKind.INPUT
            ]
        return self._bias_items

    def set_neuron_thumbnails(self, images: dict[int, QImage] | None) -> None:
        """Small images (e.g. each neuron's output over the input plane) shown
        inside the hidden and output neurons; None removes them. Images with
        an alpha channel are drawn as they are (make them round), others are
        clipped to the circle (``NeuronItem.set_thumbnail``)."""
        images = images or {}
        for nid, item in self.neuron_items.items():
            item.set_thumbnail(images.get(nid))
        self._thumbnails = dict(images)

    def set_neuron_values(self, values: dict[int, float] | None) -> None:
        """A value shown beside each neuron (e.g. its output for one sample),
        with the neuron tinted by it; None removes them."""
        values = values or {}
        for nid, item in self.neuron_items.items():
            v = values.get(nid)
            item.set_value(None if v is None else float(v))
        self._values = dict(values)

    def highlight(self, neuron_ids=(), connection_pairs=()) -> None:
        """Mark some neurons and connections (the learn mode's current step);
        empty arguments clear the marks."""
        ids = set(neuron_ids)
        for nid in self._highlight_neurons ^ ids:
            item = self.neuron_items.get(nid)
            if item is not None:
                item.highlighted = nid in ids
                item.update()
        self._highlight_neurons = ids
        self._highlight_pairs = [tuple(p) for p in connection_pairs]
        self._refresh_overlays()

    def set_view_zoom(self, zoom: float) -> None:
        """The view's zoom, for level of detail the items cannot decide alone:
        far out, layers draw their neurons as dots."""
        self._zoom = zoom
        dots = zoom < DOT_LOD
        if dots != self._dots:
            self._dots = dots
            for item in self.layer_items.values():
                item.set_dots(dots)
