"""Why these results: keywords vs meaning, projections, calibration, model comparison."""
