"""The ``qa-bot`` command: a thin shell over the library.

Errors the user can fix (:class:`QaBotError`) become one line on standard error and an exit code
(2 for usage, 1 otherwise); ``no_answer`` is a successful answer (exit 0).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import textwrap
import time
import warnings
from pathlib import Path

from . import __version__
from .config import load_config
from .errors import ConfigWarning, CorpusError, QaBotError, TooSlowError, UsageError
from .gc_pause import gc_paused

EPILOG = """\
environment variables:
  QA_BOT_CORPUS      corpus folder (default: the bundled corpus/)
  QA_BOT_INDEX_DIR   index folder (default: a folder per corpus under ~/.cache/qa-bot)
  QA_BOT_CONFIG      a TOML config file (default: ./qa-bot.toml if present)
  QA_BOT_<SETTING>   any other setting, e.g. QA_BOT_DISCLAIMER, QA_BOT_MIN_SCORE (see README);
                     a QA_BOT_ variable that is no setting gets a warning naming the nearest one

exit codes: 0 success (including "no answer"), 1 error, 2 usage error
"""


# The codes the API gives the same errors (webapp.py), for a line of 'ask -' that gets no answer.
BATCH_ERROR_CODES = {UsageError: "invalid_question", TooSlowError: "too_slow"}
CHECK_LISTED = 50  # 'corpus check' lists each article only for corpora up to this size


class Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _global_options(parser: argparse.ArgumentParser, default=None) -> None:
    """The options every command takes, before or after its name. On the commands they default to
    SUPPRESS, so an option given before the command is not reset by the command's own default."""
    parser.add_argument("--corpus", metavar="PATH", default=default, help="corpus: a folder of Markdown articles "
                        "or a .jsonl file of records (env QA_BOT_CORPUS)")
    parser.add_argument("--index-dir", metavar="DIR", default=default,
                        help="where the index is kept (env QA_BOT_INDEX_DIR)")
    parser.add_argument("--config", metavar="FILE", default=default, help="TOML config file (env QA_BOT_CONFIG)")


COMMON = Parser(add_help=False)
_global_options(COMMON, default=argparse.SUPPRESS)


def add_command(sub, name: str, summary: str, func=None, details: str = "") -> argparse.ArgumentParser:
    """Register one (sub)command: ``summary`` is its one line in the list of commands and the first line
    of its own --help, ``details`` what follows there. Every command takes the global options too."""
    if not summary or "\n" in summary:
        raise ValueError(f"command {name!r} needs a one-line summary")
    description = "\n\n".join([summary] + ([textwrap.fill(details, 88)] if details else []))
    parser = sub.add_parser(name, help=summary, description=description, parents=[COMMON],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    if func is not None:
        parser.set_defaults(func=func)
    return parser


def add_ask(sub) -> None:
    ask = add_command(sub, "ask", "Answer one question, or one per line from standard input with '-'.", cmd_ask,
                      "With '-', every line of standard input gets exactly one answer, in order: one JSON object "
                      "per line with --json. A blank or unusable line (too long, say) gets an error object instead, "
                      '{"line": N, "error": {"code": ..., "message": ...}}, and the exit code is then 2.')
    ask.add_argument("question", help="the question, or '-' to read questions from standard input")
    ask.add_argument("--json", action="store_true", help="print the JSON contract (one object per line)")


def add_chat(sub) -> None:
    add_command(sub, "chat", "Ask questions one after another in the terminal.", cmd_chat,
                "Type a question and press Enter; type 'quit' or press Ctrl-D to leave. After an answer, "
                "'/helpful' or '/not-helpful [wrong_topic|not_answered|hard_to_understand|out_of_date]' "
                "records feedback on it in the feedback store.")


def add_init(sub) -> None:
    init = add_command(sub, "init", "Start a clinic's folder: a commented qa-bot.toml and an articles/ folder to fill.",
                       cmd_init, "Creates DIR/qa-bot.toml (the settings, each explained) and DIR/articles/ (an "
                       "example article, a vocabulary file to fill in, a README for staff). Never overwrites a file.")
    init.add_argument("dir", metavar="DIR", help="the folder to create them in (made if missing)")


def add_index(sub) -> None:
    add_command(sub, "index", "Build (or rebuild) the index of the corpus and print a summary.", cmd_index,
                "Other commands build the index when it is missing or out of date; this does it now, e.g. "
                "before starting the server.")


def add_corpus(sub) -> None:
    corpus = add_command(sub, "corpus", "Tools for the corpus of articles.")
    actions = corpus.add_subparsers(dest="corpus_command", metavar="ACTION", parser_class=Parser, required=True)
    add_command(actions, "check", "Check every article (and vocabulary.yaml) without building anything.",
                cmd_corpus_check, "Prints each article's title and sections (for up to "
                f"{CHECK_LISTED} articles), or the first problem, by file and line, with exit code 1.")


def add_eval(sub) -> None:
    ev = add_command(sub, "eval", "Measure answer quality (or triage) on a labelled JSONL file.", cmd_eval)
    ev.add_argument("file", help="JSONL of questions (question, expect, sections or accept), of triage messages "
                    "(message, expect, kind): the forms of shared/eval/README.md, or of conversations "
                    '({"conversation": [turns]}: see the README)')
    ev.add_argument("--json", action="store_true", help="print the report as JSON")


def add_serve(sub) -> None:
    serve = add_command(sub, "serve", "Serve the website, the widget and the JSON API.", cmd_serve,
                        "Runs gunicorn with the configured workers; the index follows corpus edits "
                        "(reload_interval).")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default 2)")
    serve.add_argument("--debug", action="store_true",
                       help="Flask's development server with debugging (never in production)")


