"""Keeping the Document and the training session in step.

What the canvas shows is what Save writes: when training pauses (and before
a save) the trained numbers and history go into the Document as one
undoable command, "Train epochs a–b" (``TrainCommand``). The other way, an
edit of the Document is sorted here (``classify``): training settings only
(the trainer reads them live), numbers only (written into the live
network), or anything else (the session is built again, carrying what
training did to every number the user did not touch: ``merge``).
"""

from __future__ import annotations

import dataclasses

from nnsim.app.document import Document
from nnsim.app.training.commands import TrainCommand
from nnsim.app.training.keeper import Progress, SessionKeeper
from nnsim.app.training.numbers import Keys, Numbers, compile_key, members_key, merge, remap
from nnsim.design import recipes
from nnsim.design.edits import all_numbers, set_fields
from nnsim.design.gan import is_gan
from nnsim.design.model import Design, Loss

# What an edit of the Document means for the session (``DocumentSync.classify``).
REPLACED = "replaced"  # another design (New, Open, Revert)
SETTINGS = "settings"  # nothing the network holds: training settings, name...
NUMBERS = "numbers"  # numbers only: written into the live network
REBUILD = "rebuild"  # layers, neurons, connections, data, history...
UNCHANGED = "unchanged"  # nothing since the session was built (Open signals the change and the new path)


