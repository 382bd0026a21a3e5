"""The notebooks as JupyterLab runs them: from ``notebooks/``, with their own defaults.

JupyterLab gives a notebook its own folder as the working directory; ``make study`` runs the
same notebooks through papermill from the repository. Relative paths in parameters are read
from the project folder, so both write the same tables, and nothing lands in ``notebooks/``.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from conftest import ROOT
from toolkit.study.params import SEED_FOCUS

NOTEBOOKS = ROOT / "notebooks"
NAMES = ("01_corpus_and_cleaning", "02_topics_and_separation", "03_figures_and_report")


def _kernel() -> str:
    from toolkit.study.report import kernel_name

    return kernel_name()


def _papermill(name: str, output: Path, *parameters: str) -> subprocess.CompletedProcess:
    """``papermill NAME.ipynb OUTPUT -p ...`` typed in ``notebooks/``."""
    return subprocess.run([sys.executable, "-m", "papermill", f"{name}.ipynb", str(output), *parameters,
                           "-k", _kernel(), "--cwd", str(NOTEBOOKS), "--no-progress-bar"],
                          cwd=NOTEBOOKS, capture_output=True, text=True, timeout=900)


def _listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def _injected_parameters(notebook: Path) -> str:
    cells = [c for c in nbformat.read(str(notebook), as_version=4).cells
             if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, notebook
    return cells[0].source


def _outputs(notebook: Path) -> list[dict]:
    return [o for c in nbformat.read(str(notebook), as_version=4).cells for o in c.get("outputs", [])]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The seed study twice: the three notebooks by papermill from ``notebooks/`` with their
    defaults but ``run_dir`` (given relative, so it must be read from the project folder), and
    ``make study``'s command (papermill from the repository)."""
    base = tmp_path_factory.mktemp("notebooks")
    before = _listing(NOTEBOOKS)
    from_notebooks, executed = base / "from_notebooks", base / "executed"
    executed.mkdir()
    run_dir = os.path.relpath(from_notebooks, ROOT)
    for name in NAMES:
        result = _papermill(name, executed / f"{name}.ipynb", "-p", "run_dir", run_dir)
        assert result.returncode == 0, result.stderr[-3000:]
    after = _listing(NOTEBOOKS)
    study = subprocess.run([sys.executable, "-m", "toolkit", "run", "--params", "params/seeds.yml",
                            "--out", str(base / "study"), "--quiet"],
                           cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert study.returncode == 0, study.stderr[-3000:]
    return SimpleNamespace(from_notebooks=from_notebooks, executed=executed, study=base / "study",
                           created_in_notebooks=sorted(after - before))


@pytest.mark.slow
def test_tables_from_notebooks_folder_match_make_study(runs):
    names = sorted(p.name for p in (runs.study / "tables").glob("*.csv"))
    assert "scores.csv" in names  # the default hand labels were found from notebooks/ too
    assert names == sorted(p.name for p in (runs.from_notebooks / "tables").glob("*.csv"))
    for name in names:
        assert ((runs.from_notebooks / "tables" / name).read_bytes()
                == (runs.study / "tables" / name).read_bytes()), name


@pytest.mark.slow
def test_nothing_is_created_under_notebooks(runs):
    assert runs.created_in_notebooks == []
    assert not (NOTEBOOKS / "outputs").exists() and not (NOTEBOOKS / "data").exists()


@pytest.mark.slow
def test_saved_notebooks_hold_the_final_run_folder_and_readable_parameters(runs):
    for name in NAMES:
        saved = runs.study / "notebooks" / f"{name}.ipynb"
        source = _injected_parameters(saved)
        ast.parse(source)  # valid Python
        namespace: dict = {}
        exec(compile(source, str(saved), "exec"), namespace)  # literals only: no code runs
        assert namespace["run_dir"] == str(runs.study), name
        assert namespace["focus"] == SEED_FOCUS and SEED_FOCUS in source, name  # Arabic as written
        assert "\\u06" not in source and ".study.partial/" not in source, name
        record = nbformat.read(str(saved), as_version=4).metadata["papermill"]
        assert record["parameters"]["run_dir"] == str(runs.study)
        assert record["output_path"] == str(saved)


@pytest.mark.slow
def test_notebooks_print_no_progress_noise(runs):
    for notebook in [*runs.executed.glob("*.ipynb"), *(runs.study / "notebooks").glob("*.ipynb")]:
        stderr = "".join(o.get("text", "") for o in _outputs(notebook) if o.get("name") == "stderr")
        assert "IProgress" not in stderr and "it/s]" not in stderr, (notebook.name, stderr[:500])


@pytest.mark.slow
def test_notebook_01_says_what_was_read_and_set_aside(runs):
    shown = "".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/html", ""))
                    for o in _outputs(runs.executed / "01_corpus_and_cleaning.ipynb"))
    assert "Read **5 documents**" in shown and "No file was skipped" in shown
    assert "set aside 54" in shown and "### related: 22 lines in 1 run" in shown
    assert "51–89" in shown and "مقالات ذات صلة" in shown  # the related block of 001, with its text


def test_a_missing_gold_stops_a_notebook_with_one_line(tmp_path):
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as error:
        pm.execute_notebook(str(NOTEBOOKS / f"{NAMES[0]}.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={"gold": "data/gold/missing.csv", "run_dir": str(tmp_path / "run")},
                            kernel_name=_kernel(), cwd=str(NOTEBOOKS), progress_bar=False)
    assert error.value.ename == "ParameterError"
    assert "\n" not in error.value.evalue
    assert error.value.evalue.startswith(f"{ROOT / 'data' / 'gold' / 'missing.csv'}: hand labels file")
    assert not (tmp_path / "run").exists()  # stopped before any work
