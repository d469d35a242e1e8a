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


@formula("nm_sparse_bits_per_weight")
def nm_sparse_bits_per_weight(n, m, value_bits):
    # keep n of m weights; each kept weight carries its value and its position within the group
    position_bits = int(np.ceil(np.log2(m)))
    kept_fraction = n / m
    return kept_fraction * value_bits + kept_fraction * position_bits


@formula("low_rank_param_fraction")
def low_rank_param_fraction(d_in, d_out, rank):
    dense = d_out * d_in
    factored = d_out * rank + rank * d_in
    return factored / dense


@formula("matmul_arithmetic_intensity")
def matmul_arithmetic_intensity(m, k, n, bytes_per_element):
    a = np.zeros((m, k))
    b = np.zeros((k, n))
    flops = 2 * a.shape[0] * a.shape[1] * b.shape[1]
    moved = (a.size + b.size + a.shape[0] * b.shape[1]) * bytes_per_element
    return flops / moved


@formula("roofline_attainable_tflops")
def roofline_attainable_tflops(peak_tflops, bandwidth_tb_per_s, arithmetic_intensity):
    memory_roof = bandwidth_tb_per_s * arithmetic_intensity
    return float(np.minimum(memory_roof, peak_tflops))


@formula("speculative_expected_tokens")
def speculative_expected_tokens(alpha, gamma):
    # accepted prefix length i with prob alpha^i (1 - alpha), plus one token from the target
    powers = alpha ** np.arange(gamma + 1)
    return float(powers.sum())


@formula("speculative_speedup")
def speculative_speedup(alpha, gamma, c):
    tokens = float((alpha ** np.arange(gamma + 1)).sum())
    cost_in_target_passes = 1 + gamma * c
    return tokens / cost_in_target_passes


@formula("max_concurrent_sequences")
def max_concurrent_sequences(gpu_memory_gb, weights_gb, kv_bytes_per_token, seq_len):
    free_bytes = (gpu_memory_gb - weights_gb) * 10**9
    per_sequence = kv_bytes_per_token * seq_len
    return float(np.floor(free_bytes / per_sequence))


@formula("sequential_peak_activation_bytes")
def sequential_peak_activation_bytes(sizes, bytes_per_element):
    s = np.asarray(sizes, dtype=float)
    live = s[:-1] + s[1:]
    return float(live.max() * bytes_per_element)


@formula("replicas_needed")
def replicas_needed(arrival_rate_per_s, replica_throughput_per_s, target_utilization):
    usable = replica_throughput_per_s * target_utilization
    return float(np.ceil(round(arrival_rate_per_s / usable, 9)))


@formula("cost_per_million_tokens")
def cost_per_million_tokens(gpu_cost_per_hour, tokens_per_s, utilization):
    tokens_per_hour = tokens_per_s * 3600 * utilization
    return gpu_cost_per_hour * 1e6 / tokens_per_hour


@formula("energy_per_inference_joules")
def energy_per_inference_joules(power_watts, throughput_per_s):
    return power_watts / throughput_per_s


@formula("ternary_absmean_quantize")
def ternary_absmean_quantize(weights):
    w = np.asarray(weights, dtype=float)
    gamma = np.mean(np.abs(w))
    return np.clip(np.round(w / gamma), -1, 1)


@formula("smoothquant_scales")
def smoothquant_scales(act_absmax, weight_absmax, alpha):
    a = np.asarray(act_absmax, dtype=float)
    w = np.asarray(weight_absmax, dtype=float)
    return np.exp(alpha * np.log(a) - (1 - alpha) * np.log(w))


@formula("mnasnet_reward")
def mnasnet_reward(accuracy, latency_ms, target_ms, w):
    return accuracy * np.exp(w * np.log(latency_ms / target_ms))


@formula("cascade_expected_cost")
def cascade_expected_cost(cost_small, cost_large, escalation_rate):
    escalated = escalation_rate * cost_large
    return cost_small + escalated

