"""Following a lesson: events count from the start of the step, ticks stay
ticked, steps without a check are done when shown."""

from __future__ import annotations

import nnsim
from nnsim.lessons import Event, LessonRun, load_lessons


def lesson(lesson_id):
    return next(lesson for lesson in load_lessons() if lesson.id == lesson_id)


def test_events_count_only_from_the_start_of_the_step():
    run = LessonRun(lesson("one-neuron"))
    design = nnsim.example("article-neuron")
    run.begin(0, design)
    assert not run.evaluate(design).done
    run.record(Event("forward_done", {"inputs": [0.5, 0.6], "outputs": [1.0]}))
    status = run.evaluate(design)
    assert status.done and status.items == [("Let the neuron compute its output for the inputs 0.5 and 0.6", True)]
    run.begin(1, design)
    assert run.events == [] and not run.evaluate(design).done
    run.record(Event("forward_done", {"inputs": [0.2, 0.3], "outputs": [0.0]}))
    assert run.evaluate(design).done


def test_a_completed_step_stays_completed():
    run = LessonRun(lesson("one-neuron"))
    design = nnsim.example("article-neuron")
    run.begin(2, design)
    assert not run.evaluate(design).done
    quiet = design.copy()
    quiet.connection(3, 5).weight = 0.3
    assert run.evaluate(quiet).done
    assert run.evaluate(design).done  # undoing the edit does not take the tick away
    assert 2 in run.completed


def test_checklist_items_tick_one_by_one():
    run = LessonRun(lesson("activation-functions"))
    design = nnsim.example("article-neuron")
    run.begin(1, design)
    status = run.evaluate(design)
    assert [ok for _, ok in status.items] == [False, False]
    sigmoid = design.copy()
    sigmoid.neuron(5).activation = "sigmoid"
    assert [ok for _, ok in run.evaluate(sigmoid).items] == [True, False]
    run.record(Event("forward_done", {"inputs": [0.5, 0.6], "outputs": [0.6615]}))
    assert run.evaluate(sigmoid).done


def test_reading_steps_are_done_when_shown():
    run = LessonRun(lesson("perceptron-xor"))
    design = nnsim.example("perceptron-xor")
    run.begin(1, design)
    assert run.evaluate(design).done and run.is_last
    assert not run.finished  # the first step was never done
    run.begin(0, design)
    run.record(Event("perceptron_finished", {"status": "not_separable", "data": "XOR"}))
    assert run.evaluate(design).done and run.finished
