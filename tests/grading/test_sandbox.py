"""Sandboxed grading: real submissions that attack the grader, graded by real ``nbgrader autograde``.

One temporary course (the repo's ``nbgrader_config.py`` and header, plus a tiny assignment written here) gets two
honest submissions and one submission per attack, all graded in a single ``nbgrader autograde`` run with the
course's configuration, so the sandbox is the one every grading path uses. Each attack prints what it managed to
do; the tests check that every attack failed, that the honest submissions scored exactly what they score without
the sandbox, that the gradebook holds only legitimate grades, and that no process of the run survives.

Limits are lowered on the command line to keep the run short: 3 s per cell, 1 GiB of address space, 64
processes, 20 s per kernel.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import psutil
import pytest
from nbgrader.api import Gradebook
from traitlets.config.loader import PyFileConfigLoader

from conftest import ROOT
from spmcourse.authoring import notebooks as nbk
from spmcourse.grading import sandbox

pytestmark = pytest.mark.xdist_group("sandbox")

ASSIGNMENT = "sbx"
CELL_TIMEOUT = 3
WALL_TIME = 20
LIMITS = [f"--Execute.timeout={CELL_TIMEOUT}", "--SandboxKernelManager.memory_limit=1024",
          "--SandboxKernelManager.max_processes=64", f"--SandboxKernelManager.wall_time={WALL_TIME}"]
MAX_SCORE = 3.0

needs_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None,
                                 reason="bubblewrap is not installed (make system-deps installs it)")


# --- The fixture assignment -------------------------------------------------------------------------------------

def master() -> nbformat.NotebookNode:
    """Two questions: ``doubled`` (1 point, with a hidden test) and ``answer`` (2 points, checked with spmcourse)."""
    return nbk.new_notebook([
        nbk.readonly("import os\nfrom spmcourse.checks import check_close", "setup", markdown=False),
        nbk.md("Question 1: set `doubled` to the list of 2 and 21, each doubled."),
        nbk.solution("### BEGIN SOLUTION\ndoubled = [2 * x for x in (2, 21)]\n### END SOLUTION", "q1"),
        nbk.tests("assert doubled[0] == 4\n### BEGIN HIDDEN TESTS\nassert doubled[1] == 42\n### END HIDDEN TESTS",
                  "q1_test", 1),
        nbk.md("Question 2: set `answer`."),
        nbk.solution("### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION", "q2"),
        nbk.tests("check_close(answer, 42.0, 'answer')", "q2_test", 2),
    ])


def submission(release: nbformat.NotebookNode, *, q2: int = 42, attack: str | None = None,
               tail: list[str] = ()) -> nbformat.NotebookNode:
    """The release with both answers filled in (``q2`` as given), an attack cell after the set-up, and
    optional cells at the end."""
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "q1":
            cell.source = "doubled = [4, 42]"
        elif grade_id == "q2":
            cell.source = f"answer = {q2}"
    setup = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "setup")
    if attack:
        nb.cells.insert(setup + 1, nbformat.v4.new_code_cell(attack))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in tail]
    return nb


def attacks(course: Path, home: Path, port: int) -> dict[str, str]:
    """Attack cells by student id. Each prints ``ATTACK <name> blocked: ...`` or ``ATTACK <name> SUCCEEDED: ...``."""
    report = ("def report(name, done, why):\n"
              "    print(f'ATTACK {name} ' + ('SUCCEEDED' if done else 'blocked') + f': {why}')\n")
    return {
        "read-source": report + f"""
done, why = [], []
for path in [{str(course / 'source' / ASSIGNMENT / 'sbx.ipynb')!r}, '../../../source/sbx/sbx.ipynb',
             {str(course / 'release' / ASSIGNMENT / 'sbx.ipynb')!r}, {str(home / 'secret.txt')!r},
             {str(ROOT / 'nbgrader_config.py')!r}]:
    try:
        with open(path) as f:
            f.read()
        done.append(path)
    except OSError as err:
        why.append(type(err).__name__)
report('read-source', done, done or why)
""",
        "gradebook": report + f"""
