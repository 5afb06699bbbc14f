"""Running the newsroom elsewhere than one process: make cluster (deploy/cluster.py)."""
