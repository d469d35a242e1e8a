"""compression-serving: quantization, pruning schedule, distillation softmax, serving bounds."""

import numpy as np

from . import formula


@formula("affine_quantize_dequantize")
def affine_quantize_dequantize(x, x_min, x_max, q_min, q_max):
    scale = (x_max - x_min) / (q_max - q_min)
    zero_point = q_min - np.round(x_min / scale)  # np.round rounds half to even
    q = np.clip(np.round(np.asarray(x, float) / scale) + zero_point, q_min, q_max)
    return (q - zero_point) * scale


@formula("cubic_sparsity_schedule")
def cubic_sparsity_schedule(s_i, s_f, progress):
    remaining = 1 - min(max(progress, 0.0), 1.0)
    return s_f + (s_i - s_f) * remaining**3


@formula("softmax_temperature")
def softmax_temperature(logits, temperature):
    z = np.asarray(logits, dtype=float) / temperature
    e = np.exp(z - z.max())
    return e / e.sum()


@formula("decode_tokens_per_second_bound")
def decode_tokens_per_second_bound(bandwidth_gb_per_s, model_gb):
    seconds_per_token = model_gb / bandwidth_gb_per_s
    return 1 / seconds_per_token


@formula("littles_law")
def littles_law(arrival_rate_per_s, latency_s):
    return arrival_rate_per_s * latency_s
