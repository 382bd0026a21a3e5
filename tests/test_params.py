"""Parameter checks: a wrong value is a one-line ParameterError before any work."""

import math

import pytest
import yaml

from toolkit.errors import ParameterError
from toolkit.params import DEFAULTS, SEED_LIMIT, resolve


def test_defaults_resolve():
    params = resolve()
    assert params["seed"] == 42 and params["max_zip_member_mb"] == 100


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_rejected(value):
    with pytest.raises(ParameterError, match="'switch_penalty' must be a finite number"):
        resolve({"switch_penalty": value})
    with pytest.raises(ParameterError, match="'max_zip_member_mb' must be a finite number"):
        resolve({"max_zip_member_mb": value})
    for key in ("seed", "max_paragraph_words", "min_topic_size", "topic_sample_size", "partition_size"):
        with pytest.raises(ParameterError, match=f"'{key}'"):
            resolve({key: value})


def test_nan_from_a_parameters_file_is_rejected(tmp_path):
    from toolkit.params import load_yaml

    path = tmp_path / "p.yml"
    path.write_text("switch_penalty: .nan\n")
    assert math.isnan(yaml.safe_load(path.read_text())["switch_penalty"])
    with pytest.raises(ParameterError, match="switch_penalty"):
        resolve(load_yaml(path))


@pytest.mark.parametrize("seed", [-1, SEED_LIMIT, 99999999999, True, 1.0, "1"])
def test_seed_must_fit_numpy_and_umap(seed):
    with pytest.raises(ParameterError, match=r"'seed' must be an integer from 0 to 4294967295"):
        resolve({"seed": seed})


def test_seed_bounds_are_accepted():
    assert resolve({"seed": 0})["seed"] == 0
    assert resolve({"seed": SEED_LIMIT - 1})["seed"] == SEED_LIMIT - 1


@pytest.mark.parametrize("overrides, match", [
    ({"max_paragraph_words": 0}, "'max_paragraph_words' must be an integer >= 1"),
    ({"max_paragraph_words": -5}, "'max_paragraph_words' must be an integer >= 1"),
    ({"switch_penalty": -0.1}, "'switch_penalty' must be a number >= 0"),
    ({"switch_penalty": True}, "'switch_penalty' must be a number >= 0"),
    ({"switch_penalty": "0.2"}, "'switch_penalty' must be a number >= 0"),
    ({"min_topic_size": True}, "'min_topic_size' must be an integer >= 2"),
    ({"max_zip_member_mb": 0}, "'max_zip_member_mb' must be a number > 0"),
    ({"max_zip_member_mb": "100"}, "'max_zip_member_mb' must be a number > 0"),
    ({"dask_address": "tcp://10.0.0.5:8786"}, "'dask_address' .* needs engine 'dask'"),
    ({"dask_address": "tcp://10.0.0.5:8786", "engine": "local"}, "needs engine 'dask'"),
])
def test_wrong_values_are_named(overrides, match):
    with pytest.raises(ParameterError, match=match):
        resolve(overrides)


def test_accepted_values():
    params = resolve({"switch_penalty": 0, "max_paragraph_words": 1, "max_zip_member_mb": None,
                      "engine": "dask", "dask_address": "tcp://10.0.0.5:8786"})
    assert params["max_zip_member_mb"] is None and params["dask_address"] == "tcp://10.0.0.5:8786"
    assert resolve({"max_zip_member_mb": 0.5})["max_zip_member_mb"] == 0.5


def test_a_gold_file_asked_for_must_exist(tmp_path):
    with pytest.raises(ParameterError, match=r"missing\.csv: hand labels file \(parameter 'gold'\) does not exist"):
        resolve({"gold": str(tmp_path / "missing.csv")})
    with pytest.raises(ParameterError, match="does not exist"):
        resolve({"gold": str(tmp_path)})  # a folder is no labels file
    (tmp_path / "gold.csv").write_text("doc,line,label\n")
    assert resolve({"gold": str(tmp_path / "gold.csv")})["gold"] == str(tmp_path / "gold.csv")
    assert resolve({"gold": None})["gold"] is None and resolve({"gold": ""})["gold"] is None

