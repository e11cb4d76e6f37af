"""A real Dask cluster: `dask scheduler` + two `dask worker` processes on 127.0.0.1.

The scheduler picks a free port itself (--port 0) and publishes it in a scheduler file; workers
join through that file. Every wait is bounded, and the finalizer ends the three process groups
this module started (SIGTERM, then SIGKILL after 10 s).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import campaign_standin
import pytest
from campaign_helpers import assert_same_table, subprocess_env

from hyperdef.campaign.query import results
from hyperdef.campaign.run import WORKER_ENV, SchedulerUnreachable, run_campaign

START_TIMEOUT_S = 90.0  # spawning Python + importing JAX on a loaded 2-core machine


def _dask_cli() -> list[str]:
    return [sys.executable, "-m", "dask"]  # the `dask` console script of this interpreter


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10.0
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10.0)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """Address tcp://127.0.0.1:PORT of a scheduler with two single-threaded workers."""
    from distributed import Client

    base = tmp_path_factory.mktemp("dask")
    sched_file = base / "scheduler.json"
    env = subprocess_env(**WORKER_ENV)
    logs = [open(base / f"{name}.log", "w") for name in ("scheduler", "worker0", "worker1")]
    procs = []
    try:
        procs.append(subprocess.Popen(
            [*_dask_cli(), "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(sched_file)],
            env=env, stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True,
            cwd=base))
        deadline = time.monotonic() + START_TIMEOUT_S
        while not sched_file.exists():
            assert procs[0].poll() is None, (base / "scheduler.log").read_text()
            assert time.monotonic() < deadline, "dask scheduler did not start in time"
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        for i in (1, 2):
            procs.append(subprocess.Popen(
                [*_dask_cli(), "worker", address, "--nthreads", "1", "--nworkers", "1",
                 "--host", "127.0.0.1", "--no-dashboard", "--name", f"w{i}"],
                env=env, stdout=logs[i], stderr=subprocess.STDOUT, start_new_session=True,
                cwd=base))
        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield address
    finally:
        _stop(procs)
        for fh in logs:
            fh.close()


def test_an_external_cluster_gives_the_local_results_bit_for_bit(scheduler, reference,
                                                                 tmp_path):
    path, _, ref = reference
    out = tmp_path / "store"
    doc = run_campaign(path, out, scheduler=scheduler, evaluate=campaign_standin.evaluate)
    assert doc["mode"] == f"scheduler {scheduler}" and doc["chunks_run"] == 6
    assert_same_table(results(out), ref)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free once the socket closes: nobody listens there


def test_an_unreachable_scheduler_fails_fast_naming_the_url(reference, tmp_path):
    path, _, _ = reference
    url = f"tcp://127.0.0.1:{_closed_port()}"
    t0 = time.monotonic()
    with pytest.raises(SchedulerUnreachable, match=url.replace(".", r"\.")):
        run_campaign(path, tmp_path / "store", scheduler=url, connect_timeout_s=2.0,
                     evaluate=campaign_standin.evaluate)
    assert time.monotonic() - t0 < 15.0  # the 2 s connect timeout plus a retry's slack
    assert not (tmp_path / "store").exists()  # nothing is written before the cluster answers
