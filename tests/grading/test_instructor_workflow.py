"""The instructor path end to end, by running every block of docs/instructor-guide.md.

Each ```bash / ```python / ```csv block of the guide carries a ``<!-- test: NAME -->`` marker; this test runs them
all, in the guide's order (except that the regrade runs after the manual grade, to show that it keeps it), on the
fixture assignment (the guide's module-01 names are replaced by the fixture's):
a real exchange folder, three students (alice, bob, carol) each with their own HOME and nbgrader config running
real ``nbgrader fetch_assignment`` / ``validate`` / ``submit`` / ``fetch_feedback``, one of them after the due
date; the instructor's ``collect``, ``spm grade-cohort``, a manual grade through nbgrader's Gradebook API,
``generate_feedback`` / ``release_feedback`` and ``nbgrader export``, with assertions on the exported CSV.

As root, all students are the same Unix user: each one's config sets ``CourseDirectory.student_id`` (the guide's
student config shows that line), and collect's owner check only warns.
"""
from __future__ import annotations

import csv
import datetime
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import coursekit as kit  # noqa: E402
from coursekit import course_template, make_course  # noqa: E402,F401  (pytest fixtures)

from nbgrader.api import Gradebook  # noqa: E402

GUIDE = kit.REPO / "docs" / "instructor-guide.md"
A = kit.ASSIGNMENT
#: The guide's example names -> the fixture's.
NAMES = {"01-foundations": A, "01-exercises": "exercises", "w1_pm_role": "w1_plan"}
STUDENTS = {
    "alice": {"q1_mrr": "right", "q2_margin": "wrong", "q3_payback": "right"},  # 4 of 6, on time
    "carol": {"q1_mrr": "blank", "q2_margin": "wrong", "q3_payback": "wrong"},  # 0 of 6, on time
    "bob": "right",                                                            # 6 of 6, late
}


def guide_blocks() -> list[tuple[str, str, str]]:
    """(marker, language, text) of every fenced block with a language, in order; marker "" if it has none."""
    text = GUIDE.read_text(encoding="utf-8")
    blocks = []
    for m in re.finditer(r"(?:<!-- test: ([\w-]+) -->\n)?```(\w*)\n(.*?)```", text, re.S):
        blocks.append((m.group(1) or "", m.group(2), m.group(3)))
    return blocks


def test_every_block_of_the_guide_is_marked_for_this_test():
    blocks = guide_blocks()
    unmarked = [b[2] for b in blocks if b[1] in ("bash", "python", "csv", "sh", "") and not b[0]]
    # the one unmarked block is the "every terminal" preamble, which this test runs before every instructor block
    assert len(unmarked) == 1 and "source .venv/bin/activate" in unmarked[0]
    markers = [b[0] for b in blocks if b[0]]
    assert len(markers) == len(set(markers))
    assert set(markers) == set(ORDER) | {"student-config", "roster-file"}


#: The marked blocks in the guide's order, and who runs them.
ORDER = ["exchange", "simulate-students", "roster", "release", "student-fetch", "student-submit", "duedate", "collect",
         "grade", "regrade", "manual-grade", "feedback", "student-feedback", "export", "lms-export", "report"]


def settings_of(config_text: str) -> dict:
    """What an nbgrader_config.py sets, as plain data."""
    from traitlets.config import Config
    c = Config()
    exec(config_text, {"get_config": lambda: c})  # noqa: S102 (the guide's own example)
    return {section: dict(values) for section, values in c.items()}


