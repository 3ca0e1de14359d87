"""JupyterHub for a class taking the Software Product Management course: an example to adapt.

What it sets up (see deploy/README.md for the whole procedure):

- every user gets JupyterLab with the course's environment (JupyterHub runs from the course's ``.venv``);
- a **shared exchange** folder through which assignments, submissions and feedback travel;
- the students' nbgrader settings (course id, exchange), written at start-up into a folder that every
  single-user server reads through ``JUPYTER_CONFIG_PATH``, so no student configures anything;
- **instructors** (``SPM_INSTRUCTORS``) start in the course folder, with the exchange and the gradebook URL in
  their environment; with several graders the gradebook is **PostgreSQL** (``SPM_GRADEBOOK_URL``);
- the **formgrader opens in its own browser tab** at ``/user/<instructor>/formgrader``: JupyterHub >= 4.1 serves
  single-user pages with ``Content-Security-Policy: frame-ancestors 'none'``, which blanks the formgrader's frame
  inside JupyterLab (nbgrader issue #1870).

Site-specific values come from the environment, so the same file serves production and the test
(tests/grading/test_jupyterhub.py loads it and replaces only the authenticator, the spawner and the ports):

=====================  ==========================================  ================================================
variable               default                                     meaning
=====================  ==========================================  ================================================
SPM_HUB_DIR            /srv/spm-course                             hub state: exchange, students' config, hub db
SPM_COURSE_ROOT        /home/instructor/spm-course                 the instructors' clone of the course repository
SPM_INSTRUCTORS        instructor                                  comma-separated user names of the graders
SPM_GRADEBOOK_URL      (empty: SQLite in the course folder)        postgresql://user:password@host/db
SPM_HUB_BIND_URL       http://127.0.0.1:8000                       where the hub listens (put TLS in front of it)
SPM_GRADERS_GROUP      spm-graders                                 Unix group of the instructors (never students)
=====================  ==========================================  ================================================

What students must not read (``source/``, the gradebook, the instructors' folders, other students' submissions)
is kept from them by owners and modes that this file applies when the hub starts as root (see
:func:`_secure_layout` and the table in deploy/README.md, "Who can read what").
"""
import grp
import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets)

COURSE_ID = "spm-course"  # as in the course's nbgrader_config.py
HUB_DIR = Path(os.environ.get("SPM_HUB_DIR", "/srv/spm-course"))
COURSE_ROOT = Path(os.environ.get("SPM_COURSE_ROOT", "/home/instructor/spm-course"))
INSTRUCTORS = {u.strip() for u in os.environ.get("SPM_INSTRUCTORS", "instructor").split(",") if u.strip()}
GRADEBOOK_URL = os.environ.get("SPM_GRADEBOOK_URL", "")
GRADERS_GROUP = os.environ.get("SPM_GRADERS_GROUP", "spm-graders")
EXCHANGE = HUB_DIR / "exchange"
STUDENT_CONFIG = HUB_DIR / "jupyter-config"
#: The software copy the hub and every server run from (this file is its deploy/): no source/ in it.
SOFTWARE = Path(__file__).resolve().parents[1]

# --- Shared folders, created when the hub starts --------------------------------------------------------------
# The exchange must exist and be writable by every user (each student's own process writes its submission);
# the sticky bit stops users from deleting or renaming each other's entries at its top level.
EXCHANGE.mkdir(parents=True, exist_ok=True)
os.chmod(EXCHANGE, 0o1777)
STUDENT_CONFIG.mkdir(parents=True, exist_ok=True)
# Students' submissions: nbgrader's submit makes them readable by everyone (files 0644, folder 0777), hidden only
# by an unguessable folder name. The course's submit keeps them to their author and the graders' group, which the
# inbound folder hands down (set-group-ID): files 0640, folders 0750, the submission's folder 0770.
(STUDENT_CONFIG / "nbgrader_config.py").write_text(
    "# Written by jupyterhub_config.py: the course id and the shared exchange, for every user.\n"
    "from nbgrader.exchange.default.submit import ExchangeSubmit\n"
    "c = get_config()  # noqa\n"
    f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
    f"c.Exchange.root = {str(EXCHANGE)!r}\n"
    "# Validate says 'not answered yet' for an unanswered question instead of showing a traceback\n"
    "c.Execute.extra_arguments = ['--InteractiveShellApp.extensions=spmcourse.grading.validate_messages']\n"
    "\n\n"
    "class GradersOnlySubmit(ExchangeSubmit):\n"
    "    \"\"\"Submit as nbgrader does, readable by the author and the graders' group only.\"\"\"\n"
    "\n"
    "    def set_perms(self, dest, fileperms, dirperms):\n"
    "        super().set_perms(dest, fileperms & 0o770, dirperms & 0o770)\n"
    "\n"
    "    def copy_files(self):\n"
    "        super().copy_files()  # ends with the submission's folder at 0777\n"
    "        import os\n"
    "        os.chmod(os.path.join(self.inbound_path, self.assignment_filename), 0o770)\n"
    "\n\n"
    "c.ExchangeFactory.submit = GradersOnlySubmit\n"
)


