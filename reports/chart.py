"""The quarter's progress as a small PNG bar chart, when matplotlib is installed; None otherwise."""

from __future__ import annotations

import io
from collections import Counter

from reports.digest import DigestData

STATES = (("Đã hoàn thành", "#2e7d32"), ("Đã gửi, chưa đủ", "#f9a825"), ("Chưa gửi", "#c62828"))


def _state(row) -> str:  # type: ignore[no-untyped-def]
    if row.complete:
        return STATES[0][0]
    return STATES[1][0] if row.heard else STATES[2][0]


def progress_chart(data: DigestData) -> bytes | None:
    """Stacked bars per kind of unit: complete, short, silent. Deterministic bytes for the same data."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError:  # optional: the HTML bar table says the same without it
        return None
    kinds = list(dict.fromkeys(r.kind for r in data.quota))
    if not kinds:
        return None
    counts = Counter((r.kind, _state(r)) for r in data.quota)
    fig, ax = plt.subplots(figsize=(7.6, 1.3 + 0.5 * len(kinds)), dpi=100)
    left = [0] * len(kinds)
    for label, colour in STATES:
        values = [counts[(k, label)] for k in kinds]
        ax.barh(kinds, values, left=left, color=colour, label=label, height=0.6)
        for y, (start, value) in enumerate(zip(left, values)):
            if value:
                ax.text(start + value / 2, y, str(value), ha="center", va="center", color="white", fontsize=9)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_title(f"Tiến độ thực hiện chỉ tiêu {data.quarter_text} (số đơn vị)", fontsize=11)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    # No timestamp in the PNG, so the same digest gives the same bytes (and Message-ID body hash).
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
