"""Run one ``publisher`` command as a hostile-corpus case: under a memory cap, recording what it touches.

``python -m tests.hostile.run RECORD MEMORY_MIB WATCHED ARGS…`` caps the
address space at ``MEMORY_MIB`` (``resource.setrlimit``), records every file
event of the command (an audit hook, ``sys.addaudithook``) whose path is in
the folder ``WATCHED`` (what lies outside the project), runs
``publisher ARGS…`` and writes ``{"exit": code, "touched": [[event, path], …]}``
to ``RECORD``. The caller adds the time budget (a subprocess timeout).
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any

FILE_EVENTS = frozenset(
    {"open", "os.rename", "os.remove", "os.mkdir", "os.rmdir", "os.chmod", "os.truncate", "os.link", "os.symlink",
     "os.utime", "os.chown", "shutil.copyfile", "shutil.rmtree", "os.listdir", "os.scandir"}
)  # fmt: skip


def main(argv: list[str]) -> int:
    record, memory_mib, watched, args = argv[0], int(argv[1]), os.path.realpath(argv[2]), argv[3:]
    limit = memory_mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    touched: list[list[str]] = []

    def hook(event: str, details: tuple[Any, ...]) -> None:
        if event not in FILE_EVENTS:
            return
        for value in details[: 1 if event == "open" else 2]:
            if isinstance(value, str | bytes | os.PathLike):
                path = os.path.realpath(os.fsdecode(value))  # through symlinks: where the event really goes
                if (path + "/").startswith(watched + "/"):
                    touched.append([event, path])

    sys.addaudithook(hook)
    from publisher.commands.cli import main as publisher

    code = 0
    try:
        publisher(args, prog_name="publisher")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except MemoryError:
        code = 137
    finally:
        with open(record, "w", encoding="utf-8") as handle:
            json.dump({"exit": code, "touched": touched}, handle)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
