"""Charts of participation, drawn by matplotlib as PNG images: the rate per
area, the rate against each population-structure share, and the choropleth
legend. Every chart has a table equivalent on the page that shows it."""

import base64
import io
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Perceptually even and readable with the common colour-vision deficiencies.
COLOURMAP = matplotlib.colormaps["viridis_r"]


def png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96)
    plt.close(figure)
    return buffer.getvalue()


def data_uri(image: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def scale(values: Sequence[float | None]) -> mcolors.Normalize:
    known = [v for v in values if v is not None]
    top = max(known, default=0.0)
    return mcolors.Normalize(vmin=0, vmax=top or 1.0)


def colour_of(value: float | None, norm: mcolors.Normalize) -> str:
    if value is None:
        return "#bdbdbd"
    return str(mcolors.to_hex(COLOURMAP(norm(value))))


def legend(norm: mcolors.Normalize, label: str) -> bytes:
    figure, axes = plt.subplots(figsize=(5, 0.9), layout="constrained")
    figure.colorbar(
        matplotlib.cm.ScalarMappable(norm=norm, cmap=COLOURMAP),
        cax=axes,
        orientation="horizontal",
        label=label,
    )
    return png(figure)


def rate_bars(
    names: Sequence[str],
    rates: Sequence[float | None],
    *,
    city: float | None,
    label: str,
    city_label: str,
) -> bytes:
    """One horizontal bar per area, the combined rate as a line."""
    height = max(2.5, 0.24 * len(names) + 0.8)
    figure, axes = plt.subplots(figsize=(7, height), layout="constrained")
    values = [r or 0.0 for r in rates]
    norm = scale(rates)
    axes.barh(
        list(names), values, color=[colour_of(r, norm) for r in rates], height=0.7
    )
    axes.invert_yaxis()
    if city is not None:
        axes.axvline(city, color="#d55e00", linewidth=2, label=city_label)
        axes.legend(loc="lower right")
    axes.set_xlim(left=0)
    axes.set_xlabel(label)
    axes.grid(axis="x", alpha=0.3)
    return png(figure)


def rate_against_shares(
    rates: Sequence[float | None],
    shares: dict[str, Sequence[float | None]],
    correlations: dict[str, float | None],
    *,
    labels: dict[str, str],
    rate_label: str,
) -> bytes:
    """One scatter plot per structure share, Pearson's r in its title."""
    figure, grid = plt.subplots(
        2, 2, figsize=(8, 6.5), sharey=True, layout="constrained"
    )
    for axes, (name, values) in zip(grid.flat, shares.items(), strict=False):
        pairs: list[tuple[Any, Any]] = [
            (share * 100, rate)
            for share, rate in zip(values, rates, strict=True)
            if share is not None and rate is not None
        ]
        if pairs:
            xs, ys = zip(*pairs, strict=True)
            axes.scatter(xs, ys, s=22, color="#0072b2", alpha=0.8)
        r = correlations.get(name)
        axes.set_title(
            f"{labels[name]} (r = {r:.2f})" if r is not None else labels[name]
        )
        axes.set_xlabel("%")
        axes.grid(alpha=0.3)
    figure.supylabel(rate_label)
    return png(figure)
