"""Opening another design stops the lesson: its steps and checks were about
the lesson's own design, so the panel goes back to the list and says why,
with a link to begin the lesson again."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from nnsim.resources import example_path


def test_opening_another_design_stops_the_lesson(learn_window, qtbot, monkeypatch):
    window, mode = learn_window
    panel = mode.lessons
    mode.actions["lessons"].trigger()
    index = [lesson.id for lesson in panel.lessons].index("one-neuron")
    panel.chooser.setCurrentIndex(index)
    panel.chooser.activated.emit(index)  # what choosing the item in the list does
    # The lesson opened its own design; that does not stop it.
    assert panel.run is not None and panel.run.lesson.id == "one-neuron"
    assert window.document.design.name == "The article's neuron"
    monkeypatch.setattr(window.files, "ask_open_path", lambda: str(example_path("circle")))
    window.files.open()  # File → Open
    assert window.document.design.name == "Circle classifier"
    assert panel.run is None and panel.status is None
    assert panel.chooser.currentIndex() == -1
    words = panel.text.toPlainText()
    assert "You opened another design, so the lesson One neuron stopped at step 1" in words
    assert not panel.next_button.isEnabled() and not panel.hint_button.isEnabled()
    # The link begins it again (and the note goes).
    panel.text.anchorClicked.emit(QUrl("lesson:one-neuron"))
    assert panel.run is not None and panel.run.index == 0
    assert window.document.design.name == "The article's neuron"
    panel.show_list()
    assert "You opened another design" not in panel.text.toPlainText()
