"""What a run may create, replace or delete, through the command line (``python -m toolkit run``).

Every ``--out`` case hashes the files around the run folder before and after: nothing outside
the run folder may change. Refusals stop before any work; three seed runs (into a folder
replaced with --force, a rerun with a second run refused meanwhile, an interrupted rerun)
cover the rest.
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, SEEDS, write_corpus

pytestmark = pytest.mark.slow

MARKER = ".toolkit-run.json"


def run(corpus, out, cache, *extra, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "toolkit", "run", str(corpus), "--out", str(out),
                           "--cache-dir", str(cache), "--quiet", *extra],
                          cwd=cwd, capture_output=True, text=True, timeout=900,
                          env=None if env is None else {**os.environ, **env})


def start(corpus, out, cache, *extra, quiet=True):
    """A run in its own process group, as a terminal starts it (Ctrl-C goes to the group)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    return subprocess.Popen([sys.executable, "-m", "toolkit", "run", str(corpus), "--out", str(out),
                             "--cache-dir", str(cache), *(["--quiet"] if quiet else []), *extra],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=env)


def one_line_error(result, *names):
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    for name in names:
        assert str(name) in lines[0], lines[0]
    return lines[0]


def tree(folder, skip=()):
    """Every path under ``folder`` (hidden ones too) -> sha256 of a file, the target of a link,
    or 'dir'; paths under ``skip`` left out."""
    folder = Path(folder)
    skip = [Path(s) for s in skip]
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            if any(path == s or s in path.parents for s in skip):
                continue
            key = path.relative_to(folder).as_posix()
            if path.is_symlink():
                out[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                out[key] = "dir"
            else:
                out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def place(tmp_path):
    """A corpus (two seed articles), a thesis folder and a loose file side by side."""
    corpus = write_corpus(tmp_path / "corpus", {p.name: p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))[:2]})
    write_corpus(tmp_path / "thesis", {"thesis.txt": "x\n", "sub/notes.txt": "ملاحظات\n"})
    (tmp_path / "notes.txt").write_text("loose file\n", encoding="utf-8")
    return tmp_path, corpus


# ------------------------------------------------------------------ refused before any work
def test_existing_folder_that_is_not_a_run_folder_is_refused(place, cache):
    base, corpus = place
    before = tree(base)
    message = one_line_error(run(corpus, base / "thesis", cache), base / "thesis")
    assert "not a run folder" in message and "--force" in message
    assert tree(base) == before


def test_symlinked_out_is_resolved_before_the_checks(place, cache):
    base, corpus = place
    (base / "link").symlink_to(base / "thesis")
    (base / "corpus-link").symlink_to(corpus)
    before = tree(base)
    one_line_error(run(corpus, base / "link", cache), base / "thesis")  # named by its target
    message = one_line_error(run(corpus, base / "corpus-link", cache, "--force"), corpus)
    assert "is the corpus" in message
    assert tree(base) == before


def test_the_corpus_and_its_parents_are_never_replaced_even_with_force(place, cache):
    base, corpus = place
    before = tree(base)
    assert "is the corpus" in one_line_error(run(corpus, corpus, cache, "--force"), corpus)
    assert "holds the corpus" in one_line_error(run(corpus, base, cache, "--force"), base)
    # Inside the corpus only a run folder may be replaced: anything else there is corpus content.
    write_corpus(corpus / "more", {"x.txt": "نص\n"})
    before = tree(base)
    assert "inside the corpus" in one_line_error(run(corpus, corpus / "more", cache, "--force"), corpus / "more")
    assert tree(base) == before


def test_repository_home_and_root_are_never_replaced_even_with_force(tmp_path, cache):
    # An empty corpus: were a check to let the run through, it would stop on the corpus before
    # replacing anything. HOME points into tmp_path for the same reason.
    (tmp_path / "empty").mkdir()
    home = tmp_path / "home"
    write_corpus(home, {"keep.txt": "x"})
    repo_before, home_before = tree(ROOT / "data"), tree(home)
    env = {"HOME": str(home)}
    message = one_line_error(run(tmp_path / "empty", ".", cache, "--force", env=env), ROOT)
    assert "is the repository" in message
    assert "is the home folder" in one_line_error(run(tmp_path / "empty", home, cache, "--force", env=env), home)
    assert "root of the file system" in one_line_error(run(tmp_path / "empty", "/", cache, "--force", env=env))
    assert "holds" in one_line_error(run(tmp_path / "empty", ROOT.parent, cache, "--force", env=env), ROOT.parent)
    assert tree(ROOT / "data") == repo_before and tree(home) == home_before


def test_out_that_is_a_file(place, cache):
    base, corpus = place
    before = tree(base)
    assert "is an existing file" in one_line_error(run(corpus, base / "notes.txt", cache), base / "notes.txt")
    assert "is a file" in one_line_error(run(corpus, base / "notes.txt" / "run", cache), base / "notes.txt")
    assert tree(base) == before


def test_out_empty_string(place, cache):
    base, corpus = place
    before = tree(base)
    message = one_line_error(run(corpus, "", cache))
    assert "--out is empty" in message
    assert tree(base) == before


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nothing can be written into: a read-only tmpfs when running as root (root
    ignores permissions), else a folder without write permission."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("running as root and cannot mount a read-only file system")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_out_on_a_read_only_location(place, cache, read_only_folder):
    base, corpus = place
    before = tree(base)
    one_line_error(run(corpus, read_only_folder / "run", cache), read_only_folder)
    one_line_error(run(corpus, read_only_folder / "deeper" / "run", cache), read_only_folder)
    assert tree(base) == before


