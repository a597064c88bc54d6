"""What the learner did: events the app reports to a running lesson.

The app (the learn-mode tools, the training controller) records an ``Event``
whenever something a lesson may care about happens; a lesson step's check
looks at the events recorded since the step began. Each event has a name from
``EVENTS`` and a small dictionary of plain data (numbers, strings, lists).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

#: Every event the app reports, with the data it carries. Lesson files may only
#: name these (a typo is refused when the lesson is loaded).
EVENTS: dict[str, str] = {
    "tool_opened": "a learn tool was shown: tool (lessons, step_through, perceptron, landscape, activations, compare)",
    "forward_step": "the step-through computed one neuron: neuron (id), label, sample (index or null)",
    "forward_done": "the step-through finished a forward pass: inputs, outputs, sample (index or null)",
    "backward_done": "the step-through finished a backward pass: inputs, target, loss, sample",
    "update_applied": "the step-through applied its update: loss_before, loss_after, improved (bool), learning_rate",
    "perceptron_update": "the perceptron rule took one sample: sample, error (list), mistake (bool), epoch",
    "perceptron_finished": "the perceptron rule stopped: status = converged | not_separable | budget, epochs, data",
    "training": "training reported progress or stopped: status, epoch, loss, accuracy, test_accuracy, source, js (a GAN's JS divergence, else null)",
    "diverged": "training blew up: source = training | landscape, learning_rate, loss",
    "landscape_shown": "the loss landscape was drawn: params (two names)",
    "descent_step": "the landscape took a gradient-descent step: loss, learning_rate, step",
    "activation_shown": "an activation function was picked in the activation view: activation",
    "compare_done": "the depth comparison finished: names, losses, accuracies (lists, one per network)",
    "time_step": "the step-through-time tool showed a step: phase (forward | backward | lstm), step, steps",
    "time_walk_done": "the step-through-time tool reached the end of a pass: phase (forward | backward), loss",
    "rnn_lstm_done": "the RNN-against-LSTM comparison finished: names, accuracies (lists, one per network), epochs",
    "gan_step": "one player of a GAN was stepped alone: player (generator | discriminator)",
}


@dataclass
class Event:
    """One thing that happened, e.g. ``Event("backward_done", {"loss": 0.03})``."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.monotonic)

    def get(self, key: str, default=None):
        return self.data.get(key, default)
