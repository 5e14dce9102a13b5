"""The house's shape (README's Layout): every feature in a room of its own inside
schedule/, no module importing another that imports it back (the imports a
function makes when it runs count too), the rooms that hold the data below the
pages that show it, and no module too long to read."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "schedule"
LONGEST = 500  # lines

# The rooms of the data, each importing only the ones before it (and common/,
# planner/ under them all). The pages (admin, their forms, views, the wall) sit
# on top and may read any room: a plan's page says which children have a
# routine in a block, a routine's page picks its blocks. No room reads a page.
ROOMS = (
    "common", "planner", "family", "plans", "chores", "routines", "calendars", "announcements",
    "day", "meals", "weather", "bags", "countdowns", "tonight", "caregivers",
)  # fmt: skip
PAGES = ("admin", "admin_pages", "forms", "views", "city_import", "sites", "operator_admin")


def modules() -> dict[str, Path]:
    found = {}
    for path in APP.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The app's modules `path` imports, at its top or in its functions (not
    under TYPE_CHECKING: those never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("schedule"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                out.add(name if name in known else node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("schedule"))
    return {name for name in out if name in known}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported(path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other round (Tarjan's strongly
    connected components of more than one module, or one importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges[node]:
                found.append(sorted(group))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def room(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def is_page(module: str) -> bool:
    return module.rsplit(".", 1)[-1] in PAGES or room(module) in ("wall", "site")


def test_each_room_of_the_data_reads_only_the_rooms_below_it_and_no_page():
    wrong = []
    for module, imports in graph().items():
        if room(module) not in ROOMS or is_page(module):
            continue
        below = set(ROOMS[: ROOMS.index(room(module)) + 1])
        for other in imports:
            if is_page(other) or (room(other) in ROOMS and room(other) not in below):
                wrong.append(f"{module} -> {other}")
    assert wrong == []


def test_every_feature_has_a_room_and_the_app_root_holds_only_what_django_looks_for():
    at_the_root = sorted(p.name for p in APP.glob("*.py"))
    assert at_the_root == ["__init__.py", "admin.py", "apps.py"]
    for name in ("family", "plans", "chores", "routines", "calendars", "announcements",
                 "caregivers", "nudges", "wall"):  # fmt: skip
        assert (APP / name / "models.py").exists() or name == "wall", name
        assert (APP / name / "__init__.py").exists(), name


def test_no_module_is_too_long_to_read():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert long == {}
