"""The scientific cases from Python give what the CLI's subcommands give."""
import numpy as np

import scidl


def test_random_polyhedra_satisfy_eulers_formula():
    table = scidl.cases.random_polyhedra(50, seed=3)
    assert set(table) == {"vertices", "edges", "faces", "volume", "surface_area"}
    np.testing.assert_array_equal(table["vertices"] - table["edges"] + table["faces"], 2)
    again = scidl.cases.random_polyhedra(50, seed=3)
    np.testing.assert_array_equal(again["volume"], table["volume"])


def test_three_body_generate_writes_the_training_tables(tmp_path):
    summary = scidl.cases.three_body_generate(tmp_path / "tb", runs=2, t_max=0.25, threads=1)
    assert summary["runs"] == 2 and summary["computed"] == 2
    assert (tmp_path / "tb" / "train_X.csv").exists()
    again = scidl.cases.three_body_generate(tmp_path / "tb", runs=2, t_max=0.25, threads=1)
    assert again["reused"] == 2 and again["computed"] == 0


def test_slope_rule_rounds_to_an_even_signature():
    assert scidl.cases.slope_rule_signature(4.2) == 2
    assert len(scidl.cases.knot_invariant_names()) == 12
