"""The curriculum map (``curriculum.yml``) and everything generated from it.

The map lists every module of the course plan, its files, and for every graded cell the ISPMA framework
sub-areas it covers. From it ``spm nav`` writes the lessons' previous/next navigation cells, the module table of
the welcome page and of the README, the README's coverage summary and the full coverage table of
``docs/coverage.md``. ``tests/course/test_curriculum.py`` proves that these are in sync and that the map names every
graded cell and only files that exist.

A graded cell either **practises** its sub-areas (the sub-area's method is the question's main skill: an NPV for
Financial Management, a WSJF ranking for Release Planning) or only **classifies** them (the question names or
sorts sub-areas, bands or owners, as module 01 does). The map says which with ``kind``::

    q1_npv_test: {areas: [Financial Management]}                    # kind: practised is the default
    q1_band_market_test: {kind: classified, areas: [Market Analysis]}

A cell with ``areas: []`` practises no sub-area (module 00's pandas warm-up). Coverage counts the two kinds
apart; only practised sub-areas count as "practised".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from spmcourse import COURSE_ROOT, framework
from spmcourse.authoring.notebooks import read, write

MAP_FILE = "curriculum.yml"
NAV_SENTINEL = "<!-- nav -->"
WELCOME = Path("notebooks") / "welcome.ipynb"
MODULES_START, MODULES_END = "<!-- modules:start -->", "<!-- modules:end -->"
COVERAGE_START, COVERAGE_END = "<!-- coverage:start -->", "<!-- coverage:end -->"
COVERAGE_PAGE = Path("docs") / "coverage.md"
KINDS = ("practised", "classified")


@dataclass(frozen=True)
class Module:
    number: str
    slug: str
    title: str
    status: str
    areas: tuple[str, ...] = ()
    graded: dict = field(default_factory=dict, hash=False, compare=False)
    extras: tuple = field(default=(), hash=False, compare=False)  # its extra assignments (ExtraAssignment)

    @property
    def key(self) -> str:
        """The module's id, which is also its nbgrader assignment id: ``NN-slug``."""
        return f"{self.number}-{self.slug}"

    @property
    def available(self) -> bool:
        return self.status == "available"

    @property
    def lesson(self) -> Path:
        return Path("notebooks") / f"{self.key}.ipynb"

    @property
    def assignment(self) -> str:
        return self.key

    @property
    def source_notebook(self) -> Path:
        return Path("source") / self.key / f"{self.number}-exercises.ipynb"

    @property
    def release_notebook(self) -> Path:
        return Path("release") / self.key / f"{self.number}-exercises.ipynb"

    def areas_of(self, grade_id: str) -> list[str]:
        """The sub-areas a graded cell covers, practised or classified (see :meth:`kind_of`)."""
        return list((self.graded.get(grade_id) or {}).get("areas") or [])

    def kind_of(self, grade_id: str) -> str:
        """``practised`` (the default) or ``classified``."""
        return str((self.graded.get(grade_id) or {}).get("kind", "practised"))


@dataclass(frozen=True)
class ExtraAssignment:
    """A second assignment of a module (``extra_assignments:`` in the map), such as module 12's practice exam.

    It has its own id, status and graded cells, and one notebook ``source/<key>/<key>.ipynb``; it shares the
    module's lesson. It answers the questions a :class:`Module` answers about its assignment.
    """
    key: str
    number: str
    title: str
    status: str
    graded: dict = field(default_factory=dict, hash=False, compare=False)

    available = Module.available
    assignment = Module.assignment
    areas_of = Module.areas_of
    kind_of = Module.kind_of

    @property
    def source_notebook(self) -> Path:
        return Path("source") / self.key / f"{self.key}.ipynb"

    @property
    def release_notebook(self) -> Path:
        return Path("release") / self.key / f"{self.key}.ipynb"


def _extras(m: dict) -> tuple:
    return tuple(ExtraAssignment(key=str(key), number=str(m["number"]), title=x["title"], status=x["status"],
                                 graded=dict(x.get("graded") or {}))
                 for key, x in (m.get("extra_assignments") or {}).items())


def load_map(root: Path = COURSE_ROOT) -> dict:
    return yaml.safe_load((root / MAP_FILE).read_text(encoding="utf-8"))


