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
(tests/test_jupyterhub.py loads it and replaces only the authenticator, the spawner and the ports):

=====================  ==========================================  ================================================
variable               default                                     meaning
=====================  ==========================================  ================================================
SPM_HUB_DIR            /srv/spm-course                             hub state: exchange, students' config, hub db
SPM_COURSE_ROOT        /home/instructor/spm-course                 the instructors' clone of the course repository
SPM_INSTRUCTORS        instructor                                  comma-separated user names of the graders
SPM_GRADEBOOK_URL      (empty: SQLite in the course folder)        postgresql://user:password@host/db
SPM_HUB_BIND_URL       http://127.0.0.1:8000                       where the hub listens (put TLS in front of it)
=====================  ==========================================  ================================================
"""
import os
from pathlib import Path

c = get_config()  # noqa: F821 (injected by traitlets)

COURSE_ID = "spm-course"  # as in the course's nbgrader_config.py
HUB_DIR = Path(os.environ.get("SPM_HUB_DIR", "/srv/spm-course"))
COURSE_ROOT = Path(os.environ.get("SPM_COURSE_ROOT", "/home/instructor/spm-course"))
INSTRUCTORS = {u.strip() for u in os.environ.get("SPM_INSTRUCTORS", "instructor").split(",") if u.strip()}
GRADEBOOK_URL = os.environ.get("SPM_GRADEBOOK_URL", "")
EXCHANGE = HUB_DIR / "exchange"
STUDENT_CONFIG = HUB_DIR / "jupyter-config"

# --- Shared folders, created when the hub starts --------------------------------------------------------------
# The exchange must exist and be writable by every user (each student's own process writes its submission);
# the sticky bit stops users from deleting or renaming each other's entries at its top level.
EXCHANGE.mkdir(parents=True, exist_ok=True)
os.chmod(EXCHANGE, 0o1777)
STUDENT_CONFIG.mkdir(parents=True, exist_ok=True)
(STUDENT_CONFIG / "nbgrader_config.py").write_text(
    "# Written by jupyterhub_config.py: the course id and the shared exchange, for every user.\n"
    "c = get_config()  # noqa\n"
    f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
    f"c.Exchange.root = {str(EXCHANGE)!r}\n"
)

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