def add_proxy_config(sub) -> None:
    proxy = add_command(sub, "proxy-config", "Print the nginx config for running nginx in front of 'qa-bot serve'.",
                        cmd_proxy_config, "The production set-up in the README: nginx passes requests to "
                        "'qa-bot serve' at the configured host and port, refuses bodies over max_body_bytes, "
                        "drops slow clients and adds the security headers to nginx's own pages.")
    proxy.add_argument("--listen", default="80", metavar="[ADDRESS:]PORT",
                       help="where nginx listens (default 80: every address)")
    proxy.add_argument("--tls-certificate", metavar="FILE", help="HTTPS: the certificate chain (PEM, full path)")
    proxy.add_argument("--tls-key", metavar="FILE", help="HTTPS: the certificate's private key (PEM, full path)")


def add_report(sub) -> None:
    report = add_command(sub, "report", "Print the staff report from the feedback store.", cmd_report,
                         "Questions by status per day, the top reasons questions went unanswered, the sections "
                         "patients found not helpful and why, the articles not reviewed for over a year and, "
                         "with log_questions on, the most frequent unanswered questions.")
    report.add_argument("--since", default="30d", metavar="PERIOD", help="how far back: e.g. 30d, 12h, 8w (default 30d)")
    form = report.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the report as JSON")
    form.add_argument("--csv", action="store_true", help="print the report as CSV (table,key,detail,count)")


def add_purge(sub) -> None:
    add_command(sub, "purge", "Delete stored answers and feedback older than retention_days now.", cmd_purge,
                "The server purges by itself at start-up and then hourly; this does it on demand.")


def add_db(sub) -> None:
    db = add_command(sub, "db", "Tools for the feedback store's database.")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=Parser, required=True)
    add_command(actions, "upgrade", "Bring the database's schema to this qa-bot's version.", cmd_db_upgrade,
                "The server does it at start-up too; several servers starting at once upgrade once.")


def add_staff(sub) -> None:
    staff = add_command(sub, "staff", "Tools for the staff page (/staff).")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", parser_class=Parser, required=True)
    user = add_command(actions, "add-user", "Make a staff login: prints the staff_users entry for the config.",
                       cmd_staff_add_user, "Asks for the password twice (or reads one line from standard input "
                       "when it is not a terminal) and prints NAME:HASH (werkzeug's scrypt hash) to add to "
                       "staff_users in the config. The password itself is never stored.")
    user.add_argument("name", help="the login name (letters, digits, . _ -)")


# Each registers one command (in this order in --help). A new command: write add_x(sub), list it here.
COMMANDS = (add_ask, add_chat, add_init, add_index, add_corpus, add_eval, add_serve, add_proxy_config, add_report,
            add_purge, add_db, add_staff)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="qa-bot", description="Answer patients' questions from the clinic's own articles, "
               "quoting and citing them.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"qa-bot {__version__}")
    _global_options(p)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for register in COMMANDS:
        register(sub)
    return p


