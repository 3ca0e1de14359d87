"""What the grader does with files after a submission's kernel stops (issue 12): every recipe as a regression test.

Each recipe is one student whose notebook answers every question right and then, in a cell of its own, leaves a
trap in the folder it runs in (a symbolic link to ``/etc/shadow``, to ``source/``, to the gradebook, to another
student's submission, to the master named ``*.html``, to ``/dev/zero``; a named pipe; huge or countless files; a
world-writable folder; the notebook itself replaced by a link), or writes to every descriptor it inherited; two
more students submit a folder, or a notebook, that is a link to the master. All of them, with an honest student,
are graded by the course's grading (``grading.grade_submissions``, what ``spm grade-cohort`` runs) in one copy of
the course, and by plain ``nbgrader autograde`` and ``generate_feedback`` with the course's configuration in
another. For every recipe and both paths the tests check that

- no file outside the submission changed (the mode and content of ``/etc/shadow``, ``/dev/zero``, ``source/``,
  ``release/`` and the other students' submissions), and nothing of ``source/``, the gradebook or
  ``/etc/shadow`` was copied or published into ``autograded/`` or ``feedback/``, which hold only ordinary files
  within the course's limits;
- the run finished and nothing is left running;
- the student is graded (full marks: the trap gains nothing and costs nothing) with a note on what was removed,
  or, for a folder or notebook that is a link, fails with a reason (no score, not 0).

The attack cells name the test course's real paths: the links dangle inside the sandbox, where the course does
not exist, but would be followed by the grader outside it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template  # noqa: E402,F401  (pytest fixture)

from nbgrader.api import Gradebook  # noqa: E402

from spmcourse import grading
from spmcourse.grading import safefiles, sandbox  # noqa: E402

pytestmark = [pytest.mark.xdist_group("attacks"),
              pytest.mark.skipif(os.geteuid() != 0 or not Path("/etc/shadow").exists(),
                                 reason="the recipes attack root-only files: grade as root")]

A, NB = kit.ASSIGNMENT, kit.NOTEBOOK
CELL_TIMEOUT = 20
FORGED = "[AutogradeApp | ERROR] FORGED-BY-THE-KERNEL"
SECRET_ENV = {"LC_SPM_SECRET": "leak-lc", "OMP_SPM_SECRET": "leak-omp", "NBGRADER_SPM_SECRET": "leak-nbgrader"}
SOLUTION_MARKS = [b"### BEGIN SOLUTION", b"sum(PRICES[p] * SEATS[p] for p in PRICES)", b"SQLite format 3"]
MAX_KEPT = 30_000_000  # bytes a student's autograded or feedback folder may hold (the course allows 20 MB + notebooks)


def attack_cells(course: Path) -> dict[str, str]:
    """student -> the cell it appends to a right notebook. Each prints ``ATTACK <student> done``."""
    src = course / "source"
    master = src / A / f"{NB}.ipynb"
    cells = {
        "link-shadow": "os.symlink('/etc/shadow', 'shadow')",
        "link-source": f"os.symlink({str(src)!r}, 'stolen_source')",
        "link-gradebook": f"os.symlink({str(course / 'gradebook.db')!r}, 'gradebook.db')",
        "link-peer": f"os.symlink({str(course / 'submitted' / 'honest' / A)!r}, 'peer')",
        "link-master-html": f"os.symlink({str(master)!r}, 'solutions.html')",
        # nbgrader writes the graded notebook where the executed one was: through a link, into the master
        "link-notebook-write": f"os.remove('{NB}.ipynb')\nos.symlink({str(master)!r}, '{NB}.ipynb')",
        "dev-zero": "os.symlink('/dev/zero', 'zeros.bin')",
        "special": "import socket\nos.mkfifo('pipe')\nsocket.socket(socket.AF_UNIX).bind('sock')",
        "big-files": ("for i in range(2):\n    with open(f'big{i}.bin', 'wb') as f:\n        f.truncate(6_000_000)\n"
                      "os.mkdir('many')\nfor i in range(1500):\n    open(f'many/{i}.txt', 'w').close()"),
        "world-writable": ("os.mkdir('shared')\nos.chmod('shared', 0o1777)\nopen('shared/run.sh', 'w').close()\n"
                           "os.chmod('shared/run.sh', 0o6777)"),
        "forge-log": f"""
