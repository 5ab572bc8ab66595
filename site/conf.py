"""Sphinx configuration of the course website (site/build.py copies it next to the staged notebooks).

MyST-NB renders the executed notebooks as they are (execution off); sphinx-book-theme lays them out.
Everything a page loads is in the site itself: the theme's own files, and the widget manager that renders
saved widget state, vendored by site/build.py into _static/widgets (no CDN).
"""
project = "augment-course"
author = "augment-course contributors"
copyright = "augment-course contributors"
html_title = "augment-course: data augmentation as regularization"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
root_doc = "index"

# Never execute: pages show the outputs of the run the builder picked.
nb_execution_mode = "off"
# TensorFlow's and the kernel's log lines on stderr are not part of the lesson.
nb_output_stderr = "remove"
nb_merge_streams = True
# Saved widget state is rendered by the vendored html-manager (ipywidgets 8) with require.js: local files.
nb_ipywidgets_js = {
    "widgets/require.js": {},
    "widgets/embed-amd.js": {},
}
nb_render_markdown_format = "myst"
suppress_warnings = ["mystnb.unknown_mime_type", "myst.header", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
html_show_sourcelink = False
html_copy_source = False
# No page shows math, so Sphinx adds no MathJax script (it would come from a CDN).
# (checked by the browser test, which blocks and reports every request that is not a local file)
