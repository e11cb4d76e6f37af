"""Sensor-centric view: SNR of every detection against time, per sensor and threat, with the
SNR at which that sensor's detection model gives Pd = ½ (its threshold).

Thresholds come from the resolved scenario's sensor entries and the Pd models of
hyperdef.sensors.pd: `step` and `gaussian` switch at the configured threshold itself
(`snr_threshold`, linear, for space IR; `snr_threshold_db` for a radar); Swerling I,
Pd = Pfa^(1/(1+SNR)), is ½ at SNR = ln Pfa / ln ½ − 1 (Richards, *Fundamentals of Radar Signal
Processing*, 2005, ch. 7); Albersheim's equation is solved for Pd = ½ (Albersheim, IEEE Trans.
AES-17(4), 1981).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np

from hyperdef.report.figures import COLORS, Figure, encode_png, needs_note, subplots
from hyperdef.report.rundata import RunData

if TYPE_CHECKING:
    import pandas as pd


def threshold_snr_db(sensor: dict) -> float | None:
    """SNR [dB] at which a resolved scenario sensor entry detects with Pd = ½ (None: unknown)."""
    model = sensor.get("pd_model")
    if sensor.get("kind") == "space_ir":
        thr = sensor.get("snr_threshold", 5.0)
        return 10.0 * math.log10(thr) if thr and thr > 0 else None
    if sensor.get("kind") != "radar":
        return None
    pfa, n = float(sensor.get("pfa", 1e-6)), int(sensor.get("n_pulses", 1))
    if model == "swerling1":
        return 10.0 * math.log10(math.log(pfa) / math.log(0.5) - 1.0)
    if model == "albersheim":
        from hyperdef.sensors.pd import snr_db_albersheim

        return float(snr_db_albersheim(0.5, pfa, n))
    return float(sensor.get("snr_threshold_db", 13.0))


def snr_vs_time(run: RunData) -> Figure:
    f = Figure("snr", "Signal-to-noise ratio against time",
               "Per sensor (one panel each, first sample): SNR of every detection, coloured by "
               "threat (false alarms grey), and the SNR at which the sensor's detection model "
               "gives Pd = ½ (dashed). Detections below the line are the lucky draws of a "
               "probabilistic detector; a threat that sits near the line flickers in and out.")
    if (note := needs_note(run, "detections.parquet")):
        f.note = note
        return f
    det = cast("pd.DataFrame", run.detections)  # present: needs_note() found it
    if not len(det):
        f.note = "Not drawn: no detections in this run."
        return f
    det = det[det["sample"] == det["sample"].min()]
    specs = {s.get("name"): s for s in (run.scenario or {}).get("sensors", [])}
    sensors = sorted(det["sensor"].unique())
    names = run.threat_names()
    fig, axes = subplots(len(sensors), 1, figsize=(10, 2.2 * len(sensors) + 0.6), sharex=True)
    axes = np.atleast_1d(axes)
    for ax, s in zip(axes, sensors, strict=True):
        mine = det[det["sensor"] == s]
        for o, name in enumerate(names):
            d = mine[mine["truth_id"] == o]
            if len(d):
                ax.plot(d["t_s"], d["snr_db"], ".", ms=3, color=COLORS[o % 10], label=name)
        fa = mine[mine["truth_id"] < 0]
        if len(fa):
            ax.plot(fa["t_s"], fa["snr_db"], ".", ms=2, color="0.6", label="false alarm")
        thr = threshold_snr_db(specs.get(s, {}))
        if thr is not None:
            ax.axhline(thr, color="k", ls="--", lw=1.0, label=f"Pd = ½ at {thr:.1f} dB")
        ax.set_ylabel("SNR [dB]")
        ax.set_title(s, fontsize=9, loc="left")
        ax.grid(True, lw=0.3)
        ax.legend(fontsize=7, loc="upper right", markerscale=3)
    axes[-1].set_xlabel("time since epoch [s]")
    f.png_b64 = encode_png(fig)
    return f
