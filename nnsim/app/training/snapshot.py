"""Snapshots: read-only copies of a training session's state for the views.

The worker makes them; the GUI never sees an array the worker still writes.
At a paced speed every snapshot is complete and stands for one frame. At full
speed a light snapshot (counters, new history records, the network's named
parameter arrays: one copy of its flat vector) goes out
about 30 times a second; the heavy parts (heatmaps, histograms, confusion
matrix, one sample's numbers) about 10 times a second and whenever training
stops.

While training runs, a heavy snapshot measures only the parts some view in
sight will draw (``Measure.wanted``, kept by the frame scheduler); the one a
job ends with measures every part, so whatever comes into sight afterwards
has its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtGui import QImage

from nnsim.app.training import block_views
from nnsim.app.training.colors import BACKGROUND_LUT, classes_rgba, images_from_rgba, round_images, to_rgba
from nnsim.app.training.numbers import NumberMap
from nnsim.app.training.probes import LayerHistogram, NeuronMaps, Probe, SampleNumbers
from nnsim.app.training.sequence_probe import SequenceNumbers
from nnsim.design.model import HistoryRecord
from nnsim.engine.params import Parameters

THUMB_STEP = 2  # canvas thumbnails take every 2nd grid point (50 x 50)

# The parts of a heavy snapshot, each drawn by some view (a view names the
# parts it draws when it registers with the controller).
MAPS = "maps"  # every neuron's output over the input plane (values)
OUTPUT = "output"  # the output map's colours
THUMBNAILS = "thumbnails"  # square pictures of the maps (the neurons' mosaic)
ROUND = "round"  # round pictures of the maps (the canvas's neurons)
HISTOGRAMS = "histograms"
CONFUSION = "confusion"  # and the predictions behind it
SAMPLE = "sample"
SEQUENCE = "sequence"  # the chosen sequence step by step (also only while a sequence view wants it)
BLOCKS = "blocks"  # an image network's feature maps (for the chosen sample) and kernels
GAN = "gan"
EVERY_PART = frozenset({MAPS, OUTPUT, THUMBNAILS, ROUND, HISTOGRAMS, CONFUSION, SAMPLE, SEQUENCE, BLOCKS, GAN})
_PICTURES = frozenset({MAPS, OUTPUT, THUMBNAILS, ROUND})  # the parts made from the maps


@dataclass
class Heavy:
    """The expensive measurements, all copies."""

    maps: NeuronMaps | None = None  # the values; a view colours the one neuron it shows large
    output_rgba: np.ndarray | None = None  # (res, res, 4) uint8
    thumbnails: dict[int, QImage] | None = None  # neuron id -> image (top = highest x2)
    round_thumbnails: dict[int, QImage] | None = None  # the same, round, for the canvas's neurons
    histograms: list[LayerHistogram] | None = None
    confusion: tuple[np.ndarray, str] | None = None
    predictions: tuple[np.ndarray, np.ndarray, str] | None = None  # (true, predicted, which) behind the confusion
    sample: SampleNumbers | None = None
    sequence: SequenceNumbers | None = None  # sequence data: the chosen sequence step by step
    block_maps: dict[int, list[QImage]] | None = None  # layer id -> its feature maps for the sample
    block_kernels: dict[int, list[QImage]] | None = None  # layer id -> a convolution's kernels
    gan: object | None = None  # a GAN's GanFrame (nnsim.app.training.gan_probe)


@dataclass
class Snapshot:
    session_id: int
    job_id: int
    step: int
    epoch: int
    steps_per_second: float
    status: str
    message: str
    last_loss: float
    history_start: int  # index in the trainer's history of records[0]
    records: list[HistoryRecord] = field(default_factory=list)
    params: Parameters | None = None  # a copy of the network's named arrays (nnsim.design.parameters maps them)
    heavy: Heavy | None = None
    final: bool = False  # the job ended with this snapshot
    running: bool = False
    paced: bool = False  # a paced frame: the worker waits until the GUI took it (``grant_frame``)
    now: HistoryRecord | None = None  # the network as it is (final snapshots: after a job, after an edit)


class Measure:
    """Makes snapshots of one session (used in the worker thread)."""

    def __init__(self, session_id: int, probe: Probe, numbers: NumberMap):
        self.session_id = session_id
        self.probe = probe
        self.numbers = numbers
        self.sent = 0  # history records already delivered
        self.sample_request = ("train", 0)  # set by the GUI (a plain attribute: atomic)
        self.wanted: frozenset[str] = EVERY_PART  # the parts measured while training runs (set by the GUI)

    def snapshot(self, job_id: int, steps_per_second: float, heavy: bool, final: bool, running: bool,
                 paced: bool = False) -> Snapshot:
        trainer = self.probe.session.trainer
        hist = trainer.history
        start = min(self.sent, len(hist))
        records = list(hist[start:])
        self.sent = len(hist)
        snap = Snapshot(
            session_id=self.session_id,
            job_id=job_id,
            step=trainer.step_count,
            epoch=trainer.epoch,
            steps_per_second=steps_per_second,
            status=trainer.status,
            message=trainer.message,
            last_loss=float(trainer.last_loss),
            history_start=start,
            records=records,
            params=self.numbers.params.copy(),
            final=final,
            running=running,
            paced=paced,
        )
        if final:
            snap.now = trainer.evaluate()
        if heavy:
            snap.heavy = self.heavy(EVERY_PART if final else self.wanted)
        return snap

    def heavy(self, parts: frozenset[str] = EVERY_PART) -> Heavy:
        """The measurements of ``parts`` (the others stay None)."""
        probe = self.probe
        out = Heavy()
        maps = probe.neuron_maps() if parts & _PICTURES else None
        if maps is not None:
            out.maps = maps
            spec = probe.output_spec
            if OUTPUT in parts:
                if spec.mode == "classes":
                    out.output_rgba = classes_rgba(maps.output)
                else:
                    out.output_rgba = to_rgba(maps.output, spec.low, spec.high, BACKGROUND_LUT)
            if THUMBNAILS in parts or ROUND in parts:
                lo, hi = maps.levels[:, 0], maps.levels[:, 1]
                # Only at the thumbnails' resolution: colouring every full map
                # cost as much as computing them (a large view colours its own).
                small = to_rgba(maps.values[:, ::THUMB_STEP, ::THUMB_STEP], lo, hi)  # (n, 50, 50, 4)
                if THUMBNAILS in parts:
                    out.thumbnails = dict(zip(maps.neuron_ids, images_from_rgba(small)))
                if ROUND in parts:
                    out.round_thumbnails = dict(zip(maps.neuron_ids, round_images(small)))
        if HISTOGRAMS in parts:
            out.histograms = probe.histograms()
        if CONFUSION in parts:
            out.confusion = probe.confusion()
            out.predictions = getattr(probe, "last_predictions", None) if out.confusion is not None else None
        which, index = self.sample_request
        blocks = probe.has_blocks and BLOCKS in parts
        if SAMPLE in parts or blocks:
            out.sample = probe.sample(which, index)
        if probe.sequence_probe is not None and SEQUENCE in parts:
            out.sequence = probe.sequence_probe.measure(which, index)
        if blocks:
            out.block_maps = block_views.feature_maps(probe, out.sample)
            out.block_kernels = block_views.kernels(probe)
        if GAN in parts:
            out.gan = probe.gan_frame()
        return out
