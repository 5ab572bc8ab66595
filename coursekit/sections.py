"""Cells run out of order: a cell that needs a name an earlier section makes says which section to run first, in
one sentence, before anything in it runs (so before any training starts).

Importing coursekit in an IPython kernel registers ``NeedsEarlierSection`` as one of IPython's AST transformers.
For each cell it finds the names the cell reads at once (not those inside a function body, nor those the cell
binds itself) that the learner's namespace lacks. If the lesson's index says a section of it makes such a name,
the cell is rejected (``IPython.core.error.InputRejected``): the cell ends in error, so Run all stops there, and
``base.stops.OneSentence`` shows the message alone. Names the index does not know fall through to Python's own
NameError.

The index (``data_files/sections.json``: per notebook, its sections and the first section that binds each name)
is made from the notebooks by ``python -m coursekit sync`` and ships with the package, so it works on Colab,
where the notebook file is not on disk; a test checks that it is up to date.
"""
import ast
import builtins
import json
import os
import re
from pathlib import Path

from IPython.core.error import InputRejected

from .base.stops import OneSentence

INDEX_FILE = Path(__file__).resolve().parent / "data_files" / "sections.json"
SETUP = "the setup cells at the top of the lesson"


def names_of(tree):
    """(names a cell reads as it runs, names it binds): function and lambda bodies run later, so they are skipped,
    their decorators and defaults are not."""
    loads, binds = set(), set()

    class Visitor(ast.NodeVisitor):
        def visit_Name(self, node):
            (loads if isinstance(node.ctx, ast.Load) else binds).add(node.id)

        def visit_FunctionDef(self, node):
            binds.add(node.name)
            for part in [*node.decorator_list, node.args, node.returns]:
                if part is not None:
                    self.visit(part)

        visit_AsyncFunctionDef = visit_FunctionDef

        def visit_Lambda(self, node):
            self.visit(node.args)

        def visit_ListComp(self, node):  # its loop variables are its own
            inner_loads, inner_binds = names_of(ast.Module(body=[ast.Expr(node.elt)] if hasattr(node, "elt") else
                                                           [ast.Expr(node.key), ast.Expr(node.value)],
                                                           type_ignores=[]))
            for gen in node.generators:
                gen_loads, gen_binds = names_of(ast.Module(body=[ast.Expr(gen.iter), *map(ast.Expr, gen.ifs)],
                                                           type_ignores=[]))
                inner_loads |= gen_loads
                inner_binds |= names_of(gen.target)[1] | gen_binds
            loads.update(inner_loads - inner_binds)

        visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

        def visit_ClassDef(self, node):
            binds.add(node.name)
            self.generic_visit(node)

        def visit_Import(self, node):
            binds.update((a.asname or a.name).split(".")[0] for a in node.names)

        visit_ImportFrom = visit_Import

        def visit_ExceptHandler(self, node):
            binds.add(node.name)
            self.generic_visit(node)

        def visit_Global(self, node):
            binds.update(node.names)

        def visit_MatchAs(self, node):
            binds.add(node.name)
            self.generic_visit(node)

        visit_MatchStar = visit_MatchAs

    Visitor().visit(tree)
    return loads - binds, binds - {None}


def _code(source):
    """A cell's Python, with IPython's magics and shell escapes turned into calls, as a kernel runs it."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _label(heading):
    numbered = re.match(r"(\d+)\.\s+(.*)", heading)
    if numbered:
        return f"section {numbered[1]} ('{numbered[2]}')"
    return f"the section '{heading}'"


def notebook_index(path):
    """{"sections": [label, ...], "names": {name: index into sections}} of one notebook (section 0: the setup)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    sections, names = [SETUP], {}
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "markdown":
            sections += [_label(line[3:].strip()) for line in source.splitlines() if line.startswith("## ")]
        elif cell["cell_type"] == "code":
            for name in sorted(names_of(ast.parse(_code(source)))[1]):
                names.setdefault(name, len(sections) - 1)
    return {"sections": sections, "names": names}


def build_index(paths):
    """The index of every notebook, by file name without its extension."""
    return {Path(p).stem: notebook_index(p) for p in sorted(paths)}


def write_index(paths, target=INDEX_FILE):
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(build_index(paths), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _load_index():
    return json.loads(INDEX_FILE.read_text(encoding="utf-8")) if INDEX_FILE.exists() else {}


def _current_notebook(namespace, index, missing):
    """Which lesson the kernel runs: the notebook JupyterLab or VS Code names, else the lesson whose names are
    most present in the namespace, among those that make one of the missing names."""
    for hint in (os.environ.get("JPY_SESSION_NAME"), namespace.get("__session__"),
                 namespace.get("__vsc_ipynb_file__")):
        if isinstance(hint, str) and Path(hint).stem in index:
            return Path(hint).stem
    candidates = [nb for nb, entry in index.items() if any(n in entry["names"] for n in missing)]
    scores = {nb: sum(n in namespace for n in index[nb]["names"]) for nb in candidates}
    best = sorted(candidates, key=lambda nb: -scores[nb])
    if len(best) == 1 or (best and scores[best[0]] > scores[best[1]]):
        return best[0]
    return None


def _code_names(names):
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def message(tree, namespace, index):
    """The one sentence for a cell that needs an earlier section, or None if it can run (or Python should speak)."""
    reads, _ = names_of(tree)
    missing = sorted(n for n in reads if n not in namespace and not hasattr(builtins, n))
    if not missing:
        return None
    notebook = _current_notebook(namespace, index, missing)
    if notebook is None:
        return None
    entry = index[notebook]
    known = [n for n in missing if n in entry["names"]]
    if not known:
        return None
    first = min(entry["names"][n] for n in known)
    needed = [n for n in known if entry["names"][n] == first]
    verb = "made" if len(needed) == 1 else "both made" if len(needed) == 2 else "all made"
    return f"This cell needs {_code_names(needed)}, {verb} in {entry['sections'][first]}: run that section first."


class NeedsEarlierSection(OneSentence, InputRejected):
    """A cell run before the section that makes what it needs: IPython rejects it, and shows this one sentence."""


class CheckOrder(ast.NodeTransformer):
    """IPython AST transformer: rejects a cell that needs a name an earlier section of the lesson makes."""

    def __init__(self, shell):
        super().__init__()
        self.shell, self.index = shell, _load_index()

    def visit(self, node):
        if isinstance(node, ast.Module):
            text = message(node, self.shell.user_ns, self.index)
            if text:
                raise NeedsEarlierSection(text)
        return node


def install():
    """Register CheckOrder in the running IPython kernel (once); nothing happens outside IPython."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or any(type(t).__name__ == "CheckOrder" for t in shell.ast_transformers):
        return
    shell.ast_transformers.append(CheckOrder(shell))
