"""How a widget shows where it cannot be live: a static HTML and text form next to the widget view.

``show(widget, text, html)`` publishes one output holding the live widget view *and* a static form. JupyterLab,
Colab and Binder show the widget; papermill outputs, static pages, GitHub and terminals fall back to the HTML or
the text, never to a blank box or a raw ``VBox(...)``. Works with ipywidgets 7 and 8 (widget protocol 2).
"""
import html as _html

from IPython.display import display

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Wrap only between words, whatever the output area's own CSS says, and never cut a label.
TEXT_STYLE = "white-space:normal;word-break:normal;overflow-wrap:break-word;line-height:1.45"
COLOURS = {  # (accent, background): readable in light and dark themes, since both are given
    "match": ("#1b5e20", "#e8f5e9"),
    "mismatch": ("#b71c1c", "#fdecea"),
    "none": ("#37474f", "#eceff1"),
    # the statuses of an exercise check (coursekit.exercises)
    "correct": ("#1a7f37", "#e8f5e9"),
    "incorrect": ("#cf222e", "#fdecea"),
    "not_attempted": ("#0969da", "#e3f2fd"),
    "error": ("#9a6700", "#fff8e1"),
}


def esc(text):
    return _html.escape(str(text), quote=True)


def bundle(widget, text, html):
    """The display data of a widget with its static forms."""
    data = {"text/plain": text, "text/html": html}
    if widget is not None and getattr(widget, "model_id", None):
        data[WIDGET_MIME] = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    return data


def show(widget, text, html):
    """Display a widget with its static forms; outside IPython (a plain script) print the text form."""
    from IPython.core.interactiveshell import InteractiveShell

    if not InteractiveShell.initialized():
        print(text)
        return
    display(bundle(widget, text, html), raw=True)


def box(kind, title, rows, css_class):
    """A callout: a coloured bar and title, then (label, value) rows; values are already HTML."""
    accent, background = COLOURS[kind]
    body = "".join(f'<div style="margin-top:3px"><b>{esc(label)}</b> {value}</div>' for label, value in rows)
    return (f'<div class="{css_class} {css_class}-{kind}" data-outcome="{kind}" style="{TEXT_STYLE};'
            f"border-left:6px solid {accent};background:{background};color:#1a1a1a;padding:8px 12px;"
            f'margin:6px 0;border-radius:4px;max-width:60em;font-size:14px">'
            f'<div style="font-weight:bold;color:{accent}">{esc(title)}</div>{body}</div>')


class Rich:
    """An object that displays as HTML in a notebook and as text anywhere else (str, print, logs)."""

    def __init__(self, text, html):
        self.text, self.html = text, html

    def _repr_html_(self):
        return self.html

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text

    def _repr_pretty_(self, p, cycle):
        p.text(self.text)