def modules(root: Path = COURSE_ROOT) -> list[Module]:
    """Every module of the plan, in course order."""
    return [
        Module(number=str(m["number"]), slug=m["slug"], title=m["title"], status=m["status"],
               areas=tuple(m.get("areas") or ()), graded=dict(m.get("graded") or {}), extras=_extras(m))
        for m in load_map(root)["modules"]
    ]


def assignments(root: Path = COURSE_ROOT) -> list:
    """Every available assignment, in course order: each available module's, then its available extras."""
    found: list = []
    for m in modules(root):
        found += ([m] if m.available else []) + [x for x in m.extras if x.available]
    return found


def find_assignment(name: str, root: Path = COURSE_ROOT):
    """The module or extra assignment named ``name`` (``NN``, ``NN-slug``, slug, or an extra's id)."""
    for m in modules(root):
        for x in m.extras:
            if name == x.key:
                return x
    return module(name, root)


def available_modules(root: Path = COURSE_ROOT) -> list[Module]:
    return [m for m in modules(root) if m.available]


def module(key: str, root: Path = COURSE_ROOT) -> Module:
    """Find a module by ``NN``, ``NN-slug`` or slug."""
    for m in modules(root):
        if key in (m.number, m.key, m.slug):
            return m
    known = ", ".join(m.key for m in modules(root))
    raise KeyError(f"no module {key!r}; modules: {known}")


def coverage(root: Path = COURSE_ROOT, kind: str = "practised") -> dict[str, list[str]]:
    """v2 sub-area -> the graded cells (``NN-slug:grade_id``) of that ``kind`` that cover it, for every sub-area."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    covered: dict[str, list[str]] = {name: [] for name in framework.sub_areas()["sub_area"]}
    for m in available_modules(root):
        for grade_id in m.graded:
            if m.kind_of(grade_id) != kind:
                continue
            for area in m.areas_of(grade_id):
                covered.setdefault(area, []).append(f"{m.key}:{grade_id}")
    return covered


def coverage_totals(root: Path = COURSE_ROOT) -> dict[str, int]:
    """How many v2 sub-areas are practised, only classified, or not touched by any graded cell."""
    practised, classified = coverage(root, "practised"), coverage(root, "classified")
    names = list(framework.sub_areas()["sub_area"])
    n_practised = sum(1 for n in names if practised[n])
    n_classified_only = sum(1 for n in names if classified[n] and not practised[n])
    return {"sub_areas": len(names), "practised": n_practised, "classified_only": n_classified_only,
            "untouched": len(names) - n_practised - n_classified_only}


# --- Generated text --------------------------------------------------------------------------------------------

def nav_markdown(m: Module, root: Path = COURSE_ROOT) -> str:
    """The navigation cell of a lesson: previous and next available lesson, the start page, the exercises."""
    lessons = available_modules(root)
    i = [x.key for x in lessons].index(m.key)
    parts = []
    if i > 0:
        prev = lessons[i - 1]
        parts.append(f"← [{prev.number} · {prev.title}]({prev.lesson.name})")
    parts.append("[Course start](welcome.ipynb)")
    if i + 1 < len(lessons):
        nxt = lessons[i + 1]
        parts.append(f"[{nxt.number} · {nxt.title}]({nxt.lesson.name}) →")
    exercises = (f"Exercises: `make start A={m.key}`, or **Start** in [your progress page](progress.ipynb).")
    return f"{NAV_SENTINEL}\n" + " | ".join(parts) + f"\n\n{exercises}"


def modules_table(link_prefix: str, root: Path = COURSE_ROOT) -> str:
    """A markdown table of all modules; ``link_prefix`` is the path from the page to ``notebooks/``."""
    rows = ["| # | Module | Framework sub-areas | Status |", "|---|---|---|---|"]
    for m in modules(root):
        title = f"[{m.title}]({link_prefix}{m.lesson.name})" if m.available else m.title
        areas = ", ".join(m.areas) or "—"
        status = f"lesson + assignment `{m.key}`" if m.available else "coming"
        rows.append(f"| {m.number} | {title} | {areas} | {status} |")
    return "\n".join(rows)


def coverage_summary(root: Path = COURSE_ROOT) -> str:
    """The honest totals, one paragraph (README and the top of the coverage page)."""
    t = coverage_totals(root)
    return (f"**{t['practised']} of {t['sub_areas']}** v2 sub-areas are **practised** so far: a graded exercise "
            f"applies the sub-area's own method (a business case, a price test, a release plan). "
            f"{t['classified_only']} more are only **classified**: a graded question names or sorts them "
            f"(band, owner, column) without practising their work. {t['untouched']} are not graded yet.")


def _cells(cells: list[str]) -> str:
    return ", ".join(f"`{c}`" for c in cells) or "—"


def coverage_table(root: Path = COURSE_ROOT) -> str:
    """One row per v2 sub-area: its place in the grid, its V1.3 name, the cells that practise or classify it."""
    grid = framework.sub_areas()
    practised, classified = coverage(root, "practised"), coverage(root, "classified")
    rows = ["| Band | Column | Sub-area (v2) | V1.3 name | Practised in | Classified in |",
            "|---|---|---|---|---|---|"]
    for band, column, name in zip(grid["band"], grid["column"], grid["sub_area"]):
        old = framework.v13_name(name)  # from the function, not the frame: a missing name must not print "nan"
        v13 = "(new in v2)" if old is None else old
        rows.append(f"| {band} | {column} | {name} | {v13} | {_cells(practised[name])} | "
                    f"{_cells(classified[name])} |")
    rows.append("\n" + coverage_summary(root))
    return "\n".join(rows)


def readme_coverage(root: Path = COURSE_ROOT) -> str:
    """The README's coverage section: the totals and a link to the full table."""
    return (coverage_summary(root) + f"\n\nThe full table, sub-area by sub-area with the graded cells of each "
            f"kind: [{COVERAGE_PAGE.as_posix()}]({COVERAGE_PAGE.as_posix()}).")


