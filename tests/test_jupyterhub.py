"""deploy/jupyterhub_config.py, tested: a real JupyterHub on 127.0.0.1 whose single-user servers see the course.

The hub loads the deploy example unchanged and replaces only what a test machine lacks: the authenticator
(``dummy``: no system accounts), the spawner (``simple``: servers run as the test's user, homes under
tmp_path) and the ports. The proxy is the Python ``configurable-http-proxy`` (requirements-test.txt), so no
Node.js is needed. Checks, through the proxy with a service token:

- a student's server lists the assignment the instructor released into the shared exchange (the students'
  nbgrader config written by the hub config: course id and exchange);
- the instructor's server starts in the course folder, and its formgrader sees the course's assignment;
- single-user pages forbid framing (``frame-ancestors 'none'``), which is why the formgrader is opened in its own
  tab (nbgrader issue #1870).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "course"))
import coursekit as kit  # noqa: E402

from spmcourse.grading import kill_tree  # noqa: E402

DEPLOY = kit.REPO / "deploy" / "jupyterhub_config.py"
A = kit.ASSIGNMENT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("jupyterhub")]

TEST_CONFIG = """
load_subconfig({deploy!r})
# --- test machine only: no system accounts, no root separation ---
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.args = {args!r}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.services = [{{"name": "spm-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "spm-test", "services": ["spm-test"],
                            "scopes": ["admin:users", "admin:servers", "access:servers", "list:users"]}}]
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


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    chp = shutil.which("configurable-http-proxy", path=str(Path(sys.executable).parent))
    if not chp or shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("jupyterhub and configurable-http-proxy are test requirements: run `make test` "
                    "(pip install -r requirements-test.txt)")
    base = tmp_path_factory.mktemp("hub")
    mark = f"jupyterhub-{time.time()}"
    course = kit.build_template(base / "course", cell_timeout=30)
    hub_dir, homes = base / "hub", base / "homes"
    hub_dir.mkdir()
    homes.mkdir()
    port, hub_port, api_port = _free_ports(3)
    token = secrets.token_hex(16)
    config = base / "jupyterhub_test_config.py"
    config.write_text(TEST_CONFIG.format(deploy=str(DEPLOY), homes=str(homes), hub_port=hub_port,
                                         api_port=api_port, chp=chp, token=token,
                                         args=["--allow-root"] if os.geteuid() == 0 else []))
    env = kit.env(SPM_HUB_DIR=hub_dir, SPM_COURSE_ROOT=course, SPM_INSTRUCTORS="teacher",
                  SPM_HUB_BIND_URL=f"http://127.0.0.1:{port}", **{kit.MARK_VAR: mark})
    for var in ("SPM_EXCHANGE", "SPM_GRADEBOOK_URL", "JUPYTER_CONFIG_PATH", "JUPYTERHUB_API_TOKEN"):
        env.pop(var, None)
    log = open(base / "hub.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
                            cwd=hub_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    client = Hub(f"http://127.0.0.1:{port}", token)
    try:
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
        kit.nbgrader(course, "release_assignment", A, SPM_EXCHANGE=hub_dir / "exchange")
        yield client, course, hub_dir, base
    finally:
        proc.send_signal(signal.SIGTERM)  # the hub stops the proxy and the single-user servers
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        kill_tree(proc.pid)
        log.close()
        assert kit.leftover_processes(mark, wait=10) == []


# One test, not three sharing a module fixture: pytest-xdist's xdist_group does not keep a module's tests on one
# worker with pytest 9, and a second worker would start a second hub.
def test_hub_serves_the_course_to_students_and_instructors(hub):
    client, course, hub_dir, _ = hub
    # the hub wrote the students' nbgrader config; the instructor released into the shared exchange
    config = (hub_dir / "jupyter-config" / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'spm-course'" in config
    assert f"c.Exchange.root = {str(hub_dir / 'exchange')!r}" in config
    assert (hub_dir / "exchange" / "spm-course" / "outbound" / A / "exercises.ipynb").is_file()

    # a student's server sees the released assignment in its Assignment List
    client.start_server("alice")
    status, headers, text = client.request("GET", "/user/alice/assignments?course_id=spm-course")
    assert status == 200, text
    listing = json.loads(text)
    assert listing["success"], listing
    released = [a for a in listing["value"] if a["assignment_id"] == A]
    assert released and released[0]["status"] == "released" and released[0]["course_id"] == "spm-course"
    status, _, text = client.request("GET", "/user/alice/courses")
    assert status == 200 and "spm-course" in text

    # the instructor's server starts in the course folder and its formgrader works on the course
    client.start_server("teacher")
    status, _, text = client.request("GET", "/user/teacher/api/contents/nbgrader_config.py?content=0")
    assert status == 200, text
    status, _, text = client.request("GET", "/user/teacher/formgrader/api/assignments")
    assert status == 200, text
    assignments = json.loads(text)
    assert [a["name"] for a in assignments] == [A]
    assert assignments[0]["releaseable"] is True
    status, headers, text = client.request("GET", "/user/teacher/formgrader")
    assert status == 200 and "<title>nbgrader formgrade</title>" in text
    csp = {k.lower(): v for k, v in headers.items()}.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp  # why the formgrader is opened in its own tab
