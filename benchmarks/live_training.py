"""Live training in the window: speed, smoothness, redraw rates and memory.

Trains a design in the window (offscreen) with every training view visible,
at the default pace (one epoch a frame) and as fast as possible, and, in the
same process, headless on the same design. It prints: training steps/s in the
window and headless (and their ratio, at full speed), how often the canvas's
neuron maps and connection colours were redrawn (new maps a second) next to
the cost plot's repaints, the window's frame intervals (median, 95th
percentile, longest stall) measured by a 16 ms QTimer on the GUI thread, and
memory (RSS) at the start and end.

    python benchmarks/live_training.py [--seconds 10] [--design spiral-deep]
                                       [--playground] [--million] [--json]
                                       [--paces epoch,fastest]

--playground also runs TensorFlow Playground's network size (2-8-8-1 tanh,
SGD, batch 10) on the spiral data; --million trains each case in the window
at full speed until one million steps (for the memory check) instead of
--seconds. Targets: at the default pace the canvas redraws >= 20 times a
second; at full speed >= 15,000 steps/s in the window at Playground's size,
95th percentile frame interval < 40 ms, >= 0.6 of headless speed, flat memory.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

import nnsim  # noqa: E402
from nnsim.design.build import initialize, layered  # noqa: E402
from nnsim.app.training.pace import PACES, pace_by_key  # noqa: E402
from nnsim.design.model import Activation, DatasetSpec, Init, Loss, Optimizer  # noqa: E402
from nnsim.session import Session  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def playground_design():
    d = layered([2, 8, 8, 1], hidden=Activation.TANH, output=Activation.TANH, name="Playground 2-8-8-1")
    d.training.learning_rate = 0.03
    d.training.batch_size = 10
    d.training.optimizer = Optimizer.SGD
    d.training.loss = Loss.MSE
    d.training.init = Init.UNIFORM
    d.training.seed = 1
    d.dataset = DatasetSpec("playground", "spiral", seed=1)
    initialize(d, np.random.default_rng(1))
    return d


def headless(design, seconds: float) -> float:
    session = Session(design.copy())
    trainer = session.trainer
    t0 = time.perf_counter()
    steps = 0
    while time.perf_counter() - t0 < seconds:
        steps += trainer.train_steps(500, evaluate=True)
        if trainer.status != "ready":
            trainer.resume()
    return steps / (time.perf_counter() - t0)


def spin(app, seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def make_window(design):
    """The real main window when it can be made, else a plain window with
    the training views (and a canvas if there is one)."""
    from nnsim.app.document import Document
    from nnsim.app.host import PlainWindow
    from nnsim.app.training import install_training

    try:
        from nnsim.app.main_window import MainWindow

        window = MainWindow(settings=_scratch_settings())
        window.document.replace(design)
        ui = getattr(window, "training", None) or install_training(window)
        kind = "MainWindow"
    except Exception as e:  # noqa: BLE001 - fall back to a bare window
        document = Document(design)
        why = f"{type(e).__name__}: {str(e).splitlines()[0]}"
        try:
            from nnsim.app.canvas import CanvasScene, CanvasView

            scene = CanvasScene(document)
            view = CanvasView(scene)
            window = PlainWindow(document, scene, view)
            window.canvas = view
            kind = f"PlainWindow + CanvasView (MainWindow failed: {why})"
        except Exception as e2:  # noqa: BLE001
            window = PlainWindow(document, central=QLabel("(no canvas)"))
            kind = f"PlainWindow without canvas ({why}; canvas: {type(e2).__name__}: {e2})"
        ui = install_training(window)
    window.resize(1600, 1000)
    return window, ui, kind


def _scratch_settings():
    """Settings of the benchmark's own, new for every window: a layout saved
    by an earlier run (every view shown) must not decide this one's."""
    from PySide6.QtCore import QSettings

    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"nnsim-bench-settings-{os.getpid()}.ini")
    if os.path.exists(path):
        os.remove(path)
    else:
        atexit.register(lambda: os.path.exists(path) and os.remove(path))
    return QSettings(path, QSettings.Format.IniFormat)


