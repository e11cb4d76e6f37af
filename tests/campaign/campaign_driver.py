"""A campaign process for the kill tests: run_campaign with the stand-in evaluator.

    python campaign_driver.py CAMPAIGN.yaml OUT [--resume] [--workers K]
"""

from __future__ import annotations

import argparse
import json
import sys

import campaign_standin

from hyperdef.campaign.run import run_campaign


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("campaign")
    ap.add_argument("out")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    doc = run_campaign(args.campaign, args.out, workers=args.workers, resume=args.resume,
                       evaluate=campaign_standin.evaluate)
    sys.stdout.write(json.dumps(doc) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