import sqlite3
done, why = [], []
for path in [{str(course / 'gradebook.db')!r}, '../../../gradebook.db']:
    try:
        db = sqlite3.connect(f'file:{{path}}?mode=rw', uri=True)
        db.execute('UPDATE grade SET manual_score = 99, auto_score = 99')
        db.commit()
        done.append(path)
    except sqlite3.Error as err:
        why.append(str(err))
report('gradebook', done, done or why)
""",
        "read-peer": report + f"""
import glob
done, why = [], []
for path in [{str(course / 'submitted' / 'honest-full' / ASSIGNMENT / 'sbx.ipynb')!r},
             {str(course / 'autograded' / 'honest-full' / ASSIGNMENT / 'sbx.ipynb')!r},
             '../../honest-full/sbx/sbx.ipynb']:
    try:
        with open(path) as f:
            f.read()
        done.append(path)
    except OSError as err:
        why.append(type(err).__name__)
peers = glob.glob({str(course / 'submitted' / '*')!r}) + glob.glob('../../*')
report('read-peer', done or len(peers) > 1, done or why + [peers])
""",
        "write-outside": report + f"""
done, why = [], []
for path in [{str(course / 'source' / ASSIGNMENT / 'pwned.txt')!r}, {str(course / 'pwned.txt')!r},
             {str(course / 'autograded' / 'honest-full' / ASSIGNMENT / 'pwned.txt')!r}, '../pwned.txt',
             {str(home / 'pwned.txt')!r}]:
    try:
        with open(path, 'w') as f:
            f.write('pwned')
        done.append(path)
    except OSError as err:
        why.append(type(err).__name__)
with open('own-folder.txt', 'w') as f:  # its own folder stays writable
    f.write('mine')
report('write-outside', done, done or why)
""",
        "network": report + f"""
import socket
try:
    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()
    report('network', True, 'connected to the grader machine')
except OSError as err:
    report('network', False, repr(err))
""",
        "fork-bomb": report + """
import os, time
children = []
try:
    for _ in range(300):  # bounded: at most 300 processes, each sleeping 120 s
        pid = os.fork()
        if pid == 0:
            time.sleep(120)
            os._exit(0)
        children.append(pid)
    report('fork-bomb', True, f'{len(children)} processes')
except OSError as err:
    report('fork-bomb', False, f'refused after {len(children)} processes: {err}')
""",
        "memory": report + """
chunks = []
try:
    for _ in range(8):  # bounded: at most 4 GiB
        chunks.append(bytearray(512 * 1024 * 1024))
    report('memory', True, f'{len(chunks) / 2} GiB')
except MemoryError:
    report('memory', False, f'MemoryError after {len(chunks) / 2} GiB')
del chunks
""",
        "sleeper": report + f"""
import time
start = time.monotonic()
try:
    time.sleep(600)
finally:
    report('sleeper', time.monotonic() - start > {CELL_TIMEOUT + 5}, f'slept {{time.monotonic() - start:.1f}} s')
""",
    }


# Sleeps just under the cell timeout in cell after cell: no cell times out, only the kernel's wall time stops it.
STUBBORN = [f"import time\ntime.sleep({CELL_TIMEOUT - 1})"] * (WALL_TIME // (CELL_TIMEOUT - 1) + 3)


# --- Running nbgrader -------------------------------------------------------------------------------------------

def make_course(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    (dest / "source" / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(ROOT / "source" / "header.ipynb", dest / "source" / "header.ipynb")
    nbk.write(master(), dest / "source" / ASSIGNMENT / "sbx.ipynb")
    return dest


def run_nbgrader(course: Path, *args: str, env: dict[str, str], check: bool = False) -> subprocess.CompletedProcess:
    start = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"],
                            cwd=course, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = proc.communicate(timeout=300)
    result = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    result.pid = proc.pid
    result.seconds = time.monotonic() - start
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed:\n{out}\n{err}")
    return result


def course_env(base: Path, **extra: str) -> dict[str, str]:
    """The grader's environment: its own home (with a secret), temporary folder and exchange."""
    (base / "home").mkdir(exist_ok=True)
    (base / "home" / "secret.txt").write_text("the instructor's secret")
    (base / "tmp").mkdir(exist_ok=True)
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", os.defpath)])
    env = {k: v for k, v in os.environ.items() if k not in (sandbox.OPT_OUT_ENV, sandbox.BWRAP_ENV)}
    env.update(HOME=str(base / "home"), TMPDIR=str(base / "tmp"), PATH=path, SPM_EXCHANGE=str(base / "exchange"),
               **extra)
    return env