CLASSIC = ("training_output_dock", "training_neurons_dock", "training_cost_dock", "training_histograms_dock",
           "training_confusion_dock", "training_sample_dock")


def show_every_view(window, ui) -> None:
    """Every training view in sight at once, none behind another's tab: the
    output map, neuron maps, cost, histograms, confusion matrix and sample,
    and the views the window chose for this data besides (a GAN's, or the
    sequence views); the other training views (of data this is not) hidden."""
    from PySide6.QtCore import Qt

    probe = ui.controller.probe
    extra = []
    if probe is not None:
        if getattr(probe, "players", None) is not None:  # a GAN
            extra = [ui.docks["training_gan_dock"]]
        else:
            shown, _hidden, _kind = ui.sequence.fit(probe, ui.docks)
            extra = [d for d in shown if d.objectName() not in CLASSIC]
    for name, dock in ui.docks.items():
        dock.setVisible(name in CLASSIC or name == "training_dock" or dock in extra)
    right = [ui.docks[k] for k in CLASSIC[:2]] + extra
    bottom = [ui.docks[k] for k in CLASSIC[2:]]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, right[0])
    for a, b in zip(right, right[1:]):
        window.splitDockWidget(a, b, Qt.Orientation.Vertical)
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, bottom[0])
    for a, b in zip(bottom, bottom[1:]):
        window.splitDockWidget(a, b, Qt.Orientation.Horizontal)
    for dock in right + bottom:
        dock.raise_()


class FrameMeter:
    """Intervals between ticks of a 16 ms timer on the GUI thread: a long
    interval is a stall the user would see."""

    def __init__(self):
        self.clock = QElapsedTimer()
        self.intervals: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(16)
        self.timer.timeout.connect(self._tick)
        self.last = None

    def start(self):
        self.clock.start()
        self.last = self.clock.nsecsElapsed()
        self.timer.start()

    def stop(self):
        self.timer.stop()

    def _tick(self):
        now = self.clock.nsecsElapsed()
        self.intervals.append((now - self.last) / 1e6)
        self.last = now


