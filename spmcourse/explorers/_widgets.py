"""What the explorers share: one figure per update, sliders in one look, and the container every builder returns.

ipywidgets, matplotlib and IPython are imported inside the functions: importing an explorer module stays light
(tests and the package's doctests import every module).
"""
from __future__ import annotations


def figure_updater(draw, figsize: tuple[float, float]):
    """An ``interactive_output`` callback that draws one figure per update.

    ``draw(ax, **values)`` gets a fresh axis of ``figsize`` and the controls' values; the figure is shown in the
    explorer's output and closed, so that updates do not pile up figures.
    """
    import matplotlib.pyplot as plt
    from IPython.display import display

    def update(**values):
        fig, ax = plt.subplots(figsize=figsize)
        draw(ax, **values)
        display(fig)
        plt.close(fig)  # outside the inline backend show() keeps the figure; never let them pile up

    return update


def plot_output(controls: dict, draw, figsize: tuple[float, float]):
    """The output area that redraws ``draw(ax, **values)`` on a fresh figure whenever a control changes."""
    import ipywidgets as widgets

    return widgets.interactive_output(figure_updater(draw, figsize), controls)


def slider_maker(description_width: str, width: str | None = None):
    """A ``slider(value=…, min=…, max=…, step=…, description=…, integer=False, **options)`` in one look.

    Labels are ``description_width`` wide, each slider ``width`` wide, and a slider reports its value when it is
    let go (``continuous_update=False``): the explorers redraw a figure per change, too slow to follow a drag.
    """
    import ipywidgets as widgets

    style = {"description_width": description_width}
    layout = widgets.Layout(width=width) if width else None

    def slider(*, integer: bool = False, **options):
        kind = widgets.IntSlider if integer else widgets.FloatSlider
        if layout is not None:
            options["layout"] = layout
        return kind(style=style, continuous_update=False, **options)

    return slider


def columns(*groups):
    """Controls side by side, one column per group."""
    import ipywidgets as widgets

    return widgets.HBox([widgets.VBox(list(group)) for group in groups])


def explorer_box(controls: dict, output, *above):
    """The container a builder returns: the rows ``above`` (controls), then the output.

    Tests drive it through ``box.controls`` (the widgets by name) and ``box.output``.
    """
    import ipywidgets as widgets

    box = widgets.VBox([*above, output])
    box.controls = controls
    box.output = output
    return box
