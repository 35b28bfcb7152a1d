"""gdviz's data files (presets, the lecture dataset, lessons, icons): package gdviz.resources."""