import json
seen = {{}}
for fd in sorted(int(n) for n in os.listdir('/proc/self/fd')):
    try:
        seen[fd] = target = os.readlink(f'/proc/self/fd/{{fd}}')
    except OSError:
        continue
    if target.startswith(('pipe:', '/')) and not target.startswith(('/proc', '/dev/null', os.getcwd(),
                                                                     os.environ['HOME'])):
        try:
            os.write(fd, b'\\n{FORGED}\\n')
        except OSError:
            pass
print('FDS ' + json.dumps(seen))
print('ENV ' + json.dumps(sorted(k for k in os.environ if k.startswith(('LC_', 'OMP_', 'NBGRADER_')))))
""",
    }
    return {student: f"import os\n{cell}\nprint('ATTACK {student} done')" for student, cell in cells.items()}


#: Students whose submission is a link: refused, with the reason's key words.
LINKED = {"linked-folder": "symbolic link", "linked-notebook": "symbolic link"}
#: What the note on a removed item names (course path: in the outcome's warnings; nbgrader: in its log).
NOTED = {"link-shadow": "shadow", "link-source": "stolen_source", "link-gradebook": "gradebook.db",
         "link-peer": "peer", "link-master-html": "solutions.html", "link-notebook-write": f"{NB}.ipynb",
         "dev-zero": "zeros.bin", "special": "pipe", "big-files": "big0.bin"}
RECIPES = [*attack_cells(Path("/")), *LINKED, "links-inside"]
#: Submitted with a link to /etc/shadow and a named pipe among its files: the course skips them, with a note;
#: plain nbgrader (which would follow them when it copies the folder) refuses the student with a reason.
INSIDE = "links-inside"


def submit_all(course: Path) -> None:
    kit.submit(course, "honest", kit.student_notebook(course, "right"))
    for student, cell in attack_cells(course).items():
        nb = kit.student_notebook(course, "right")
        nb.cells.append(nbformat.v4.new_code_cell(cell))
        kit.submit(course, student, nb)
    master = course / "source" / A
    kit.submission_dir(course, "linked-folder").parent.mkdir(parents=True)
    kit.submission_dir(course, "linked-folder").symlink_to(master, target_is_directory=True)
    folder = kit.submit(course, "linked-notebook", None)
    (folder / f"{NB}.ipynb").symlink_to(master / f"{NB}.ipynb")
    folder = kit.submit(course, "links-inside", kit.student_notebook(course, "right"))
    (folder / "data.csv").symlink_to("/etc/shadow")
    os.mkfifo(folder / "pipe")


# --- What must not change, and what must not appear ------------------------------------------------------------

def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def outside_state(course: Path) -> dict[str, tuple]:
    """Mode (and content digest) of everything a submission must not change: /etc/shadow, /dev/zero, the
    course's source/, release/ and config, and every submission (links included, not followed)."""
    state = {"/etc/shadow": (os.stat("/etc/shadow").st_mode, _digest(Path("/etc/shadow"))),
             "/dev/zero": (os.stat("/dev/zero").st_mode,),
             str(course / "gradebook.db"): (os.stat(course / "gradebook.db").st_mode,)}  # its grades change
    roots = [course / "source", course / "release", course / "submitted", course / "nbgrader_config.py"]
    for root in roots:
        paths = [root] if root.is_file() else [Path(d) / n for d, ds, fs in os.walk(root) for n in ds + fs]
        for path in paths:
            st = os.lstat(path)
            digest = _digest(path) if stat.S_ISREG(st.st_mode) else os.readlink(path) if path.is_symlink() else ""
            state[str(path)] = (st.st_mode, digest)
    return state


