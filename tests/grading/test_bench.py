"""Does the benchmark run end to end and print its machine-readable summary? (A smoke run: timings unchecked.)"""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

SUMMARY = re.compile(r"^bench: course_exec_s=[\d.]+ max_notebook_s=[\d.]+ explorer_p50_ms=[\d.]+ "
                     r"grading_speedup=[\d.]+ grading_overhead=[\d.]+ peak_rss_mb=[\d.]+ load_students=3.00 "
                     r"load_submit_s=[\d.]+ load_collect_s=[\d.]+ load_grade_s=[\d.]+ "
                     r"load_grade_per_student_s=[\d.]+ load_peak_rss_mb=[\d.]+ load_problems=0.00 "
                     r"selfgrade_s=[\d.]+ selfgrade_ratio=[\d.]+$")


def test_smoke_benchmark_prints_the_summary_line():
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "bench.py"), "--smoke"], cwd=ROOT, capture_output=True,
                            text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert SUMMARY.match(lines[-1]), f"last line is not the summary: {lines[-1]!r}"
    assert "identical scores: True" in result.stdout
    assert "sandbox adds" in result.stdout
    # long runs say how far they are: items done and left, with an estimate (on stderr, apart from the table)
    assert re.search(r"\[1/\d+ notebooks\] .*(left, about|all done in)", result.stderr), result.stderr[-2000:]
    assert re.search(r"\[1/3 students, sandboxed\] \S+: graded · 2 left, about \d+", result.stderr), \
        result.stderr[-2000:]
    assert "cohort grading, step 3/3" in result.stderr
