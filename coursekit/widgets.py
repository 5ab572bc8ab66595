"""Interactive pieces: "predict before you run" questions and the augmentation explorer.

Both work in JupyterLab, Colab and Binder, and still run without error headless (papermill,
nbval), where nobody can click: a question then simply reports that no prediction was made.
"""
import io

import ipywidgets as W
import numpy as np
from IPython.display import display

from . import augment as augment_lib
from .base import validate


class Prediction:
    """A multiple-choice question the learner commits to BEFORE the experiment runs.

    q = Prediction("Will augmentation raise validation accuracy?", ["yes", "no", "no difference"])
    ... run the experiment ...
    q.reveal(measured_answer, because="validation accuracy went from 0.95 to 0.97")
    """

    def __init__(self, question, options):
        if not options or not all(isinstance(o, str) for o in options):
            raise TypeError("options must be a non-empty list of strings.")
        self.question, self.options, self.choice = question, list(options), None
        self._radio = W.RadioButtons(options=self.options, value=None, layout=W.Layout(width="max-content"))
        self._button = W.Button(description="Commit my prediction", button_style="primary")
        self._status = W.HTML("<i>Pick an answer, then commit. The experiment below will test it.</i>")
        self._button.on_click(self._commit)
        self.widget = W.VBox([W.HTML(f"<b>Predict before you run:</b> {question}"), self._radio,
                              self._button, self._status])

    def _commit(self, _=None):
        if self._radio.value is None:
            self._status.value = "<i>Choose one answer first.</i>"
            return
        self.choice = self._radio.value
        self._radio.disabled = self._button.disabled = True
        self._status.value = f"Committed: <b>{self.choice}</b>. Now run the experiment."

    def commit(self, choice):
        """Commit from code (tests, or a learner without widgets)."""
        validate.one_of("choice", choice, self.options, what="answer")
        self._radio.value = choice
        self._commit()

    def _ipython_display_(self):
        display(self.widget)

    def reveal(self, answer, because=""):
        """Compare the committed prediction with the answer the experiment measured."""
        validate.one_of("answer", answer, self.options, what="answer")
        why = f" Measured: {because}." if because else ""
        if self.choice is None:
            msg = f"No prediction was committed. The experiment's answer: {answer}.{why}"
        elif self.choice == answer:
            msg = f"You predicted '{self.choice}', and the experiment agrees.{why}"
        else:
            msg = f"You predicted '{self.choice}', but the experiment says '{answer}'.{why}"
        print(msg)
        return msg


def predict(question, options):
    """Show a Prediction question and return it (call ``.reveal(...)`` after the experiment)."""
    q = Prediction(question, options)
    display(q)
    return q


def _png(image, scale):
    from PIL import Image

    arr = (np.clip(np.asarray(image), 0, 1) * 255).astype("uint8")
    if arr.shape[-1] == 1:
        arr = arr[..., 0]
    pil = Image.fromarray(arr)
    pil = pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST)
    buf = io.BytesIO()
    pil.save(buf, format="PNG")
    return buf.getvalue()


def render(image, rotation=0.0, zoom=1.0, shift_x=0.0, shift_y=0.0, flip_h=False, flip_v=False,
           brightness=0.0, contrast=1.0, noise=0.0, fill_mode="reflect", seed=0):
    """Apply exact (not random) transform values to one image: what the explorer's sliders do."""
    import tensorflow as tf

    image = validate.images(image, name="image", batched=False)
    h, w = image.shape[:2]
    x = augment_lib.affine(tf.constant(image), degrees=rotation, scale=1.0 / zoom, shift_x=shift_x * w,
                           shift_y=shift_y * h, flip_h=flip_h, flip_v=flip_v, fill_mode=fill_mode)
    x = tf.image.adjust_contrast(x + brightness, contrast)
    if noise:
        x = x + noise * tf.random.stateless_normal(tf.shape(x), [seed, 0])
    return np.clip(x.numpy(), 0, 1)


def explorer(image, scale=None):
    """Sliders and toggles for each transform; the image updates live as you move them.

    Returns the widget box; its ``.image`` attribute is the ipywidgets.Image being updated.
    """
    image = validate.images(image, name="image", batched=False)
    scale = scale or max(1, 256 // max(image.shape[:2]))
    style = {"description_width": "90px"}
    controls = {
        "rotation": W.FloatSlider(0, min=-180, max=180, step=5, description="rotate (deg)", style=style),
        "zoom": W.FloatSlider(1.0, min=0.5, max=2.0, step=0.05, description="zoom", style=style),
        "shift_x": W.FloatSlider(0, min=-0.5, max=0.5, step=0.05, description="shift x", style=style),
        "shift_y": W.FloatSlider(0, min=-0.5, max=0.5, step=0.05, description="shift y", style=style),
        "brightness": W.FloatSlider(0, min=-0.5, max=0.5, step=0.05, description="brightness", style=style),
        "contrast": W.FloatSlider(1.0, min=0.2, max=2.0, step=0.05, description="contrast", style=style),
        "noise": W.FloatSlider(0, min=0, max=0.3, step=0.01, description="noise sd", style=style),
        "flip_h": W.ToggleButton(False, description="flip left-right"),
        "flip_v": W.ToggleButton(False, description="flip up-down"),
        "fill_mode": W.Dropdown(options=list(augment_lib.FILL_MODES), value="reflect", description="fill",
                                style=style),
    }
    size = W.Layout(width=f"{image.shape[1] * scale}px", height=f"{image.shape[0] * scale}px")
    view = W.Image(value=_png(image, scale), format="png", layout=size)  # fixed size: no stretching
    caption = W.HTML(layout=W.Layout(width=f"{max(image.shape[1] * scale, 200)}px"))

    def update(_=None):
        values = {k: c.value for k, c in controls.items()}
        view.value = _png(render(image, **values), scale)
        caption.value = "<small>" + ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                                              for k, v in values.items()) + "</small>"

    for c in controls.values():
        c.observe(update, names="value")
    update()
    box = W.HBox([W.VBox(list(controls.values())), W.VBox([view, caption])],
                 layout=W.Layout(align_items="flex-start"))
    box.image, box.controls = view, controls
    box.add_class("coursekit-explorer")
    return box
