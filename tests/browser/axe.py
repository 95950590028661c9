"""Run axe-core (from node_modules, never a CDN) in a Playwright page and fail on violations."""

from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_RUN = """
async (tags) => await axe.run(document, {runOnly: {type: "tag", values: tags}})
"""

MAX_NODES = 3


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(
            f"- {v['id']} ({v.get('impact') or 'no impact'}): {v['help']} "
            f"[{len(v['nodes'])} element(s)] {v.get('helpUrl', '')}"
        )
        for node in v["nodes"][:MAX_NODES]:
            target = " ".join(str(t) for t in node.get("target", []))
            html = " ".join(node.get("html", "").split())
            if len(html) > 200:
                html = html[:197] + "..."
            lines.append(f"    target: {target}")
            lines.append(f"    html:   {html}")
        if len(v["nodes"]) > MAX_NODES:
            lines.append(f"    ... and {len(v['nodes']) - MAX_NODES} more")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Inject axe-core if needed and return the WCAG 2.x A/AA violations on the page."""
    if not AXE_JS.exists():
        raise AssertionError(
            f"{AXE_JS} is missing: run `npm ci` in the project to install axe-core."
        )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated by the browser's automation channel, not added to the page as a script:
        # the page's Content-Security-Policy rightly refuses an inline script it did not send.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(_RUN, WCAG_TAGS)["violations"]


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    if violations:
        raise AssertionError(
            f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + _describe(violations)
        )
