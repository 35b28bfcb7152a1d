"""The GL items of the 3D view: one item or tightly-knit group per module, as pyqtgraph."""
