"""Model builders shared by tasks, over `seqkit.layers`.

- `Forecaster` (`forecasting.py`): raw windows in, forecasts in original units out.
- `forecast_baselines`: last value, seasonal naive, Holt-Winters.
"""

from seqkit.models.forecast_loss import ForecastLoss
from seqkit.models.forecasting import Forecaster
