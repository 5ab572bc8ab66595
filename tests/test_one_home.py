"""One home per concept: no two coursekit functions do the same thing under different names, and predicting goes
through coursekit.models (never ``model.predict``, which traces a new tf.function for every model).

Read from the source with ``ast``: a function's body is compared after its docstring is dropped and its names
(arguments, locals and the globals it reads) are renamed in order of first use, so a copy with other names is
still a copy. Bodies under MIN_NODES syntax nodes (a getter, ``return self.text``) are too small to count."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "coursekit"
MIN_NODES = 40


class _Rename(ast.NodeTransformer):
    """Every name and argument becomes v0, v1, ... in order of first use."""

    def __init__(self):
        self.names = {}

    def _new(self, name):
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id=self._new(node.id), ctx=node.ctx), node)

    def visit_arg(self, node):
        return ast.copy_location(ast.arg(arg=self._new(node.arg), annotation=None), node)


def _body(fn):
    """(size, normalized dump) of a function: no name, decorators or docstring; names renamed in order of use."""
    copy = ast.parse(ast.unparse(fn)).body[0]
    copy.name, copy.decorator_list, copy.returns = "f", [], None
    if copy.body and isinstance(copy.body[0], ast.Expr) and isinstance(copy.body[0].value, ast.Constant) \
            and isinstance(copy.body[0].value.value, str):
        copy.body = copy.body[1:] or [ast.Pass()]
    size = sum(1 for node in copy.body for _ in ast.walk(node))
    rename = _Rename()
    for a in copy.args.posonlyargs + copy.args.args + copy.args.kwonlyargs:  # arguments first, defaults aside
        rename.visit(a)
    return size, ast.dump(ast.Module(body=[rename.visit(n) for n in copy.body], type_ignores=[]),
                          annotate_fields=False)


def function_bodies(package=PACKAGE):
    """{normalized body: [where]} of every function and method with at least MIN_NODES nodes."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size, key = _body(node)
                if size >= MIN_NODES:
                    found.setdefault(key, []).append(f"{path.relative_to(package.parent)}:{node.lineno} {node.name}")
    return found


def same_bodies(package=PACKAGE):
    return [where for where in function_bodies(package).values() if len(where) > 1]


def model_predict_calls(package=PACKAGE):
    """Where coursekit calls .predict(...) on something named like a model."""
    out = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "predict" \
                    and "model" in ast.unparse(node.func.value).lower():
                out.append(f"{path.relative_to(package.parent)}:{node.lineno}")
    return out


def test_no_two_functions_have_the_same_body():
    assert not same_bodies(), "the same function body lives in several places (give it one home):\n" + "\n".join(
        ", ".join(w) for w in same_bodies())


def test_coursekit_never_calls_model_predict():
    assert not model_predict_calls(), ("coursekit calls model.predict (use coursekit.models.predicted_classes or "
                                       f"predicted_probabilities): {model_predict_calls()}")


PLANTED = '''
import numpy as np


def predicted(model, x, batch_size=128):
    """One."""
    out = []
    for i in range(0, len(x), batch_size):
        out.append(np.asarray(model(x[i:i + batch_size], training=False)).argmax(axis=1))
    return np.concatenate(out)


def classes_of(net, images, step=512):
    """The same, renamed."""
    out = []
    for k in range(0, len(images), step):
        out.append(np.asarray(net(images[k:k + step], training=False)).argmax(axis=1))
    return np.concatenate(out)


def probabilities(model, x):
    return model.predict(x, verbose=0)
'''


def test_the_checks_find_a_planted_copy_and_a_predict_call(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text(PLANTED)
    (copies,) = same_bodies(package)
    assert [w.split()[-1] for w in copies] == ["predicted", "classes_of"]
    assert model_predict_calls(package) == ["pkg/a.py:22"]
