"""Checkers nobody on the project wrote: axe-core (WCAG 2.2 AA) in the page, the Nu HTML Checker.

Both come from npm (tests/browser/tools/package.json, installed by `make test-browser`); the Nu
checker runs on the OS's Java.
"""

import json
import shutil
import subprocess
from pathlib import Path

TOOLS = Path(__file__).parent / "tools" / "node_modules"
AXE_SOURCE = TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules axe tags for them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
# Best practices the audit named as failures whatever their impact.
ALWAYS_BLOCKING = {"empty-table-header"}


def missing_tools() -> str | None:
    """What is missing to run the checkers, or None."""
    if not AXE_SOURCE.exists() or not VNU_JAR.exists():
        return f"{TOOLS} is incomplete: `make test-browser` installs axe-core and vnu-jar."
    if shutil.which("java") is None:
        return "java is missing: `make test-browser` installs Debian's default-jre-headless."
    return None


def axe_violations(page) -> list[dict]:
    """Run axe-core with the WCAG 2.2 AA rules on the page as it is; serious and critical ones."""
    # Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
    page.evaluate(AXE_SOURCE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        [*WCAG_TAGS, "best-practice"],
    )
    return [
        v for v in results["violations"] if v["impact"] in BLOCKING or v["id"] in ALWAYS_BLOCKING
    ]


def axe_report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {node['target']} {node['failureSummary']!r}" for node in violation["nodes"]]
    return "\n".join(lines)


def nu_errors(documents: dict[str, str], folder: Path) -> list[str]:
    """Validate HTML documents with the Nu checker (vnu.jar); its errors, named by document."""
    paths = []
    for name, html in documents.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        paths.append(str(path))
    run = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--stdout", *paths],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        raise AssertionError(f"The Nu checker gave no report: {run.stdout}{run.stderr}") from None
    return [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']} "
        f"[{m.get('extract', '').strip()!r}]"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
