"""Sections of BENCHMARKS.md that benches other than `bench/run.py` own (`editor_path.py`,
`scale.py`). Each sits between its own markers; `run.py` rewrites its part of the file and
keeps these blocks as they are, so one bench's figures never erase another's."""

from __future__ import annotations

import re
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
_BLOCK = re.compile(r"<!-- section (?P<name>[\w-]+) .*?-->\n.*?<!-- end (?P=name) -->\n", re.S)


def blocks(text: str) -> list[str]:
    """Every owned section of a BENCHMARKS.md text, in order, markers included."""
    return [m.group(0) for m in _BLOCK.finditer(text)]


def write(name: str, owner: str, body: str, report: Path = REPORT) -> None:
    """Put `body` (markdown, from its `## ` heading on) in section `name`, in place when the
    file has it, else at its end."""
    block = (f"<!-- section {name} (written by {owner}; do not edit by hand) -->\n"
             f"{body.rstrip()}\n<!-- end {name} -->\n")  # fmt: skip
    text = report.read_text("utf-8") if report.exists() else ""
    found = [m for m in _BLOCK.finditer(text) if m.group("name") == name]
    if found:
        m = found[0]
        text = text[: m.start()] + block + text[m.end() :]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    report.write_text(text, "utf-8")
