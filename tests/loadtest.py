"""A class under load: many students fetch and submit through the exchange at once, then collect and grading.

``simulate(base, size)`` builds a course with the small fixture assignment (tests/fixtures/course), releases it
into a real exchange folder, and plays a deadline for ``size`` simulated students, each with a home folder of
their own, running nbgrader's own exchange code (``ExchangeFetchAssignment``, ``ExchangeSubmit``) in a pool of
worker processes, so fetches and submissions hit the exchange concurrently:

1. burst 1: every student fetches, answers and submits; every 7th student submits again at once (a
   resubmission before the deadline);
2. the due date is set to now (nbgrader's gradebook, ``duedate``);
3. burst 2, after the due date: every 11th student resubmits (late), and every 13th student (who had not
   submitted in burst 1) submits for the first time (late);
4. ``nbgrader collect`` once, and cohort grading (``spmcourse.grading.grade_submissions``).

Each submission carries a marker (student and attempt) in an answer and its expected score is known, so
:func:`check` verifies that every student's latest submission was collected exactly once, byte for byte (nothing
lost, mixed up or truncated), that the late flags are right (late exactly when the latest submission came after
the due date) and that every student was graded with the expected score, or failed with a reason. The test suite
runs a small class (tests/grading/test_load.py); ``python tests/bench.py --load-only --load-class 300`` a large
one, with timings and peak memory. Every simulated student's home, their exchange cache included, is in ``base``:
nothing is written into the real home.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from spmcourse import COURSE_ROOT

FIXTURE = COURSE_ROOT / "tests" / "fixtures" / "course"
COURSE_ID = "spm-course"


def _kit():
    import coursekit  # tests/coursekit.py: tests/ is on sys.path for the tests and for tests/bench.py
    return coursekit


def plan(size: int) -> dict:
    """student -> list of (burst, answers) attempts, in order. Answers vary so that scores differ."""
    variants = ["right", "wrong", {"q1_mrr": "right", "q2_margin": "wrong", "q3_payback": "right"}]
    attempts = {}
    for i in range(size):
        s = f"s{i:04d}"
        first = variants[i % 3]
        if i % 13 == 5 and i % 7 and i % 11:
            attempts[s] = [(2, "right")]                     # first and only submission, late
            continue
        attempts[s] = [(1, first)]
        if i % 7 == 0:
            attempts[s].append((1, "right"))                  # resubmitted before the deadline
        if i % 11 == 0:
            attempts[s].append((2, variants[(i + 1) % 3]))    # resubmitted after the deadline
    return attempts


def _answers_with_marker(kit, answers, student: str, attempt: int) -> dict:
    if isinstance(answers, str):
        answers = {gid: answers for gid in kit.ANSWERS}
    out = {gid: kit.ANSWERS[gid][v] for gid, v in answers.items()}
    out["q1_mrr"] = f"# {student} attempt {attempt}\n" + out["q1_mrr"]
    return out


def _student_action(job: dict) -> dict:
    """In a worker process: fetch (first time) and submit one attempt as one student, with nbgrader's exchange."""
    import nbformat
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
    from traitlets.config import Config

    kit = _kit()
    home = Path(job["home"])
    cfg = Config()
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.CourseDirectory.student_id = job["student"]
    cfg.CourseDirectory.assignment_id = kit.ASSIGNMENT
    cfg.Exchange.root = job["exchange"]
    cfg.Exchange.assignment_dir = str(home)
    # nbgrader keeps a copy of each submission in the student's cache, by default in the real home (where the
    # instructor's Assignment List would show it): each simulated student has a cache in their own home
    cfg.Exchange.cache = str(home / ".local" / "share" / "jupyter" / "nbgrader_cache")
    cfg.ExchangeSubmit.strict = True
    cd = CourseDirectory(config=cfg)
    auth = Authenticator(config=cfg)
    path = home / kit.ASSIGNMENT / f"{kit.NOTEBOOK}.ipynb"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        ExchangeFetchAssignment(coursedir=cd, authenticator=auth, config=cfg).start()
    nb = nbformat.read(path, as_version=4)
    answers = _answers_with_marker(kit, job["answers"], job["student"], job["attempt"])
    nbformat.write(kit.fill_answers(nb, answers), path)
    data = path.read_bytes()
    submit = ExchangeSubmit(coursedir=cd, authenticator=auth, config=cfg)
    submit.start()
    return {"student": job["student"], "attempt": job["attempt"], "sha": hashlib.sha256(data).hexdigest(),
            "timestamp": submit.timestamp}


@dataclass
class Result:
    size: int
    timings: dict = field(default_factory=dict)   # phase -> seconds
    latest: dict = field(default_factory=dict)    # student -> {"attempt", "sha", "timestamp", "burst", "answers"}
    duedate: str = ""
    outcomes: list = field(default_factory=list)
    course: Path | None = None


def _burst(pool, jobs: list[dict]) -> list[dict]:
    return list(pool.map(_student_action, jobs, chunksize=1))