def _open_dir(path: Path, create: bool = False) -> int:
    """A descriptor of the folder ``path`` itself, never of what a symbolic link there points to."""
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _apply(path: Path, uid: int, gid: int, mode: int, *, create: bool = False) -> None:
    """Give the folder ``path`` its owner (``uid`` -1: keep it), group and mode. Refuses a symbolic link, and a
    folder in the shared exchange that someone else made (a student who made the course's folder in the
    world-writable exchange first would own the course)."""
    try:
        fd = _open_dir(path, create)
    except OSError as err:
        raise SystemExit(f"jupyterhub_config.py: {path} is not a folder ({err.strerror}); a symbolic link or a file "
                         "there is refused. Remove it and start the hub again.") from None
    try:
        owner = os.fstat(fd).st_uid
        if uid != -1 and owner not in (0, uid):
            raise SystemExit(f"jupyterhub_config.py: {path} belongs to {pwd.getpwuid(owner).pw_name}, not to the "
                             "course: someone else made it. Check what it holds, remove it and start the hub again.")
        os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def _secure_layout() -> None:
    """Owners and modes that keep source/, the gradebook, the instructors' folders and other students'
    submissions out of students' reach (deploy/README.md, "Who can read what"). Needs root (the hub does)."""
    if os.geteuid() != 0:
        print("jupyterhub_config.py: not root, owners and modes of the course folders left as they are",
              file=sys.stderr)
        return
    try:
        graders = grp.getgrnam(GRADERS_GROUP).gr_gid
        owner = pwd.getpwnam(sorted(INSTRUCTORS)[0]).pw_uid
    except KeyError as err:
        raise SystemExit(f"jupyterhub_config.py: no Unix account or group {err}: create the graders' group "
                         f"{GRADERS_GROUP!r} with the instructors {sorted(INSTRUCTORS)} in it (deploy/README.md, "
                         "step 2).") from None
    _apply(HUB_DIR, 0, 0, 0o755)
    # the hub's database (user names, hashed tokens): JupyterHub would create it with the umask's mode (0644)
    fd = os.open(HUB_DIR / "jupyterhub.sqlite", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    os.fchown(fd, 0, 0)
    os.fchmod(fd, 0o600)
    os.close(fd)
    _apply(EXCHANGE, 0, 0, 0o1777)
    course = EXCHANGE / COURSE_ID
    _apply(course, owner, graders, 0o755, create=True)
    _apply(course / "outbound", owner, graders, 0o755, create=True)   # released assignments: everyone reads
    # students write in, cannot list; sticky: a student who learns another's submission name cannot rename it
    # (to pass it off as their own: collect takes the student id from the name) or remove it
    _apply(course / "inbound", owner, graders, 0o3773, create=True)
    _apply(course / "feedback", owner, graders, 0o711, create=True)   # fetched by unguessable name only
    # the instructors' course folder: source/, gradebook.db, submitted/, autograded/, feedback/
    if COURSE_ROOT.exists() or COURSE_ROOT.is_symlink():
        _apply(COURSE_ROOT, -1, graders, 0o2770)  # its owner stays the instructor who cloned it
    # the software copy everyone reads must not hold the answers: the guide checks it out without source/
    source = SOFTWARE / "source"
    if source.is_dir() and not source.is_symlink() and source.stat().st_mode & 0o077:
        print(f"jupyterhub_config.py: {source} was readable by students; now root only (mode 0700). Check out the "
              "software without source/ (deploy/README.md, step 1).", file=sys.stderr)
        os.chown(source, 0, 0, follow_symlinks=False)
        os.chmod(source, 0o700)


_secure_layout()

# --- The hub ----------------------------------------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("SPM_HUB_BIND_URL", "http://127.0.0.1:8000")
c.JupyterHub.db_url = f"sqlite:///{HUB_DIR / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(HUB_DIR / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(HUB_DIR / "jupyterhub-proxy.pid")

# Who may log in: system users (PAM, the default) in the class's Unix group. Use an OAuth authenticator
# (oauthenticator) to log in with the institution's accounts instead.
c.PAMAuthenticator.allowed_groups = {os.environ.get("SPM_CLASS_GROUP", "spm-class")}
c.Authenticator.admin_users = set(INSTRUCTORS)

# --- Single-user servers ----------------------------------------------------------------------------------------
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    # the students' nbgrader settings (course id, exchange) are read from here
    "JUPYTER_CONFIG_PATH": str(STUDENT_CONFIG),
    # JupyterLab's settings overrides that the course installs into its environment (spm setup-lab)
    "JUPYTER_PREFER_ENV_PATH": "1",
}
c.Spawner.mem_limit = os.environ.get("SPM_MEM_LIMIT", "2G")  # honoured by container spawners; a hint otherwise


def _instructor_setup(spawner):
    """Instructors work in the course folder, with the shared exchange and the gradebook URL.

    The formgrader reads nbgrader_config.py from the server's working directory, which the spawner sets to the
    user's home, not to the notebook folder: so the course folder also goes first on JUPYTER_CONFIG_PATH, where
    nbgrader finds the course's nbgrader_config.py (and with it the course root) wherever the server runs.
    """
    if spawner.user.name not in INSTRUCTORS:
        return
    spawner.notebook_dir = str(COURSE_ROOT)
    extra = {"SPM_EXCHANGE": str(EXCHANGE),
             "JUPYTER_CONFIG_PATH": os.pathsep.join([str(COURSE_ROOT), str(STUDENT_CONFIG)])}
    if GRADEBOOK_URL:
        extra["SPM_GRADEBOOK_URL"] = GRADEBOOK_URL
    spawner.environment = {**spawner.environment, **extra}


c.Spawner.pre_spawn_hook = _instructor_setup

# The formgrader: open https://<hub>/user/<instructor>/formgrader in its own browser tab. Inside JupyterLab its
# frame stays blank because the single-user server forbids framing (frame-ancestors 'none'). Allowing
# frame-ancestors 'self' is only safe with c.JupyterHub.subdomain_host set (every user on their own subdomain);
# without subdomains any user's page could frame an instructor's server.
