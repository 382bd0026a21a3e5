"""Parameter checks: a wrong value is a one-line ParameterError before any work."""

import math

import pytest
import yaml

from toolkit.errors import ParameterError
from toolkit.study.params import DEFAULTS, SEED_LIMIT, resolve


def test_defaults_resolve():
    params = resolve()
    assert params["seed"] == 42 and params["max_zip_member_mb"] == 100


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinities_are_rejected(value):
    with pytest.raises(ParameterError, match="'switch_penalty' must be a finite number"):
        resolve({"switch_penalty": value})
    with pytest.raises(ParameterError, match="'max_zip_member_mb' must be a finite number"):
        resolve({"max_zip_member_mb": value})
    for key in ("seed", "max_paragraph_words", "min_topic_size", "topic_sample_size", "partition_size", "report_rows"):
        with pytest.raises(ParameterError, match=f"'{key}'"):
            resolve({key: value})


def test_nan_from_a_parameters_file_is_rejected(tmp_path):
    from toolkit.study.params import load_yaml

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



# ------------------------------------------------------------ where relative paths point
from conftest import GOLD, ROOT, SEEDS  # noqa: E402

from toolkit.study import params as P  # noqa: E402

NOTEBOOKS = ROOT / "notebooks"


@pytest.mark.parametrize("cwd", [ROOT, NOTEBOOKS, ROOT / "toolkit"])
def test_relative_paths_are_read_from_the_project_folder(monkeypatch, cwd):
    monkeypatch.chdir(cwd)
    assert P.project_root() == ROOT
    params = resolve()
    assert params["corpus"] == str(SEEDS) and params["gold"] == str(GOLD)
    assert params["run_dir"] == str(ROOT / "outputs" / "seeds") and params["cache_dir"] == str(ROOT / "data" / "cache")
    assert P.from_namespace({"corpus": "data/raw", "run_dir": "../x"})["run_dir"] == str(ROOT.parent / "x")


def test_project_folder_outside_any_project_is_the_toolkits_checkout(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert P.project_root() == ROOT
    project = tmp_path / "study"
    (project / "notebooks").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    monkeypatch.chdir(project / "notebooks")
    assert P.project_root() == project  # a notebook's own project comes first


def test_a_missing_gold_names_where_a_relative_path_was_read(monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)
    with pytest.raises(ParameterError) as error:
        resolve({"gold": "data/gold/missing.csv"})
    message = str(error.value)
    assert "\n" not in message and message.startswith(str(ROOT / "data" / "gold" / "missing.csv"))
    assert f"read from the project folder {ROOT}" in message


def test_parameters_cell_is_readable_python():
    params = resolve({"columns": {"text": "body"}, "max_zip_member_mb": None})
    source = P.parameters_source(params, note="a note")
    assert source.startswith("# Parameters (a note)\n") and P.SEED_FOCUS in source and "\\u06" not in source
    namespace: dict = {}
    exec(compile(source, "parameters", "exec"), namespace)  # literals only
    assert {k: namespace[k] for k in params} == params


# --------------------------------------------------------------- the command line's paths
def _cli_params(monkeypatch, argv) -> dict:
    """The parameters ``python -m toolkit run ARGV`` hands to run_study (which is not run)."""
    import toolkit.study.report
    from toolkit.study.cli import main

    seen = {}
    monkeypatch.setattr(toolkit.study.report, "run_study", lambda params, **_: seen.update(params))
    assert main(["run", *argv, "--quiet"]) == 0
    return seen


def test_typed_paths_are_read_from_the_current_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    params = _cli_params(monkeypatch, ["--out", "here", "--cache-dir", "cache"])
    assert params["run_dir"] == str(tmp_path / "here") and params["cache_dir"] == str(tmp_path / "cache")
    assert params["corpus"] == str(SEEDS) and params["gold"] == str(GOLD)  # defaults: the project's
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("نص", encoding="utf-8")
    params = _cli_params(monkeypatch, ["mine"])
    assert params["corpus"] == str(tmp_path / "mine") and params["gold"] is None and params["focus"] is None
    assert params["run_dir"] == str(ROOT / "outputs" / "mine")


def test_a_parameters_file_is_read_like_a_notebooks_parameters(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    params = _cli_params(monkeypatch, ["--params", str(ROOT / "params" / "seeds.yml"), "--out", "run"])
    assert params["corpus"] == str(SEEDS) and params["gold"] == str(GOLD) and params["focus"] == P.SEED_FOCUS


def test_a_missing_gold_on_the_command_line_is_one_line(monkeypatch, tmp_path, capsys):
    from toolkit.study.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", "--gold", "missing.csv", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == f"error: {tmp_path / 'missing.csv'}: hand labels file (parameter 'gold') does not exist\n"


def test_help_shows_each_default_once(capsys):
    from toolkit.study.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "None" not in text
    options = [a for a in build_parser()._subparsers._group_actions[0].choices["run"]._actions
               if a.help and a.dest not in ("help", "force", "quiet")]
    for action in options:
        assert action.help.count("(default:") == 1, action.dest
    for default in ("(default: 42)", "(default: use-multilingual-v3)", "(default: sized to the corpus)"):
        assert default in text
