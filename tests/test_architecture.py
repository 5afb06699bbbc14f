"""The shape of the code: one-way app imports and no import circles."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "newsroom",
    "hooks",
    "delivery",
    "operations",
    "guards",
    "articles",
    "comments",
    "api",
    "accounts",
    "deploy",
)
# What `newsroom/` may hold: the project's configuration, nothing that runs on its own.
CONFIGURATION = {"__init__.py", "settings", "urls.py", "wsgi.py", "asgi.py", "gunicorn.conf.py"}
# Still in newsroom/ on this branch, moved out by the linkbacks branch (drop it at the merge).
CONFIGURATION_LEAVING = {"linkbacks"}
# The platform under the apps: page delivery, operations and request guards know no app.
PLATFORM = ("delivery", "operations", "guards")
APPS = ("articles", "comments", "linkbacks", "search", "api", "accounts")
# The one platform module that listens to the apps' signals to forget pages.
PLATFORM_LISTENERS = {"delivery/invalidation.py"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_files(root: Path, packages=PACKAGES):
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def import_graph(root: Path, packages=PACKAGES) -> dict[str, set[str]]:
    """Module -> the project modules it imports, at any depth (function-level imports too)."""
    modules = {module_name(path, root): path for path in source_files(root, packages)}
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                # `from pkg import module` depends on that module; `from pkg import name`, on pkg.
                submodules = [f"{base}.{alias.name}" for alias in node.names]
                found = [m for m in submodules if m in modules] or [base]
            else:
                continue
            targets.update(t for t in found if t in modules and t != name)
        graph[name] = targets
    return graph


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_articles_never_imports_comments():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "articles").rglob("*.py")
        for module in imported_modules(path)
        if module == "comments" or module.startswith("comments.")
    ]
    assert offenders == []


def configuration_strays(root: Path) -> list[str]:
    """Files and folders in `newsroom/` that are not configuration."""
    allowed = CONFIGURATION | CONFIGURATION_LEAVING | {"__pycache__"}
    return sorted(path.name for path in (root / "newsroom").iterdir() if path.name not in allowed)


def configuration_imports(root: Path) -> list[str]:
    """Project modules the configuration imports (it names them as dotted strings instead)."""
    project = set(PACKAGES) - {"newsroom"} | set(APPS)
    return [
        f"{path.relative_to(root)}: {module}"
        for path in sorted((root / "newsroom").rglob("*.py"))
        if path.relative_to(root / "newsroom").parts[0] not in CONFIGURATION_LEAVING
        for module in imported_modules(path)
        if module.split(".")[0] in project
    ]


def platform_app_imports(root: Path) -> list[str]:
    """Imports of an app from delivery/, operations/ or guards/ (signal listeners excepted)."""
    return [
        f"{path.relative_to(root)}: {module}"
        for path in source_files(root, PLATFORM)
        if path.relative_to(root).as_posix() not in PLATFORM_LISTENERS
        for module in imported_modules(path)
        if module.split(".")[0] in APPS or module.startswith("newsroom.linkbacks")
    ]


def test_newsroom_holds_only_configuration():
    assert configuration_strays(ROOT) == []


def test_configuration_imports_no_app_machinery():
    """Settings name classes as dotted strings and urls.py includes URLconfs by name."""
    assert configuration_imports(ROOT) == []


def test_platform_imports_no_app():
    assert platform_app_imports(ROOT) == []


def test_project_machinery_imports_no_app():
    """`newsroom/` (and the linkbacks, until they move out of it) never imports an app."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in source_files(ROOT, ("newsroom",))
        for module in imported_modules(path)
        if module.split(".")[0] in ("articles", "comments", "api", "accounts")
    ]
    assert offenders == []


def test_no_app_imports_the_api():
    """The API reads articles and comments; neither of them (nor the platform) knows it exists."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in source_files(ROOT, ("newsroom", *PLATFORM, "articles", "comments"))
        for module in imported_modules(path)
        if module == "api" or module.startswith("api.")
    ]
    assert offenders == []


def test_articles_templates_do_not_load_comment_tags():
    for template in (ROOT / "templates" / "articles").rglob("*.html"):
        assert "{% load comments" not in template.read_text(encoding="utf-8"), template


def test_no_import_circles():
    assert import_circles(import_graph(ROOT)) == []


# The checks above must be able to fail: show them a small tree that breaks each rule.


@pytest.fixture
def tree(tmp_path):
    def write(relative: str, text: str = ""):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("app/__init__.py")
    write("app/models.py", "def social():\n    from .images import crop\n    return crop\n")
    write("app/images.py", "from app.models import social\n\ncrop = social\n")
    write("app/views.py", "from . import models\n")
    write("app/migrations/0001_initial.py", "x = 1\n" * 900)
    write("other/__init__.py")
    write("other/small.py", "from app import views\n")
    return tmp_path


def test_a_circle_through_a_function_level_import_is_found(tree):
    graph = import_graph(tree, packages=("app", "other"))
    assert graph["app.views"] == {"app.models"}
    assert import_circles(graph) == [["app.images", "app.models"]]


def test_machinery_in_newsroom_is_found(tree):
    (tree / "newsroom").mkdir()
    for name in ("__init__.py", "urls.py", "wsgi.py", "pagecache.py"):
        (tree / "newsroom" / name).write_text("from django.urls import path\n", encoding="utf-8")
    (tree / "newsroom" / "settings").mkdir()
    (tree / "newsroom" / "settings" / "__init__.py").write_text("from articles import desk\n")
    assert configuration_strays(tree) == ["pagecache.py"]
    assert configuration_imports(tree) == ["newsroom/settings/__init__.py: articles"]


def test_an_app_imported_by_the_platform_is_found(tree):
    for name, text in {
        "delivery/__init__.py": "",
        "delivery/pagecache.py": "from comments.models import Comment\n",
        "delivery/invalidation.py": "from articles.signals import story_published\n",
        "operations/__init__.py": "",
        "operations/health.py": "import accounts.roles\n",
        "guards/__init__.py": "",
        "guards/text.py": "from delivery import pagecache\n",
    }.items():
        (tree / name).parent.mkdir(exist_ok=True)
        (tree / name).write_text(text, encoding="utf-8")
    assert platform_app_imports(tree) == [
        "delivery/pagecache.py: comments.models",
        "operations/health.py: accounts.roles",
    ]
