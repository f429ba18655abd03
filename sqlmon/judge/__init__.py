"""Judging, pure: thresholds to statuses (evaluate.py, the only place), drift statistics on
histograms (binning, stats, verdict), model metrics from counts, robust scores, segments."""