def simulate(base: Path, size: int, *, workers: int = 16, grade_jobs: int | None = None) -> Result:
    from nbgrader.api import Gradebook

    from spmcourse import grading
    from spmcourse.authoring.lab import path_with_tools

    kit = _kit()
    base = Path(base)
    exchange = base / "exchange"
    exchange.mkdir(parents=True)
    env = dict(os.environ, SPM_EXCHANGE=str(exchange), PATH=path_with_tools(os.environ.get("PATH", "")))
    env.pop("SPM_GRADEBOOK_URL", None)
    os.environ.update(SPM_EXCHANGE=str(exchange))
    os.environ.pop("SPM_GRADEBOOK_URL", None)
    result = Result(size)
    course = kit.build_template(base / "course", cell_timeout=30)
    result.course = course

    def nbgrader(*args):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                              text=True, timeout=3600)
        if done.returncode:
            raise RuntimeError(f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    nbgrader("release_assignment", kit.ASSIGNMENT)
    attempts = plan(size)
    homes = base / "home"

    def jobs(burst: int) -> list[list[dict]]:
        """The burst's attempts in rounds: a student's second attempt in a burst runs after their first."""
        rounds: list[list[dict]] = []
        for s, tries in attempts.items():
            k = 0
            for n, (b, answers) in enumerate(tries, start=1):
                if b != burst:
                    continue
                while len(rounds) <= k:
                    rounds.append([])
                rounds[k].append({"student": s, "attempt": n, "answers": answers, "home": str(homes / s),
                                  "exchange": str(exchange), "burst": b})
                k += 1
        return rounds

    def record(done: list[dict], burst: int) -> None:
        for d in done:
            tries = attempts[d["student"]]
            result.latest[d["student"]] = {**d, "burst": burst, "answers": tries[d["attempt"] - 1][1]}

    with ProcessPoolExecutor(workers) as pool:
        start = time.perf_counter()
        for round_ in jobs(1):
            record(_burst(pool, round_), 1)
        result.timings["burst1_s"] = time.perf_counter() - start
        # the due date: now, to the second (nbgrader timestamps have microseconds); burst 2 is after it
        due = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(seconds=1)
        result.duedate = due.strftime("%Y-%m-%d %H:%M:%S UTC")
        with grading.open_gradebook(course) as gb:
            gb.update_or_create_assignment(kit.ASSIGNMENT, duedate=result.duedate)
        time.sleep(max(0.0, (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 0.5)
        start = time.perf_counter()
        for round_ in jobs(2):
            record(_burst(pool, round_), 2)
        result.timings["burst2_s"] = time.perf_counter() - start

    start = time.perf_counter()
    nbgrader("collect", kit.ASSIGNMENT)
    result.timings["collect_s"] = time.perf_counter() - start
    start = time.perf_counter()
    result.outcomes = grading.grade_submissions(course, kit.ASSIGNMENT, jobs=grade_jobs, feedback=False)
    result.timings["grade_s"] = time.perf_counter() - start
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID):
        pass
    return result


def check(result: Result) -> list[str]:
    """Every problem found, in words (an empty list: the class came through intact)."""
    from nbgrader.api import MissingEntry

    from spmcourse import grading

    kit = _kit()
    course, a = result.course, kit.ASSIGNMENT
    problems = []
    submitted = {p.name for p in (course / "submitted").iterdir()} if (course / "submitted").is_dir() else set()
    if submitted != set(result.latest):
        problems.append(f"collected {len(submitted)} students, expected {len(result.latest)}: missing "
                        f"{sorted(set(result.latest) - submitted)[:10]}, unexpected {sorted(submitted - set(result.latest))[:10]}")
    for s, latest in sorted(result.latest.items()):
        folder = course / "submitted" / s / a
        nb_path = folder / f"{kit.NOTEBOOK}.ipynb"
        if not nb_path.is_file():
            problems.append(f"{s}: no collected notebook")
            continue
        if hashlib.sha256(nb_path.read_bytes()).hexdigest() != latest["sha"]:
            problems.append(f"{s}: the collected notebook is not the latest submission (attempt {latest['attempt']})")
        stamp = (folder / "timestamp.txt").read_text().strip() if (folder / "timestamp.txt").is_file() else ""
        if stamp != latest["timestamp"]:
            problems.append(f"{s}: collected timestamp {stamp!r}, latest submission {latest['timestamp']!r}")
        extra = sorted(p.name for p in folder.iterdir() if p.name not in (nb_path.name, "timestamp.txt",
                                                                          "submission_secret.txt"))
        if extra:
            problems.append(f"{s}: unexpected files collected: {extra}")
    by_student = {o.student: o for o in result.outcomes}
    if sorted(by_student) != sorted(result.latest) or len(result.outcomes) != len(by_student):
        problems.append(f"graded {len(result.outcomes)} outcomes for {len(by_student)} students, expected "
                        f"{len(result.latest)}")
    with grading.open_gradebook(course) as gb:
        for s, latest in sorted(result.latest.items()):
            o = by_student.get(s)
            if o is None:
                continue
            if not o.ok:
                if not o.reason:
                    problems.append(f"{s}: {o.status} without a reason")
                continue
            expected = kit.expected_auto_score(latest["answers"])
            if o.score != expected:
                problems.append(f"{s}: score {o.score}, expected {expected} (attempt {latest['attempt']})")
            try:
                late = gb.find_submission(a, s).total_seconds_late > 0
            except MissingEntry:
                problems.append(f"{s}: graded but not in the gradebook")
                continue
            if late != (latest["burst"] == 2):
                problems.append(f"{s}: late flag {late}, but the latest submission came in burst {latest['burst']}")
    return problems


def summary(result: Result) -> dict:
    late = sum(1 for v in result.latest.values() if v["burst"] == 2)
    resubmitted = sum(1 for tries in plan(result.size).values() if len(tries) > 1)
    submissions = sum(len(t) for t in plan(result.size).values())
    return {"students": result.size, "submissions": submissions, "resubmitted": resubmitted, "late": late,
            "graded": sum(o.ok for o in result.outcomes), **result.timings}


if __name__ == "__main__":  # python tests/loadtest.py [size]: one run, its check and summary as JSON
    import tempfile
    with tempfile.TemporaryDirectory(prefix="spm-load-") as tmp:
        r = simulate(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 20)
        print(json.dumps({"problems": check(r), **summary(r)}, indent=1))