def _config(args, needs_corpus: bool = True):
    config = load_config(args.config, corpus=args.corpus, index_dir=args.index_dir,
                         **{k: getattr(args, k, None) for k in ("host", "port", "workers")})
    origin = config.origin("corpus")
    if needs_corpus and not Path(config.corpus).exists() and origin.startswith(("config file", "QA_BOT_")):
        # The reader's own message says to pass --corpus; this one says where the wrong path was set.
        kind = "file" if Path(config.corpus).suffix == ".jsonl" else "folder"
        raise CorpusError(config.corpus, f"corpus {kind} not found (the corpus set in {origin}): "
                          "correct it there, or pass --corpus")
    return config


def _bot(args):
    """The bot for the command's corpus. What it imports and loads lives as long as the process, so
    it is frozen out of the garbage collector's runs (see gc_pause.py): about 25 ms of a cold ask."""
    with gc_paused(freeze=True):
        from .answer import Bot

        config = _config(args)
    bot = Bot.from_config(config)  # loading is paused too; building an index (if needed) is not
    gc.freeze()
    return bot


def format_answer(answer) -> str:
    """An answer for people reading a terminal: the topic assumed for a follow-up, the answer once,
    the sections it quotes, the suggested questions, the disclaimer."""
    width = 88
    out = []
    if answer.assumed_topic:
        out += [textwrap.fill(f"(Reading this as about: {answer.assumed_topic})", width), ""]
    out.append(textwrap.fill(answer.answer, width))
    if answer.citations:
        out.append("")
        out += [f"[{i}] {c.article} — {c.section}  ({c.url}, score {c.score:.2f})"
                for i, c in enumerate(answer.citations, 1)]
    if answer.suggestions:
        out += ["", "You could ask:"] + [f"  - {s.text}" for s in answer.suggestions]
    out.append("")
    out.append(textwrap.fill(f"Note: {answer.disclaimer}", width))
    return "\n".join(out)


def cmd_ask(args) -> int:
    bot = _bot(args)
    if args.question != "-":
        answer = bot.ask(args.question)
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer))
        return 0
    status = 0
    for n, line in enumerate(sys.stdin, 1):
        try:
            answer = bot.ask(line)
        except (UsageError, TooSlowError) as exc:  # one bad line does not stop a batch, and still gets its line
            print(f"qa-bot: line {n}: {exc}", file=sys.stderr, flush=True)
            status = max(status, exc.exit_code)
            error = {"line": n, "error": {"code": BATCH_ERROR_CODES[type(exc)], "message": str(exc)}}
            print(json.dumps(error, ensure_ascii=False) if args.json else f"line {n}: not answered: {exc}\n", flush=True)
            continue
        print(json.dumps(answer.to_dict(), ensure_ascii=False) if args.json else format_answer(answer) + "\n", flush=True)
    return status


