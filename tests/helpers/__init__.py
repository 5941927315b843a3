"""Helpers shared by several test modules and by bench/, imported as modules.

Fixtures stay in conftest.py; no module imports a test module or a conftest
(tests/test_quality.py checks it). bench/ imports only from here: ``harness``
(JupyterLab in Chromium) and ``latency_proxy`` (a far server's round trip).
The tests also share ``dicom`` (crafted CT files), ``studies`` (a tree of
series to export), ``docs`` (the docs/ generators), ``pages`` (saved pages
opened offline), ``label_canvas`` (label overlays checked pixel for pixel)
and ``axe`` (axe-core's accessibility check).
"""
