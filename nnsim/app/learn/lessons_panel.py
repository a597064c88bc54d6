"""The lessons panel: a guided way through the article, one small step at a time.

It shows the chosen lesson's current step (its words, a checklist of what to
do, a hint on request), opens the step's design, brings its tool forward and
lets the tools apply its presets. It feeds every learn event and every
change of the design to the lesson's ``LessonRun`` (nnsim.lessons, no Qt),
which decides when the step is done.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from nnsim.app.learn.hub import LearnHub
from nnsim.app.learn.overlay import escape
from nnsim.app.learn.widgets import DockPanel, TEXT_SIZE, button, heading, message_box, set_box
from nnsim.app.responsive import ElidedButton
from nnsim.lessons import Lesson, LessonError, LessonRun, StepStatus, load_lessons
from nnsim.lessons.model import lessons_dir

SETTINGS_KEY = "learn/completed_lessons"
TICK, OPEN = "✔", "○"


# The shipped lessons read once per process while their files stay the same
# (every window lists them): (file stamps, lessons or the error).
_SHIPPED: list = [None, None]


def shipped_lessons() -> list[Lesson]:
    """The shipped lessons (``load_lessons()``), read again only when a file
    was added, removed or changed. Raises LessonError as it does."""
    folder = lessons_dir()
    stamps = tuple((p.name, st.st_mtime_ns, st.st_size)
                   for p, st in ((p, p.stat()) for p in sorted(folder.glob("*.toml"))))
    if _SHIPPED[0] != stamps:
        try:
            _SHIPPED[1] = load_lessons(folder)
        except LessonError as e:
            _SHIPPED[1] = e
        _SHIPPED[0] = stamps
    if isinstance(_SHIPPED[1], LessonError):
        raise _SHIPPED[1]
    return _SHIPPED[1]


class LessonsPanel(DockPanel):
    step_changed = Signal()
    step_completed = Signal(int)  # the index of the step that was just completed

    def __init__(self, hub: LearnHub, lessons: list[Lesson] | None = None, settings: QSettings | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("learn_lessons")
        self.hub = hub
        self.document = hub.document
        self.settings = settings
        self.error = ""
        if lessons is None:
            try:
                lessons = shipped_lessons()
            except LessonError as e:
                lessons, self.error = [], str(e)
        self.lessons = lessons
        self.run: LessonRun | None = None
        self.status: StepStatus | None = None
        self.left_note = ""  # why the last lesson stopped, shown above the list
        self.completed_lessons: set[str] = set(self._stored())

        self.chooser = QComboBox()
        self.chooser.setObjectName("lesson_chooser")
        self.chooser.setPlaceholderText("Choose a lesson…")
        # Long titles must not widen the dock: the combo box elides them.
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(14)
        self.title = heading()
        self.title.setObjectName("lesson_title")
        self.progress = QLabel()
        self.progress.setObjectName("lesson_progress")
        self.text = QTextBrowser()
        self.text.setObjectName("lesson_text")
        self.text.setOpenLinks(False)
        self.text.anchorClicked.connect(self._link)
        font = self.text.font()
        font.setPointSizeF(TEXT_SIZE)
        self.text.setFont(font)
        # The words take the room the rest leaves and scroll on their own; the
        # chooser, the to-do list and the buttons stay in view.
        self.text.setMinimumHeight(60)
        self.checklist = QLabel()
        self.checklist.setObjectName("lesson_checklist")
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        self.checklist.setWordWrap(True)
        self.done_box = message_box("good")
        self.done_box.setObjectName("lesson_done")
        self.hint_box = message_box("info")
        self.hint_box.setObjectName("lesson_hint")
        self.hint_button = button("Hint", "A clue for this step", "hint_button")
        self.reopen_button = button("Restart step", "Start this step again: open its design afresh", "reopen_button")
        self.back_button = button("◀ Back", "The previous step", "lesson_back_button")
        self.next_button = button("Next ▶", "The next step", "lesson_next_button")
        # Its text (the next lesson's title) is shortened with … in a narrow dock.
        self.next_lesson_button = ElidedButton(name="next_lesson_button")
        self.next_lesson_button.hide()
        self.all_lessons_button = button("◀ All lessons", "Back to the list of lessons", "all_lessons_button")
        self.all_lessons_button.hide()
        self.last_note = QLabel("This is the last lesson, for now.")
        self.last_note.setObjectName("last_lesson_note")
        self.last_note.setWordWrap(True)
        self.last_note.hide()

        top = QHBoxLayout()
        top.addWidget(QLabel("Lesson:"))
        top.addWidget(self.chooser, 1)
        # Two short rows, so the panel fits a narrow dock: help, then moving on.
        helpers = QHBoxLayout()
        helpers.addWidget(self.hint_button)
        helpers.addWidget(self.reopen_button)
        helpers.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.progress)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.checklist)
        layout.addWidget(self.hint_box)
        layout.addWidget(self.done_box)
        layout.addLayout(helpers)
        layout.addLayout(row)
        layout.addWidget(self.next_lesson_button)
        last = QHBoxLayout()
        last.addWidget(self.last_note, 1)
        last.addWidget(self.all_lessons_button)
        layout.addLayout(last)

        self._fill_chooser()
        self.chooser.activated.connect(lambda i: self.open_lesson(self.lessons[i].id))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.hint_button.clicked.connect(self.show_hint)
        self.reopen_button.clicked.connect(lambda: self.go(self.run.index) if self.run else None)
        self.next_lesson_button.clicked.connect(self._open_next_lesson)
        self.all_lessons_button.clicked.connect(self.show_list)
        hub.event_recorded.connect(self._event)
        hub.lesson_requested.connect(self.open_lesson)
        hub.design_opened.connect(self._design_opened)
        self.document.changed.connect(self.evaluate)
        self._show_intro()

    # -- lessons ---------------------------------------------------------------------------
    def _stored(self) -> list[str]:
        if self.settings is None:
            return []
        value = self.settings.value(SETTINGS_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _remember(self, lesson_id: str) -> None:
        self.completed_lessons.add(lesson_id)
        if self.settings is not None:
            self.settings.setValue(SETTINGS_KEY, sorted(self.completed_lessons))
        self._fill_chooser()

    def _fill_chooser(self) -> None:
        with QSignalBlocker(self.chooser):
            current = self.chooser.currentIndex()
            self.chooser.clear()
            for i, lesson in enumerate(self.lessons, 1):
                mark = f"  {TICK}" if lesson.id in self.completed_lessons else ""
                self.chooser.addItem(f"{i}. {lesson.title}{mark}")
                self.chooser.setItemData(i - 1, lesson.summary, Qt.ItemDataRole.ToolTipRole)
            self.chooser.setCurrentIndex(current if self.run is not None else -1)
            if self.run is not None:
                self.chooser.setCurrentIndex(self.lessons.index(self.run.lesson))

    def _link(self, url) -> None:
        text = url.toString()
        if text.startswith("lesson:"):
            self.open_lesson(text[len("lesson:") :])

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def _show_intro(self) -> None:
        self.title.setText("Learn how a neural network works")
        self.progress.setText("")
        items = "".join(
            f"<li><a href='lesson:{escape(lesson.id)}'><b>{escape(lesson.title)}</b></a>"
            f"{' ' + TICK if lesson.id in self.completed_lessons else ''} — {escape(lesson.summary)}</li>"
            for lesson in self.lessons
        )
        problem = f"<p style='color:#c62828'>{escape(self.error)}</p>" if self.error else ""
        if self.left_note:
            problem += f"<p style='color:#6b4f00'>{self.left_note}</p>"
        self.text.setHtml(
            "<p>Short guided lessons, from one neuron through backpropagation to convolutional, recurrent "
            "and adversarial networks. Each opens a prepared design, says what to look at and what to try, "
            "and notices when you have done it.</p>"
            f"{problem}<ol>{items}</ol><p>Click a lesson to begin.</p>"
        )
        self.checklist.clear()
        for box in (self.done_box, self.hint_box):
            set_box(box, "")
        for b in (self.back_button, self.next_button, self.hint_button, self.reopen_button):
            b.setEnabled(False)
        self.hint_button.setVisible(True)

    def open_lesson(self, lesson_id: str) -> bool:
        lesson = self.lesson(lesson_id)
        if lesson is None:
            return False
        self.run = LessonRun(lesson)
        self.left_note = ""
        with QSignalBlocker(self.chooser):
            self.chooser.setCurrentIndex(self.lessons.index(lesson))
        self.hub.show_tool("lessons")
        self.go(0)
        return True

    # -- steps -------------------------------------------------------------------------------
    def go(self, index: int) -> None:
        """Begin step ``index``: open its design, bring its tool forward,
        apply its presets."""
        run = self.run
        if run is None:
            return
        step = run.lesson.steps[index]
        kept = False
        if step.design is not None:
            kept = not self.hub.open_design(step.design.load())
        run.begin(index, self.document.design)
        set_box(self.hint_box, "")
        self._offer_next(run.is_last)
        self.title.setText(run.lesson.title)
        self.progress.setText(f"Step {index + 1} of {len(run.lesson.steps)}: <b>{escape(step.title)}</b>")
        self.progress.setTextFormat(Qt.TextFormat.RichText)
        self.text.setMarkdown(step.text)
        if kept:
            set_box(self.hint_box, "You kept your own design open, so this step may not match what you see. "
                    "Press “Restart step” to open the lesson's design.", "warn")
        self.hint_button.setEnabled(bool(step.hint))
        self.reopen_button.setEnabled(step.design is not None)
        self.back_button.setEnabled(index > 0)
        if step.show:
            self.hub.show_tool(step.show)
        self.hub.step_started.emit(step)
        self.step_changed.emit()
        self.evaluate()

    def next(self) -> None:
        if self.run is None:
            return
        if self.run.is_last:
            return
        self.go(self.run.index + 1)

    def back(self) -> None:
        if self.run is not None and self.run.index > 0:
            self.go(self.run.index - 1)

    def show_hint(self) -> None:
        if self.run is not None and self.run.step.hint:
            set_box(self.hint_box, f"<b>Hint:</b> {escape(self.run.step.hint)}", "info")

    # -- noticing ----------------------------------------------------------------------------
    def _event(self, event) -> None:
        if self.run is not None:
            self.run.record(event)
            self.evaluate()

    def evaluate(self) -> None:
        run = self.run
        if run is None:
            return
        was_done = run.index in run.completed and self.status is not None and self.status.done
        status = run.evaluate(self.document.design)
        self.status = status
        items = "".join(
            f"<div style='margin:2px 0; color:{'#2e7d32' if ok else '#424242'}'>"
            f"{TICK if ok else OPEN}&nbsp; {escape(text)}</div>"
            for text, ok in status.items
            if text
        )
        self.checklist.setText(f"<div><b>To do:</b>{items}</div>" if items else "")
        self.checklist.setVisible(bool(items))
        step = run.step
        if status.done:
            done = step.done or "Done."
            if run.step.check is None:
                set_box(self.done_box, "")
            else:
                set_box(self.done_box, f"<b>{TICK} Well done.</b> {escape(done)}", "good")
        else:
            set_box(self.done_box, "")
        last = run.is_last
        self.next_button.setEnabled(not last)
        self.next_button.setText("Next ▶" if status.done else "Skip ▶")
        self.next_button.setToolTip("The next step" if status.done else "Go on without doing this step")
        self.next_button.setDefault(status.done)
        if status.done and last:
            self._lesson_finished()
        if status.done and not was_done and step.check is not None:
            self.step_completed.emit(run.index)

    def _lesson_finished(self) -> None:
        run = self.run
        if run.finished and run.lesson.id not in self.completed_lessons:
            self._remember(run.lesson.id)

    def _offer_next(self, last_step: bool) -> None:
        """On a lesson's last step: the next lesson, or (after the last lesson)
        the way back to the list."""
        nxt = self.lesson(self.run.lesson.next) if last_step and self.run.lesson.next else None
        final = last_step and nxt is None
        self.next_lesson_button.set_full_text(f"Next lesson: {nxt.title} ▶" if nxt is not None else "")
        self.next_lesson_button.setToolTip(nxt.summary if nxt is not None else "")
        self.next_lesson_button.setVisible(nxt is not None)
        self.last_note.setVisible(final)
        self.all_lessons_button.setVisible(final)

    def _open_next_lesson(self) -> None:
        if self.run is not None and self.run.lesson.next:
            self.open_lesson(self.run.lesson.next)

    def _design_opened(self) -> None:
        """Another design than the lesson's is open now: its steps and checks
        no longer fit what the canvas shows, so the lesson stops and the list
        says so."""
        run = self.run
        if run is None:
            return
        lesson = run.lesson
        self.show_list()
        self.left_note = (
            f"You opened another design, so the lesson <b>{escape(lesson.title)}</b> stopped at step "
            f"{run.index + 1} of {len(lesson.steps)}. <a href='lesson:{escape(lesson.id)}'>Begin it again</a> "
            "when you want to go on.")
        self._show_intro()

    def show_list(self) -> None:
        """Back to the list of lessons (the panel's first page)."""
        self.run = None
        self.status = None
        with QSignalBlocker(self.chooser):
            self.chooser.setCurrentIndex(-1)
        for w in (self.next_lesson_button, self.last_note, self.all_lessons_button):
            w.hide()
        self._show_intro()
