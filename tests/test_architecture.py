"""The shape of the code: one-way app imports and no import circles."""

import ast
import re
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
    "linkbacks",
    "search",
    "api",
    "accounts",
    "deploy",
)
# What only a module speaking a linkback protocol writes or reads: the wire formats' markers.
PROTOCOL_MODULES = ("xmlrpc", "defusedxml.xmlrpc")
PROTOCOL_MARKERS = ("pingback.ping", 'rel="webmention"', "trackback:ping")
# What `newsroom/` may hold: the project's configuration, nothing that runs on its own.
CONFIGURATION = {"__init__.py", "settings", "urls.py", "wsgi.py", "asgi.py", "gunicorn.conf.py"}
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


@pytest.mark.parametrize("app", ["comments", "search"])
def test_articles_never_imports_the_apps_on_it(app):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "articles").rglob("*.py")
        for module in imported_modules(path)
        if module == app or module.startswith(f"{app}.")
    ]
    assert offenders == []


def configuration_strays(root: Path) -> list[str]:
    """Files and folders in `newsroom/` that are not configuration."""
    allowed = CONFIGURATION | {"__pycache__"}
    return sorted(path.name for path in (root / "newsroom").iterdir() if path.name not in allowed)


def configuration_imports(root: Path) -> list[str]:
    """Project modules the configuration imports (it names them as dotted strings instead)."""
    project = set(PACKAGES) - {"newsroom"} | set(APPS)
    return [
        f"{path.relative_to(root)}: {module}"
        for path in sorted((root / "newsroom").rglob("*.py"))
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
        if module.split(".")[0] in APPS
    ]


def test_newsroom_holds_only_configuration():
    assert configuration_strays(ROOT) == []


def test_configuration_imports_no_app_machinery():
    """Settings name classes as dotted strings and urls.py includes URLconfs by name."""
    assert configuration_imports(ROOT) == []


def test_platform_imports_no_app():
    assert platform_app_imports(ROOT) == []


def test_project_machinery_imports_no_app():
    """`newsroom/` never imports an app."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in source_files(ROOT, ("newsroom",))
        for module in imported_modules(path)
        if module.split(".")[0] in ("articles", "comments", "linkbacks", "api", "accounts")
    ]
    assert offenders == []


@pytest.mark.parametrize("top", ["api", "accounts"])
def test_no_app_imports_the_apps_on_top(top):
    """The API and accounts read the apps below them; none of those (nor the platform) knows
    they exist. Migrations count too: a migration is code an existing database runs."""
    below = ("newsroom", *PLATFORM, "articles", "comments", "linkbacks", "search")
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for package in below
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path)
        if module == top or module.startswith(f"{top}.")
    ]
    assert offenders == []


@pytest.mark.parametrize("folder", ["articles", "includes"])
def test_articles_templates_do_not_load_comment_tags(folder):
    for template in (ROOT / "templates" / folder).rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"{% load [^%]*\bcomments\b", text), template


def test_articles_and_comments_never_import_linkbacks():
    """Stories announce facts (`articles.signals`) and read hooks; linkbacks listen, and store
    the pings they receive as comments."""
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in source_files(ROOT, ("articles", "comments"))
        for module in imported_modules(path)
        if module == "linkbacks" or module.startswith("linkbacks.")
    ]
    assert offenders == []


def protocol_speakers(root: Path, packages=PACKAGES) -> list[str]:
    """Modules outside `linkbacks/` that define or parse a linkback protocol's wire format."""
    offenders = []
    for path in source_files(root, [p for p in packages if p != "linkbacks"]):
        text = path.read_text(encoding="utf-8")
        found = [m for m in imported_modules(path) if m.startswith(PROTOCOL_MODULES)]
        found += [marker for marker in PROTOCOL_MARKERS if marker in text]
        offenders += [f"{path.relative_to(root)}: {what}" for what in found]
    return offenders


def test_only_linkbacks_speaks_the_linkback_protocols():
    assert protocol_speakers(ROOT) == []


def test_no_import_circles():
    assert import_circles(import_graph(ROOT)) == []


# A function that registers something (by its name) and keeps it in the module's own state.
REGISTERING = re.compile(r"(^|_)(register|contribute|provider)s?($|_)")
KEEPING = {"append", "add", "extend", "insert", "setdefault", "update"}


def keeps_module_state(function: ast.FunctionDef, module_names: set[str]) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Global):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in module_names
            and node.func.attr in KEEPING
        ):
            return True
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id in module_names
                for target in targets
            ):
                return True
    return False


def callback_registries(root: Path, packages=PACKAGES) -> list[str]:
    """Module-level functions outside hooks/ that register callbacks in their module's state."""
    found = []
    for path in source_files(root, packages):
        if path.relative_to(root).parts[0] == "hooks":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_names = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        found += [
            f"{path.relative_to(root).as_posix()}: {node.name}"
            for node in tree.body
            if isinstance(node, ast.FunctionDef)
            and REGISTERING.search(node.name)
            and keeps_module_state(node, module_names)
        ]
    return found


def test_callbacks_are_registered_only_through_hooks():
    """One extension point: no module keeps its own registry of other apps' functions."""
    assert callback_registries(ROOT) == []


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


def test_a_module_keeping_its_own_registry_is_found(tmp_path):
    def write(relative: str, text: str):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text, encoding="utf-8")

    write("app/__init__.py", "")
    write(
        "app/desk.py",
        "_providers = []\n\n"
        "def provider(func):\n    _providers.append(func)\n    return func\n\n"
        "_roles = {}\n\n"
        "def contribute(role, names):\n    _roles.setdefault(role, []).extend(names)\n",
    )
    write(
        "app/versions.py",
        "_schedule = None\n\n"
        "def schedule_register(when):\n    global _schedule\n    _schedule = when\n",
    )
    # A service that registers a row and a cache of values are not registries of callbacks.
    write(
        "app/sites.py",
        "_missed = set()\n\n"
        "def site_register(*, user, url):\n    return Site.objects.create(user=user, url=url)\n\n"
        "def replace(keys):\n    _missed.update(keys)\n",
    )
    write(
        "hooks/__init__.py",
        "_registered = {}\n\ndef register(name, f):\n    _registered[name] = f\n",
    )
    assert sorted(callback_registries(tmp_path, packages=("app", "hooks"))) == [
        "app/desk.py: contribute",
        "app/desk.py: provider",
        "app/versions.py: schedule_register",
    ]


def test_a_protocol_spoken_outside_linkbacks_is_found(tree):
    (tree / "linkbacks").mkdir()
    (tree / "linkbacks/pingback.py").write_text("import xmlrpc.client\nMETHOD = 'pingback.ping'\n")
    (tree / "app/feeds.py").write_text("from xmlrpc.client import dumps\n")
    (tree / "other/page.py").write_text('HEAD = \'<link rel="webmention" href="/wm">\'\n')
    found = protocol_speakers(tree, packages=("app", "other", "linkbacks"))
    assert found == ["app/feeds.py: xmlrpc.client", 'other/page.py: rel="webmention"']


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
        "operations/health.py": "import articles.roles\n",
        "guards/__init__.py": "",
        "guards/text.py": "from delivery import pagecache\n",
    }.items():
        (tree / name).parent.mkdir(exist_ok=True)
        (tree / name).write_text(text, encoding="utf-8")
    assert platform_app_imports(tree) == [
        "delivery/pagecache.py: comments.models",
        "operations/health.py: articles.roles",
    ]
