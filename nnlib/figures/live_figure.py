"""A ``TrainingFigure`` that redraws fast, for the live slider.

A slider move in Jupyter retrains and redraws; the reader waits for both.
``LiveTrainingFigure.render`` keeps a picture of everything that did not
change (ticks, labels, titles, axis ranges, the legend) and draws only the
artists that show the run on top of it.
"""

from nnlib.figures.training_figure import TrainingFigure


class LiveTrainingFigure(TrainingFigure):
    """``TrainingFigure`` plus ``render()``, a cached redraw on its canvas.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._backgrounds = {}  # the cached pictures, see render()

    def render(self) -> None:
        """Draw the figure on its canvas, fast (the live slider's redraw).

        What did not change since a previous render (ticks, labels, titles,
        axis ranges, the legend) comes from a cached picture of the figure;
        only the artists that show the run are drawn on top. The same
        picture as ``canvas.draw()`` (but for the blend of the legend box's
        antialiased edge), in a fraction of the time.
        """
        ax = self.boundary_ax
        legend = ax.get_legend()
        # lines too (e.g. a reference line): the shading must not hide them
        shown = [self.boundary.image, *ax.collections, *ax.lines, *ax.texts,
                 *ax.spines.values()]
        shown.sort(key=lambda artist: artist.get_zorder())
        loss_artists = [self.loss_line, self.diverged_line,
                        self.diverged_text]
        key = (tuple(map(id, self._shown_data)), ax.get_title(),
               self.loss_ax.get_title(), self.loss_ax.get_ylabel(),
               self.loss_ax.get_xlim(), self.loss_ax.get_ylim(),
               self.get_suptitle(), self.bbox.bounds)
        canvas = self.canvas
        if key not in self._backgrounds:
            for artist in shown + loss_artists:
                artist.set_animated(True)  # canvas.draw() leaves them out
            try:
                canvas.draw()
            finally:
                for artist in shown + loss_artists:
                    artist.set_animated(False)
            if len(self._backgrounds) >= 32:
                self._backgrounds.clear()
            # The legend (opaque) sits on top of the shading: keep its
            # pixels, and freeze its place (loc="best" could move it).
            legend_pixels = None
            if legend is not None:
                box = legend.get_window_extent()
                legend_pixels = canvas.copy_from_bbox(box)
                legend.set_loc(tuple(ax.transAxes.inverted().transform(
                    (box.x0, box.y0))))
            self._backgrounds[key] = (canvas.copy_from_bbox(self.bbox),
                                      legend_pixels)
        background, legend_pixels = self._backgrounds[key]
        canvas.restore_region(background)
        for artist in shown:
            ax.draw_artist(artist)
        if legend_pixels is not None:
            canvas.restore_region(legend_pixels)
        for artist in loss_artists:
            self.loss_ax.draw_artist(artist)
