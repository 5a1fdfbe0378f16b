"""`bridgeline run | sandbox | scan | check-content | sync | backup | migrate-data`.

Every failure a person can fix ends in one clear line and exit code 2 (1 for content problems,
which `check-content` reports one per line); tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.config import ConfigError, MissingTokenError, Settings, load_settings
from bot.log import setup_logging
from bot.safety.rules import DEFAULT_SENSITIVITY, SENSITIVITIES
from bot.sharding import ShardError, parse_shard_plan

log = logging.getLogger(__name__)

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

NO_TOKEN_HELP = """\
Bridgeline needs a Discord bot token to connect to Discord, and none is set.

To get one (about five minutes):
  1. Open https://discord.com/developers/applications and choose "New Application".
  2. In the "Bot" tab choose "Reset Token" and copy the token.
  3. On the same tab, under "Privileged Gateway Intents", turn on MESSAGE CONTENT INTENT
     (the safety listener cannot read messages without it).
  4. Put the token in a file named .env here:   DISCORD_TOKEN=your-token
     (copy .env.example to start), then run `bridgeline run` again.
  5. Invite the bot with the scopes `bot` and `applications.commands` (README, "Creating the
     Discord application", lists the permissions), then run `bridgeline sync` once.

No token yet? Try everything offline, no network needed:   bridgeline sandbox
"""


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"bridgeline: {message}", file=sys.stderr)
    return code


def _settings(require_token: bool) -> Settings:
    settings = load_settings(require_token=require_token)
    setup_logging(settings.log_level, secrets=[settings.token or "", settings.secret.decode()])
    return settings


def cmd_check_content(args: argparse.Namespace) -> int:
    from bot.content import check_content, summarize

    directory = (
        Path(args.directory)
        if args.directory
        else load_settings(require_token=False, env_file=Path(".env")).content_dir
    )
    content, problems = check_content(directory)
    if content is not None:
        from bot.i18n.command_check import command_problems

        problems += asyncio.run(command_problems(directory, content))
    else:  # without content the cogs cannot be loaded: check the files alone
        from bot.i18n.commands import read_command_texts

        problems += read_command_texts(directory)[1]
    for problem in problems:
        print(problem)
    if problems or content is None:
        print(f"{len(problems)} problem(s) in {directory}", file=sys.stderr)
        return EXIT_CONTENT
    print(summarize(content))
    return EXIT_OK


def _load_content_or_report(settings: Settings) -> object | None:
    from bot.content import check_content

    content, problems = check_content(settings.content_dir)
    if problems or content is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(
            f"bridgeline: the content in {settings.content_dir} has {len(problems)} problem(s); "
            "fix them (see `bridgeline check-content`) and start again.",
            file=sys.stderr,
        )
        return None
    return content


def cmd_run(args: argparse.Namespace) -> int:
    try:
        shards = parse_shard_plan(args.shards, args.shard_ids)
    except ShardError as exc:
        return _fail(str(exc))
    try:
        settings = _settings(require_token=True)
    except MissingTokenError:
        print(NO_TOKEN_HELP, file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        return _fail(str(exc))
    content = _load_content_or_report(settings)
    if content is None:
        return EXIT_CONTENT
    from bot.runner import run_bot

    return asyncio.run(run_bot(settings, content, shards))  # type: ignore[arg-type]


def cmd_sync(args: argparse.Namespace) -> int:
    try:
        settings = _settings(require_token=True)
    except ConfigError as exc:
        return _fail(str(exc))
    content = _load_content_or_report(settings)
    if content is None:
        return EXIT_CONTENT
    from bot.runner import sync_commands

    guild = args.guild if args.guild is not None else None
    return asyncio.run(sync_commands(settings, content, guild))  # type: ignore[arg-type]


def cmd_backup(args: argparse.Namespace) -> int:
    from bot.storage.backup import backup_database

    try:
        settings = load_settings(require_token=False)
    except ConfigError as exc:
        return _fail(str(exc))
    if not settings.database_url.startswith("sqlite"):
        return _fail(
            "the database is PostgreSQL (DATABASE_URL): back it up with pg_dump, which makes a "
            "consistent copy while the bot runs."
        )
    destination = Path(args.path)
    try:
        pages = backup_database(settings.database_path, destination)
    except FileNotFoundError:
        return _fail(
            f"no database at {settings.database_path}: has the bot run with this BRIDGELINE_DATA_DIR?"
        )
    except OSError as exc:
        return _fail(f"could not write {destination}: {exc.strerror or exc}")
    print(f"Backed up {pages} pages to {destination}")
    return EXIT_OK


def cmd_migrate_data(args: argparse.Namespace) -> int:
    from bot.storage.backend import DatabaseUrlError, check_url, describe_url
    from bot.storage.copy import CopyError, copy_database
    from bot.storage.db import StorageError
    from bot.storage.migrate import MigrationError

    try:
        check_url(args.source)
        check_url(args.target)
        copied = asyncio.run(copy_database(args.source, args.target))
    except (DatabaseUrlError, CopyError, StorageError, MigrationError) as exc:
        return _fail(str(exc))
    for table in copied:
        print(f"  {table.table:<24} {table.rows:>8} rows  checksum {table.checksum[:16]}")
    total = sum(t.rows for t in copied)
    print(
        f"Copied {total} rows in {len(copied)} tables to {describe_url(args.target)}; every "
        "table verified (row count and checksum). Set DATABASE_URL to it and start the bot."
    )
    return EXIT_OK


def cmd_scan(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from bot.content import ContentError, load_content
    from bot.safety.detector import detector_for
    from bot.safety.scan_cli import run_scan
    from bot.safety.scanner import SafetyScanner, load_meaning_layer

    try:
        settings = load_settings(require_token=False)
        content = load_content(settings.content_dir)
    except ConfigError as exc:
        return _fail(str(exc))
    except ContentError as exc:
        return _fail(str(exc), EXIT_CONTENT)
    argv = ["--eval", args.eval] if args.eval else []
    use_meaning = settings.meaning_layer and not args.patterns_only
    meaning = load_meaning_layer() if use_meaning else None
    scanner = SafetyScanner(detector_for(content.safety), meaning, sensitivity=args.sensitivity)
    return run_scan(argv, stdin, stdout, scanner)


def cmd_train_semantic(args: argparse.Namespace) -> int:
    from bot.safety.semantic import HEAD_PATH
    from bot.safety.train_semantic import train, train_fine_tuned

    out = Path(args.out) if args.out else HEAD_PATH
    files = [Path(p) for p in args.files]
    if not args.fine_tune:
        checks = [Path(p) for p in args.validate or ()]
        kept = [Path(p) for p in args.keep_out or ()]
        return train(files, out, sys.stdout, checks, kept)
    if not args.validate:
        return _fail("--fine-tune needs --validate FILE... (lines kept out of training)")
    base = Path(args.base) if args.base else None
    validation = [Path(p) for p in args.validate]
    kept = [Path(p) for p in args.keep_out or ()]
    return train_fine_tuned(
        files, validation, out, sys.stdout, base, args.epochs, kept, args.layers
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    from bot.sandbox import run

    return run(data_dir=Path(args.data_dir) if args.data_dir else None, locale=args.locale)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridgeline",
        description="Bridgeline: a calm, private Discord bot for people whose partner goes silent.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser("run", help="connect to Discord and serve (needs DISCORD_TOKEN)")
    run.add_argument(
        "--shards",
        type=int,
        metavar="N",
        help="total number of shards across all processes (needed past 2,500 servers)",
    )
    run.add_argument(
        "--shard-ids",
        metavar="IDS",
        help="the shards this process runs, like 0,1 (default: all of them); run the others "
        "in other processes on the same DATABASE_URL",
    )
    sandbox = sub.add_parser("sandbox", help="try the bot offline against a local fake Discord")
    sandbox.add_argument("--data-dir", help="keep the sandbox's data here (default: a temp dir)")
    sandbox.add_argument(
        "--locale", help="act as a member whose Discord language is this (e.g. es-ES, de, pt-BR)"
    )
    scan = sub.add_parser("scan", help="run the safety detector over JSON lines on stdin")
    scan.add_argument("--eval", metavar="FILE", help="score the detector on a labelled file")
    scan.add_argument(
        "--patterns-only", action="store_true", help="skip the meaning (embedding) layer"
    )
    scan.add_argument(
        "--sensitivity",
        choices=SENSITIVITIES,
        default=DEFAULT_SENSITIVITY,
        help="the meaning layer's thresholds, as a server's /setup safety-sensitivity "
        "(default %(default)s; patterns are the same at every level)",
    )
    train = sub.add_parser(
        "train-semantic", help="fit the safety meaning layer on labelled JSON lines files"
    )
    train.add_argument("files", nargs="+", help="labelled files (the dev set format)")
    train.add_argument("--out", help="where to write the head (default: the shipped one)")
    train.add_argument(
        "--fine-tune",
        action="store_true",
        help="train the encoder too (needs the [train] extra); writes the int8 weights beside --out",
    )
    train.add_argument(
        "--validate",
        nargs="+",
        metavar="FILE",
        help="lines kept out of training to pick the threshold sets on (quiet, balanced, "
        "sensitive); needed with --fine-tune",
    )
    train.add_argument(
        "--keep-out",
        nargs="+",
        metavar="FILE",
        help="evaluation sets (the blind first-look sets): training lines that nearly repeat "
        "one of their lines, or of --validate, are left out",
    )
    train.add_argument("--base", help="with --fine-tune: the original model's folder")
    train.add_argument("--epochs", type=int, help="with --fine-tune: passes over the data (4)")
    train.add_argument(
        "--layers", type=int, help="with --fine-tune: the encoder's top layers that learn (all 6)"
    )
    check = sub.add_parser("check-content", help="validate the content TOML files")
    check.add_argument("directory", nargs="?", help="content folder (default: CONTENT_DIR)")
    sync = sub.add_parser("sync", help="register slash commands with Discord (run after updates)")
    sync.add_argument("--guild", type=int, help="sync to one server only (instant, for testing)")
    backup = sub.add_parser("backup", help="write a consistent copy of the database")
    backup.add_argument("path", help="where to write the copy")
    copy = sub.add_parser(
        "migrate-data",
        help="copy every table into an empty database (e.g. SQLite to PostgreSQL), verified",
    )
    copy.add_argument(
        "--from",
        dest="source",
        required=True,
        metavar="URL",
        help="the database to copy, e.g. sqlite:///data/bridgeline.sqlite3",
    )
    copy.add_argument("--to", dest="target", required=True, metavar="URL",
                      help="an empty database, e.g. postgresql://user:pw@host/bridgeline")  # fmt: skip
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            parser.print_help()
            return EXIT_OK
        if args.command == "run":
            return cmd_run(args)
        if args.command == "scan":
            return cmd_scan(args, sys.stdin, sys.stdout)
        handlers = {
            "sandbox": cmd_sandbox,
            "check-content": cmd_check_content,
            "sync": cmd_sync,
            "backup": cmd_backup,
            "migrate-data": cmd_migrate_data,
            "train-semantic": cmd_train_semantic,
        }
        return handlers[args.command](args)
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return EXIT_OK
