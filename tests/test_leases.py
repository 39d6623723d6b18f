"""A run of a deployment with a concurrency limit, paused for review past its lease renewal,
resumes and completes (issue 15): before flows.leases it ended Crashed ("Execution was
cancelled by the runtime environment") about 3 min 45 s after it started, because the server
revokes a paused run's deployment lease and the engine's next renewal cancelled the run.

A real (temporary) Prefect server; the engine runs the flow in a thread of this process, with
Prefect's renewal period shortened from 225 s to 3 s so the test takes seconds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-harness"),
              pytest.mark.usefixtures("prefect_harness")]  # fmt: skip

RENEWAL_FAILS_WITHIN = 90.0  # a renewal every 3 s, then three attempts (about 3 s) on a quiet machine


def _flow() -> Any:
    from prefect import flow
    from prefect.flow_runs import pause_flow_run
    from prefect.input import RunInput

    from flows import leases

    class Answer(RunInput):
        speaker: str = "As proposed"

    @flow(name="pause-past-lease-renewal")
    def paused_for_review() -> str:
        with leases.pausing() as patched:
            assert patched, "Prefect's lease-renewal failure handler is not where 3.9 has it"
            answer = pause_flow_run(wait_for_input=Answer, timeout=300, poll_interval=1)
        return str(answer.speaker)

    return paused_for_review


def test_a_paused_run_of_a_limited_deployment_outlives_its_lease(monkeypatch: Any) -> None:
    from prefect.client.orchestration import get_client
    from prefect.concurrency import _leases
    from prefect.flow_engine import run_flow
    from prefect.flow_runs import resume_flow_run
    from prefect.states import Pending

    from flows import leases

    monkeypatch.setattr(_leases, "_RENEWAL_FRACTION", 0.01)  # renew every 3 s, not 225 s
    paused_for_review = _flow()
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow(paused_for_review)
        deployment_id = client.create_deployment(flow_id, "review", concurrency_limit=1)
        run = client.create_flow_run_from_deployment(deployment_id)
        # What a runner does before it starts the process: Pending takes the deployment's slot.
        pending = client.set_flow_run_state(run.id, Pending())
        assert pending.state and pending.state.state_details.deployment_concurrency_lease_id
        run = client.read_flow_run(run.id)

    outcome: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: outcome.update(state=run_flow(
        paused_for_review, flow_run=run, return_type="state")), daemon=True)  # fmt: skip
    thread.start()
    deadline = time.monotonic() + 120
    with get_client(sync_client=True) as client:
        while (state := client.read_flow_run(run.id).state) is None or not state.is_paused():
            assert thread.is_alive() and time.monotonic() < deadline, f"never paused: {state}"
            time.sleep(0.3)
        # Paused: the server revoked the lease; wait for the engine's renewal of it to fail
        # (its three attempts), however slow the machine, or for the run to end.
        lease = str(pending.state.state_details.deployment_concurrency_lease_id)
        deadline = time.monotonic() + RENEWAL_FAILS_WITHIN
        while lease not in leases.kept_leases() and thread.is_alive():
            assert time.monotonic() < deadline, "the revoked lease's renewal never failed"
            time.sleep(0.3)
        time.sleep(1.0)  # before the patch, the run was cancelled right after that failure
        state = client.read_flow_run(run.id).state
        assert state is not None and state.is_paused(), f"the paused run ended: {state}"
        resume_flow_run(run.id, run_input={"speaker": "Jeanne Correcteur"})
        thread.join(120)
        assert not thread.is_alive()
        final = outcome["state"]
        assert final.is_completed(), final.message
        assert final.result() == "Jeanne Correcteur"
        # The patch did the work (if Prefect stops revoking a paused run's lease, the wait above
        # fails: then flows.leases is no longer needed).
        assert lease in leases.kept_leases()