def cmd_chat(args) -> int:
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    from .feedback import ChatFeedback
    from .followup import MAX_TURNS, Turn

    bot = _bot(args)
    history: list[Turn] = []
    notes, last = ChatFeedback(bot.config), None
    print("Ask about our articles. Type 'quit' or press Ctrl-D to leave.\n")
    try:
        while True:
            try:
                line = input("you> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            if line.strip().lower() in ("quit", "exit", ":q"):
                return 0
            if not line.strip():
                continue
            said = notes.handle(line, last, bot.index.manifest["corpus_digest"][:16])
            if said is not None:  # /helpful or /not-helpful about the last answer
                print(said + "\n")
                continue
            try:
                answer = bot.ask(line, tuple(history))
            except (UsageError, TooSlowError) as exc:
                print(f"qa-bot: {exc}\n")
                continue
            print("\n" + format_answer(answer) + "\n")
            last = answer
            # The turns the next question may follow up on, as the widget keeps them.
            article = answer.citations[0].article if answer.citations else ""
            history = (history + [Turn(answer.question, article=article)])[-MAX_TURNS:]
    finally:
        notes.close()


def cmd_init(args) -> int:
    from .starter import init

    for path in init(args.dir):
        print(f"created {path}")
    print(f"next: cd {args.dir} && qa-bot corpus check && qa-bot ask \"What should I bring to my visit?\"")
    return 0


def cmd_index(args) -> int:
    from .index import build_index

    config = _config(args)
    start = time.perf_counter()
    index = build_index(config.corpus, config.resolved_index_dir)
    m = index.manifest
    print(f"indexed {m['articles']} article(s), {m['sections']} sections, {m['terms']} terms "
          f"in {time.perf_counter() - start:.2f} s -> {index.path}")
    return 0


def cmd_corpus_check(args) -> int:
    from .corpus import load_corpus

    from .vocabulary import FILE_NAME, Vocabulary

    config = _config(args)
    corpus = load_corpus(config.corpus)
    shown = corpus.articles if len(corpus.articles) <= CHECK_LISTED else ()
    for a in shown:
        print(f"ok  {a.path}: '{a.title}', {len(a.sections)} sections")
    if corpus.kind == "markdown":
        vocabulary = Vocabulary.for_corpus(config.corpus)
        if (config.corpus / FILE_NAME).is_file():
            print(f"ok  {config.corpus / FILE_NAME}: {len(vocabulary.stems())} patient words and phrases")
    print(f"{len(corpus.articles)} article(s), {len(corpus.sections)} sections: the corpus is valid")
    return 0


def cmd_eval(args) -> int:
    from .conversations import evaluate_conversations, format_conversations, is_conversation, read_conversations
    from .evaluate import evaluate, format_report, read_lines, read_questions

    if is_conversation(read_lines(args.file)[0][1]):  # a file of conversations: follow-ups
        run, show, cases = evaluate_conversations, format_conversations, read_conversations(args.file)
    else:
        run, show, cases = evaluate, format_report, read_questions(args.file)
    report = run(_bot(args), cases)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else show(report))
    return 0


def cmd_serve(args) -> int:
    from .server import serve

    return serve(_config(args), debug=args.debug)


def cmd_proxy_config(args) -> int:
    from .server import proxy_config

    print(proxy_config(_config(args, needs_corpus=False), args.listen, args.tls_certificate, args.tls_key), end="")
    return 0


def _store(args):
    from .feedback import Recorder

    config = _config(args, needs_corpus=False)
    if not config.storage:
        raise UsageError("storage is off in the config: there is no feedback store")
    return config, Recorder.open(config).store


def cmd_report(args) -> int:
    from .corpus import load_corpus
    from .reports import format_csv, format_json, format_text, parse_period, report

    since = parse_period(args.since)
    config, store = _store(args)
    try:
        articles = load_corpus(config.corpus).articles if Path(config.corpus).exists() else ()
        result = report(store, since, articles=articles)
    finally:
        store.close()
    print((format_json if args.json else format_csv if args.csv else format_text)(result), end="")
    return 0


def cmd_purge(args) -> int:
    config, store = _store(args)
    try:
        purged = store.purge()
    finally:
        store.close()
    print(f"purged {purged} answer(s) older than {config.retention_days} days")
    return 0


def cmd_db_upgrade(args) -> int:
    from .store.connect import describe

    _, store = _store(args)
    try:
        version = store.upgrade()
        print(f"{describe(store.engine)} is at schema version {version}")
    finally:
        store.close()
    return 0


def cmd_staff_add_user(args) -> int:
    from .staff import new_user_entry

    if sys.stdin.isatty():
        import getpass

        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise UsageError("the two passwords differ: run the command again")
    else:
        password = sys.stdin.readline().rstrip("\n")
    entry = new_user_entry(args.name, password)
    print(f"Add this to staff_users in the config (e.g. staff_users = [\"{entry}\"]):", file=sys.stderr)
    print(entry)
    return 0


def main(argv=None) -> int:
    parser = build_parser()
    with warnings.catch_warnings():
        warnings.simplefilter("always", ConfigWarning)
        warnings.showwarning = _show_warning
        return _run(parser, argv)


def _show_warning(message, category, filename, lineno, file=None, line=None):
    if issubclass(category, ConfigWarning):
        print(f"qa-bot: warning: {message}", file=sys.stderr, flush=True)
    else:
        sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def _run(parser, argv) -> int:
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        return args.func(args)
    except QaBotError as exc:
        print(f"qa-bot: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
