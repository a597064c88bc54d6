"""A session's refusals of a loss that does not fit the outputs, word for
word, and a sequence data set's targets as trained on: padded steps of a
stream do not count (NaN targets), the other steps count as given."""

from __future__ import annotations

import numpy as np
import pytest

from nnsim.data import load_dataset
from nnsim.data.sequence_tasks import figure_eight
from nnsim.design.build import layered
from nnsim.design.compile import compile_design
from nnsim.design.model import Activation, DatasetSpec, Loss
from nnsim.design.validate import DesignError
from nnsim.engine.targets import TargetCoding
from nnsim.session import coding_for, sequence_data


@pytest.mark.parametrize("loss, output, message", [
    (Loss.BINARY_CROSS_ENTROPY, Activation.TANH,
     "binary cross-entropy needs sigmoid output neurons: change the loss or the output activation"),
    (Loss.SOFTMAX_CROSS_ENTROPY, Activation.SIGMOID,
     "softmax cross-entropy needs a softmax output layer: change the loss or the output activation"),
])
def test_a_loss_that_does_not_fit_the_outputs_is_refused_in_these_words(loss, output, message):
    design = layered([2, 3, 2], output=output)
    design.training.loss = loss
    logic = load_dataset(DatasetSpec(source="logic", name="AND"))
    with pytest.raises(DesignError) as info:
        coding_for(logic, compile_design(design).network, design)
    assert str(info.value) == message


def test_the_padded_steps_of_a_stream_have_no_target_and_the_others_keep_theirs():
    ds = figure_eight(train_cycles=1, test_cycles=1, chunk=5)  # 16 points in rows of 5: the last row padded
    assert ds.mask_train is not None and not ds.mask_train.all()
    data = sequence_data(ds, TargetCoding("regression", 2))
    counted = ds.mask_train
    assert np.isnan(data.y_train[~counted]).all()
    np.testing.assert_array_equal(data.y_train[counted], ds.y_train[counted])
    assert np.isnan(data.y_test[~ds.mask_test]).all() and np.isfinite(data.y_test[ds.mask_test]).all()
    assert np.array_equal(data.x_train, ds.x_train) and data.coding.n_outputs == 2
    assert data.stream  # the rows are chunks of one stream: trained in order, the state carried along


def test_a_stream_in_one_row_counts_every_step():
    ds = figure_eight(train_cycles=2, test_cycles=1, chunk=None)
    assert ds.mask_train is None
    data = sequence_data(ds, TargetCoding("regression", 2))
    np.testing.assert_array_equal(data.y_train, ds.y_train)
    np.testing.assert_array_equal(data.y_test, ds.y_test)


def test_a_saved_memory_is_not_taken_by_a_layer_resized_since():
    """The same arrays by name, of other shapes (a neuron added after
    training): the optimizer's memory is left and training goes on afresh."""
    import nnsim
    from nnsim.design import recipes
    from nnsim.design.edits import apply_ops
    from nnsim.design.model import Optimizer
    from nnsim.session import Session, restorable

    d = nnsim.example("xor-mlp")
    d.training.optimizer = Optimizer.ADAM
    nnsim.train(d, epochs=2, seed=0)
    hidden = next(layer for layer in d.layers if layer.kind.value == "hidden")
    before = compile_design(d).network.layout
    assert restorable(d, compile_design(d).network) is not None
    apply_ops(d, recipes.resize_layer(d, hidden.id, len(d.neurons_of(hidden.id)) + 1, np.random.default_rng(0)))
    net = compile_design(d).network
    assert set(net.layout.names) == set(before.names) and net.layout.shapes != before.shapes
    assert restorable(d, net) is None
    summary = Session(d).train(1)
    assert summary.epochs == 1 and np.isfinite(summary.train_loss)


def test_a_gan_setting_changed_in_code_out_of_its_range_is_refused():
    import nnsim
    from nnsim.session import Session

    d = nnsim.example("gan-line")
    d.gan.real_label = 2.0
    with pytest.raises(DesignError) as info:
        Session(d)
    assert str(info.value) == ("gan.real_label: 2 is outside (0.5, 1] (the target for real samples: 1, "
                               "or a little less to smooth)")


def test_a_session_trains_on_the_data_set_it_is_given():
    """The window hands its own copy of the data to the session; the design's
    data set is not loaded again."""
    from nnsim.data import Dataset
    from nnsim.session import Session

    d = layered([2, 3, 1], output=Activation.SIGMOID)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.5, 0.5]])
    given = Dataset("five", "classification", x[:4], np.array([0, 1, 1, 1]), x[4:], np.array([1]),
                    target_names=["no", "yes"])
    s = Session(d, dataset=given)
    assert np.array_equal(s.data.x_train, x[:4]) and np.array_equal(s.data.labels_test, [1])


@pytest.mark.parametrize("example", ["xor-mlp", "gan-line"])
def test_a_session_in_single_precision_trains_in_single_precision(example):
    import nnsim
    from nnsim.session import Session

    s = Session(nnsim.example(example), dtype=np.float32)
    assert s.network.dtype == np.float32


def test_a_session_trains_the_compilation_it_is_given():
    """The window compiles once and writes the numbers it shows into that
    compilation; the session trains those very numbers."""
    import nnsim
    from nnsim.session import Session

    d = nnsim.example("xor-mlp")
    compiled = compile_design(d)
    s = Session(d, compiled=compiled)
    assert s.network is compiled.network


def test_a_design_with_a_loop_refuses_separate_samples_naming_the_data_set():
    from nnsim.design import build
    from nnsim.session import Session

    d = layered([2, 3, 1], output=Activation.SIGMOID)
    hidden = d.layers[1].id
    build.connect_all(d, hidden, hidden, delay=1)
    with pytest.raises(DesignError) as info:
        Session(d)
    assert str(info.value) == ("the design has a loop or a recurrent layer, which reads sequences; the data set "
                               "'XOR' holds separate samples: choose sequence data")
