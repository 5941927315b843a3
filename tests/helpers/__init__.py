"""Helpers shared by several test folders and by bench/, imported as modules.

Fixtures stay in conftest.py. bench/ imports only from here, never a test
module: ``harness`` (JupyterLab in Chromium) and ``latency_proxy`` (a far
server's round trip).
"""
