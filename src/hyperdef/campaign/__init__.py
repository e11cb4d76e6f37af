"""Campaigns: Monte Carlo samples × architecture sweeps, run on Dask into a resumable store.

    from hyperdef.campaign import make_plan, run_campaign, query
    summary = run_campaign("example", "runs/example", samples=200, workers=2)
    query("runs/example", "SELECT label, median(warning_time_s) FROM results GROUP BY 1")

plan (points, samples, chunks) → run (Dask tasks) → store (atomic Parquet parts) → query (DuckDB)
→ report (HTML). See each module's docstring.
"""

from hyperdef.campaign.plan import Plan, PlanTooLarge, make_plan
from hyperdef.campaign.query import architecture_summary, query, results
from hyperdef.campaign.report import write_campaign_report
from hyperdef.campaign.run import ChunkFailed, SchedulerUnreachable, run_campaign
from hyperdef.campaign.schema import CampaignError
from hyperdef.campaign.source import builtin_campaigns
from hyperdef.campaign.store import StoreError

__all__ = [
    "CampaignError", "ChunkFailed", "Plan", "PlanTooLarge", "SchedulerUnreachable", "StoreError",
    "architecture_summary", "builtin_campaigns", "make_plan", "query", "results",
    "run_campaign", "write_campaign_report",
]