class DocumentSync:
    """What the Document held when it last matched the session, and the
    commands that bring them together."""

    def __init__(self, document: Document):
        self.document = document
        self.pushing = False  # our own command is being pushed: its change signals are not edits
        self.design: Design | None = None  # the design the session was built from
        self.synced: Numbers | None = None  # the Document's numbers when they last matched the session
        self.doc_history: list = []
        self.synced_step = 0
        self.synced_epoch = 0
        self.dirty = False  # the session holds numbers or history the Document lacks
        self._compile_key = None
        self._members_key = None
        self._keys_at = None  # (the Document's structure revision, design) the keys below were made for
        self._keys_now = (None, None)
        self._dataset = None
        self._path = None
        self._revision = None  # the Document's revision when the session was built

    # -- what the session was built from -----------------------------------------------------
    def built_from(self, design: Design, now: Numbers) -> None:
        self.design = design
        self.doc_history = design.history
        self.synced = now
        self._compile_key, self._members_key = self._keys(design)
        self._dataset = dataclasses.replace(design.dataset, targets=list(design.dataset.targets))
        self._path = self.document.path
        self._revision = self.document.revision

    def after_build(self, keeper: SessionKeeper, design: Design, numbers: Numbers, now: Numbers,
                    progress: Progress | None) -> None:
        """A session was built from ``design`` with ``numbers`` (``now``: the
        Document's)."""
        trainer = keeper.session.trainer
        self.built_from(design, now)
        self.synced_step = trainer.step_count
        self.synced_epoch = design.history[-1].epoch if design.history else 0
        counters = progress.counters if progress is not None else None
        pending = progress.pending if progress is not None else []
        self.dirty = bool(pending) or counters is not None and counters[0] != (
            design.history[-1].step if design.history else 0) or not numbers.equals(now)

    def data_changed(self, design: Design) -> bool:
        """The design trains on other data than the session was built with."""
        return self._dataset is not None and design.dataset != self._dataset

    def unsynced(self, keeper: SessionKeeper) -> bool:
        """Training reached something the Document does not hold."""
        return keeper.session.trainer.step_count != self.synced_step or self.dirty

    # -- Document -> session -------------------------------------------------------------------
    def classify(self, design: Design, error: str) -> tuple[str, Numbers]:
        """What an edit changed (REPLACED, SETTINGS, NUMBERS or REBUILD), and
        the Document's numbers now; UNCHANGED and None when nothing
        changed since the session was built (reading every number of a
        large design costs a twentieth of a second)."""
        if design is self.design and self.document.revision == self._revision and self.document.path == self._path:
            return UNCHANGED, None
        now = all_numbers(design)
        if design is not self.design:
            return REPLACED, now
        same_network = (
            not error  # a design that cannot train is retried after every edit
            and design.history is self.doc_history
            and design.dataset == self._dataset
            and self.document.path == self._path
            and self._keys(design)[0] == self._compile_key
        )
        if not same_network:
            return REBUILD, now
        return (SETTINGS if now.equals(self.synced) else NUMBERS), now

    def same_network(self, design: Design, session) -> bool:
        """The design compiles to the session's network as it is (only the
        numbers, the history or the data differ)."""
        return (
            session is not None
            and not is_gan(design)  # two networks: compiled anew (``SessionKeeper.build``)
            and not design.links  # link weights are not among the numbers a session takes
            and not is_gan(design)  # a GAN's two networks are compiled anew
            and Loss(design.training.loss) == session.network.loss
            and self._keys(design)[0] == self._compile_key
        )

    def _keys(self, design: Design) -> tuple:
        """(compile_key, members_key) of the design as it is: made once per
        change of the Document's structure (each is a pass over every
        connection; new numbers or a new history change neither)."""
        stamp = (self.document.structure_revision, id(design))
        if self._keys_at != stamp:
            self._keys_at = stamp
            self._keys_now = (compile_key(design), members_key(design))
        return self._keys_now

    def known_keys(self, design: Design, keys: tuple) -> None:
        """(compile_key, members_key) of the design as it is now, made
        elsewhere (on the thread that read it)."""
        self._keys_at = (self.document.structure_revision, id(design))
        self._keys_now = keys

    def structural(self, design: Design) -> bool:
        """Layers, neurons or connections came or went since the session was built."""
        return self._keys(design)[1] != self._members_key

    def progress(self, keeper: SessionKeeper, history_changed: bool) -> Progress:
        return keeper.progress(self.synced, self.synced_step, self.dirty, self.doc_history, history_changed)

    def numbers_for(self, design: Design, now: Numbers, carry: Progress | None) -> Numbers:
        """The numbers a session of the design as it is ``now`` starts from:
        trained values where the user left an entry alone, the Document's
        where they edited it or it is new."""
        if carry is None or not carry.dirty:
            return now
        return merge(carry.keys, carry.trained, carry.synced, Keys.of(design), now)

    def edited_numbers(self, keeper: SessionKeeper, now: Numbers) -> Numbers:
        """A numbers-only edit: the numbers the live network takes (the
        worker must be idle), and the Document's now count as synced."""
        keeper.reconcile()
        numbers = now
        if self.unsynced(keeper):
            numbers = merge(keeper.numbers.keys, keeper.numbers.read(), self.synced, Keys.of(self.design), now)
        self.synced = now
        self.dirty = self.dirty or not numbers.equals(now)
        return numbers

    # -- session -> Document -------------------------------------------------------------------
    def push_training(self, keeper: SessionKeeper, steps_merge: bool) -> bool:
        """Write the trained numbers and history into the Document as one
        undoable command (the worker must be idle). False if training
        changed nothing since the last sync; raises EditError when the
        numbers cannot be kept (not finite, or the design changed)."""
        keeper.reconcile()
        trainer = keeper.session.trainer
        if not self.unsynced(keeper):
            return False
        design = self.document.design
        trained = keeper.numbers.read()
        ops = recipes.set_numbers(design, trained.weights, trained.biases, trained.arrays)
        ops += set_fields(("design", None), design, history=list(keeper.history),
                          training_state=keeper.session.training_state())
        steps = trainer.step_count - self.synced_step
        first, last = self.synced_epoch + 1, trainer.epoch
        if steps_merge:
            text = f"Train {steps} step" + ("s" if steps != 1 else "")
        elif last >= first:
            text = f"Train epoch {last}" if last == first else f"Train epochs {first}–{last}"
        else:
            text = f"Train {steps} steps"
        self._push(lambda: self.document.undo_stack.push(
            TrainCommand(self.document, text, ops, steps, mergeable=steps_merge)))
        self.mark_synced(keeper)
        return True

    def mark_synced(self, keeper: SessionKeeper) -> None:
        design = self.document.design
        trainer = keeper.session.trainer
        self.synced = all_numbers(design)
        self.doc_history = design.history
        self.synced_step = trainer.step_count
        self.synced_epoch = trainer.epoch
        self.dirty = False

    def run_ops(self, numbers: Numbers) -> list:
        """The operations of a new run from these numbers with an empty
        history (Reset, Restart). Raises EditError."""
        design = self.document.design
        ops = recipes.set_numbers(design, numbers.weights, numbers.biases, numbers.arrays)
        return ops + set_fields(("design", None), design, history=[], training_state=None)

    def push(self, text: str, ops: list) -> None:
        """Push our own command (its change signals are not edits to follow)."""
        self._push(lambda: self.document.push(text, ops))

    def restart_numbers(self, keeper: SessionKeeper) -> Numbers:
        """The numbers this run started from, for the design as it is (new
        entries keep the Document's)."""
        design = self.document.design
        keys, values = keeper.initial
        return remap(keys, values, Keys.of(design), all_numbers(design))

    def _push(self, push) -> None:
        self.pushing = True
        try:
            push()
        finally:
            self.pushing = False