def test_partial_folder_not_made_by_a_run_is_refused(place, cache):
    base, corpus = place
    write_corpus(base / ".mine.partial", {"draft.txt": "x"})
    before = tree(base)
    assert "not made by a run" in one_line_error(run(corpus, base / "mine", cache), base / ".mine.partial")
    assert tree(base) == before


# ----------------------------------------------------------------------- runs that do work
@pytest.fixture(scope="module")
def forced_run(tmp_path_factory, cache):
    """The seed corpus into an existing folder that is not a run folder, with --force."""
    base = tmp_path_factory.mktemp("forced")
    write_corpus(base / "U", {"thesis.txt": "x\n", "sub/notes.txt": "y\n"})
    write_corpus(base / "sibling", {"keep.txt": "keep\n"})
    before, seeds_before = tree(base, skip=[base / "U"]), tree(SEEDS)
    result = run(SEEDS, base / "U", cache, "--force")
    return base, result, before, seeds_before


def test_force_replaces_a_folder_that_is_not_a_run_folder(forced_run):
    base, result, before, seeds_before = forced_run
    assert result.returncode == 0, result.stderr[-3000:]
    out = base / "U"
    assert (out / MARKER).is_file() and (out / "manifest.json").is_file()
    assert not (out / "thesis.txt").exists() and not (out / "sub").exists()
    assert tree(base, skip=[out]) == before and tree(SEEDS) == seeds_before
    assert sorted(p.name for p in base.iterdir()) == ["U", "sibling"]  # no lock, partial or old folder left


def test_successful_run_prints_nothing_from_the_kernel(forced_run):
    _, result, _, _ = forced_run
    assert result.returncode == 0
    assert "IPKernelApp" not in result.stderr and "KeyboardInterrupt" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_rerun_replaces_the_run_folder_and_a_second_run_at_once_is_refused(forced_run, cache):
    base, first, before, seeds_before = forced_run
    assert first.returncode == 0
    out = base / "U"
    old_start = json.loads((out / "manifest.json").read_text("utf-8"))["started_utc"]
    # A lock and a partial folder left by a run that was killed: stale, taken over and replaced.
    dead = subprocess.Popen(["true"])
    dead.wait()
    (base / ".U.lock").write_text(json.dumps({"pid": dead.pid, "host": os.uname().nodename}), encoding="utf-8")
    write_corpus(base / ".U.partial", {MARKER: "{}", "work/x.parquet": "stale"})
    time.sleep(1.1)  # started_utc has one-second resolution
    second = start(SEEDS, out, cache)
    try:
        deadline = time.time() + 120
        while not (base / ".U.partial" / "notebooks").exists() and time.time() < deadline:
            time.sleep(0.2)
        assert (base / ".U.partial" / "notebooks").exists(), "the second run did not start"
        lock = json.loads((base / ".U.lock").read_text("utf-8"))
        assert lock["pid"] == second.pid
        third = run(SEEDS, out, cache)  # while the second one runs
        message = one_line_error(third, out)
        assert f"another run (pid {second.pid})" in message
        _, err = second.communicate(timeout=900)
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
    assert second.returncode == 0, err[-3000:]
    assert "IPKernelApp" not in err and "Traceback" not in err
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["started_utc"] != old_start and manifest["parameters"]["run_dir"] == str(out)
    assert not (out / "work" / "x.parquet").exists()
    assert tree(base, skip=[out]) == before and tree(SEEDS) == seeds_before


def test_ctrl_c_prints_one_line_and_cleans_up(forced_run, cache):
    base, first, before, seeds_before = forced_run
    assert first.returncode == 0
    out = base / "U"
    run_before = tree(out)
    proc = start(SEEDS, out, cache, quiet=False)  # with progress, as in a terminal
    try:
        deadline = time.time() + 120
        while not (base / ".U.partial" / "work").exists() and time.time() < deadline:  # the kernel runs
            time.sleep(0.2)
        assert (base / ".U.partial" / "work").exists(), "the run did not start"
        time.sleep(2)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "interrupted", err
    for noise in ("Traceback", "zmq", "IPKernelApp", "KeyboardInterrupt"):
        assert noise not in err, err
    assert not (base / ".U.partial").exists() and not (base / ".U.lock").exists()
    assert tree(out) == run_before  # the earlier run is untouched
    assert tree(base, skip=[out]) == before and tree(SEEDS) == seeds_before


def test_a_table_written_by_partitions_has_the_bytes_of_the_whole_table(tmp_path):
    from toolkit.study.workspace import RunFolder

    run = RunFolder(tmp_path / "run")
    whole = pd.DataFrame({"doc": ["أ", "ب", "ج"], "value": [1.5, float("nan"), 3.0],
                          "text": ["قال، «نعم»", "", 'x"y']})
    run.save_part_csv(whole.iloc[:2], "t", 0)
    run.save_part_csv(whole.iloc[2:], "t", 1)
    run.save_part_csv(whole.iloc[:0], "t", 2)  # a partition without rows
    run.join_part_csvs("t", [0, 1, 2], "t.csv", whole.columns)
    assert run.table("t.csv").read_bytes() == whole.to_csv(index=False, lineterminator="\n").encode("utf-8")