def forbidden(run: "Graded", student: str) -> set[str]:
    """Digests of what must not be copied into a student's folders: the files of source/ and the other students'
    notebooks, as they were before the run (less any that equal the student's own)."""
    own = str(run.course / "submitted" / student) + os.sep
    theirs = str(run.course / "submitted") + os.sep
    found = {v[1] for p, v in run.before.items() if len(v) > 1 and v[1] and (
        p.startswith(str(run.course / "source") + os.sep) or (p.startswith(theirs) and p.endswith(".ipynb")))}
    return found - {v[1] for p, v in run.before.items() if p.startswith(own) and len(v) > 1}


def leaks(folder: Path, digests: set[str] = frozenset()) -> list[str]:
    """What is wrong in a student's autograded or feedback folder: anything but ordinary files and folders,
    anything of source/, the gradebook, /etc/shadow or other students (``digests``), more than the course keeps."""
    shadow = Path("/etc/shadow").read_bytes()
    found, total, count = [], 0, 0
    for d, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(d) / name
            st = os.lstat(path)
            count += 1
            if stat.S_ISDIR(st.st_mode):
                if st.st_mode & 0o7002:
                    found.append(f"{path}: folder mode {oct(st.st_mode)}")
                continue
            if not stat.S_ISREG(st.st_mode):
                found.append(f"{path}: not an ordinary file ({oct(st.st_mode)})")
                continue
            if st.st_mode & 0o7002:
                found.append(f"{path}: file mode {oct(st.st_mode)}")
            total += st.st_size
            data = path.read_bytes()
            found += [f"{path}: holds {mark!r}" for mark in SOLUTION_MARKS if mark in data]
            if shadow and shadow in data:
                found.append(f"{path}: holds /etc/shadow")
            if hashlib.sha256(data).hexdigest() in digests:
                found.append(f"{path}: a copy of a file of source/ or of another student")
    if total > MAX_KEPT or count > safefiles.MAX_FILES + 20:
        found.append(f"{folder}: {total} bytes in {count} entries")
    return found


# --- The two grading runs --------------------------------------------------------------------------------------

@dataclass
class Graded:
    course: Path
    before: dict
    after: dict
    seconds: float
    leftovers: list
    outcomes: dict = field(default_factory=dict)  # course path: student -> Outcome
    log: str = ""                                  # plain nbgrader: stdout + stderr of autograde and feedback

    def output(self, student: str) -> str:
        nb = nbformat.read(self.course / "autograded" / student / A / f"{NB}.ipynb", as_version=4)
        return "\n".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", []))

    def score(self, student: str) -> float | None:
        if not (self.course / "autograded" / student / A / f"{NB}.ipynb").is_file():
            return None
        with Gradebook(f"sqlite:///{self.course / 'gradebook.db'}", "spm-course") as gb:
            return gb.find_submission(A, student).score


@pytest.fixture(scope="module")
def env_for_attacks():
    """The grader's environment: secrets under the prefixes the sandbox used to let through, a process marker."""
    saved = dict(os.environ)
    os.environ.update(SECRET_ENV, OMP_NUM_THREADS="1")
    os.environ[kit.MARK_VAR] = f"attacks-{os.getpid()}"
    for name in ("SPM_GRADEBOOK_URL", "SPM_EXCHANGE", sandbox.OPT_OUT_ENV):
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def course_run(course_template, tmp_path_factory, env_for_attacks) -> Graded:
    course = kit.new_course(course_template, tmp_path_factory.mktemp("attacks-course") / "course",
                            cell_timeout=CELL_TIMEOUT)
    submit_all(course)
    with kit.one_at_a_time(kit.ACCOUNTS_LOCK, tmp_path_factory, shared=True):
        before = outside_state(course)
        started = time.monotonic()
        outcomes = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=True)}
        seconds = time.monotonic() - started
        after = outside_state(course)
    return Graded(course=course, before=before, after=after, seconds=seconds,
                  leftovers=kit.leftover_processes(), outcomes=outcomes)


