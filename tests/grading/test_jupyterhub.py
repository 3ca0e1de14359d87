"""deploy/jupyterhub_config.py, tested: a real JupyterHub on 127.0.0.1 whose single-user servers see the course.

The hub loads the deploy example unchanged and replaces only what a test machine lacks: the authenticator
(``dummy``: no passwords) and the ports. Run as root (as the hub runs in production), the test creates
throw-away Unix accounts (two students, one instructor, the class and graders' groups; removed at the end) and
keeps the deploy's spawner, which starts each server as its user; otherwise the spawner is ``simple`` (servers
run as the test's user) and the checks of who can read what are skipped. The proxy is the Python
``configurable-http-proxy`` (requirements-test.txt), so no Node.js is needed. Checks, through the proxy with a
service token:

- a student's server lists the assignment the instructor released into the shared exchange (the students'
  nbgrader config written by the hub config: course id and exchange);
- the instructor's server starts in the course folder, and its formgrader sees the course's assignment;
- single-user pages forbid framing (``frame-ancestors 'none'``), which is why the formgrader is opened in its own
  tab (nbgrader issue #1870);
- as root: code run in a student's kernel, through the hub, cannot read the instructor's course folder
  (``source/``, the gradebook, ``submitted/``), the software copy's ``source/``, the exchange's inbound folder or
  another student's submission, but can read the released assignment; the student fetches and submits through
  the Assignment List; the student's token does not open the instructor's server; owners and modes are those of
  the guide's table.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import grp
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import coursekit as kit  # noqa: E402
from coursekit import accounts_turn  # noqa: E402,F401  (pytest fixture)

from spmcourse.grading import kill_tree  # noqa: E402

DEPLOY = kit.REPO / "deploy" / "jupyterhub_config.py"
A = kit.ASSIGNMENT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterhub")]

ROOT_MODE = os.geteuid() == 0

TEST_CONFIG = """
load_subconfig({deploy!r})
# --- test machine only: no passwords, free ports ---
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {{**c.Spawner.environment, **{environment!r}}}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.services = [{{"name": "spm-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "spm-test", "services": ["spm-test"],
                            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users", "tokens"]}}]
"""
#: Not root: every server runs as the test's user.
SIMPLE_SPAWNER = """
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.args = {args!r}
"""
#: Root: the deploy's spawner starts each server as its Unix user, with a Python those users can run.
USER_SPAWNER = """
c.Spawner.cmd = [{python!r}, "-m", "jupyterhub.singleuser"]
"""


def _free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


class Hub:
    def __init__(self, url: str, token: str):
        self.url, self.token = url.rstrip("/"), token

    def request(self, method: str, path: str, body=None, timeout: float = 30):
        req = urllib.request.Request(self.url + path, method=method,
                                     data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def api(self, method: str, path: str, body=None):
        return self.request(method, "/hub/api" + path, body)

    def start_server(self, user: str, timeout: float = 150) -> None:
        self.api("POST", f"/users/{user}")
        status, _, text = self.api("POST", f"/users/{user}/server")
        assert status in (201, 202), text
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, _, text = self.api("GET", f"/users/{user}")
            server = json.loads(text).get("servers", {}).get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise AssertionError(f"the server of {user} did not start: {text}")


class Accounts:
    """Throw-away Unix accounts for one test run (root only): students, an instructor, and their groups."""

    def __init__(self, base: Path, roles: tuple = ("alice", "bob", "teacher")):
        tag = uuid.uuid4().hex[:6]
        self.names = {role: f"spm{tag}{role}" for role in roles}
        self.class_group, self.graders_group = f"spm{tag}class", f"spm{tag}graders"
        self.homes = base / "homes"
        self.made: list[tuple[str, str]] = []
        for group in (self.class_group, self.graders_group):
            self._run("groupadd", group)
            self.made.append(("groupdel", group))
        for role, name in self.names.items():
            extra = ["--groups", self.graders_group] if role == "teacher" else []
            self._run("useradd", "--no-create-home", "--home-dir", str(self.homes / name), "--gid",
                      self.class_group, *extra, "--shell", "/usr/sbin/nologin", name)
            self.made.append(("userdel", name))
            home = self.homes / name
            home.mkdir(parents=True)
            os.chown(home, self.uid(role), self.gid(self.class_group))
            os.chmod(home, 0o700)  # as the guide says: nobody reads another user's home

    @staticmethod
    def _run(*cmd: str) -> None:
        for _ in range(20):  # another process may hold /etc/passwd's lock for a moment
            result = subprocess.run(cmd, capture_output=True, text=True)
            if result.returncode == 0:
                return
            time.sleep(0.5)
        raise AssertionError(f"{' '.join(cmd)} failed: {result.stderr}")

    def uid(self, role: str) -> int:
        return pwd.getpwnam(self.names[role]).pw_uid

    @staticmethod
    def gid(group: str) -> int:
        return grp.getgrnam(group).gr_gid

    def home(self, role: str) -> Path:
        return self.homes / self.names[role]

    def run_as(self, role: str, python: str, *args, cwd: Path, check: bool = True, **env) \
            -> subprocess.CompletedProcess:
        """Run ``python -m <args>`` as ``role``'s Unix account, in its own environment."""
        groups = [self.gid(self.graders_group)] if role == "teacher" else []
        full_env = {"HOME": str(self.home(role)), "USER": self.names[role], "LOGNAME": self.names[role],
                    "PATH": f"{Path(python).parent}:/usr/bin:/bin", **{k: str(v) for k, v in env.items()}}
        result = subprocess.run([python, "-m", *map(str, args)], cwd=cwd, env=full_env, capture_output=True,
                                text=True, timeout=300, user=self.uid(role), group=self.gid(self.class_group),
                                extra_groups=groups)
        assert result.returncode == 0 or not check, f"{args} as {role} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def remove(self) -> None:
        for cmd, name in reversed(self.made):
            subprocess.run([cmd, name], capture_output=True)


def _user_python(base: Path) -> str:
    """A Python that the students' accounts can run, with this test environment's packages.

    The test venv's interpreter may live where only root can enter (pyenv under /root); a venv made from the
    system's Python of the same version, pointed at the test venv's site-packages, serves the other accounts.
    """
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.is_file():
        pytest.fail(f"the accounts the test creates need a Python they can run: install {system} "
                    f"(apt-get install python3.{sys.version_info.minor}-venv)")
    venv = base / "venv"
    subprocess.run([str(system), "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    ours = next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_relative_to(sys.prefix))
    closed = [str(d) for d in [Path(ours), *Path(ours).parents] if not d.stat().st_mode & 0o001]
    if closed:
        pytest.fail(f"the accounts the test creates must reach this environment's packages ({ours}), but other "
                    f"users cannot enter {closed[-1]}: run the test suite from a checkout that other accounts "
                    f"can read (chmod o+x on that folder), as on a shared server")
    (site / "spm-course-test-env.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
    for shared in ("etc", "share"):  # server extensions enabled, JupyterLab and kernels, found under sys.prefix
        if (Path(sys.prefix) / shared).is_dir():
            (venv / shared).symlink_to(Path(sys.prefix) / shared)
    return str(venv / "bin" / "python")


@pytest.fixture(scope="module")
def hub(tmp_path_factory, accounts_turn):  # accounts_turn: never beside the separate-users test
    chp = shutil.which("configurable-http-proxy", path=str(Path(sys.executable).parent))
    if not chp or shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("jupyterhub and configurable-http-proxy are test requirements: run `make test` "
                    "(pip install -r requirements-test.txt)")
    # pytest's own temporary folders are private to the test's user: the accounts need a folder they can enter
    base = Path(tempfile.mkdtemp(prefix="spm-hub-")) if ROOT_MODE else tmp_path_factory.mktemp("hub")
    base.chmod(0o755)
    mark = f"jupyterhub-{time.time()}"
    accounts = Accounts(base) if ROOT_MODE else None
    software_source = kit.REPO / "source"
    source_mode = software_source.stat().st_mode & 0o7777
    proc = log = None
    try:
        course = kit.build_template(base / "course", cell_timeout=30)
        hub_dir = base / "hub"
        hub_dir.mkdir()
        port, hub_port, api_port = _free_ports(3)
        token = secrets.token_hex(16)
        environment = {kit.MARK_VAR: mark}
        if ROOT_MODE:
            python = _user_python(base)
            environment["PATH"] = f"{Path(python).parent}:/usr/bin:/bin"
            users = accounts.names
            subprocess.run(["chown", "-R", f"{users['teacher']}:{accounts.graders_group}", str(course)], check=True)
            extra = USER_SPAWNER.format(python=python)
        else:
            python, users = kit.PYTHON, {"alice": "alice", "bob": "bob", "teacher": "teacher"}
            extra = SIMPLE_SPAWNER.format(homes=str(base / "homes"), args=["--allow-root"] if ROOT_MODE else [])
        config = base / "jupyterhub_test_config.py"
        config.write_text(TEST_CONFIG.format(deploy=str(DEPLOY), hub_port=hub_port, api_port=api_port, chp=chp,
                                             token=token, environment=environment) + extra)
        env = kit.env(SPM_HUB_DIR=hub_dir, SPM_COURSE_ROOT=course, SPM_INSTRUCTORS=users["teacher"],
                      SPM_HUB_BIND_URL=f"http://127.0.0.1:{port}", **{kit.MARK_VAR: mark})
        if ROOT_MODE:
            env["SPM_GRADERS_GROUP"] = accounts.graders_group
        for var in ("SPM_EXCHANGE", "SPM_GRADEBOOK_URL", "JUPYTER_CONFIG_PATH", "JUPYTERHUB_API_TOKEN"):
            env.pop(var, None)
        log = open(base / "hub.log", "wb")
        proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
                                cwd=hub_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = Hub(f"http://127.0.0.1:{port}", token)
        deadline = time.monotonic() + 90
        while True:
            try:
                if client.api("GET", "/")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, (base / "hub.log").read_text()[-5000:]
            assert time.monotonic() < deadline, (base / "hub.log").read_text()[-5000:]
            time.sleep(0.5)
        # the instructor releases the assignment into the hub's shared exchange
        if ROOT_MODE:
            accounts.run_as("teacher", python, "nbgrader", "release_assignment", A, cwd=course,
                            SPM_EXCHANGE=hub_dir / "exchange")
        else:
            kit.nbgrader(course, "release_assignment", A, SPM_EXCHANGE=hub_dir / "exchange")
        yield client, course, hub_dir, base, users, accounts, python
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)  # the hub stops the proxy and the single-user servers
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            kill_tree(proc.pid)
        if log is not None:
            log.close()
        left = kit.leftover_processes(mark, wait=10)
        if accounts is not None:
            accounts.remove()
            shutil.rmtree(base, ignore_errors=True)
        software_source.chmod(source_mode)  # the hub config locks the software copy's source/ (see the guide)
        assert left == []


async def _run_in_kernel(client: Hub, user: str, code: str) -> str:
    """Start a kernel in ``user``'s server through the hub, run ``code`` there, return what it printed."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    status, _, text = client.request("POST", f"/user/{user}/api/kernels", {"name": "python3"})
    assert status == 201, text
    kernel = json.loads(text)["id"]
    try:
        url = client.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{kernel}/channels"
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {client.token}"}))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        printed = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), timeout=120)
            assert raw is not None, "the kernel's channel closed"
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        ws.close()
        return "".join(printed)
    finally:
        client.request("DELETE", f"/user/{user}/api/kernels/{kernel}")


def _run_in_own_loop(coro):
    """asyncio.run in a thread of its own: a browser test in this worker may keep Playwright's loop running in the
    main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


PROBE = """
import json, os
def _probe(path, how):
    try:
        os.listdir(path) if how == "list" else open(path, "rb").read(1)
        return "read"
    except PermissionError:
        return "denied"
    except OSError as err:
        return f"{type(err).__name__}"
print(json.dumps({name: _probe(path, how) for name, (path, how) in json.loads(%r).items()}))
"""


# One test, not three sharing a module fixture: pytest-xdist's xdist_group does not keep a module's tests on one
# worker with pytest 9, and a second worker would start a second hub.
def test_hub_serves_the_course_to_students_and_instructors(hub):
    client, course, hub_dir, base, users, accounts, python = hub
    alice, teacher = users["alice"], users["teacher"]
    # the hub wrote the students' nbgrader config; the instructor released into the shared exchange
    config = (hub_dir / "jupyter-config" / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'spm-course'" in config
    assert f"c.Exchange.root = {str(hub_dir / 'exchange')!r}" in config
    assert "--InteractiveShellApp.extensions=spmcourse.grading.validate_messages" in config  # Validate's messages
    assert (hub_dir / "exchange" / "spm-course" / "outbound" / A / "exercises.ipynb").is_file()

    # a student's server sees the released assignment in its Assignment List
    client.start_server(alice)
    status, headers, text = client.request("GET", f"/user/{alice}/assignments?course_id=spm-course")
    assert status == 200, text
    listing = json.loads(text)
    assert listing["success"], listing
    released = [a for a in listing["value"] if a["assignment_id"] == A]
    assert released and released[0]["status"] == "released" and released[0]["course_id"] == "spm-course"
    status, _, text = client.request("GET", f"/user/{alice}/courses")
    assert status == 200 and "spm-course" in text

    # the instructor's server starts in the course folder and its formgrader works on the course
    client.start_server(teacher)
    status, _, text = client.request("GET", f"/user/{teacher}/api/contents/nbgrader_config.py?content=0")
    assert status == 200, text
    status, _, text = client.request("GET", f"/user/{teacher}/formgrader/api/assignments")
    assert status == 200, text
    assignments = json.loads(text)
    assert [a["name"] for a in assignments] == [A]
    assert assignments[0]["releaseable"] is True
    status, headers, text = client.request("GET", f"/user/{teacher}/formgrader")
    assert status == 200 and "<title>nbgrader formgrade</title>" in text
    csp = {k.lower(): v for k, v in headers.items()}.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp  # why the formgrader is opened in its own tab

    if not ROOT_MODE:
        pytest.skip("who can read what needs separate Unix accounts: run the test as root to check it")
    _students_cannot_read_what_is_not_theirs(client, course, hub_dir, accounts, python)


def _students_cannot_read_what_is_not_theirs(client, course, hub_dir, accounts, python):
    alice, bob, teacher = (accounts.names[r] for r in ("alice", "bob", "teacher"))
    exchange = hub_dir / "exchange" / "spm-course"
    # bob fetches and submits from his own account, as nbgrader's command line does
    student_env = {"JUPYTER_CONFIG_PATH": hub_dir / "jupyter-config"}
    accounts.run_as("bob", python, "nbgrader", "fetch_assignment", A, cwd=accounts.home("bob"), **student_env)
    accounts.run_as("bob", python, "nbgrader", "submit", A, cwd=accounts.home("bob"), **student_env)
    # alice fetches and submits through her server's Assignment List
    for action in ("fetch", "submit"):
        status, _, text = client.request("POST", f"/user/{alice}/assignments/{action}"
                                                 f"?course_id=spm-course&assignment_id={A}", {})
        assert status == 200 and "Traceback" not in text, text
    submissions = {p.name.split("+")[0]: p for p in exchange.joinpath("inbound").iterdir()}
    assert sorted(submissions) == sorted([alice, bob])

    targets = {
        "the instructor's course folder": (course, "list"),
        "source/ (solutions and hidden tests)": (course / "source" / A / "exercises.ipynb", "read"),
        "the gradebook": (course / "gradebook.db", "read"),
        "the software copy's source/": (kit.REPO / "source", "list"),
        "the exchange's inbound folder": (exchange / "inbound", "list"),
        "the hub's database": (hub_dir / "jupyterhub.sqlite", "read"),
        "bob's submission folder": (submissions[bob], "list"),
        "bob's submitted notebook": (submissions[bob] / "exercises.ipynb", "read"),
        # what a student must reach
        "the released assignment": (exchange / "outbound" / A / "exercises.ipynb", "read"),
        "alice's own submission": (submissions[alice] / "exercises.ipynb", "read"),
    }
    printed = _run_in_own_loop(_run_in_kernel(client, alice, PROBE % json.dumps(
        {name: [str(path), how] for name, (path, how) in targets.items()})))
    seen = json.loads(printed.strip().splitlines()[-1])
    assert seen == {**{name: "denied" for name in targets},
                    "the released assignment": "read", "alice's own submission": "read"}

    # the modes of the guide's table ("Who can read what"), as the hub config applied them
    graders = accounts.gid(accounts.graders_group)

    def mode(path):
        st = os.lstat(path)
        return st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)

    assert mode(course)[1:] == (graders, "0o2770")
    assert mode(hub_dir / "exchange") == (0, 0, "0o1777")
    assert mode(hub_dir / "jupyterhub.sqlite") == (0, 0, "0o600")
    assert mode(exchange / "inbound") == (accounts.uid("teacher"), graders, "0o3773")
    assert mode(exchange / "outbound")[1:] == (graders, "0o755")
    assert mode(submissions[bob]) == (accounts.uid("bob"), graders, "0o770")
    assert mode(submissions[bob] / "exercises.ipynb") == (accounts.uid("bob"), graders, "0o640")

    # the instructor still collects both submissions (the graders' group reads them)
    accounts.run_as("teacher", python, "nbgrader", "collect", A, cwd=course, SPM_EXCHANGE=hub_dir / "exchange")
    for student in (alice, bob):
        assert (course / "submitted" / student / A / "exercises.ipynb").is_file()

    # a student's own token does not open the instructor's server
    status, _, text = client.api("POST", f"/users/{alice}/tokens", {"expires_in": 600})
    assert status == 201, text
    student = Hub(client.url, json.loads(text)["token"])
    status, _, _ = student.request("GET", f"/user/{teacher}/api/contents/nbgrader_config.py?content=0")
    assert status == 403
    status, _, _ = student.request("GET", f"/user/{alice}/api/contents?content=0")
    assert status == 200