def submit(course: Path, student: str, nb: nbformat.NotebookNode) -> None:
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbk.write(nb, folder / "sbx.ipynb")


def scores(course: Path) -> dict[str, float | None]:
    """Each student's total score, None where autograde failed (no autograded notebook)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        result = {}
        for student in gb.students:
            graded = (course / "autograded" / student.id / ASSIGNMENT / "sbx.ipynb").exists()
            result[student.id] = gb.find_submission(ASSIGNMENT, student.id).score if graded else None
        return result


def grade_rows(course: Path) -> list[tuple]:
    """Every grade in the gradebook: (student, cell, auto score, manual score, max score)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        rows = []
        for student in gb.students:
            for nb in gb.find_submission(ASSIGNMENT, student.id).notebooks:
                rows += [(student.id, g.name, g.auto_score, g.manual_score, g.max_score) for g in nb.grades]
        return sorted(rows, key=repr)


def leftovers(marker: str, grader_pid: int) -> list[str]:
    """Processes of a grading run still alive: any whose command line names the run's folders, or that runs as
    one of the user ids its kernels ran as."""
    first = sandbox.UID_BASE + ((grader_pid & 0x3FFFFF) << 4)
    alive = []
    for proc in psutil.process_iter(["pid", "cmdline", "uids"]):
        try:
            cmdline = " ".join(proc.info["cmdline"] or [])
            uid = proc.info["uids"].real if proc.info["uids"] else -1
        except psutil.Error:
            continue
        if proc.info["pid"] != os.getpid() and (marker in cmdline or first <= uid < first + 16):
            alive.append(f"{proc.info['pid']} uid={uid} {cmdline[:200]}")
    return alive


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@dataclass
class Run:
    """What a grading run left: the course, nbgrader's exit code, log and time, and what the test observed."""
    course: Path
    base: Path
    returncode: int
    stderr: str
    seconds: float
    listener_accepted: int
    leftovers: list[str]
    reference: dict[str, float | None]

    def output(self, student: str) -> str:
        nb = nbformat.read(self.course / "autograded" / student / ASSIGNMENT / "sbx.ipynb", as_version=4)
        return "\n".join(out.get("text", "") + " ".join(out.get("traceback", []))
                         for cell in nb.cells for out in cell.get("outputs", []))

    def save(self, path: Path) -> None:
        data = dict(vars(self), course=str(self.course), base=str(self.base))
        path.write_text(json.dumps(data))

    @classmethod
    def load(cls, path: Path) -> "Run":
        data = json.loads(path.read_text())
        return cls(**dict(data, course=Path(data["course"]), base=Path(data["base"])))


HONEST = {"honest-full": 3.0, "honest-part": 1.0}


