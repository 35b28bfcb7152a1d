"""The logistic-regression tools: the Data editor, the Likelihood table and the Data plot, bound
to the document's dataset and to the model (w, b) at the point or at the focused run's step."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from gdviz.core.datasets import separability, write_dataset_csv
from gdviz.core.likelihood import model_overflows
from gdviz.core.logistic import LOG_BASES, Dataset, DatasetError, load_dataset_csv
from gdviz.core.presets import default_preset_name
from gdviz.model import Document
from gdviz.ui.panels.data_plot import DataPlot
from gdviz.ui.panels.dataset_panel import DatasetPanel
from gdviz.ui.panels.likelihood_panel import LikelihoodPanel
from gdviz.ui.widgets import RefreshWhenShown
from gdviz.workers.job_worker import JobWorker

LECTURE_SOURCE = "the lecture's 8 examples"
PANEL_REFRESH_MS = 66


@dataclass(frozen=True)
class LoadedDataset:
    """What a background CSV load hands back: the dataset, or the error that refused the file."""

    path: str
    dataset: Dataset | None
    error: Exception | None


def load_dataset_file(path: str) -> LoadedDataset:
    """Read a CSV of x,y rows; a bad file comes back as its error, never raised."""
    try:
        return LoadedDataset(path, load_dataset_csv(path), None)
    except (DatasetError, OSError, ValueError, UnicodeDecodeError) as err:
        return LoadedDataset(path, None, err)


class LogisticController(QtCore.QObject):
    """Keeps the dataset panel, likelihood table and data plot on the document."""

    status_message = QtCore.Signal(str, int)
    dataset_refused = QtCore.Signal()  # a file was refused: the Data tab should be raised

    def __init__(
        self,
        doc: Document,
        dataset_panel: DatasetPanel,
        likelihood_panel: LikelihoodPanel,
        data_plot: DataPlot,
        parent: QtCore.QObject | None = None,
    ):
        super().__init__(parent)
        self.doc = doc
        self.dataset_panel, self.likelihood_panel, self.data_plot = (
            dataset_panel, likelihood_panel, data_plot,
        )  # fmt: skip
        self._shown_dataset: Dataset | None = None
        self._source = LECTURE_SOURCE
        self._separability = separability(Dataset.lecture())
        self._during_run = QtCore.QTimer(self, singleShot=True, interval=PANEL_REFRESH_MS)
        self._during_run.timeout.connect(self.show_model)
        self.loader = JobWorker(self)
        self.loader.job_computed.connect(self._on_dataset_loaded)
        dataset_panel.dataset_edited.connect(lambda data: self.set_dataset(data, "edited"))
        dataset_panel.lecture_requested.connect(lambda: self.doc.load_preset(default_preset_name()))
        events = doc.events
        events.surface_changed.connect(self._on_surface_changed)
        events.point_changed.connect(self.show_model)
        events.focus_changed.connect(self.show_model)
        events.run_stepped.connect(self._on_run_stepped)
        events.runs_changed.connect(self.show_model)
        events.run_finished.connect(lambda _run_id: self.show_model())
        # the table and the plot compute only when they are seen (both start in hidden tabs)
        self._table_when_shown = RefreshWhenShown(likelihood_panel, self._show_table_now)
        self._plot_when_shown = RefreshWhenShown(data_plot, self._show_plot_now)
        self._plotted_dataset: Dataset | None = None
        self._on_surface_changed()

    # --- the dataset --------------------------------------------------------------------------
    def set_dataset(self, dataset: Dataset, source: str) -> None:
        """Show the log loss of a new dataset (the window and point stay, runs are removed)."""
        self._source = source
        self.doc.set_dataset(dataset)
        self.status_message.emit(f"Dataset: {len(dataset):,} examples ({source})", 8000)

    def load_file(self, path: str) -> None:
        """Read a CSV off the GUI thread; a bad file is reported and the current data stays."""
        self.status_message.emit(f"Reading {path}…", 0)
        self.loader.submit(lambda: load_dataset_file(path))

    @QtCore.Slot(int, object)
    def _on_dataset_loaded(self, _job_id: int, result: LoadedDataset) -> None:
        name = Path(result.path).name
        if result.error is not None:
            self.dataset_panel.show_dataset_error(result.error, name)
            self.dataset_refused.emit()
            self.status_message.emit(f"{name} was not loaded: {result.error}", 15000)
            return
        self.set_dataset(result.dataset, name)

    def import_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self.dataset_panel, "Import a dataset", "", "CSV files (*.csv);;All files (*)"
        )
        if path:
            self.load_file(path)

    def export_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self.dataset_panel, "Export the dataset", "dataset.csv", "CSV files (*.csv)"
        )
        if path:
            self.export_dataset(path)

    def export_dataset(self, path: str) -> bool:
        dataset = self.doc.dataset or Dataset.lecture()
        try:
            write_dataset_csv(dataset, path)
        except OSError as err:
            self.dataset_panel.show_error(str(err))
            return False
        self.status_message.emit(f"Saved {len(dataset):,} examples to {path}", 8000)
        return True

    def _on_surface_changed(self) -> None:
        dataset = self.doc.dataset
        if dataset is not None and dataset is not self._shown_dataset:
            if self.doc.scene.source.kind == "preset":
                self._source = LECTURE_SOURCE
            self._shown_dataset = dataset
            self._separability = separability(dataset)
            self.dataset_panel.show_dataset(dataset, self._source, self._separability.message)
        self.show_model()

    # --- the model (w, b) ------------------------------------------------------------------------
    def _on_run_stepped(self, run_id: int) -> None:
        """During a run the table follows its newest step, at most ~15 times a second."""
        following = run_id == self.doc.focus_run and self.doc.scrub_k is None
        if following and not self._during_run.isActive():
            self._during_run.start()

    def show_model(self) -> None:
        """The likelihood table and data plot for the focused run's step, else for the point:
        each now if it is on screen, else when it is next painted."""
        if self.doc.dataset is None or not self.doc.is_loss:
            self._shown_dataset = None
        self._table_when_shown()
        self._plot_when_shown()

    def _model(self) -> tuple[Dataset, float, float, str] | None:
        """(dataset, w, b, where) of the model shown; None when the surface is no loss."""
        dataset = self.doc.dataset
        if dataset is None or not self.doc.is_loss:
            return None
        focused = self.doc.focused_step()
        if focused is not None:
            record, k = focused
            w, b = record.history.step(k).point
            return dataset, w, b, f"step {k} of run {record.run_id}"
        w, b = self.doc.point
        return dataset, w, b, "the point"

    def _show_table_now(self) -> None:
        model = self._model()
        if model is None:
            self.likelihood_panel.show_no_model(
                "No run of a loss yet: the likelihood table is for the log loss L(w, b) of a "
                "dataset (Data tab, or the lecture's preset)."
            )
            return
        dataset, w, b, where = model
        if not (math.isfinite(w) and math.isfinite(b)):
            return
        base = LOG_BASES[self.doc.scene.log_base]
        try:
            self.likelihood_panel.show_model(dataset, w, b, base, where)
        except ValueError as err:  # z = w·x + b overflows for an extreme model
            self.likelihood_panel.model_label.setText(f"Model (w, b) = ({w:g}, {b:g}): {err}")

    def _show_plot_now(self) -> None:
        model = self._model()
        if model is None:
            self._plotted_dataset = None
            self.data_plot.show_no_model(
                "No dataset here: the data plot shows the examples and the model (w, b) of a "
                "log-loss surface (the Data tab, or the lecture's preset)."
            )
            return
        dataset, w, b, _where = model
        if dataset is not self._plotted_dataset:
            self._plotted_dataset = dataset
            self.data_plot.show_dataset(dataset)
        if not (math.isfinite(w) and math.isfinite(b)) or model_overflows(dataset, w, b):
            return  # the table says why
        self.data_plot.show_model(w, b, self._separability.message)

    def stop(self) -> None:
        self.loader.stop()