def test_the_guides_due_date_is_a_week_from_today():
    body = {m: b for m, _, b in guide_blocks() if m}["duedate"]
    command = re.search(r'--duedate="\$\((.*?)\)"', body).group(1)
    due = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True).stdout.strip()
    when = datetime.datetime.strptime(due, "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=datetime.timezone.utc)
    days = (when.date() - datetime.datetime.now(datetime.timezone.utc).date()).days
    assert days == 7 and when.hour == 17, due


def substitute(text: str, extra: dict | None = None) -> str:
    for old, new in {**NAMES, **(extra or {})}.items():
        text = text.replace(old, new)
    return text


@pytest.mark.slow
@pytest.mark.xdist_group("grading")
def test_the_instructor_guide_works_as_written(make_course, tmp_path):
    blocks = {marker: (lang, body) for marker, lang, body in guide_blocks() if marker}
    preamble = next(body for marker, lang, body in guide_blocks() if not marker and "activate" in body)
    course = make_course(cell_timeout=30)
    os.symlink(Path(sys.executable).parents[1], course / ".venv")  # the course's `make setup`
    exchange = tmp_path / "exchange"
    homes = tmp_path / "home"
    subs = {"/srv/nbgrader/exchange": str(exchange), "~/spm-course": str(course)}
    log: list[str] = []

    def bash(marker: str, cwd: Path, env: dict, extra: dict | None = None) -> str:
        lang, body = blocks[marker]
        assert lang == "bash"
        script = substitute(body, {**subs, **(extra or {})})
        if cwd == course:
            script = substitute(preamble, subs) + script
        started = time.monotonic()
        result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=600)
        log.append(f"$ [{marker}] ({time.monotonic() - started:.1f} s) {script}\n{result.stdout}{result.stderr}")
        assert result.returncode == 0, f"block {marker!r} failed:\n{script}\n{result.stdout}\n{result.stderr}"
        return result.stdout + result.stderr

    instructor_env = kit.env(SPM_EXCHANGE=exchange)
    instructor_env.pop("VIRTUAL_ENV", None)

    def student_env(student: str) -> dict:
        env = kit.env(HOME=homes / student)
        env.pop("SPM_EXCHANGE", None)
        return env

    def as_instructor(marker: str, extra: dict | None = None) -> str:
        return bash(marker, course, instructor_env, extra)

    def as_student(marker: str, student: str) -> str:
        return bash(marker, homes / student, student_env(student))

    # 1. exchange, and each student's nbgrader config, written by the guide's simulation block; each says what the
    #    guide's student config says, with the student's id
    as_instructor("exchange")
    assert exchange.is_dir()
    as_instructor("simulate-students", {"/tmp/spm-class": str(homes)})
    for student in STUDENTS:
        config = homes / student / ".jupyter" / "nbgrader_config.py"
        wanted = substitute(blocks["student-config"][1], {**subs, '"alice"': f'"{student}"'})
        assert settings_of(config.read_text()) == settings_of(wanted)
    # 2. roster
    (course / "students.csv").write_text(blocks["roster-file"][1])
    out = as_instructor("roster")
    assert "Creating/updating Student with id 'carol'" in out
    # 3. generate and release
    as_instructor("release")
    assert (exchange / "spm-course" / "outbound" / A / "exercises.ipynb").is_file()

    # 4. students fetch, work, validate and submit; bob only after the due date
    def work_and_submit(student: str) -> str:
        as_student("student-fetch", student)
        path = homes / student / A / "exercises.ipynb"
        nb = kit.fill_answers(nbformat.read(path, as_version=4), STUDENTS[student],
                              written=f"{student.title()} says: push Growth, it carries most revenue.")
        nbformat.write(nb, path)
        return as_student("student-submit", student)

    with ThreadPoolExecutor(2) as pool:
        outs = dict(zip(["alice", "carol"], pool.map(work_and_submit, ["alice", "carol"])))
    assert "Submitted as: spm-course ps-fixture" in outs["alice"]
    assert "VALIDATION FAILED" in outs["carol"]  # and `nbgrader validate` exited 0 all the same (bash -e)
    # carol left question 1 as released: validate, run from her home with the guide's student config, says so in
    # the course's words (the validate_messages extension), not as a NameError traceback
    assert "mrr: has no value yet" in outs["carol"] and "Traceback" not in outs["carol"], outs["carol"]
    # the due date has whole seconds: the next whole second, so that alice (submitted already) is on time
    due = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)).replace(microsecond=0)
    as_instructor("duedate", {"$(date -u -d '+7 days' '+%Y-%m-%d 17:00:00 UTC')":
                              due.strftime("%Y-%m-%d %H:%M:%S UTC")})
    time.sleep(max(0.0, (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 0.2)
    out = work_and_submit("bob")
    assert "Success! Your notebook passes all the tests." in out

    # 5. collect, 6. grade (and regrade one student)
    as_instructor("collect")
    for student in STUDENTS:
        assert (course / "submitted" / student / A / "exercises.ipynb").is_file()
    out = as_instructor("grade")
    assert "3 graded, 0 failed, 0 timed out" in out
    rows = {r["student"]: r for r in csv.DictReader((course / "autograded" / f"{A}-grades.csv").open())}
    assert {s: rows[s]["score"] for s in STUDENTS} == {"alice": "4", "carol": "0", "bob": "6"}
    assert float(rows["bob"]["seconds_late"]) > 0 and "after the due date" in rows["bob"]["notes"]
    assert float(rows["alice"]["seconds_late"]) == 0

    # 7. a manual grade for the written question, through nbgrader's Gradebook API; regrading keeps it
    script = substitute(blocks["manual-grade"][1])
    result = subprocess.run([sys.executable, "-c", script], cwd=course, env=instructor_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    out = as_instructor("regrade")
    assert "6 / 8" in out  # alice: 4 autograded + 2 for the written answer
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "spm-course") as gb:
        assert gb.find_grade("w1_plan", "exercises", A, "alice").manual_score == 2
        assert gb.find_submission(A, "bob").total_seconds_late > 0
        assert gb.find_submission(A, "alice").total_seconds_late == 0

    # 8. feedback: generated with the manual grade, released, fetched by every student
    as_instructor("feedback")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda student: as_student("student-feedback", student), STUDENTS))
    for student in STUDENTS:
        fetched = list((homes / student / A / "feedback").glob("*/exercises.html"))
        assert len(fetched) == 1, fetched
        html = fetched[0].read_text()
        assert "q1_mrr_test" in html
        if student == "alice":
            assert "Clear role split" in html

    # 9. export, with assertions on the CSV
    as_instructor("export")
    rows = {r["student_id"]: r for r in csv.DictReader((course / "grades.csv").open())}
    assert set(rows) == set(STUDENTS)
    assert {s: float(rows[s]["score"]) for s in rows} == {"alice": 6.0, "carol": 0.0, "bob": 6.0}
    assert {s: rows[s]["max_score"] for s in rows} == {s: "8.0" for s in rows}
    assert rows["alice"]["first_name"] == "Alice" and rows["bob"]["email"] == "bob@example.org"
    assert rows["bob"]["late_submission_penalty"] == "0.0"  # the course flags lateness, deducts nothing
    assert rows["bob"]["timestamp"] > rows["bob"]["duedate"] > rows["alice"]["timestamp"]
    assert {rows[s]["grading_status"] for s in rows} == {"graded"}
    # 9b. the learning platforms' import files: carol's and bob's written answers are not graded, so no grade yet
    as_instructor("lms-export")
    canvas = list(csv.reader((course / "canvas-grades.csv").open()))
    assert canvas[0][-1] == A and {r[3]: r[-1] for r in canvas[2:]} == {"alice": "6", "bob": "", "carol": ""}
    moodle = list(csv.reader((course / "moodle-grades.csv").open()))
    assert {r[2]: r[-1] for r in moodle[1:]} == {"alice": "6", "bob": "", "carol": ""}
    # 10. the instructor report
    out = as_instructor("report")
    assert "3 students, 0 failed gradings" in out
    page = (course / "autograded" / f"{A}-report.html").read_text()
    assert "corrected item-total correlation" in page and "q2_margin_test" in page
    assert kit.leftover_processes() == []
    (tmp_path / "workflow.log").write_text("\n".join(log))
    print("\n".join(entry.splitlines()[0] for entry in log))
