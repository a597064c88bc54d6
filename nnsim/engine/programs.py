"""Which training program each learning rule runs (``nnsim.engine.program``).

Adding a learning rule is adding a row here (and its value to
``nnsim.engine.vocab.LearningRule``).
"""

from __future__ import annotations

import numpy as np

from nnsim.engine.adversarial_program import AdversarialProgram
from nnsim.engine.network import Network
from nnsim.engine.perceptron import PerceptronTrainer
from nnsim.engine.program import TrainingData, TrainingProgram
from nnsim.engine.trainer import Trainer
from nnsim.engine.vocab import LearningRule, TrainingSettings

PROGRAMS: dict[LearningRule, type[TrainingProgram]] = {
    LearningRule.BACKPROP: Trainer,
    LearningRule.PERCEPTRON: PerceptronTrainer,
    LearningRule.ADVERSARIAL: AdversarialProgram,
}


def program_problem(rule: LearningRule, network: Network) -> str | None:
    """Why the rule's program cannot train this network (None if it can).
    For the adversarial rule, ``network`` is the two players
    (``nnsim.engine.adversarial.Players``)."""
    return PROGRAMS[LearningRule(rule)].problem(network)


def make_program(network: Network, settings: TrainingSettings, data: TrainingData,
                 rng: np.random.Generator) -> TrainingProgram:
    """The program of ``settings.rule`` for this network and data (check
    ``program_problem`` first)."""
    return PROGRAMS[LearningRule(settings.rule)](network, settings, data, rng)
