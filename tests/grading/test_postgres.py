"""The gradebook on PostgreSQL (nbgrader's ``db_url``), for courses with several graders.

The test starts a throwaway PostgreSQL cluster (Debian's ``postgresql`` package, installed by ``make
system-deps``) on 127.0.0.1 and a free port, points the course at it through ``SPM_GRADEBOOK_URL`` (read by
``nbgrader_config.py``), runs the grading round trip (generate, parallel grading, a manual grade, regrade, feedback,
export) and stops the cluster. As root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
"""
from __future__ import annotations

import csv
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402

A = kit.ASSIGNMENT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reachable_tmp(as_user: list[str]) -> str:
    """The first temporary folder where the server's user may create its own folder."""
    candidates = [tempfile.gettempdir(), "/var/tmp", "/dev/shm"]
    for folder in candidates:
        if not as_user or subprocess.run([*as_user, "test", "-w", folder, "-a", "-x", folder]).returncode == 0:
            return folder
    pytest.fail(f"none of {candidates} is open to the postgres user; make one of them 1777")


@pytest.fixture(scope="module")
def postgres():
    """A running cluster; yields its SQLAlchemy URL prefix ``postgresql://postgres@127.0.0.1:<port>``."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        pytest.fail("PostgreSQL is not installed: run `make system-deps` (Debian package postgresql)")
    bindir = Path(bins[-1]).parent
    as_pg: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_pg = ["runuser", "-u", "postgres", "--"]
    # The cluster needs a folder the server's user can reach: pytest's tmp_path (0700, owned by root) is closed to
    # it, and so is /tmp on machines where it is 1700 rather than the usual 1777.
    data = Path(tempfile.mkdtemp(prefix="spm-pg-", dir=_reachable_tmp(as_pg)))
    if as_pg:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    cluster = data / "cluster"

    def run(*cmd):
        done = subprocess.run([*as_pg, *map(str, cmd)], capture_output=True, text=True, timeout=120)
        if done.returncode:
            pytest.fail(f"{Path(str(cmd[0])).name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")

    try:
        run(bindir / "initdb", "-D", cluster, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        run(bindir / "pg_ctl", "-D", cluster, "-l", data / "server.log", "-w", "-t", "60", "start", "-o",
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data} -c fsync=off")
        url = f"postgresql://postgres@127.0.0.1:{port}"
        import psycopg  # the driver SQLAlchemy uses for postgresql:// URLs
        with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=30) as conn:
            conn.execute("CREATE DATABASE gradebook")
        yield f"{url}/gradebook"
    finally:
        subprocess.run([*as_pg, str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(data, ignore_errors=True)


@pytest.mark.xdist_group("grading")
def test_grading_round_trip_on_postgres(postgres, tmp_path, monkeypatch):
    from sqlalchemy import create_engine, inspect

    from spmcourse import grading

    monkeypatch.setenv("SPM_GRADEBOOK_URL", postgres)
    monkeypatch.delenv("SPM_EXCHANGE", raising=False)
    monkeypatch.setenv(kit.MARK_VAR, f"postgres-{time.time()}")
    course = kit.build_template(tmp_path / "course", cell_timeout=30)  # generate_assignment into PostgreSQL
    engine = create_engine(postgres)
    assert {"assignment", "grade", "alembic_version"} <= set(inspect(engine).get_table_names())
    engine.dispose()

    kit.submit(course, "ada", kit.student_notebook(course, "right"))
    kit.submit(course, "ben", kit.student_notebook(course, {"q1_mrr": "right", "q2_margin": "wrong",
                                                             "q3_payback": "wrong"}))
    kit.submit(course, "cid", "not a notebook")
    first = {o.student: o for o in grading.grade_submissions(course, A, jobs=2, feedback=False)}
    assert (first["ada"].status, first["ada"].score) == ("graded", 6.0)
    assert (first["ben"].status, first["ben"].score) == ("graded", 1.0)
    assert first["cid"].status == "failed" and first["cid"].score is None

    with grading.open_gradebook(course) as gb:  # the course's gradebook: PostgreSQL here
        assert gb.db.bind.dialect.name == "postgresql"
        grade = gb.find_grade("w1_plan", "exercises", A, "ada")
        grade.manual_score = 2.0
        grade.needs_manual_grade = False
        gb.db.commit()

    again = {o.student: o for o in grading.grade_submissions(course, A, ["ada", "ben"], jobs=2, feedback=True)}
    assert again["ada"].score == 8.0 and again["ada"].cells["w1_plan"]["score"] == 2.0
    assert again["ben"].score == 1.0
    assert Path(again["ada"].feedback[0]).is_file()

    out = tmp_path / "grades.csv"
    kit.nbgrader(course, "export", f"--to={out}", "--exporter=spmcourse.grading.StatusCsvExport")
    rows = {r["student_id"]: r for r in csv.DictReader(out.open())}
    assert {s: rows[s]["score"] for s in rows} == {"ada": "8.0", "ben": "1.0"}
    # the instructor report reads the same PostgreSQL gradebook (spmcourse/grading/report.py)
    from spmcourse.grading import report
    rep = report.build(course, A)
    assert rep.totals == {"ada": 6.0, "ben": 1.0} and list(rep.failed) == ["cid"]  # ben's written answer: ungraded
    assert {q.name: q.difficulty for q in rep.questions}["q1_mrr_test"] == 1.0
    assert not (course / "gradebook.db").exists()  # SQLite was never used
    assert kit.leftover_processes() == []
