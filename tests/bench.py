"""The course benchmark (``make bench``): notebooks, explorers and cohort grading, measured in one run.

Speed targets are ratios against baselines measured in the same run, because the machines are shared and noisy:

- every lesson and solution notebook executed top to bottom in a fresh kernel, beside the bare kernel start/stop
  floor;
- the median update latency of every explorer (compute + plot for one control change);
- cohort grading of a synthetic class (correct, wrong and blank submissions of one assignment) with the course's
  grader against plain sequential ``nbgrader autograde`` on identical copies, with a check that both give the same
  scores, the grading overhead (CPU-seconds per notebook against raw execution of one notebook), and the peak
  memory of the grading run;
- self-grading: the median wall time of ``spm grade`` on one module (an absolute target: at most 4 s on 2 cores),
  and its ratio to the kernel floor measured beside it, to tell a slower grader from a busier machine.

The last line printed is one machine-readable summary::

    bench: course_exec_s=... max_notebook_s=... explorer_p50_ms=... grading_speedup=... grading_overhead=... peak_rss_mb=... load_students=... load_submit_s=... load_collect_s=... load_grade_s=... load_grade_per_student_s=... load_peak_rss_mb=... load_problems=... selfgrade_s=... selfgrade_ratio=...

The class-under-load part (``--load-class N``, default 300; ``--load-only`` runs just it) is
`tests/loadtest.py`: N students fetch and submit concurrently, some resubmit, some late; collect; grading;
every submission checked.

``python tests/bench.py --smoke`` runs a tiny version (the test suite checks that it works, not its timings).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import inspect
import io
import os
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import yaml

from spmcourse import COURSE_ROOT
from spmcourse.authoring import curriculum
from spmcourse.authoring.execution import execute_notebook
from spmcourse.authoring.notebooks import read
from spmcourse.grading.cellmeta import cell_meta
from spmcourse.grading.eta import Progress, duration


# --- Notebooks ------------------------------------------------------------------------------------------------

def kernel_floor(repeats: int = 3) -> float:
    """Median seconds to run an empty notebook: a bare ``python3`` kernel started and stopped by the executor."""
    empty = nbformat.v4.new_notebook()
    return statistics.median(execute_notebook(empty, Path.cwd())[1] for _ in range(repeats))


def execute_seconds(path: Path, env: dict | None = None) -> float:
    """Seconds to run a notebook top to bottom in a fresh kernel, kernel start and stop included."""
    return execute_notebook(read(path), path.parent, env=env, timeout=120)[1]


def course_notebooks(root: Path = COURSE_ROOT) -> list[Path]:
    found = []
    for m in curriculum.available_modules(root):
        found += [root / m.lesson, root / m.source_notebook]
    found += [p for p in (root / "notebooks").glob("*.ipynb") if p.name in ("welcome.ipynb", "progress.ipynb")]
    return [p for p in found if p.exists()]


# --- Explorers ------------------------------------------------------------------------------------------------

def _controls(widget) -> list:
    """Every value-carrying control inside a widget tree (sliders, dropdowns, toggles, text boxes)."""
    import ipywidgets as w

    found, stack = [], [widget]
    while stack:
        node = stack.pop()
        if isinstance(node, (w.Box,)):
            stack.extend(node.children)
        elif isinstance(node, w.ValueWidget) and not isinstance(node, (w.Output, w.Label, w.HTML, w.HTMLMath)):
            found.append(node)
    return found


def _other_values(control, n: int = 5) -> list:
    """A few values the control can take besides its current one."""
    import ipywidgets as w

    if isinstance(control, (w.IntSlider, w.FloatSlider, w.BoundedIntText, w.BoundedFloatText,
                            w.IntRangeSlider, w.FloatRangeSlider)) and not isinstance(control.value, tuple):
        lo, hi = control.min, control.max
        values = [lo + (hi - lo) * k / (n + 1) for k in range(1, n + 1)]
        return [type(control.value)(v) for v in values]
    if hasattr(control, "options") and control.options:
        options = list(control.options)
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        if isinstance(control, w.SelectMultiple):
            return [tuple(values[: k + 1]) for k in range(min(n, len(values)))]
        return values[:n]
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    return []


def explorer_builders() -> list[tuple[str, callable]]:
    """Every ``build_*`` function of the modules in ``spmcourse.explorers``."""
    import spmcourse.explorers as pkg

    builders = []
    for info in pkgutil.iter_modules(pkg.__path__):
        module = importlib.import_module(f"spmcourse.explorers.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("build_") and fn.__module__ == module.__name__:
                builders.append((f"{info.name}.{name}", fn))
    return builders


def explorer_latency_ms(build, repeats: int = 1) -> float:
    """Median milliseconds for the explorer to update after one control change (compute + plot)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with contextlib.redirect_stdout(io.StringIO()):  # display() outside a kernel prints reprs
        return _explorer_latency_ms(build, repeats, plt)


