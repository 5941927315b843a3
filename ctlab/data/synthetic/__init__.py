"""ctlab's synthetic images, drawn with numpy alone (no DICOM needed).

``phantom``
    The procedural abdominal volume with ground-truth labels.
``hidden_figures``
    Four singers, each drawn in its own HU range.
``chest_phantom``
    A contrast-enhanced chest slice with labels and sourced HU ranges.
``drawing``
    What they share: supersampled drawing, smooth noise, the CTImage they become.

The sample accessors (``ctlab.data.phantom()``...) cache and return them.
"""
