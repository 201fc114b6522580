"""Planted bugs in the forecast task: data windows, statistics, metrics, quantiles, baselines."""

from mutate import Mutation

WINDOWS = "tests/data/forecast_windows_test.py"
PARTS = "tests/tasks/forecast/parts_test.py"
METRICS = "tests/metrics/forecasting_test.py"
LAYERS = "tests/layers/forecast_layers_test.py"
MODELS = "tests/models/forecasting_test.py"
BASELINES = "tests/models/forecast_baselines_test.py"
CALIBRATION = "tests/tasks/forecast/calibration_test.py"
E2E = "tests/tasks/forecast/end_to_end_test.py"
BENCH_CALIBRATION = "tests/bench_forecast_calibration_test.py"

MUTATIONS = [
    Mutation(
        name="forecast_normalise_on_all_data",
        path="seqkit/data/forecast_windows.py",
        old="rows.append(one.values[:max(train_end, 0)])",
        new="rows.append(one.values)",
        tests=(PARTS, WINDOWS),
        description="normalisation statistics fitted on every part: test values leak into training",
    ),
    Mutation(
        name="forecast_target_shifted_by_one",
        path="seqkit/data/forecast_windows.py",
        old="targets.append(one.values[t:t + horizon][:, target_index])",
        new="targets.append(one.values[t + 1:t + horizon + 1][:, target_index])",
        tests=(WINDOWS,),
        description="a window's target starts one step after the step that follows the window",
    ),
    Mutation(
        name="forecast_quantiles_unordered",
        path="seqkit/layers/ordered_quantiles.py",
        old="return ops.concatenate([base, base + ops.cumsum(steps, axis=-1)], axis=-1)",
        new="return inputs",
        tests=(LAYERS, MODELS),
        description="quantile outputs no longer forced non-decreasing (quantiles may cross)",
    ),
    Mutation(
        name="forecast_mase_wrong_season",
        path="seqkit/tasks/forecast/data.py",
        old="seasonal_naive_scale(one.values[:train_end, target_index], data.season)",
        new="seasonal_naive_scale(one.values[:train_end, target_index], 1)",
        tests=(PARTS,),
        description="MASE scaled by the naive (season 1) error instead of the seasonal naive one",
    ),
    Mutation(
        name="forecast_mase_scale_lag_one",
        path="seqkit/metrics/forecasting.py",
        old="scale = np.abs(history[season:] - history[:-season]).mean(axis=0)",
        new="scale = np.abs(history[1:] - history[:-1]).mean(axis=0)",
        tests=(METRICS,),
        description="the seasonal naive scale ignores the season",
    ),
    Mutation(
        name="forecast_smape_no_factor_two",
        path="seqkit/metrics/forecasting.py",
        old="2.0 * np.abs(y_true - y_pred), denominator,",
        new="np.abs(y_true - y_pred), denominator,",
        tests=(METRICS,),
        description="sMAPE without the factor 2 (half the symmetric percentage error)",
    ),
    Mutation(
        name="forecast_last_value_not_added_back",
        path="seqkit/models/forecasting.py",
        old="            forecast = forecast + ops.reshape(level, shape)",
        new="            forecast = forecast + 0 * ops.reshape(level, shape)",
        tests=(MODELS,),
        description="subtract_last forgets to add the last value back to the forecast",
    ),
    Mutation(
        name="forecast_unstandardize_inverted",
        path="seqkit/layers/standardization.py",
        old="            return inputs * std + mean",
        new="            return (inputs - mean) / std",
        tests=(LAYERS, MODELS),
        description="the forecast is not mapped back to the targets' units",
    ),
    Mutation(
        name="forecast_seasonal_naive_lag",
        path="seqkit/models/forecast_baselines.py",
        old="lags = season * (steps // season + 1)",
        new="lags = season * (steps // season + 1) - 1",
        tests=(BASELINES, PARTS),
        description="the seasonal naive baseline reads one step too late",
    ),
    Mutation(
        name="forecast_history_stamps_not_continued",
        path="seqkit/tasks/forecast/history.py",
        old="table.frequency.step * np.arange(1, data.horizon + 1)",
        new="table.frequency.step * np.arange(0, data.horizon)",
        tests=(PARTS,),
        description="forecast rows start at the last observed time stamp instead of the next",
    ),
    Mutation(
        name="forecast_calibration_fitted_on_test",
        path="seqkit/tasks/forecast/task.py",
        old="        arrays = validation.arrays\n",
        new="        arrays = self.read_file(validation.table.path).arrays\n",
        tests=(CALIBRATION,),
        description="the calibration is fitted on the test windows: the reported coverage leaks",
    ),
    Mutation(
        name="forecast_calibration_offsets_inward",
        path="seqkit/tasks/forecast/calibration.py",
        old="return place_outer(outputs, outputs[..., 0] - amount, outputs[..., -1] + amount)",
        new="return place_outer(outputs, outputs[..., 0] + amount, outputs[..., -1] + amount)",
        tests=(CALIBRATION,),
        description="the calibrated lower level moves the wrong way (the interval shifts, not widens)",
    ),
    Mutation(
        name="forecast_calibration_rank_off_by_one",
        path="seqkit/tasks/forecast/calibration.py",
        old="return np.sort(scores, axis=0)[rank - 1]",
        new="return np.sort(scores, axis=0)[rank - 2]",
        tests=(CALIBRATION,),
        description="the offset is one score too small: calibrated coverage falls below nominal",
    ),
    Mutation(
        name="forecast_calibration_recent_keeps_the_oldest",
        path="seqkit/tasks/forecast/calibration.py",
        old="keep.append(rows[len(rows) - max(1, math.ceil(fraction * len(rows))):])",
        new="keep.append(rows[:max(1, math.ceil(fraction * len(rows)))])",
        tests=(CALIBRATION,),
        description="model.calibration_recent keeps the earliest validation windows, not the latest",
    ),
    Mutation(
        name="forecast_calibration_scale_not_floored",
        path="seqkit/tasks/forecast/calibration.py",
        old="return raw if floor is None else ops.maximum(raw, ops.cast(floor, raw.dtype))",
        new="return raw",
        tests=(CALIBRATION,),
        description="a flat window's scale is not floored when applied: its interval collapses",
    ),
    Mutation(
        name="forecast_calibration_volatility_of_a_covariate",
        path="seqkit/tasks/forecast/serving.py",
        old="outputs = self.calibration.apply(outputs, window[..., :self.targets])",
        new="outputs = self.calibration.apply(outputs, window[..., -self.targets:])",
        tests=(E2E + "::test_export_with_known_covariates_takes_their_future_values",),
        description="the exported graph scales the interval by the last column (a covariate), "
                    "not the target",
    ),
    Mutation(
        name="forecast_calibration_history_of_the_last_column",
        path="seqkit/tasks/forecast/evaluation.py",
        old="return window[..., :len(data.target_columns)]",
        new="return window[..., -len(data.target_columns):]",
        tests=(CALIBRATION,),
        description="the calibration's window volatility is read from the last column (a "
                    "covariate), not the targets",
    ),
    Mutation(
        name="forecast_bench_recency_weights_reversed",
        path="bench/forecast_calibration.py",
        old="age = np.arange(count)[::-1]",
        new="age = np.arange(count)",
        tests=(BENCH_CALIBRATION,),
        description="the bench's weighted conformal gives the oldest validation window weight 1",
    ),
    Mutation(
        name="forecast_bench_weighted_quantile_without_the_new_window",
        path="bench/forecast_calibration.py",
        old="share = np.cumsum(weights[order], axis=0) / (weights.sum() + 1.0)",
        new="share = np.cumsum(weights[order], axis=0) / weights.sum()",
        tests=(BENCH_CALIBRATION,),
        description="the weighted quantile leaves out the new window's +inf mass: too small an offset",
    ),
    Mutation(
        name="forecast_log1p_no_expm1",
        path="seqkit/models/forecasting.py",
        old="forecast = ops.expm1(forecast)",
        new="forecast = forecast",
        tests=(MODELS, E2E + "::test_log1p_export_maps_back_to_original_units_in_the_graph"),
        description="a log1p model returns its forecast in log units, not the targets' units",
    ),
    Mutation(
        name="forecast_log1p_statistics_of_raw_targets",
        path="seqkit/tasks/forecast/data.py",
        old="rows[:, index] = np.log1p(rows[:, index])",
        new="rows[:, index] = rows[:, index]",
        tests=(PARTS, E2E + "::test_log1p_export_maps_back_to_original_units_in_the_graph"),
        description="a log1p model standardizes log1p(y) with the statistics of y",
    ),
    Mutation(
        name="forecast_log1p_covariates_logged_too",
        path="seqkit/models/forecasting.py",
        old="window = ops.where(is_target, ops.log1p(ops.maximum(window, 0.0)), window)",
        new="window = ops.log1p(ops.maximum(window, 0.0))",
        tests=(MODELS,),
        description="log1p applied to the covariate channels as well as the targets",
    ),
    Mutation(
        name="forecast_log1p_loss_in_original_units",
        path="seqkit/models/forecast_loss.py",
        old="y_pred = ops.log1p(ops.maximum(y_pred, -1.0 + 1e-6))",
        new="y_true = ops.expm1(y_true)",
        tests=(MODELS,),
        description="the log1p loss measures the error in original units, not in log space",
    ),
    Mutation(
        name="forecast_bench_bootstrap_blocks_of_one_window",
        path="bench/forecast_calibration.py",
        old="index = (starts[..., None] + np.arange(block)).reshape(resamples, -1)[:, :count]",
        new="index = (starts[..., None] + 0 * np.arange(block)).reshape(resamples, -1)[:, :count]",
        tests=(BENCH_CALIBRATION,),
        description="the block bootstrap repeats one window per block instead of a run of them",
    ),
]
