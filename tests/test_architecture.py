"""coursekit's shape: imports only go down the declared layer map, never in a circle; small modules;
no repeated blocks. Read from the source with ``ast`` (imports inside functions count too), so a
newcomer can trust ``coursekit/layers.py`` and the drawing in ``coursekit/__init__.py``."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.layers import LAYERS, layer_of

# The source's shape does not depend on the stack, and pylint (the duplicate-code check) is a test tool of
# the pinned environment only: `make test` checks this, `make test-colab` deselects it.
pytestmark = pytest.mark.pinned_env

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coursekit"
MAX_LINES = 400


def module_name(path, package_dir):
    rel = path.relative_to(package_dir.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(package_dir):
    """{dotted name: path} of every module in a package folder."""
    return {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}


def imports_of(name, path, known):
    """The package's own modules that one module imports, at any depth (functions included)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from X import Y" imports the module X.Y when there is one, else the name Y from X
            subs = [f"{stem}.{a.name}" for a in node.names]
            targets = [t for t in subs if t in known]
            if len(targets) < len(subs):
                targets.append(stem)
        else:
            continue
        for t in targets:
            while t and t not in known:  # "a.b.c" -> the longest known prefix
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph(package_dir):
    known = modules(package_dir)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(edges):
    """Strongly connected components with more than one module (Tarjan), as sorted lists."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def upward_imports(edges, root, layer=layer_of):
    """Imports that go up the layer map, or sideways into another member of the same layer.

    The package's own ``__init__`` (root) sits on top and may import anything."""
    bad = []
    for src, targets in sorted(edges.items()):
        if src == root:
            continue
        for dst in sorted(targets):
            if dst == root:
                bad.append(f"{src} imports the package root {dst} (import the module it needs)")
                continue
            ls, ld = layer(src), layer(dst)
            same_member = src.split(".")[1] == dst.split(".")[1]
            if ld > ls or (ld == ls and not same_member):
                bad.append(f"{src} (layer {LAYERS[ls][0]!r}) imports {dst} (layer {LAYERS[ld][0]!r})")
    return bad


EDGES = graph(PACKAGE)


def test_the_graph_sees_imports_inside_functions():
    assert "coursekit.images.datasets" in EDGES["coursekit.images.online"]
    assert EDGES["coursekit.base.validate"] == set()  # its TensorFlow import is inside a function


def test_no_import_cycle():
    assert cycles(EDGES) == []


def test_imports_only_go_down_the_layer_map():
    assert upward_imports(EDGES, "coursekit") == []


def test_every_module_is_in_a_layer():
    for name in EDGES:
        if name != "coursekit":
            layer_of(name)  # raises KeyError naming the module


def test_base_imports_nothing_from_coursekit():
    base = [n for n in EDGES if n.startswith("coursekit.base")]
    assert base and all(t.startswith("coursekit.base") for n in base for t in EDGES[n])
    assert all(EDGES[n] == set() for n in base if n != "coursekit.base")


@pytest.mark.parametrize("name", sorted(EDGES))
def test_module_is_at_most_400_lines(name):
    n = len(modules(PACKAGE)[name].read_text().splitlines())
    assert n <= MAX_LINES, f"{name} has {n} lines; split it (one module per concern, at most {MAX_LINES})"


def test_the_checks_catch_a_cycle_and_an_upward_import(tmp_path):
    """The rules above are not vacuous: a planted cycle, a function-level upward import and a sideways
    import are all found."""
    pkg = tmp_path / "coursekit"
    (pkg / "images").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import pipeline\n")
    (pkg / "images" / "__init__.py").write_text("")
    (pkg / "images" / "augment.py").write_text("def f():\n    from ..pipeline import make_dataset\n")
    (pkg / "timeseries.py").write_text("from .images import augment\n")
    (pkg / "pipeline.py").write_text("from . import data\n")
    (pkg / "data.py").write_text("import coursekit.pipeline\n")
    edges = graph(pkg)
    assert cycles(edges) == [["coursekit.data", "coursekit.pipeline"]]
    bad = "\n".join(upward_imports(edges, "coursekit"))
    assert "coursekit.images.augment (layer 'modalities') imports coursekit.pipeline" in bad
    assert "coursekit.timeseries (layer 'modalities') imports coursekit.images" in bad
    assert "coursekit.data (layer 'entry points') imports coursekit.pipeline" in bad


def _duplicates(path):
    cmd = [sys.executable, "-m", "pylint", "--disable=all", "--enable=duplicate-code",
           "--min-similarity-lines=6", "--score=n", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_no_block_of_6_lines_is_repeated_in_coursekit():
    res = _duplicates(PACKAGE)
    assert res.returncode == 0 and "R0801" not in res.stdout, res.stdout + res.stderr


def test_the_duplicate_check_finds_a_planted_copy(tmp_path):
    body = "".join(f"    total = total * {i} + len(items) - {i}\n" for i in range(8))
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(f"def {name}(items):\n    total = 0\n{body}    return total\n")
    res = _duplicates(tmp_path)
    assert "R0801" in res.stdout, res.stdout + res.stderr
