"""The augmentation explorer: sliders and toggles for each transform, the image updating live.

Where widgets cannot run (papermill outputs, static pages, GitHub, terminals) it shows a static grid of the
same image under a few transforms instead, and a line of text.
"""
import base64
import io

import ipywidgets as W
import numpy as np

from .. import augment as augment_lib
from ..base import validate
from .static import TEXT_STYLE, esc, show

# What the static grid shows: (caption, render settings).
STATIC_VIEWS = (
    ("original", {}),
    ("rotate 30 deg", {"rotation": 30.0}),
    ("zoom 1.5", {"zoom": 1.5}),
    ("shift x 0.25", {"shift_x": 0.25}),
    ("flip left-right", {"flip_h": True}),
    ("brightness +0.3", {"brightness": 0.3}),
    ("contrast 1.8", {"contrast": 1.8}),
    ("noise sd 0.1", {"noise": 0.1}),
)


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


def static_grid(image, scale=1):
    """HTML: the image under each of STATIC_VIEWS, captioned, in a grid (the explorer's static form)."""
    tiles = []
    for caption, settings in STATIC_VIEWS:
        data = base64.b64encode(_png(render(image, **settings), scale)).decode("ascii")
        tiles.append(f'<figure style="margin:0;text-align:center"><img src="data:image/png;base64,{data}" '
                     f'alt="{esc(caption)}"/><figcaption style="font-size:12px">{esc(caption)}</figcaption>'
                     "</figure>")
    return (f'<div class="coursekit-explorer-static" style="{TEXT_STYLE}"><b>Augmentation explorer</b> '
            "(static view: run the notebook in JupyterLab, Colab or Binder to move the sliders)"
            '<div style="display:grid;grid-template-columns:repeat(4,max-content);gap:8px;margin-top:6px">'
            + "".join(tiles) + "</div></div>")


class Explorer(W.HBox):
    """The explorer's widget box: ``.image`` is the ipywidgets.Image, ``.controls`` the sliders by name."""

    def _ipython_display_(self):
        names = ", ".join(self.controls)
        text = (f"Augmentation explorer: a {self.shape[1]}x{self.shape[0]} image with controls for {names}. "
                "Interactive in JupyterLab, Colab or Binder.")
        show(self, text, static_grid(self.original, self.static_scale))


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
    box = Explorer([W.VBox(list(controls.values())), W.VBox([view, caption])],
                   layout=W.Layout(align_items="flex-start"))
    box.image, box.controls = view, controls
    box.original, box.shape = image, image.shape
    box.static_scale = max(1, 96 // max(image.shape[:2]))
    box.add_class("coursekit-explorer")
    return box
