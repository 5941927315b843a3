"""The core layer: Hounsfield units, windows, VOI functions and metrics (numpy only)."""