def grade_everything(base: Path) -> Run:
    """Honest and attacking submissions graded in one sandboxed ``nbgrader autograde`` run, and the honest ones
    graded again without the sandbox for reference."""
    env = course_env(base)
    listener = Listener()
    try:
        course = make_course(base / "course")
        run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", env=env, check=True)
        release = nbformat.read(course / "release" / ASSIGNMENT / "sbx.ipynb", as_version=4)
        ref = shutil.copytree(course, base / "reference")  # the same course, for the unsandboxed reference
        submit(course, "honest-full", submission(release))
        submit(course, "honest-part", submission(release, q2=41))
        for student, cell in attacks(course, base / "home", listener.port).items():
            submit(course, student, submission(release, attack=cell))
        submit(course, "stubborn", submission(release, tail=STUBBORN))

        # The same honest submissions, graded without the sandbox in a copy of the course.
        for student, q2 in (("honest-full", 42), ("honest-part", 41)):
            submit(ref, student, submission(release, q2=q2))
        done = run_nbgrader(ref, "autograde", ASSIGNMENT, *LIMITS, env=dict(env, SPM_UNSANDBOXED="1"))
        assert done.returncode == 0, done.stderr
        reference = scores(ref)

        result = run_nbgrader(course, "autograde", ASSIGNMENT, *LIMITS, env=env)
        return Run(course=course, base=base, returncode=result.returncode, stderr=result.stderr,
                   seconds=result.seconds, listener_accepted=listener.accepted,
                   leftovers=leftovers(str(base), result.pid), reference=reference)
    finally:
        listener.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Run:
    """The grading run, done once per test session even when these tests land on several xdist workers: the
    first worker grades, under a lock in the session's shared temporary folder; the others read its result."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    with open(shared / "sandbox-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = shared / "sandbox-run.json"
        if saved.exists():
            return Run.load(saved)
        base = shared / "sandbox-run"
        base.mkdir()
        run = grade_everything(base)
        run.save(saved)
        return run


# --- The attacks ------------------------------------------------------------------------------------------------

ATTACKS = ["read-source", "gradebook", "read-peer", "write-outside", "network", "fork-bomb", "memory", "sleeper"]


@needs_bwrap
@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_fails(graded, attack):
    """Does the attack report that it was blocked, and still get its legitimate score?"""
    out = graded.output(attack)
    assert f"ATTACK {attack} blocked" in out, f"{attack} did not report being blocked:\n{out[-3000:]}"
    assert "SUCCEEDED" not in out, out
    assert scores(graded.course)[attack] == MAX_SCORE, f"{attack} lost its legitimate score"


@needs_bwrap
def test_honest_scores_match_unsandboxed(graded):
    """Do the honest submissions score exactly what they score without the sandbox?"""
    got = scores(graded.course)
    assert graded.reference == HONEST
    assert {s: got[s] for s in HONEST} == graded.reference


@needs_bwrap
def test_gradebook_holds_only_legitimate_grades(graded):
    """Is every grade in the gradebook the one its submission earned (the gradebook attack changed nothing)?"""
    expected_cells = {"q1_test": 1.0, "q2_test": 2.0}
    rows = grade_rows(graded.course)
    got = scores(graded.course)
    for student, cell, auto, manual, max_score in rows:
        assert manual is None, (student, cell, manual)
        assert max_score == expected_cells[cell]
        if got[student] is not None:
            earned = 0.0 if (student == "honest-part" and cell == "q2_test") else max_score
            assert auto == earned, (student, cell, auto)
    assert sorted(got) == sorted([*HONEST, *ATTACKS, "stubborn"])


@needs_bwrap
def test_nothing_written_outside(graded):
    """Did no attack leave a file outside its own folder (host side), while its own folder stayed writable?"""
    course, home = graded.course, graded.base / "home"
    for path in [course / "source" / ASSIGNMENT / "pwned.txt", course / "pwned.txt",
                 course / "autograded" / "honest-full" / ASSIGNMENT / "pwned.txt",
                 course / "autograded" / "write-outside" / "pwned.txt", home / "pwned.txt"]:
        assert not path.exists(), f"{path} was written from inside the sandbox"
    own = course / "autograded" / "write-outside" / ASSIGNMENT / "own-folder.txt"
    assert own.read_text() == "mine"
    assert own.stat().st_uid == os.getuid(), "the working folder was not given back to its owner"


@needs_bwrap
def test_network_unreachable(graded):
    """Did no submission reach the port the test opened on 127.0.0.1?"""
    assert graded.listener_accepted == 0


@needs_bwrap
def test_fork_bomb_is_bounded(graded):
    out = graded.output("fork-bomb")
    assert "refused after" in out
    refused_after = int(out.split("refused after ")[1].split()[0])
    assert refused_after < 64


@needs_bwrap
def test_stubborn_sleeper_is_killed_at_wall_time(graded):
    """A submission that ignores the interrupt is killed at the kernel's wall time: it fails (no score, not a
    silent 0), the others are graded, and the run finishes in bounded time."""
    assert graded.returncode != 0, "autograde should report the failed submission"
    assert scores(graded.course)["stubborn"] is None
    assert "ran longer than" in graded.stderr
    assert graded.seconds < 180


@needs_bwrap
def test_no_process_survives(graded):
    """Is every process of the run gone (kernels, fork-bomb children, sleepers)?"""
    assert graded.leftovers == []
    assert not list((graded.base / "tmp").glob("spm-sandbox-*")), "run folders were left behind"


@needs_bwrap
def test_choice_is_recorded(graded):
    """Does the grading output say that the sandbox was on?"""
    assert "Sandbox: kernel" in graded.stderr
    assert "Sandbox: OFF" not in graded.stderr


# --- Where the sandbox cannot start -----------------------------------------------------------------------------

def test_missing_bubblewrap_stops_grading_with_a_fix(tmp_path):
    """With no bubblewrap, no submission is graded and the log says how to fix it; opting out grades anyway and
    says so."""
    env = course_env(tmp_path, SPM_BWRAP=str(tmp_path / "no-such-bwrap"))
    course = make_course(tmp_path / "course")
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force", env=env, check=True)
    release = nbformat.read(course / "release" / ASSIGNMENT / "sbx.ipynb", as_version=4)
    submit(course, "honest-full", submission(release))

    stopped = run_nbgrader(course, "autograde", ASSIGNMENT, *LIMITS, env=env)
    assert stopped.returncode != 0
    for hint in ("bubblewrap", "apt-get install bubblewrap", "unprivileged user namespaces", "SPM_UNSANDBOXED=1"):
        assert hint in stopped.stderr, f"{hint!r} missing from:\n{stopped.stderr[-3000:]}"
    assert scores(course).get("honest-full") is None

    opted_out = run_nbgrader(course, "autograde", ASSIGNMENT, "--force", *LIMITS,
                             env=dict(env, SPM_UNSANDBOXED="1"))
    assert opted_out.returncode == 0, opted_out.stderr
    assert "Sandbox: OFF" in opted_out.stderr
    assert scores(course)["honest-full"] == MAX_SCORE


def test_ensure_available_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv(sandbox.BWRAP_ENV, str(tmp_path / "missing"))
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.ensure_available()
    monkeypatch.setenv(sandbox.OPT_OUT_ENV, "1")
    assert sandbox.ensure_available().sandboxed is False
    assert "OFF" in sandbox.ensure_available().describe()


@needs_bwrap
def test_ensure_available_here(monkeypatch):
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    monkeypatch.delenv(sandbox.BWRAP_ENV, raising=False)
    assert sandbox.ensure_available().describe().startswith("sandbox: on (bubblewrap")


def test_kernel_environment_keeps_exact_names_only(tmp_path):
    """Only listed variables reach the kernel, by exact name: a variable that merely starts like one (LC_*,
    OMP_*, NBGRADER_*) is dropped with the grader's secrets."""
    plan = sandbox._Plan(bwrap="bwrap", run=tmp_path, workdir=tmp_path, limits=sandbox.Limits(), uid=None)
    given = {"LC_ALL": "C.UTF-8", "LC_TIME": "C", "OMP_NUM_THREADS": "1", "NBGRADER_EXECUTION": "autograde",
             "NBGRADER_VALIDATING": "1", "PATH": "/usr/bin", "LC_SECRET": "x", "OMP_SECRET": "x",
             "NBGRADER_DB_URL": "x", "SPM_GRADEBOOK_URL": "x", "AWS_SECRET_ACCESS_KEY": "x"}
    kept = plan.env(given)
    assert {k for k in given if k in kept} == {"LC_ALL", "LC_TIME", "OMP_NUM_THREADS", "NBGRADER_EXECUTION",
                                               "NBGRADER_VALIDATING", "PATH"}