@pytest.fixture(scope="module")
def nbgrader_run(course_template, tmp_path_factory, env_for_attacks) -> Graded:
    course = kit.new_course(course_template, tmp_path_factory.mktemp("attacks-nbgrader") / "course",
                            cell_timeout=CELL_TIMEOUT)
    submit_all(course)
    with kit.one_at_a_time(kit.ACCOUNTS_LOCK, tmp_path_factory, shared=True):
        before = outside_state(course)
        started = time.monotonic()
        graded = kit.nbgrader(course, "autograde", A, "--force", check=False, timeout=600)
        feedback = kit.nbgrader(course, "generate_feedback", A, "--force", check=False, timeout=600)
        seconds = time.monotonic() - started
        after = outside_state(course)
    log = "\n".join([graded.stdout, graded.stderr, feedback.stdout, feedback.stderr])
    return Graded(course=course, before=before, after=after, seconds=seconds,
                  leftovers=kit.leftover_processes(), log=log)


@pytest.fixture(params=["course", "nbgrader"])
def run(request) -> Graded:
    return request.getfixturevalue(f"{request.param}_run")


# --- The checks, per recipe and grading path -------------------------------------------------------------------

def targets(course: Path, student: str) -> list[str]:
    """What a recipe aims at outside the submission (paths as outside_state names them)."""
    master = str(course / "source" / A / f"{NB}.ipynb")
    return {"link-shadow": ["/etc/shadow"], "dev-zero": ["/dev/zero"], "link-gradebook": [str(course / "gradebook.db")],
            "link-source": [str(course / "source"), str(course / "source" / A), master],
            "link-peer": [str(course / "submitted" / "honest" / A / f"{NB}.ipynb")],
            "link-master-html": [master], "link-notebook-write": [master],
            "linked-folder": [str(course / "source" / A), master], "linked-notebook": [master],
            "links-inside": ["/etc/shadow"]}.get(student, [])


@pytest.mark.parametrize("student", [s for s in RECIPES if targets(Path("/"), s)])
def test_the_recipes_target_is_unchanged(run, student):
    """What the recipe aims at (/etc/shadow, /dev/zero, source/, the master, the gradebook, a peer's notebook)
    keeps its mode and content."""
    aimed = targets(run.course, student)
    assert {p: run.after.get(p) for p in aimed} == {p: run.before.get(p) for p in aimed}


def test_nothing_outside_the_submissions_changes(run):
    """/etc/shadow, /dev/zero, source/, release/ and every submission are exactly as before the run."""
    changed = sorted(p for p in set(run.before) | set(run.after) if run.before.get(p) != run.after.get(p))
    assert changed == []


@pytest.mark.parametrize("student", RECIPES)
def test_nothing_copied_or_published(run, student):
    """The student's autograded and feedback folders hold only ordinary files, nothing of source/, the gradebook
    or /etc/shadow, within the course's limits."""
    for step in ("autograded", "feedback"):
        assert leaks(run.course / step / student, forbidden(run, student)) == []


@pytest.mark.parametrize("student", [s for s in RECIPES if s not in LINKED and s != INSIDE])
def test_student_is_graded_with_a_note(run, student):
    """The trap costs nothing and gains nothing: full marks on the answers, the cell ran, and the student (or, for
    plain nbgrader, the grader's log) is told what was removed."""
    assert run.score(student) == kit.AUTO_MAX, run.log[-3000:] if run.log else run.outcomes[student]
    assert f"ATTACK {student} done" in run.output(student)
    if student in NOTED:
        if run.outcomes:
            notes = run.outcomes[student].warnings
            assert any(NOTED[student] in n for n in notes), notes
        else:
            assert any(NOTED[student] in line and "Sandbox: after kernel" in line for line in run.log.splitlines())
    if student == "big-files":
        kept = run.course / "autograded" / student / A
        assert not (kept / "big0.bin").exists() and len(list((kept / "many").iterdir())) < safefiles.MAX_FILES


@pytest.mark.parametrize("student", sorted(LINKED))
def test_linked_submission_fails_with_a_reason(run, student):
    """A submission folder or notebook that is a link to the master is refused: no score (not 0), a reason."""
    assert run.score(student) is None
    assert not (run.course / "autograded" / student / A).exists()
    assert not (run.course / "feedback" / student / A / f"{NB}.html").exists()
    if run.outcomes:
        outcome = run.outcomes[student]
        assert outcome.status == grading.FAILED and outcome.score is None
        assert LINKED[student] in outcome.reason and "grade again" in outcome.reason, outcome.reason
    else:
        assert f"Refusing to grade {student}'s {A}" in run.log and LINKED[student] in run.log


