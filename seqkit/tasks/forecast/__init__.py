"""`task: forecast`: a window of past values in, the next `horizon` values out.

`config.py` its sections, `data.py` the CSV as checked series and the windows
of each part, `evaluation.py` metrics with the classical baselines beside and
plots, `calibration.py` the interval's conformal calibration fitted on validation,
`history.py` forecasts after the end of each series of a history CSV,
`serving.py` the export's serving module, `task.py` the `Task` itself.
"""

from seqkit.tasks.forecast.task import ForecastTask
