"""Are the configuration files that deploy/README.md shows right? The nginx reverse proxy passes `nginx -t` (with a
throw-away certificate), forwards WebSockets and TLS to the address the hub listens on; the systemd unit starts
the hub from the documented paths and reads its settings from a root-only file whose variables are the ones
jupyterhub_config.py reads."""
from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
README = ROOT / "deploy" / "README.md"
HUB_CONFIG = ROOT / "deploy" / "jupyterhub_config.py"


def config_block(name: str) -> str:
    """The fenced block after ``<!-- config: name -->`` in the README, dedented."""
    text = README.read_text(encoding="utf-8")
    m = re.search(r"<!-- config: " + re.escape(name) + r" -->\n([ ]*)```\w*\n(.*?)\n[ ]*```", text, re.S)
    assert m, f"deploy/README.md has no block marked <!-- config: {name} -->"
    return textwrap.dedent(m.group(2))


def hub_bind_url() -> str:
    m = re.search(r'os\.environ\.get\("SPM_HUB_BIND_URL", "([^"]+)"\)', HUB_CONFIG.read_text())
    assert m, "jupyterhub_config.py no longer reads SPM_HUB_BIND_URL"
    return m.group(1)


def test_nginx_proxy_is_valid_and_forwards_websockets_to_the_hub(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("nginx is missing: run `make system-deps` (Debian package nginx-light)")
    site = config_block("nginx")
    assert f"proxy_pass {hub_bind_url()};" in site  # the address the hub listens on
    for line in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                 "proxy_set_header Connection $connection_upgrade;", "map $http_upgrade $connection_upgrade",
                 "proxy_set_header X-Forwarded-Proto $scheme;"):
        assert line in site, f"the proxy lacks {line!r}"
    assert re.search(r"listen 443 ssl", site) and "return 301 https://" in site

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=course.example.org", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    site = (site.replace("/etc/letsencrypt/live/course.example.org/fullchain.pem", str(cert))
                .replace("/etc/letsencrypt/live/course.example.org/privkey.pem", str(key)))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
                    f"http {{\naccess_log off;\n{site}\n}}\n")
    result = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                             "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr + (tmp_path / "error.log").read_text(errors="replace")


def test_systemd_unit_and_its_root_only_settings_file():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read_string(config_block("systemd-unit"))
    service = unit["Service"]
    program, flag, config = service["ExecStart"].split()
    assert flag == "-f" and program == "/opt/spm-course/.venv/bin/jupyterhub"
    assert config == "/opt/spm-course/deploy/jupyterhub_config.py"  # the software copy's file, which exists:
    assert (ROOT / Path(config).relative_to("/opt/spm-course")).is_file()
    assert service["WorkingDirectory"] == "/srv/spm-course"
    env_file = service["EnvironmentFile"]
    assert "SPM_GRADEBOOK_URL" not in config_block("systemd-unit")  # the password lives in the env file only

    settings = dict(line.split("=", 1) for line in config_block("hub-env").splitlines() if line.strip())
    read = set(re.findall(r'os\.environ\.get\("(SPM_\w+)"', HUB_CONFIG.read_text()))
    assert set(settings) <= read, f"jupyterhub_config.py does not read {set(settings) - read}"
    assert settings["SPM_HUB_DIR"] == service["WorkingDirectory"]
    text = README.read_text()
    assert f"chmod 0600 {env_file}" in text and f"chown root:root {env_file}" in text