def test_links_inside_a_submission(run):
    """Links and pipes among a submission's files: never followed; the course grades the rest, with a note;
    plain nbgrader refuses the student, with a reason."""
    if run.outcomes:
        outcome = run.outcomes[INSIDE]
        assert outcome.status == grading.GRADED and outcome.score == kit.AUTO_MAX, outcome
        assert any("data.csv" in w and "symbolic link" in w for w in outcome.warnings), outcome.warnings
        assert any("pipe" in w and "named pipe" in w for w in outcome.warnings), outcome.warnings
        assert not (run.course / "autograded" / INSIDE / A / "data.csv").exists()
    else:
        assert run.score(INSIDE) is None
        assert f"Refusing to grade {INSIDE}'s {A}" in run.log and "data.csv is a symbolic link" in run.log


def test_world_writable_folder_is_normalised(run):
    kept = run.course / "autograded" / "world-writable" / A / "shared"
    assert stat.S_IMODE(kept.stat().st_mode) & 0o7002 == 0
    assert stat.S_IMODE((kept / "run.sh").stat().st_mode) & 0o7002 == 0


def test_kernel_gets_no_descriptor_or_variable_of_the_grader(run):
    """The kernel inherits no descriptor of the grader's log (what it writes to all of them never reaches it) and
    only variables named exactly (not every LC_*, OMP_*, NBGRADER_*)."""
    out = run.output("forge-log")
    fds = out.split("FDS ", 1)[1].splitlines()[0]
    assert grading.SCRATCH_PREFIX not in fds and ".stderr" not in fds, fds
    assert FORGED not in run.log
    env = out.split("ENV ", 1)[1].splitlines()[0]
    assert "OMP_NUM_THREADS" in env and "NBGRADER_EXECUTION" in env, env
    assert not any(name in env for name in SECRET_ENV), env


def test_run_finishes_and_nothing_is_left(run):
    assert run.seconds < 600
    assert run.leftovers == []


def test_course_run_reports_every_student(course_run):
    expected = {*RECIPES, "honest"}
    assert set(course_run.outcomes) == expected
    assert course_run.outcomes["honest"].status == grading.GRADED
    assert course_run.outcomes["honest"].score == kit.AUTO_MAX


# --- A killed run leaves no scratch folder for ever ----------------------------------------------------------

KILLED_RUN = """
import sys
from spmcourse import grading
grading.grade_submissions(sys.argv[1], sys.argv[2], jobs=1, feedback=False)
"""


def test_killed_run_scratch_folders_are_removed_at_start(course_template, tmp_path, monkeypatch, request):
    """kill -9 a grading run while a kernel runs: its scratch folders (the workers' private course folders, the
    sandbox's run folder) stay behind; the next run removes them, and leaves those of live processes alone."""
    monkeypatch.setenv(kit.MARK_VAR, f"killed-{tmp_path.name}")
    tmp = Path(tempfile.mkdtemp(prefix="spm-t-", dir="/tmp"))  # short: the sandbox keeps its sockets there
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    course = kit.new_course(course_template, tmp_path / "course", cell_timeout=CELL_TIMEOUT)
    nb = kit.student_notebook(course, "right")
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(15)"))
    kit.submit(course, "sleepy", nb)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(course), A], env=kit.env(TMPDIR=str(tmp)))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not [p for p in tmp.glob(f"{sandbox.RUN_PREFIX}*")
                                               if "-check-" not in p.name]:
        time.sleep(0.2)
    time.sleep(1)  # the kernel runs
    left = sorted(p for p in tmp.glob("spm-*") if "-check-" not in p.name)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert any(p.name.startswith(grading.SCRATCH_PREFIX) for p in left), left
    assert any(p.name.startswith(sandbox.RUN_PREFIX) for p in left), left
    # the killed run's workers and kernels die with it (parent-death signal, bubblewrap's --die-with-parent)
    assert kit.leftover_processes(wait=15) == []
    assert all(p.exists() for p in left), "nothing cleaned them yet: this is what a killed run leaves"
    alive = tmp / f"{grading.SCRATCH_PREFIX}{safefiles.owner_tag()}-keep"  # this process's: still in use
    alive.mkdir()

    kit.submit(course, "sleepy", kit.student_notebook(course, "right"))
    outcome, = grading.grade_submissions(course, A, jobs=1, feedback=False)
    assert outcome.status == grading.GRADED
    assert [p for p in left if p.exists()] == []
    assert alive.exists()