def _explorer_latency_ms(build, repeats, plt) -> float:
    explorer = build()
    times = []
    for control in _controls(explorer):
        for value in _other_values(control) * repeats:
            if value == control.value:
                continue
            start = time.perf_counter()
            control.value = value  # interactive_output recomputes and redraws synchronously
            times.append((time.perf_counter() - start) * 1000)
            plt.close("all")
    return statistics.median(times) if times else float("nan")


# --- Cohort grading -------------------------------------------------------------------------------------------

def _mistaken_notebook(module, entry) -> nbformat.NotebookNode:
    nb = read(COURSE_ROOT / module.source_notebook)
    for cell in nb.cells:
        grade_id = cell_meta(cell).grade_id
        if grade_id in entry["replace"]:
            cell.source = entry["replace"][grade_id]
    return nb


def synthetic_class(course: Path, module, size: int) -> list[str]:
    """Fill ``course/submitted`` with ``size`` students: correct, wrong (recorded mistakes) and blank copies."""
    mistakes_file = COURSE_ROOT / "tests" / "mistakes" / f"{module.key}.yml"
    mistakes = [e for entries in (yaml.safe_load(mistakes_file.read_text()) or {}).values() for e in entries] \
        if mistakes_file.exists() else []
    source = read(COURSE_ROOT / module.source_notebook)
    blank = read(course / module.release_notebook)
    students = []
    for i in range(size):
        kind = ("correct", "wrong", "blank")[i % 3]
        nb = source if kind == "correct" else blank
        if kind == "wrong" and mistakes:
            nb = _mistaken_notebook(module, mistakes[i % len(mistakes)])
        student = f"s{i:03d}-{kind}"
        dest = course / "submitted" / student / module.key
        dest.mkdir(parents=True)
        nbformat.write(nb, dest / module.source_notebook.name)
        (dest / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
        students.append(student)
    return students


class PeakRSS:
    """Samples the summed resident memory of this process and its children while a block runs."""

    def __init__(self, interval: float = 0.05):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak / 2**20


def _gradebook_scores(course: Path, assignment: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: s.code_score for s in gb.assignment_submissions(assignment)}


def _new_course(base: Path, module) -> Path:
    from spmcourse.authoring.build import generate_release

    course = base / "course"
    course.mkdir(parents=True)
    shutil.copy(COURSE_ROOT / "nbgrader_config.py", course)
    (course / "source").mkdir()
    shutil.copy(COURSE_ROOT / "source" / "header.ipynb", course / "source")
    shutil.copytree(COURSE_ROOT / "source" / module.key, course / "source" / module.key)
    generate_release(module.key, root=course)
    return course


def _time_plain_autograde(course: Path, assignment: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force",
                    f"--CourseDirectory.root={course}"], cwd=course, env=env, capture_output=True)
    return time.perf_counter() - start


