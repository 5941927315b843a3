"""The widgets layer: interactive windowing in Jupyter (ipywidgets + anywidget)."""
