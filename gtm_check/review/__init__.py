"""The weekly review: a launch file's git history compared, trended, projected, by owner."""
