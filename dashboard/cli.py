"""`callqa users ...` and `callqa dashboard`: register ``users`` and ``dashboard``
in pipeline/cli.py with ``main.add_command(...)``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from dashboard.auth import UserError, add_user, list_users, set_active
from dashboard.permissions import USER_ROLES
from pipeline.settings import load_settings
from pipeline.store.session import open_store

APP = Path(__file__).resolve().parent / "app.py"


def _url(database_url: str | None) -> str:
    return database_url or load_settings().database_url


database_option = click.option(
    "--database-url", envvar="CALLQA_DATABASE_URL", default=None,
    help="SQLAlchemy URL of the store (default: CALLQA_DATABASE_URL or sqlite:///data/callqa.db)")


@click.group("users")
def users() -> None:
    """Manage dashboard sign-in accounts."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of stdin (for scripts).")
@database_option
def users_add(username: str, role: str, password_stdin: bool, database_url: str | None) -> None:
    """Create USERNAME with ROLE; the password is asked for (never an argument)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        info = add_user(open_store(_url(database_url)), username, role, password,
                        by=os.environ.get("USER", "cli"))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {info.username} ({info.role})")


DEMO_PASSWORD = "callqa-demo"
DEMO_USERS = (("admin", "admin"), ("auditor", "auditor"), ("trainer", "trainer"),
              ("risk_officer", "risk_officer"))


@users.command("ensure-demo")
@database_option
def users_ensure_demo(database_url: str | None) -> None:
    """Create the demo accounts (password callqa-demo) where missing; for the sample demo only."""
    factory = open_store(_url(database_url))
    existing = {u.username for u in list_users(factory)}
    for username, role in DEMO_USERS:
        if username not in existing:
            add_user(factory, username, role, DEMO_PASSWORD, by="ensure-demo")
            click.echo(f"created demo user {username} ({role}), password {DEMO_PASSWORD}")


@users.command("list")
@database_option
def users_list(database_url: str | None) -> None:
    """List accounts with role and state."""
    rows = list_users(open_store(_url(database_url)))
    if not rows:
        click.echo("no users; create one with: callqa users add NAME --role admin")
        return
    for u in rows:
        state = "active" if u.active else "disabled"
        click.echo(f"{u.username:<24} {u.role:<13} {state:<9} {u.created_at:%Y-%m-%d}")


@users.command("disable")
@click.argument("username")
@database_option
def users_disable(username: str, database_url: str | None) -> None:
    """Stop USERNAME from signing in (history and reviews are kept)."""
    try:
        set_active(open_store(_url(database_url)), username, False,
                   by=os.environ.get("USER", "cli"))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"disabled {username}")


@users.command("enable")
@click.argument("username")
@database_option
def users_enable(username: str, database_url: str | None) -> None:
    """Allow a disabled USERNAME to sign in again."""
    try:
        set_active(open_store(_url(database_url)), username, True,
                   by=os.environ.get("USER", "cli"))
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"enabled {username}")


@click.command("dashboard")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 to serve the network.")
@database_option
def dashboard(port: int, address: str, database_url: str | None) -> None:
    """Serve the review dashboard (Streamlit)."""
    env = dict(os.environ)
    env["CALLQA_DATABASE_URL"] = _url(database_url)
    # Create the schema up front so a fresh install shows the sign-in page, not an error.
    open_store(env["CALLQA_DATABASE_URL"])
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.headless", "true",
           "--server.port", str(port), "--server.address", address,
           "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer"]
    raise SystemExit(subprocess.call(cmd, env=env))
