"""Live training in the window: a worker thread trains, snapshots flow to the
views, and the Document receives the trained weights when training pauses.

``install_training(window)`` adds everything to the main window (see
``nnsim.app.training.install``).
"""

from nnsim.app.training.install import TrainingUI, install_training

__all__ = ["TrainingUI", "install_training"]