def generated_texts(root: Path = COURSE_ROOT) -> dict[str, str]:
    """Every piece of text ``spm nav`` writes, by a short name (tests scan them for "nan" and "None")."""
    texts = {"modules_table": modules_table("notebooks/", root), "welcome_table": modules_table("", root),
             "coverage_table": coverage_table(root), "readme_coverage": readme_coverage(root)}
    for m in available_modules(root):
        texts[f"nav:{m.key}"] = nav_markdown(m, root)
    return texts


def _replace_between(text: str, start: str, end: str, body: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"markers {start} ... {end} not found")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def _update_nav_cells(path: Path, text: str) -> bool:
    nb = read(path)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith(NAV_SENTINEL) and cell.source != text:
            cell.source = text
            changed = True
    if changed:
        write(nb, path)
    return changed


def _update_markdown_cells(path: Path, start: str, end: str, body: str) -> bool:
    nb = read(path)
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "markdown" and start in cell.source:
            new = _replace_between(cell.source, start, end, body)
            if new != cell.source:
                cell.source, changed = new, True
    if changed:
        write(nb, path)
    return changed


def generate(root: Path = COURSE_ROOT) -> list[Path]:
    """Write every generated piece; return the files that changed."""
    changed = []
    for m in available_modules(root):
        lesson = root / m.lesson
        if lesson.exists() and _update_nav_cells(lesson, nav_markdown(m, root)):
            changed.append(lesson)
    welcome = root / WELCOME
    if welcome.exists() and _update_markdown_cells(welcome, MODULES_START, MODULES_END, modules_table("", root)):
        changed.append(welcome)
    readme = root / "README.md"
    if readme.exists():
        text = readme.read_text(encoding="utf-8")
        new = _replace_between(text, MODULES_START, MODULES_END, modules_table("notebooks/", root))
        new = _replace_between(new, COVERAGE_START, COVERAGE_END, readme_coverage(root))
        if new != text:
            readme.write_text(new, encoding="utf-8")
            changed.append(readme)
    page = root / COVERAGE_PAGE
    if page.exists():
        text = page.read_text(encoding="utf-8")
        new = _replace_between(text, COVERAGE_START, COVERAGE_END, coverage_table(root))
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def _nav(args) -> int:
    changed = generate()
    for path in changed:
        print(f"updated {path.relative_to(COURSE_ROOT)}")
    if args.check and changed:
        print("Generated navigation was out of date; it is now. Commit the result.")
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("nav", help="regenerate lesson navigation, the welcome page and README tables")
    p.add_argument("--check", action="store_true", help="exit 1 if anything had to change")
    p.set_defaults(handler=_nav)