def grading_benchmark(module, size: int, jobs: int | None = None) -> dict:
    """Sequential ``nbgrader autograde`` against the course's grader on identical copies of one class.

    Both run sandboxed (the course default); the course's grader runs once more without the sandbox, to
    measure what the sandbox costs. ``jobs``: the grader's worker processes (default: its own default).

    The overhead compares the grader's cost per notebook in CPU-seconds of the whole machine (its wall time
    times the CPUs, divided by the notebooks) with raw execution of one notebook in a fresh kernel. Raw
    execution is measured half before and half after the grading runs, so that a machine getting busier or
    quieter during the benchmark moves both sides.
    """
    from spmcourse.grading import sandbox
    from spmcourse.grading import cpu_count, default_jobs, grade_submissions
    from spmcourse.authoring.lab import path_with_tools

    jobs = jobs or default_jobs()
    cpus = cpu_count()
    with tempfile.TemporaryDirectory(prefix="spm-bench-") as tmp:
        tmp = Path(tmp)
        plain, ours, bare = (_new_course(tmp / name, module) for name in ("plain", "ours", "bare"))
        students = synthetic_class(plain, module, size)
        synthetic_class(ours, module, size)
        synthetic_class(bare, module, size)
        env = dict(os.environ, SPM_EXCHANGE=str(tmp / "exchange"), PATH=path_with_tools(os.environ["PATH"]))

        def raw_seconds(sample: list[str]) -> list[float]:
            times = []
            for s in sample:  # a copy of the submission folder of its own, so the graded ones stay untouched
                folder = shutil.copytree(ours / "submitted" / s / module.key, tmp / "raw" / s)
                times.append(execute_seconds(folder / module.source_notebook.name,
                                             env={"NBGRADER_EXECUTION": "autograde"}))
            return times

        def phase(n: int, text: str) -> None:
            print(f"cohort grading, step {n}/3: {text}", file=sys.stderr, flush=True)

        def per_student(label: str):
            tracker = Progress(len(students), f"students, {label}")
            return lambda o: tracker.say(f"{o.student}: {o.status}")

        sample = students[: min(8, size)]
        raw = raw_seconds(sample[: len(sample) // 2])
        phase(1, f"plain `nbgrader autograde` of {len(students)} students (it reports nothing until it is done)")
        sequential_s = _time_plain_autograde(plain, module.key, env)
        phase(2, f"the course grader, sandboxed (plain autograde took {duration(sequential_s)})")
        with PeakRSS() as peak:
            start = time.perf_counter()
            outcomes = grade_submissions(ours, module.key, jobs=jobs, feedback=False,
                                         progress=per_student("sandboxed"))
            ours_s = time.perf_counter() - start
        phase(3, "the course grader without the sandbox")
        with sandbox.sandboxed(False):
            start = time.perf_counter()
            grade_submissions(bare, module.key, jobs=jobs, feedback=False, progress=per_student("no sandbox"))
            unsandboxed_s = time.perf_counter() - start
        raw += raw_seconds(sample[len(sample) // 2:])

        plain_scores = _gradebook_scores(plain, module.key)
        our_scores = _gradebook_scores(ours, module.key)
        bare_scores = _gradebook_scores(bare, module.key)
        differing = {s: (plain_scores.get(s), our_scores.get(s), bare_scores.get(s)) for s in students
                     if not (s in plain_scores and our_scores.get(s) == plain_scores[s] == bare_scores.get(s))}
        identical = not differing
        return {
            "students": len(students),
            "jobs": jobs,
            "cpus": cpus,
            "sequential_s": sequential_s,
            "ours_s": ours_s,
            "unsandboxed_s": unsandboxed_s,
            "speedup": sequential_s / ours_s,
            "sandbox_cost": ours_s / unsandboxed_s - 1,
            "raw_per_notebook_s": statistics.mean(raw),
            "ours_per_notebook_cpu_s": ours_s * cpus / len(students),
            "overhead": (ours_s * cpus / len(students)) / statistics.mean(raw),
            "identical_scores": identical,
            "differing_scores": differing,
            "failed": [o.student for o in outcomes if o.status != "graded"],
            "peak_rss_mb": peak.mb,
        }


# --- Self-grading ---------------------------------------------------------------------------------------------

def selfgrade_seconds(module, repeats: int = 3) -> list[tuple[float, float]]:
    """Wall seconds of ``spm grade <module>``, the learner's command, from its start to the score printed, and to
    its exit (the feedback's path is printed when the HTML is written), on a learner's copy with every question
    answered, in a workspace of its own.

    A first grading, not timed, creates the learner's grading course (once per course version). Before each timed
    grading one answer changes (a comment), so that the copy is graded for real: an unchanged copy is not graded
    again.
    """
    from spmcourse.authoring.lab import path_with_tools

    with tempfile.TemporaryDirectory(prefix="spm-bench-selfgrade-") as tmp:
        work = Path(tmp) / "work"
        env = dict(os.environ, SPM_WORKSPACE=str(work), PATH=path_with_tools(os.environ["PATH"]))

        def spm(*args: str) -> tuple[float, float]:
            """Seconds until the score is printed, and until the command exits."""
            start = time.perf_counter()
            scored, out = None, []
            proc = subprocess.Popen([sys.executable, "-m", "spmcourse.cli", *args], cwd=COURSE_ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for line in proc.stdout:
                out.append(line)
                if scored is None and " points** on the auto-graded questions" in line:
                    scored = time.perf_counter() - start
            err = proc.stderr.read()
            proc.wait()
            if proc.returncode != 0 or (scored is None and args[0] == "grade"):
                raise RuntimeError(f"spm {' '.join(args)} failed:\n{''.join(out)[-2000:]}{err[-2000:]}")
            return scored, time.perf_counter() - start

        spm("start", module.key)
        copy = work / module.key / module.source_notebook.name
        answered = read(COURSE_ROOT / module.source_notebook)
        answers = [c for c in answered.cells
                   if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
        times = []
        for i in range(repeats + 1):
            answers[0].source = answers[0].source.rstrip("\n") + f"\n# attempt {i}"
            nbformat.write(answered, copy)
            times.append(spm("grade", module.key))
        return times[1:]


# --- Report ---------------------------------------------------------------------------------------------------

def run(smoke: bool = False, class_size: int = 40, jobs: int | None = None, load_class: int = 300) -> dict:
    results: dict = {}
    print(f"Machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB; "
          f"Python {sys.version.split()[0]}; {time.strftime('%Y-%m-%d %H:%M')}")

    floor = kernel_floor(1 if smoke else 3)
    print(f"\nKernel start + stop floor: {floor:.2f} s")
    notebooks = course_notebooks()[: 1 if smoke else None]
    print(f"\n{'notebook':<62} {'seconds':>8} {'- floor':>8}")
    times = {}
    tracker = Progress(len(notebooks), "notebooks")
    for path in notebooks:
        env = {"NBGRADER_EXECUTION": "autograde"} if "source" in path.parts else {}
        times[path] = execute_seconds(path, env)
        print(f"{str(path.relative_to(COURSE_ROOT)):<62} {times[path]:>8.2f} {times[path] - floor:>8.2f}", flush=True)
        tracker.say(path.name)
    results["course_exec_s"] = sum(times.values())
    results["max_notebook_s"] = max(times.values()) if times else float("nan")

    print(f"\n{'explorer':<50} {'median update ms':>18}")
    latencies = {}
    builders = explorer_builders()[: 1 if smoke else None]
    tracker = Progress(len(builders), "explorers")
    for name, build in builders:
        needs = [p.name for p in inspect.signature(build).parameters.values()
                 if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if needs:  # the lesson passes its data in; the benchmark cannot guess it
            print(f"{name:<50} {'(needs ' + ', '.join(needs) + ')':>18}", flush=True)
            tracker.say(f"{name} (skipped)")
            continue
        latencies[name] = explorer_latency_ms(build)
        print(f"{name:<50} {latencies[name]:>18.1f}", flush=True)
        tracker.say(name)
    results["explorer_p50_ms"] = max(latencies.values()) if latencies else float("nan")

    module = curriculum.available_modules()[0]
    size = 3 if smoke else class_size
    g = grading_benchmark(module, size, jobs)
    print(f"\nCohort grading of {g['students']} submissions of {module.key} with {g['jobs']} workers on "
          f"{g['cpus']} CPUs:")
    print(f"  sequential nbgrader autograde  {g['sequential_s']:8.1f} s")
    print(f"  course grader                  {g['ours_s']:8.1f} s   speed-up {g['speedup']:.2f}x")
    print(f"  course grader, no sandbox      {g['unsandboxed_s']:8.1f} s   sandbox adds {g['sandbox_cost']:+.0%}")
    print(f"  course grader per notebook     {g['ours_per_notebook_cpu_s']:8.2f} CPU-s (wall time x CPUs / "
          "notebooks)")
    print(f"  raw execution per notebook     {g['raw_per_notebook_s']:8.2f} s   overhead {g['overhead']:.2f}x")
    print(f"  identical scores: {g['identical_scores']}; failed gradings: {g['failed'] or 'none'}; "
          f"peak memory {g['peak_rss_mb']:.0f} MB")
    for student, (plain, ours, bare) in g["differing_scores"].items():
        print(f"    {student}: plain nbgrader {plain}, course grader {ours}, without the sandbox {bare}")
    results.update(grading_speedup=g["speedup"], grading_overhead=g["overhead"], peak_rss_mb=g["peak_rss_mb"],
                   identical_scores=g["identical_scores"], sandbox_cost=g["sandbox_cost"])

    results.update(load_benchmark(3 if smoke else load_class, jobs))
    selfgrades = selfgrade_seconds(module, 1 if smoke else 5)
    floor_after = kernel_floor(1 if smoke else 3)  # beside it, as the machine's load may have changed since the start
    results["selfgrade_s"] = statistics.median(score for score, _ in selfgrades)
    results["selfgrade_ratio"] = results["selfgrade_s"] / floor_after
    print(f"\nSelf-grading of {module.key} (spm grade, from the command to the score printed): "
          f"{', '.join(f'{t:.2f}' for t, _ in selfgrades)} s; median {results['selfgrade_s']:.2f} s, "
          f"{results['selfgrade_ratio']:.1f}x the kernel floor of {floor_after:.2f} s measured beside it; "
          f"the command ends (feedback written) after {statistics.median(end for _, end in selfgrades):.2f} s")

    print("\nbench: " + " ".join(
        f"{k}={results[k]:.2f}" for k in ("course_exec_s", "max_notebook_s", "explorer_p50_ms",
                                           "grading_speedup", "grading_overhead", "peak_rss_mb", *LOAD_FIELDS,
                                           "selfgrade_s", "selfgrade_ratio")))
    return results


#: Summary fields of the class-under-load run (tests/loadtest.py), after the original six.
LOAD_FIELDS = ("load_students", "load_submit_s", "load_collect_s", "load_grade_s", "load_grade_per_student_s",
               "load_peak_rss_mb", "load_problems")


def load_benchmark(size: int, jobs: int | None = None) -> dict:
    """A class of ``size`` fetching and submitting concurrently, collected and graded; checked and timed."""
    import loadtest

    if size <= 0:
        return {k: float("nan") for k in LOAD_FIELDS}
    with tempfile.TemporaryDirectory(prefix="spm-load-") as tmp, PeakRSS() as peak:
        result = loadtest.simulate(Path(tmp), size, grade_jobs=jobs)
        problems = loadtest.check(result)
        info = loadtest.summary(result)
    print(f"\nClass of {size} under load: {info['submissions']} submissions ({info['resubmitted']} students "
          f"resubmitted, {info['late']} late) from 16 concurrent processes")
    print(f"  burst before the deadline  {info['burst1_s']:8.1f} s")
    print(f"  burst after the deadline   {info['burst2_s']:8.1f} s")
    print(f"  nbgrader collect           {info['collect_s']:8.1f} s")
    print(f"  cohort grading             {info['grade_s']:8.1f} s   ({info['graded']} graded, "
          f"{info['grade_s'] / size:.2f} s per student)")
    print(f"  peak memory {peak.mb:.0f} MB; problems: {problems[:5] or 'none'}")
    return {"load_students": size, "load_submit_s": info["burst1_s"] + info["burst2_s"],
            "load_collect_s": info["collect_s"], "load_grade_s": info["grade_s"],
            "load_grade_per_student_s": info["grade_s"] / size, "load_peak_rss_mb": peak.mb,
            "load_problems": len(problems), "load_ok": not problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/bench.py", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny run that checks the benchmark works")
    parser.add_argument("--class-size", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=None,
                        help="the grader's worker processes (default: the grader's own, one per CPU plus one)")
    parser.add_argument("--load-class", type=int, default=300, metavar="N",
                        help="students in the class-under-load run (fetch, submit, resubmit, late, collect, grade; "
                             "0 skips it)")
    parser.add_argument("--load-only", action="store_true", help="run only the class-under-load part")
    args = parser.parse_args(argv)
    if args.load_only:
        results = load_benchmark(args.load_class, args.jobs)
        print("\nbench: " + " ".join(f"{k}={results[k]:.2f}" for k in LOAD_FIELDS))
        return 0 if results["load_ok"] else 1
    results = run(smoke=args.smoke, class_size=args.class_size, jobs=args.jobs, load_class=args.load_class)
    return 0 if results["identical_scores"] and results.get("load_ok", True) else 1


if __name__ == "__main__":
    sys.exit(main())
