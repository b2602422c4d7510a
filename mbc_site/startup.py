"""Start-up refusal with a short message, for manage.py and the WSGI entry point.

A server that is missing its configuration stops before it starts, with one line per
problem on standard error naming the variable, and no traceback: the message is for the
person deploying, who needs the variable's name, not Django's call stack.

    manage.py runserver | migrate | check, and every command that runs system checks
    mbc_site.wsgi (python -c "import mbc_site.wsgi", gunicorn)

Offline commands that run no system checks (``recommend``, ``survival_report``) need no
configuration and are let through.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from django.core.exceptions import ImproperlyConfigured

# Commands that check the configuration themselves (their requires_system_checks is empty).
SERVER_COMMANDS = frozenset({"runserver", "migrate", "check"})
EXIT_MISCONFIGURED = 3


def stop(problems: Sequence[str]) -> None:
    for problem in problems:
        print(f"MBC Board cannot start: {' '.join(problem.split())}", file=sys.stderr)
    sys.stderr.flush()
    raise SystemExit(EXIT_MISCONFIGURED)


def configuration_problems(*, serving: bool = False) -> list[str]:
    """The serious start-up problems (mbc_site/checks.py), one line each. `serving` adds
    what only a running server needs, once the rest is right: collected static files."""
    from django.core import checks

    from mbc_site.checks import TAG, static_files_problems

    problems = [
        f"{m.msg} {m.hint or ''}".strip() for m in checks.run_checks(tags=[TAG]) if m.is_serious()
    ]
    if serving and not problems:
        problems = static_files_problems()
    return problems


def _runs_checks(name: str) -> bool:
    from django.core.management import get_commands, load_command_class

    if name in SERVER_COMMANDS:
        return True
    app = get_commands().get(name)
    if app is None:
        return False  # Django answers an unknown command itself
    command = app if not isinstance(app, str) else load_command_class(app, name)
    return bool(command.requires_system_checks)


def manage(argv: list[str]) -> None:
    """manage.py's main: refuses a misconfigured server command, then runs the command."""
    from django.core.management import execute_from_command_line

    try:
        name = argv[1] if len(argv) > 1 and not argv[1].startswith("-") else None
        # Other settings (--settings, --pythonpath) are Django's to load, and help is help.
        own = not any(a.startswith(("--settings", "--pythonpath", "--help", "-h")) for a in argv)
        if name and own:
            import django

            django.setup()
            if _runs_checks(name):
                problems = configuration_problems()
                if problems:
                    stop(problems)
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        stop([str(exc)])


def wsgi_application():
    """The WSGI application, or a short message and exit when misconfigured."""
    try:
        import django

        django.setup(set_prefix=False)
        problems = configuration_problems(serving=True)
    except ImproperlyConfigured as exc:
        problems = [str(exc)]
    if problems:
        stop(problems)
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()
