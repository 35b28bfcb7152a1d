"""Numbers only: expressions, surfaces, datasets, calculus and optimizers; never imports Qt."""
