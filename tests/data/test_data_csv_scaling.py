"""Regression targets scaled to mean 0 and spread 1, and values back in the file's units."""

import numpy as np

from nnsim.data import load_dataset
from nnsim.design.build import initialize, layered
from nnsim.design.model import Activation, DatasetSpec, Loss
from nnsim.io import design_from_dict, design_to_dict
from nnsim.session import Session


def houses(tmp_path, n=120):
    """Prices in the hundreds of thousands: far outside any activation's range."""
    rng = np.random.default_rng(5)
    area = rng.uniform(40, 200, n)
    rooms = rng.integers(1, 6, n)
    price = 2500 * area + 10_000 * rooms + rng.normal(0, 5000, n)
    path = tmp_path / "houses.csv"
    path.write_text("area,rooms,price\n" + "".join(f"{a:.1f},{r},{p:.0f}\n" for a, r, p in zip(area, rooms, price)))
    return path, price


def spec(path, scale=True, normalize=True):
    return DatasetSpec("csv", path=str(path), targets=["price"], task="regression", normalize=normalize,
                       train_ratio=0.75, scale_targets=scale)


def test_scaled_targets_have_mean_0_and_spread_1_and_come_back_in_the_files_units(tmp_path):
    path, price = houses(tmp_path)
    ds = load_dataset(spec(path))
    assert abs(ds.y_train.mean()) < 1e-9 and abs(ds.y_train.std() - 1) < 1e-9
    raw = np.concatenate([ds.raw_targets(ds.y_train), ds.raw_targets(ds.y_test)])[:, 0]
    assert np.allclose(np.sort(raw), np.sort(np.round(price)), atol=1e-6)
    plain = load_dataset(spec(path, scale=False))
    assert plain.y_scaling is None
    assert np.allclose(plain.y_train, ds.raw_targets(ds.y_train))


def test_standardised_inputs_come_back_as_the_files_values(tmp_path):
    path, _ = houses(tmp_path)
    ds = load_dataset(spec(path))
    plain = load_dataset(spec(path, scale=False, normalize=False))
    assert abs(ds.x_train.mean(axis=0)).max() < 1e-9
    assert np.allclose(ds.raw_inputs(ds.x_train), plain.x_train)
    assert plain.x_scaling is None and np.array_equal(plain.raw_inputs(plain.x_train), plain.x_train)


def test_targets_are_scaled_for_regression_only(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("a,label\n1,x\n2,y\n3,x\n4,y\n")
    ds = load_dataset(DatasetSpec("csv", path=str(path), targets=["label"], scale_targets=True, train_ratio=1.0))
    assert ds.y_scaling is None and ds.y_train.dtype == np.int64


def test_a_house_price_regression_learns_with_scaled_targets_and_not_without(tmp_path):
    path, _ = houses(tmp_path)
    results = {}
    for scale in (True, False):
        design = layered([2, 6, 1], hidden=Activation.TANH, output=Activation.LINEAR)
        design.training.loss = Loss.MSE
        initialize(design, np.random.default_rng(1))
        design.dataset = spec(path, scale)
        design.training.learning_rate = 0.03
        session = Session(design)
        session.train(150)
        ds = session.dataset
        out = ds.raw_targets(session.network.predict(ds.x_test))[:, 0]
        truth = ds.raw_targets(ds.y_test)[:, 0]
        results[scale] = np.mean(np.abs(out - truth)) / np.mean(np.abs(truth))
    assert results[True] < 0.1  # within 10% of the price on average
    assert results[False] > 0.2  # the unscaled targets saturate the hidden layer: far off


def test_the_file_keeps_scale_targets_and_writes_it_only_when_on(tmp_path):
    design = layered([2, 1], output=Activation.LINEAR)
    design.dataset = spec("houses.csv")
    record = design_to_dict(design)["dataset"]
    assert record["scale_targets"] is True
    assert design_from_dict(design_to_dict(design)).dataset.scale_targets is True
    design.dataset.scale_targets = False
    assert "scale_targets" not in design_to_dict(design)["dataset"]
