"""PNG plots of an evaluation report: hit@k per kind per system, and latency per system."""
from __future__ import annotations

from pathlib import Path


def _pyplot():
    """matplotlib's pyplot on the file-only backend (no display on servers and in CI)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_hits(report: dict, path: Path) -> Path:
    """Grouped bars: hit@1, hit@3, hit@5 per question kind, one bar per system."""
    plt = _pyplot()
    names = [s["name"] for s in report["systems"]]
    kinds = sorted({k for s in report["summary"].values() for k in s["by_kind"]} - {"out-of-scope"})
    kinds.append("overall")
    fig, axes = plt.subplots(3, 1, figsize=(11, 10), sharex=True)
    width = 0.8 / max(len(names), 1)
    for ax, k in zip(axes, (1, 3, 5)):
        for i, name in enumerate(names):
            groups = {**report["summary"][name]["by_kind"], "overall": report["summary"][name]["overall"]}
            values = [groups.get(kind, {}).get(f"hit@{k}") or 0.0 for kind in kinds]
            ax.bar([x + i * width for x in range(len(kinds))], values, width, label=name)
        ax.set_ylabel(f"hit@{k}")
        ax.set_ylim(0, 1.05)
        ax.grid(axis="y", alpha=0.3)
    axes[-1].set_xticks([x + 0.4 - width / 2 for x in range(len(kinds))], kinds)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, ncol=len(names), fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 0.955))
    fig.suptitle("Passage hit@k per question kind (in-scope questions)")
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_latency(report: dict, path: Path) -> Path:
    """Box plot of per-question latency per system (log scale)."""
    plt = _pyplot()
    names = [s["name"] for s in report["systems"]]
    data = [[max(d["latency_ms"], 0.01) for d in report["details"][n] if not d.get("error")] for n in names]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.boxplot(data, showfliers=True)
    ax.set_xticks(range(1, len(names) + 1), names)
    ax.set_yscale("log")
    ax.set_ylabel("ms per question (log)")
    ax.set_title("Latency: ask() for the assistant, search for the others")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_plots(report: dict, out_dir: Path) -> list[Path]:
    """Both plots into the report directory."""
    return [plot_hits(report, out_dir / "eval-hit-by-kind.png"),
            plot_latency(report, out_dir / "eval-latency.png")]
