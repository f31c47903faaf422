"""The model at the bottom of every layer: what users write, what scoring computes, the words."""
