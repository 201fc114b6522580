"""Planted bugs for the backends area: the torch layer pass and bench/gpu.py.

The first two break seqkit's layers on the PyTorch backend only; the
TensorFlow-backend layer tests cannot see them, the torch pass must. (Making
the Transformer blocks' `keras_mask_of` blind on torch is no such bug: Keras
itself fills MultiHeadAttention's `query_mask` / `value_mask` from the
inputs' masks, so the outputs do not change; tried, not caught, dropped.)
"""

from mutate import Mutation

TORCH_PASS = ("tests/layers/backends_test.py::test_layer_tests_pass_on_another_backend[torch]",)
GPU_RUN = ("tests/bench_gpu_test.py::test_quick_run_prints_the_figures_without_tensorflow",)
GPU_FLOPS = ("tests/bench_gpu_test.py::test_lm_flop_formula_counts_the_matrix_products",)

MUTATIONS = [
    Mutation(
        name="torch-recurrent-drops-mask",
        path="seqkit/layers/_recurrent_utils.py",
        old="        if m_t is None:\n            return output, list(new_states)",
        new=(
            "        if m_t is None or __import__('keras').backend.backend() == 'torch':\n"
            "            return output, list(new_states)"
        ),
        tests=TORCH_PASS,
        description="on torch only, the recurrent loop ignores the padding mask",
    ),
    Mutation(
        name="torch-fused-attention-drops-mask",
        path="seqkit/layers/scaled_dot_product_attention.py",
        old="query, key, value, mask=mask, scale=scale, is_causal=is_causal",
        new=(
            "query, key, value, mask=None if keras.backend.backend() == 'torch' else mask, "
            "scale=scale, is_causal=is_causal"
        ),
        tests=TORCH_PASS,
        description="on torch only, the fused attention kernel is called without the mask",
    ),
    Mutation(
        name="gpu-bench-imports-tensorflow",
        path="bench/gpu.py",
        old='sys.modules.setdefault("tensorflow", None)\n',
        new="",
        tests=GPU_RUN,
        description="bench/gpu.py no longer hides TensorFlow; Keras' probe imports it",
    ),
    Mutation(
        name="gpu-bench-lm-flops",
        path="bench/gpu.py",
        old='    return 6 * lm_matmul_weights(c) + 12 * c["layers"] * c["seq"] * c["d"]',
        new='    return 2 * lm_matmul_weights(c) + 12 * c["layers"] * c["seq"] * c["d"]',
        tests=GPU_FLOPS,
        description="LM training FLOPs count the forward pass only",
    ),
    Mutation(
        name="gpu-bench-tokens-per-second",
        path="bench/gpu.py",
        old='        "tokens_per_s": tokens / step_s,',
        new='        "tokens_per_s": c["batch"] / step_s,',
        tests=GPU_RUN,
        description="tokens/s counts sequences, not tokens",
    ),
    Mutation(
        name="gpu-bench-tokens-per-second-off-by-one",
        path="bench/gpu.py",
        old='        "tokens_per_s": tokens / step_s,',
        new='        "tokens_per_s": c["batch"] * (c["seq"] - 1) / step_s,',
        tests=GPU_RUN,
        description="tokens/s counts the predicted positions (seq - 1), under 1% low",
    ),
    Mutation(
        name="gpu-bench-mfu-percent",
        path="bench/gpu.py",
        old="{100 * r['tflops'] / args.peak_tflops:>10.3g}%",
        new="{r['tflops'] / args.peak_tflops:>10.3g}%",
        tests=GPU_RUN,
        description="MFU printed as a fraction under a % sign",
    ),
]
