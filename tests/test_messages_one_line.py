"""Text from a design or a CSV file quoted in a message never breaks it over
lines (line feed, carriage return, form feed, U+0085, U+2028 ...), and a long
value is cut: the command line prints the whole message as one short line."""

from __future__ import annotations

import json

import pytest

from nnsim import cli
from nnsim.data import DataError, load_csv
from nnsim.design.build import layered
from nnsim.design.model import Activation, Connection
from nnsim.design.validate import DesignError, check_design
from nnsim.io import FormatError, design_to_dict, loads, save
from nnsim.text import cut, one_line, path_text, quote

BREAKS = ["\n", "\r", "\f", "\v", "\x85", "\u2028", "\u2029", "\x1c", "\x1b"]


def single_line(message: str) -> None:
    assert len(message.splitlines()) == 1, message
    assert not any(c in message for c in BREAKS), message


@pytest.mark.parametrize("brk", BREAKS)
def test_one_line_and_quote_escape_every_break(brk):
    single_line(one_line(f"a{brk}b"))
    single_line(quote(f"a{brk}b"))
    assert quote("plain") == "'plain'"


def test_a_long_value_is_cut_and_its_length_said():
    shown = quote("x" * 1_000_000)
    assert len(shown) < 120 and "1,000,000 characters" in shown
    assert cut("short") == "short"


def test_a_long_path_keeps_its_file_name_and_says_its_length():
    path = "/home/ann/" + "deep/" * 40 + "fruit-broken.csv"
    shown = path_text(path)
    assert shown.startswith("/home/ann/") and shown.endswith(f"fruit-broken.csv ({len(path):,} characters)")
    assert len(shown) < 110 and "…" in shown
    assert path_text("short/name.csv") == "short/name.csv"
    single_line(path_text("a\n" * 100 + "b.csv"))


def test_the_cli_names_a_missing_file_in_a_deep_folder_by_its_name(tmp_path, capsys):
    deep = tmp_path.joinpath(*["a-long-folder-name"] * 6)
    deep.mkdir(parents=True)
    code = cli.main(["train", str(deep / "my-design.nnsim")])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT and err.count("\n") == 1
    assert "/a-long-folder-name/my-design.nnsim (" in err and "characters): no such file" in err


@pytest.mark.parametrize("brk", ["\n", "\x85", "\u2028", "\f"])
def test_a_layer_name_with_a_line_break_stays_on_one_line(brk):
    d = layered([2, 2, 1])
    d.layers[1].name = f"hid{brk}den"
    d.neurons[2].activation = Activation.SOFTMAX  # softmax in part of a layer
    with pytest.raises(DesignError) as e:
        check_design(d)
    single_line(str(e.value))
    assert "hid" in str(e.value) and "den" in str(e.value)


def test_a_label_in_a_cycle_message_stays_on_one_line():
    d = layered([2, 2, 2, 1])
    d.neurons[2].label = "a\u2028b"
    d.neurons[4].label = "c\x85d"
    d.connections.append(Connection(d.neurons[4].id, d.neurons[2].id, 1.0))
    with pytest.raises(DesignError) as e:
        check_design(d)
    single_line(str(e.value))
    assert "cycle" in str(e.value)


def test_a_huge_unknown_activation_is_quoted_short():
    data = design_to_dict(layered([2, 1]))
    data["layers"][1]["activation"] = "swish\n" * 200_000
    with pytest.raises(FormatError) as e:
        loads(json.dumps(data), "big.nnsim")
    single_line(str(e.value))
    assert len(str(e.value)) < 300, len(str(e.value))
    assert "1,200,000 characters" in str(e.value)


@pytest.mark.parametrize("brk", ["\n", "\r", "\x85", "\u2028", "\f"])
def test_a_csv_cell_with_a_line_break_stays_on_one_line(tmp_path, brk):
    path = tmp_path / "cells.csv"
    path.write_text(f'a,b,label\n1,"2{brk}x",0\n', encoding="utf-8", newline="")
    with pytest.raises(DataError) as e:
        load_csv(path, ["label"])
    single_line(str(e.value))
    assert "line 2" in str(e.value) and "column 'b'" in str(e.value)


def test_a_csv_column_name_with_a_line_break_stays_on_one_line(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text('"a\u2028z","a\u2028z",label\n1,2,0\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_csv(path, ["label"])
    single_line(str(e.value))
    assert "appears twice" in str(e.value)


def test_the_cli_prints_the_whole_message(tmp_path, capsys):
    d = layered([2, 2, 1])
    d.dataset.source = "csv"
    d.dataset.path = "cells.csv"
    d.dataset.targets = ["label"]
    save(d, tmp_path / "d.nnsim")
    (tmp_path / "cells.csv").write_text('a,b,label\n1,"oops\u2028two",0\n', encoding="utf-8")
    code = cli.main(["train", str(tmp_path / "d.nnsim"), "--epochs", "1"])
    err = capsys.readouterr().err
    assert code == cli.EXIT_BAD_INPUT
    single_line(err.rstrip("\n"))
    assert err.rstrip("\n").endswith("is not a number")