class PaintCounter:
    """Paint events of a widget."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        counter = self
        self.n = 0

        class Filter(QObject):
            def eventFilter(self, obj, ev):  # noqa: N802
                if ev.type() == QEvent.Type.Paint:
                    counter.n += 1
                return False

        self._filter = Filter()
        widget.installEventFilter(self._filter)


class CanvasMaps:
    """New neuron maps (thumbnails) and connection colours handed to the
    canvas: each one is a canvas redraw with fresh pictures."""

    def __init__(self, scene):
        self.maps = self.weights = 0
        if scene is None:
            return
        thumbs, weights = scene.set_neuron_thumbnails, scene.set_live_parameters

        def set_thumbs(images):
            self.maps += images is not None
            thumbs(images)

        def set_weights(params):
            self.weights += params is not None
            weights(params)

        scene.set_neuron_thumbnails, scene.set_live_parameters = set_thumbs, set_weights


def run_case(app, design, seconds: float, million: bool, pace: str, head: float | None) -> dict:
    gc.collect()
    window, ui, kind = make_window(design.copy())
    window.document.set_training(stop_after_epochs=False)
    window.show()
    show_every_view(window, ui)
    spin(app, 0.5)
    c = ui.controller
    c.set_pace(pace)
    rss0 = rss_mb()
    meter = FrameMeter()
    cost_paints = PaintCounter(ui.cost.graphics.viewport())
    canvas = getattr(window, "canvas", None)
    canvas_paints = PaintCounter(canvas.viewport()) if canvas is not None else None
    maps = CanvasMaps(ui._scene)
    meter.start()
    step0, frames0 = c.step, c.frames
    t0 = time.perf_counter()
    c.play()
    # Memory once the window has warmed up (caches, first images), then at the end.
    if million:
        while c.step - step0 < 100_000 and c.playing:
            spin(app, 0.25)
        rss_warm = rss_mb()
        while c.step - step0 < 1_000_000 and c.playing:
            spin(app, 0.5)
    else:
        spin(app, seconds / 3)
        rss_warm = rss_mb()
        spin(app, seconds * 2 / 3)
    c.pause()
    elapsed = time.perf_counter() - t0
    meter.stop()
    steps = c.step - step0
    spin(app, 0.3)
    gc.collect()
    rss1 = rss_mb()
    iv = meter.intervals
    result = {
        "design": design.name,
        "pace": pace,
        "window": kind,
        "seconds": round(elapsed, 1),
        "steps": steps,
        "window_steps_per_s": steps / elapsed,
        "headless_steps_per_s": head,
        "ratio": (steps / elapsed) / head if head else float("nan"),
        "frame_median_ms": statistics.median(iv) if iv else float("nan"),
        "frame_p95_ms": float(np.percentile(iv, 95)) if iv else float("nan"),
        "frame_max_ms": max(iv) if iv else float("nan"),
        "paced_frames_per_s": (c.frames - frames0) / elapsed,
        "canvas_maps_per_s": maps.maps / elapsed,
        "canvas_weights_per_s": maps.weights / elapsed,
        "canvas_paints_per_s": canvas_paints.n / elapsed if canvas_paints is not None else float("nan"),
        "cost_plot_paints_per_s": cost_paints.n / elapsed,
        "rss_start_mb": rss0,
        "rss_warm_mb": rss_warm,
        "rss_end_mb": rss1,
        "history_records": len(c.history),
    }
    ui.shutdown()
    window.document.undo_stack.setClean()  # no "save changes?" question
    window.close()
    window.deleteLater()
    spin(app, 0.2)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--design", default="spiral-deep", help="an example name (default spiral-deep)")
    parser.add_argument("--playground", action="store_true", help="also run Playground's 2-8-8-1 network")
    parser.add_argument("--million", action="store_true", help="train one million steps in the window")
    parser.add_argument("--paces", default="epoch,fastest",
                        help="speeds to run, from: " + ", ".join(p.key for p in PACES))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    paces = ["fastest"] if args.million else [pace_by_key(k).key for k in args.paces.split(",")]
    app = QApplication.instance() or QApplication(sys.argv[:1])
    designs = [nnsim.example(args.design)]
    if args.playground:
        designs.append(playground_design())
    results = []
    for d in designs:
        head = headless(d, min(args.seconds, 5.0)) if "fastest" in paces else None
        results += [run_case(app, d, args.seconds, args.million, pace, head if pace == "fastest" else None)
                    for pace in paces]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'design':<26}{'pace':<9}{'window/s':>10}{'headless/s':>11}{'ratio':>6}{'canvas maps/s':>14}"
          f"{'cost paints/s':>14}{'frame med':>10}{'p95':>7}{'max':>7}{'RSS start':>10}{'warm':>7}{'end':>7}")
    for r in results:
        head = f"{r['headless_steps_per_s']:>11,.0f}{r['ratio']:>6.2f}" if r["headless_steps_per_s"] else f"{'':>17}"
        print(f"{r['design'][:25]:<26}{r['pace']:<9}{r['window_steps_per_s']:>10,.0f}{head}"
              f"{r['canvas_maps_per_s']:>14.1f}{r['cost_plot_paints_per_s']:>14.1f}"
              f"{r['frame_median_ms']:>8.1f}ms{r['frame_p95_ms']:>5.0f}ms{r['frame_max_ms']:>5.0f}ms"
              f"{r['rss_start_mb']:>8.0f}MB{r['rss_warm_mb']:>5.0f}MB{r['rss_end_mb']:>5.0f}MB")
    print(f"(window: {results[0]['window']}; canvas maps/s: new neuron maps shown on the canvas a second; "
          "cost paints/s: repaints of the cost plot)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