# --- The clean-up and the copy on their own (fast) ------------------------------------------------------------

def test_clean_up_keeps_only_ordinary_files_within_limits(tmp_path):
    """Links, pipes, sockets, deep nesting, unreadable folders, special bits, files over the limits: what a
    kernel can leave; files it did not touch stay whatever their size."""
    import socket

    work = tmp_path / "work"
    work.mkdir()
    (work / "data.csv").write_bytes(b"x" * 5000)  # the assignment's own, over the limit but untouched
    before = safefiles.snapshot(work)
    (work / "new.bin").write_bytes(b"y" * 5000)
    (work / "ok.txt").write_text("fine")
    (work / "shadow").symlink_to("/etc/shadow")
    (work / "loop").symlink_to(work, target_is_directory=True)
    os.mkfifo(work / "pipe")
    socket.socket(socket.AF_UNIX).bind(str(work / "sock"))
    deep = work / "deep"
    deep.mkdir()
    fd = os.open(deep, os.O_RDONLY)
    for _ in range(300):
        os.mkdir("d", dir_fd=fd)
        fd, old = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(old)
    os.close(fd)
    (work / "locked").mkdir()
    (work / "locked" / "inside.txt").write_text("hidden")
    os.chmod(work / "locked", 0)
    (work / "setuid").write_text("#!/bin/sh")
    os.chmod(work / "setuid", 0o6777)
    os.chmod(work, 0o1777)
    shadow_mode = os.stat("/etc/shadow").st_mode

    notes = safefiles.sanitize_tree(work, safefiles.Caps(max_file=4000, max_total=100_000), before)
    assert sorted(os.listdir(work)) == ["data.csv", "deep", "locked", "ok.txt", "setuid"]
    assert (work / "locked" / "inside.txt").read_text() == "hidden"
    depth = sum(1 for _ in os.walk(work / "deep"))
    assert depth == safefiles.MAX_DEPTH - 1
    for path in [work, *work.rglob("*")]:
        assert stat.S_IMODE(os.lstat(path).st_mode) & 0o7002 == 0, path
    assert os.stat("/etc/shadow").st_mode == shadow_mode
    text = "\n".join(notes)
    for name in ("new.bin", "shadow", "loop", "pipe", "sock", "deep/d/d"):
        assert name in text, text
    assert "data.csv" not in text and "ok.txt" not in text


def test_copy_follows_no_link_and_keeps_to_the_limits(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.ipynb").write_bytes(b"n" * 3000)
    (src / "b.txt").write_text("b")
    (src / "shadow").symlink_to("/etc/shadow")
    (src / "etc").symlink_to("/etc", target_is_directory=True)
    (src / "zero").symlink_to("/dev/zero")
    os.mkfifo(src / "pipe")
    (src / "big.bin").write_bytes(b"x" * 3000)
    (src / "many").mkdir()
    for i in range(20):
        (src / "many" / f"{i}.txt").write_text("m")
    notes = safefiles.copy_tree(src, tmp_path / "dest", safefiles.Caps(max_file=2000, max_files=10),
                                exempt=lambda rel: rel == "a.ipynb")
    copied = sorted(str(p.relative_to(tmp_path / "dest")) for p in (tmp_path / "dest").rglob("*"))
    assert "a.ipynb" in copied and "b.txt" in copied and len(copied) == 10 + 1
    assert not any(name in copied for name in ("shadow", "etc", "zero", "pipe", "big.bin"))
    assert all(not p.is_symlink() for p in (tmp_path / "dest").rglob("*"))
    text = "\n".join(notes)
    for name in ("shadow", "etc", "zero", "pipe", "big.bin", "many/"):
        assert name in text, text
