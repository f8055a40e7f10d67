"""Command line: ``python run.py [COMMAND] ...``; with no command, run the default scenario.

Each subcommand lives in ``sim/cli/commands/<name>.py`` with ``add_parser(subparsers)`` and
``main(args) -> exit code``. Users' errors print one line each and exit 2 (``--debug`` shows the
traceback).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import signal
import sys
from pathlib import Path

from sim.config.errors import UserError, closest
from sim.reporting.folder import user_path

COMMANDS = ["run", "compare", "sweep", "optimize", "sensitivity", "check", "validate", "schema", "report"]
REPO = Path(__file__).resolve().parents[2]
# The default scenario: the checkout's scenarios/ when run from one, else the copy installed
# inside the package as sim/scenarios/ (pyproject.toml ships it in the wheel).
_CHECKOUT_SCENARIO = REPO / "scenarios" / "pingyang.yaml"
DEFAULT_SCENARIO = (
    _CHECKOUT_SCENARIO
    if _CHECKOUT_SCENARIO.is_file()
    else Path(__file__).resolve().parents[1] / "scenarios" / "pingyang.yaml"
)
RESULTS = Path("results")  # default results root: relative to the current folder, like --out


def prog_name() -> str:
    """How the user started Red Vest, for usage lines: ``python run.py`` or ``redvest``."""
    return "python run.py" if Path(sys.argv[0]).name == "run.py" else "redvest"


class Parser(argparse.ArgumentParser):
    """argparse with users' errors on one line (exit 2), like every other invalid input."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = Parser(
        prog=prog_name(),
        description="Red Vest (红马甲): simulate volunteer service coverage and measure it against "
        "the urban 10-minute and rural same-day promises. With no command, runs "
        "the default Pingyang scenario.",
        epilog="Times are minutes. Exit status: 0 ok, 1 a check failed, 2 invalid input, 130 interrupted "
        "(Ctrl-C or SIGTERM, at any moment).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"sim.cli.commands.{name}").add_parser(sub)
    return parser


# the commands that take a list of files, and the name of that list
LISTS = {"compare": "scenarios", "check": "paths", "validate": "files"}
# what an error of the machine's (an OSError) asks of the place it names, by errno
OS_EXPECTED = {
    errno.EEXIST: "a folder there, not a file (or nothing)",
    errno.ENOTDIR: "a folder there, not a file",
    errno.EISDIR: "a file there, not a folder",
    errno.EACCES: "a place you may read and write",
    errno.EPERM: "a place you may read and write",
    errno.EROFS: "a place you may write (not a read-only file system)",
    errno.ENOSPC: "free space on the disk",
    errno.EDQUOT: "free space within your disk quota",
    errno.ENOENT: "a file or folder that exists",
}


def _mistyped_command(word: str) -> bool:
    """Whether the first word, which is not a command, cannot be the scenario that the default
    ``run`` takes either: no option, no YAML suffix, no folder in it and no such file, e.g.
    ``valiate`` (a command mistyped) or ``pingyang`` (a scenario without its path)."""
    return (
        word not in COMMANDS
        and not word.startswith("-")
        and Path(word).suffix.lower() not in (".yaml", ".yml")
        and "/" not in word
        and os.sep not in word
        and not Path(word).exists()
    )


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status. An interrupt (Ctrl-C, SIGTERM) at any moment,
    the scientific libraries' imports included, prints "interrupted" and returns 130."""
    signal.signal(signal.SIGTERM, _terminated)  # clean up (temporary folder, workers) as on Ctrl-C
    try:
        return _main(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    """Parse ``argv`` (the command line without the program's name), run the command and map
    its errors to exit codes (:func:`main`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = [a for a in argv if a == "--debug"][:1]  # before or after the command
    rest = [a for a in argv if a != "--debug"]
    if rest and _mistyped_command(rest[0]):
        close = closest(rest[0].lower(), COMMANDS)
        parser.error(
            f"{rest[0]!r} is neither a command nor a scenario file; expected one of "
            f"{', '.join(COMMANDS)}{f' (did you mean {close!r}?)' if close else ''}, or a scenario "
            "YAML file to run"
        )
    if not rest or rest[0] not in (*COMMANDS, "-h", "--help"):  # `--out check` is no command
        rest = ["run", *rest]
    args, extra = parser.parse_known_args(debug + rest)
    listed = LISTS.get(args.command)
    if extra and listed and not any(a.startswith("-") for a in extra):
        # more files after an option (``compare A.yaml --reps 2 B.yaml``): the same list, in order
        getattr(args, listed).extend(extra)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    module = importlib.import_module(f"sim.cli.commands.{args.command}")
    try:
        return int(module.main(args) or 0)
    except UserError as exc:
        if args.debug:
            raise
        return exc.report()
    except BrokenPipeError:  # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # the machine refused: a full disk, a permission, a vanished folder
        if args.debug:
            raise
        where = user_path(exc.filename) if exc.filename else "output"
        expected = OS_EXPECTED.get(exc.errno, "a readable file, or a writable place with free space")
        print(f"{where}: {exc.strerror or exc}; expected {expected}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
