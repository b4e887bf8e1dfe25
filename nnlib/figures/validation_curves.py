"""Training and validation, epoch by epoch: the loss of both on a log axis
(training dashed) beside the validation accuracy. Chapters 9 to 11 and the
digits and regularisation labs draw their runs with it."""

import numpy as np

LOSS_TITLE, LOSS_LABEL = "Loss per epoch", "cross-entropy loss (log scale)"
ACCURACY_TITLE = "Validation accuracy per epoch"
ACCURACY_LABEL = "validation accuracy (%)"


def plot_validation_run(loss_ax, accuracy_ax, history, *,
                        name: str | None = None, color=None,
                        loss_range: tuple[float, float] | None = None,
                        **line_options) -> None:
    """One run's training and validation loss on ``loss_ax`` and its
    validation accuracy (in %) on ``accuracy_ax``.

    ``history``: a ``History`` with validation. Without ``color`` the
    training loss is blue and the validation curves orange; with one, all
    three lines take it (to compare runs). ``loss_range`` clips the losses
    into the axis (a loss above it is drawn at its top).
    """
    epochs = np.arange(1, len(history.loss) + 1)
    prefix = f"{name}: " if name else ""

    def shown(losses):
        return np.clip(losses, *loss_range) if loss_range else losses

    loss_ax.plot(epochs, shown(history.loss), "--", color=color or "tab:blue",
                 label=prefix + "training", **line_options)
    loss_ax.plot(epochs, shown(history.val_loss), color=color or "tab:orange",
                 label=prefix + "validation", **line_options)
    accuracy_ax.plot(epochs, 100 * np.asarray(history.val_accuracy),
                     color=color or "tab:orange",
                     label=name or "validation", **line_options)


def label_validation_axes(loss_ax, accuracy_ax, *, epochs: int | None = None,
                          loss_ylim=None, accuracy_ylim=(0, 100),
                          loss_title: str = LOSS_TITLE,
                          loss_label: str = LOSS_LABEL) -> None:
    """Titles, axis labels, ranges and a light grid for the two panels
    (``epochs``: the epoch axis runs from 1 to it)."""
    loss_ax.set(title=loss_title, xlabel="epoch", ylabel=loss_label,
                yscale="log")
    if loss_ylim is not None:
        loss_ax.set_ylim(*loss_ylim)
    accuracy_ax.set(title=ACCURACY_TITLE, xlabel="epoch",
                    ylabel=ACCURACY_LABEL, ylim=accuracy_ylim)
    for ax in (loss_ax, accuracy_ax):
        if epochs is not None:
            ax.set_xlim(0.5, epochs + 0.5)
        ax.grid(alpha=0.3)


def mark_divergence(ax, epoch: int, text: str | None = None) -> None:
    """A dashed red line at the epoch where training diverged, and a boxed
    note in the middle of the panel."""
    text = text or f"diverged at epoch {epoch}"
    ax.axvline(epoch, color="tab:red", linestyle="--", label=text)
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center",
            va="center", color="tab:red", wrap=True,
            bbox=dict(facecolor="white", edgecolor="tab:red"))
