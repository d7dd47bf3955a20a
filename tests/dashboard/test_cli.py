from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dashboard.auth import authenticate
from dashboard.cli import users
from pipeline.store.session import open_store


def test_users_add_list_disable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    env = {"CALLQA_DATABASE_URL": url}
    r = runner.invoke(users, ["add", "lina", "--role", "auditor", "--password-stdin"],
                      input="a-good-passphrase\n", env=env)
    assert r.exit_code == 0, r.output
    assert "created lina (auditor)" in r.output
    r = runner.invoke(users, ["add", "wei", "--role", "admin"],
                      input="another-passphrase\nanother-passphrase\n", env=env)
    assert r.exit_code == 0, r.output
    assert "another-passphrase" not in r.output  # prompt hides input
    r = runner.invoke(users, ["list"], env=env)
    assert r.exit_code == 0
    lines = r.output.splitlines()
    assert lines[0].split()[:3] == ["lina", "auditor", "active"]
    assert lines[1].split()[:3] == ["wei", "admin", "active"]

    factory = open_store(url)
    assert authenticate(factory, "lina", "a-good-passphrase").user is not None
    r = runner.invoke(users, ["disable", "lina"], env=env)
    assert r.exit_code == 0
    assert authenticate(factory, "lina", "a-good-passphrase").user is None
    r = runner.invoke(users, ["enable", "lina"], env=env)
    assert authenticate(factory, "lina", "a-good-passphrase").user is not None


def test_users_errors_are_clean(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    r = runner.invoke(users, ["add", "x", "--role", "auditor", "--password-stdin",
                              "--database-url", url], input="short\n")
    assert r.exit_code == 1 and "at least" in r.output
    r = runner.invoke(users, ["add", "x", "--role", "boss", "--password-stdin",
                              "--database-url", url], input="long-enough-pw\n")
    assert r.exit_code == 2 and "boss" in r.output
    r = runner.invoke(users, ["disable", "ghost", "--database-url", url])
    assert r.exit_code == 1 and "no user" in r.output