def test_toggle_for_the_benchmark(monkeypatch):
    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    assert sandbox.grading_env(False, {})[sandbox.OPT_OUT_ENV] == "1"
    assert sandbox.OPT_OUT_ENV not in sandbox.grading_env(True, {sandbox.OPT_OUT_ENV: "1"})
    with sandbox.sandboxed(False):
        assert sandbox.status().sandboxed is False
    assert sandbox.status().sandboxed is True


def test_course_config_installs_the_sandbox():
    """Does loading the course's nbgrader_config.py make nbgrader's Execute use the sandboxed kernel manager?"""
    from nbgrader.preprocessors import Execute

    PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    assert Execute().kernel_manager_class is sandbox.SandboxKernelManager


# --- The Validate path ------------------------------------------------------------------------------------------

@needs_bwrap
def test_validator_runs_sandboxed(tmp_path, monkeypatch):
    """nbgrader's Validator (the Validate button's code path) with the course's configuration runs the notebook
    in the sandbox: its test cell passes only where the course is invisible and the network is down."""
    from nbgrader.validator import Validator

    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    course = make_course(tmp_path / "course")
    work = tmp_path / "learner" / ASSIGNMENT
    work.mkdir(parents=True)
    probe = nbk.new_notebook([nbk.tests(
        "import os, socket\n"
        f"assert not os.path.exists({str(course / 'source')!r}), 'the course is visible'\n"
        f"assert not os.path.exists({str(ROOT / 'nbgrader_config.py')!r}), 'the repo is visible'\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass\n"
        "else:\n    raise AssertionError('network reachable')\n"
        "assert os.getuid() != 0 or True\n"
        "_ = open('written.txt', 'w').write('ok')\n", "probe", 1)])
    nbk.write(probe, work / "probe.ipynb")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert Validator(config=config).validate(str(work / "probe.ipynb")) == {}
    assert (work / "written.txt").read_text() == "ok"


