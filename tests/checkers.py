"""Outside checkers nobody here wrote: the Nu HTML Checker (vnu-jar) and axe-core, both pinned in
tools/package.json and installed by `make checkers` (a dependency of `make test`).

`nu(paths)` runs vnu once for every file (one JVM start); `axe(browser, path, ...)` opens the
file in Chromium, injects axe-core and returns its violations. Both return plain dicts so a test
can print what was reported. Usable as a script to measure:
`.venv/bin/python -m tests.checkers FILE.html...`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Nu reports these for CSS that only mail clients read (Outlook's mso-*, IE's -ms-*): expected in
# an email, and the "mail-client CSS extensions".
MAIL_CSS = ("mso-", "-ms-interpolation-mode", "supported-color-schemes", "-ms-text-size-adjust")


def available() -> str:
    """'' when both checkers and their runtimes are here, else what is missing."""
    missing = [str(p) for p in (VNU_JAR, AXE_JS) if not p.exists()]
    if not shutil.which("java"):
        missing.append("java")
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    return ", ".join(missing)


@dataclass(frozen=True)
class NuMessage:
    file: str
    type: str  # error | info (warnings are info with subType warning)
    message: str
    extract: str

    @property
    def mail_css(self) -> bool:
        return self.type == "error" and any(m in self.message for m in MAIL_CSS)


def nu(paths: list[Path]) -> list[NuMessage]:
    """Every Nu HTML Checker message for `paths` (errors and warnings)."""
    proc = subprocess.run(
        ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always",
         *map(str, paths)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    data = json.loads(proc.stdout or "{}")
    return [
        NuMessage(
            file=Path(m.get("url", "")).name,
            type=m.get("subType", m.get("type", "")) if m.get("type") == "info" else m["type"],
            message=m.get("message", ""),
            extract=m.get("extract", ""),
        )
        for m in data.get("messages", [])
    ]


def axe(
    browser: Any, path: Path, *, scheme: str = "light", width: int = 1000
) -> list[dict[str, Any]]:
    """axe-core's violations for the page at `path` in Chromium (`scheme`: light or dark)."""
    page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.add_script_tag(path=str(AXE_JS))
        result: dict[str, Any] = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
    finally:
        page.close()
    return [
        {
            "id": v["id"],
            "impact": v.get("impact"),
            "help": v["help"],
            "nodes": [n.get("target") for n in v.get("nodes", [])][:5],
            "summary": [n.get("failureSummary", "")[:300] for n in v.get("nodes", [])][:3],
        }
        for v in result.get("violations", [])
    ]


def main(argv: list[str]) -> int:
    """Print Nu's messages and axe's violations (light and dark) for each HTML file given."""
    from playwright.sync_api import sync_playwright

    paths = [Path(a).resolve() for a in argv]
    for m in nu(paths):
        print(f"nu {m.file} {m.type}{' (mail css)' if m.mail_css else ''}: {m.message}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for path in paths:
            for scheme in ("light", "dark"):
                for v in axe(b, path, scheme=scheme):
                    print(f"axe {path.name} {scheme} {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
        b.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
