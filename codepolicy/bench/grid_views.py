"""The grid's heat map as a matplotlib figure (the report embeds it as a PNG).

Example:
    >>> from codepolicy.bench.grid_stats import HeatMap
    >>> from codepolicy.bench.stats import proportion
    >>> h = HeatMap(rows_axis="api", cols_axis="perception", rows=["macro", "low"],
    ...             cols=["privileged"], pooled=[], success=[[proportion(4, 4)], [None]])
    >>> heatmap_figure(h).axes[0].get_ylabel()
    'api'
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from codepolicy.bench.grid_stats import HeatMap, heat_caption


def heatmap_figure(h: HeatMap) -> Figure:
    """Success rate per square (colour), with the rate, k/n and Wilson interval written in it."""
    data = np.array(
        [[np.nan if p is None else p.rate * 100 for p in line] for line in h.success], dtype=float
    )
    fig = Figure(figsize=(max(4.5, 1.7 * len(h.cols) + 2.2), max(2.4, 0.9 * len(h.rows) + 1.4)))
    ax = fig.add_subplot()
    image = ax.imshow(np.ma.masked_invalid(data), cmap="RdYlGn", vmin=0, vmax=100, aspect="auto")
    for i, line in enumerate(h.success):
        for j, p in enumerate(line):
            text = (
                "–"
                if p is None
                else (f"{p.rate:.0%}\n{p.k}/{p.n}\n[{p.low * 100:.0f}–{p.high * 100:.0f}]")
            )
            ax.text(j, i, text, ha="center", va="center", fontsize=8)
    ax.set_yticks(range(len(h.rows)))
    ax.set_yticklabels(h.rows)
    ax.set_ylabel(h.rows_axis)
    ax.set_xticks(range(len(h.cols)))
    ax.set_xticklabels(h.cols if h.cols_axis else ["all"])
    ax.set_xlabel(h.cols_axis or "")
    ax.set_title(heat_caption(h), fontsize=9, wrap=True)
    fig.colorbar(image, ax=ax, label="success %")
    return fig
