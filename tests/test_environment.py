"""The project's own files: pins agree, notebooks are paired and parameterized."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _requirements() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_requirements_are_pinned():
    for requirement in _requirements():
        assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", requirement), requirement
    assert "torch==2.13.0" in _requirements()


def test_environment_yml_matches_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    deps = env["dependencies"]
    assert "python=3.11" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert [p for p in pip if p != "-e ."] == _requirements()


def test_constraints_agree_with_requirements():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", name.lower())] = version
    for requirement in _requirements():
        name, version = requirement.split("==")
        assert pins.get(re.sub(r"[-_.]+", "-", name.lower())) == version, requirement


def test_notebooks_are_paired_and_parameterized():
    import jupytext

    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert len(notebooks) == 3
    for ipynb in notebooks:
        paired = ipynb.with_suffix(".py")
        assert paired.exists(), f"{paired} missing"
        from_py = jupytext.read(paired)
        from_nb = jupytext.read(ipynb)
        assert [c.source for c in from_py.cells] == [c.source for c in from_nb.cells], \
            f"{ipynb.name} and {paired.name} differ: run jupytext --sync"
        tagged = [c for c in from_nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and tagged[0].cell_type == "code", ipynb.name
        assert all(c.get("outputs", []) == [] for c in json.loads(ipynb.read_text())["cells"]
                   if c["cell_type"] == "code"), f"{ipynb.name} has outputs committed"


def test_notebook_parameters_match_toolkit_defaults():
    from toolkit.study.params import DEFAULTS

    for py in sorted((ROOT / "notebooks").glob("*.py")):
        text = py.read_text("utf-8")
        cell = text.split('# %% tags=["parameters"]')[1].split("# %%")[0]
        names = set(re.findall(r"^(\w+) = ", cell, flags=re.M))
        assert names == set(DEFAULTS), py.name


def test_numba_caches_compiled_code_without_being_imported_by_the_toolkit():
    # Most of a run's processes never use numba (0.3 s to import); the ones that do (UMAP,
    # pynndescent) still get cache=True as numba.njit's default.
    import subprocess
    import sys

    code = ("import sys, toolkit, toolkit.study.report, toolkit.study.figures; before = 'numba' in sys.modules; "
            "import numba; print(before, numba._toolkit_cache, numba.njit.__qualname__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "_cache_by_default.<locals>.njit"]


def test_the_command_reads_notebooks_without_building_iri_grammars():
    # jsonschema imports rfc3987_syntax where installed (a Lark grammar built at import, 1.3 s);
    # the command keeps it out of its own process and nbformat still validates notebooks.
    import subprocess
    import sys

    code = ("import sys; from toolkit.study import cli; cli._skip_iri_format_checks(); import nbformat; "
            "nb = nbformat.read('notebooks/01_corpus_and_cleaning.ipynb', as_version=4); nbformat.validate(nb); "
            "print(sys.modules.get('rfc3987_syntax') is None, len(nb.cells) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out == ["True", "True"]
