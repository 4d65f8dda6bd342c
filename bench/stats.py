"""Summaries of latency samples (nanoseconds in, microseconds out)."""
import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Latency:
    calls: int
    median_us: float
    p95_us: float

    @classmethod
    def of(cls, samples_ns: list[int]) -> "Latency":
        if not samples_ns:
            raise ValueError("no samples")
        ordered = sorted(samples_ns)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        return cls(len(ordered), statistics.median(ordered) / 1000, p95 / 1000)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("inf")


def table(headers: list[str], rows: list[list]) -> str:
    cells = [headers] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths))) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)