def test_validate_works_without_bubblewrap(tmp_path, monkeypatch):
    """A learner on a machine with no bubblewrap (macOS, say) can still press Validate: it runs their own notebook
    with the visible tests only, so it falls back to an ordinary kernel, while grading still refuses."""
    from nbgrader.validator import Validator

    monkeypatch.delenv(sandbox.OPT_OUT_ENV, raising=False)
    monkeypatch.setenv(sandbox.BWRAP_ENV, str(tmp_path / "no-such-bwrap"))
    course = make_course(tmp_path / "course")
    work = tmp_path / "learner" / ASSIGNMENT
    work.mkdir(parents=True)
    nbk.write(nbk.new_notebook([nbk.tests("assert 1 + 1 == 2\n", "plain", 1)]), work / "plain.ipynb")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    assert Validator(config=config).validate(str(work / "plain.ipynb")) == {}
    with pytest.raises(sandbox.SandboxUnavailable):
        sandbox.ensure_available()


def test_the_sandbox_shows_the_course_package_wherever_it_is_installed(tmp_path):
    """An editable install from another folder (setuptools' finder or a .pth line) is what the kernel imports:
    the sandbox must show that folder, and only the package folder, never the folder holding it."""
    elsewhere = tmp_path / "checkout"
    (elsewhere / "spmcourse").mkdir(parents=True)
    (elsewhere / "source").mkdir()
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "__editable___spmcourse_0_1_0_finder.py").write_text(
        f"import sys\nMAPPING: dict[str, str] = {{'spmcourse': {str(elsewhere / 'spmcourse')!r}}}\n"
        "NAMESPACES: dict[str, list[str]] = {}\n")
    assert sandbox.installed_package_dirs([str(site)]) == [elsewhere / "spmcourse"]
    (site / "__editable___spmcourse_0_1_0_finder.py").unlink()
    (site / "legacy.pth").write_text(f"{elsewhere}\nimport something\n")
    assert sandbox.installed_package_dirs([str(site)]) == [elsewhere / "spmcourse"]
    assert sandbox.installed_package_dirs([str(tmp_path / "nowhere")]) == []
