"""Does the benchmark run end to end and print its machine-readable summary? (A smoke run: timings unchecked.)"""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

SUMMARY = re.compile(r"^bench: course_exec_s=[\d.]+ max_notebook_s=[\d.]+ explorer_p50_ms=[\d.]+ "
                     r"grading_speedup=[\d.]+ grading_overhead=[\d.]+ peak_rss_mb=[\d.]+ "
                     r"selfgrade_s=[\d.]+ selfgrade_ratio=[\d.]+$")


def test_smoke_benchmark_prints_the_summary_line():
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "bench.py"), "--smoke"], cwd=ROOT, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert SUMMARY.match(lines[-1]), f"last line is not the summary: {lines[-1]!r}"
    assert "identical scores: True" in result.stdout
    assert "sandbox adds" in result.stdout
