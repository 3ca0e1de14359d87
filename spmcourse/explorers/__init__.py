"""Interactive explorers for the lessons, one module per topic.

Each explorer is three layers: a compute function returning plain data, a plot function taking that data, and a
``build_*`` function that wires ipywidgets controls to them with ``interactive_output`` and returns the
container without displaying it. Tests drive the compute and plot functions directly and the builders by
setting control values.
"""


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
        plt.close(fig)

    return update
