"""axe-core's accessibility check, run in a page that has its script (the ``axe_script`` fixture)."""

from __future__ import annotations

from typing import Any


def violations(page: Any, root: str) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A/AA violations inside ``root``."""
    return page.evaluate(
        """async (root) => {
            const result = await axe.run({include: [[root]]}, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }""",
        root,
    )
