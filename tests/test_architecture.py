"""Cross-app imports go one way: comments may import articles, never the reverse."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_articles_never_imports_comments():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "articles").rglob("*.py")
        for module in imported_modules(path)
        if module == "comments" or module.startswith("comments.")
    ]
    assert offenders == []


def test_articles_templates_do_not_load_comment_tags():
    for template in (ROOT / "templates" / "articles").rglob("*.html"):
        assert "{% load comments" not in template.read_text(encoding="utf-8"), template
