"""Determinism across processes: the same inputs give the same TriG bytes whatever Python's hash seed.

A build in one process is deterministic by construction tests elsewhere; this one runs the CLI in fresh
interpreters with different PYTHONHASHSEED values, which is what differs between two users' runs (the
theme scheme's graph was once written in set order)."""
from __future__ import annotations

import os
import subprocess
import sys

from okg_paths import SAMPLES


def test_build_bytes_do_not_depend_on_the_hash_seed(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"graph-{seed}.trig"
        subprocess.run([sys.executable, "-m", "ofsted_kg.cli.main", "build", str(SAMPLES), "-o", str(out)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
