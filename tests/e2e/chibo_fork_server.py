"""`python -m tests.e2e.chibo_fork_server`: an interpreter that has imported what `chibo run` imports (aiogram's
types alone take ~5 s of CPU on a busy 2-core box) and forks a `chibo run` for each request, so that a test that
starts the bot again and again pays for the imports once (tests/e2e/chibo_process.py).

Requests on stdin, one JSON line each: {"cwd", "env", "log"}. Answers on stdout, one line each: "started <pid>",
then "exited <pid> <code>" when that process ends (the code as asyncio's returncode: -9 for SIGKILL). Each child
is `chibo run` as `python -m bot run` runs it: its own process, the request's environment and working directory,
stdout and stderr in the log file. Ends when stdin closes."""

import contextlib
import json
import os
import sys
import threading

import bot.cli
import bot.runner  # what `chibo run` imports as it starts: here once, before any fork)

# Answers go straight to the file descriptor: a child forked while a waiter thread writes must find no lock held.
ANSWERS = os.dup(sys.stdout.fileno())


def answer(line: str) -> None:
    os.write(ANSWERS, f"{line}\n".encode())


def run_chibo(request: dict) -> None:
    """In the forked child: becomes `chibo run` and never returns."""
    code = 1
    try:
        os.close(ANSWERS)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.close(nothing)
        bot.cli.main(["run"], prog_name="chibo")
        code = 0
    except SystemExit as end:
        code = end.code if isinstance(end.code, int) else (0 if end.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):  # the process is ending either way
                stream.flush()
        os._exit(code)


def wait_for(pid: int) -> None:
    _, status = os.waitpid(pid, 0)
    answer(f"exited {pid} {os.waitstatus_to_exitcode(status)}")


def serve() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            run_chibo(request)
        answer(f"started {pid}")
        threading.Thread(target=wait_for, args=(pid,), daemon=True).start()


if __name__ == "__main__":
    serve()
