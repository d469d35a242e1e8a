"""distributed: collectives, batches and losses across ranks, pipeline bubbles, memory
(ZeRO, activations, checkpointing), GPU efficiency, MFU and cost, scaling, failures."""

import math

import numpy as np

from . import formula


@formula("ring_allreduce_bytes_per_device")
def ring_allreduce_bytes_per_device(num_devices, gradient_gb):
    chunk = gradient_gb / num_devices
    steps = 2 * (num_devices - 1)  # reduce-scatter, then all-gather
    return steps * chunk


@formula("effective_batch_size")
def effective_batch_size(micro_batch, accumulation_steps, num_gpus):
    return micro_batch * accumulation_steps * num_gpus


@formula("pipeline_bubble_fraction")
def pipeline_bubble_fraction(stages, micro_batches, chunks=1):
    # Time in units of one micro-batch through one chunk (a 1/chunks slice of a stage): each
    # device works micro_batches * chunks units and waits stages - 1 units for fill and drain.
    work = micro_batches * chunks
    idle = stages - 1
    return idle / (work + idle)


@formula("zero_memory_per_gpu_bytes")
def zero_memory_per_gpu_bytes(params, num_gpus, stage, optimizer_bytes=12):
    # Bytes per parameter for (fp16 weights, fp16 gradients, optimizer state), each either
    # replicated on every GPU or split N ways depending on the stage.
    weights, grads, optim = 2 * params, 2 * params, optimizer_bytes * params
    sharded = {0: (), 1: ("optim",), 2: ("optim", "grads"), 3: ("optim", "grads", "weights")}[stage]
    parts = {"weights": weights, "grads": grads, "optim": optim}
    return sum(v / num_gpus if name in sharded else v for name, v in parts.items())


@formula("ring_allreduce_time")
def ring_allreduce_time(num_devices, message_bytes, bandwidth_bytes_per_s, latency_s=0.0):
    # Reduce-scatter then all-gather: each is num_devices - 1 rounds, and in every round each
    # device sends one chunk of message_bytes / num_devices to its neighbour.
    rounds = 2 * (num_devices - 1)
    chunk = message_bytes / num_devices
    per_round = latency_s + chunk / bandwidth_bytes_per_s
    return rounds * per_round


@formula("token_weighted_loss_mean")
def token_weighted_loss_mean(loss_sums, token_counts):
    counts = np.asarray(token_counts, dtype=float)
    per_rank_mean = np.asarray(loss_sums, dtype=float) / counts
    # Every token counts once: weight each rank's mean by its share of the tokens.
    correct = np.average(per_rank_mean, weights=counts)
    naive = per_rank_mean.mean()
    return [float(correct), float(naive)]


@formula("activation_memory_per_layer_bytes")
def activation_memory_per_layer_bytes(seq_len, micro_batch, hidden, heads, tensor_parallel=1,
                                      sequence_parallel=False, flash_attention=False):
    s, b, h, a, t = seq_len, micro_batch, hidden, heads, tensor_parallel
    sbh = s * b * h
    # Attention block: LN out (QKV input) 2, Q and K 4, V 2, attention output 2, dropout mask 1.
    # MLP block: input 2, first linear output 8, GeLU output 8, dropout mask 1. Two LayerNorm inputs 4.
    # In units of bytes per s*b*h element.
    ln_inputs, attn_dropout_mask, mlp_dropout_mask = 4, 1, 1
    qkv_input, mlp_input = 2, 2
    inside_tp = 4 + 2 + 2 + 8 + 8  # Q, K, V, attention output, fc1 output, GeLU output
    replicated = ln_inputs + attn_dropout_mask + mlp_dropout_mask + qkv_input + mlp_input
    scores = 0 if flash_attention else 5 * a * s * s * b  # softmax 2, its dropout mask 1, dropout out 2
    if sequence_parallel:
        total = (replicated + inside_tp) * sbh / t + scores / t
    else:
        total = replicated * sbh + inside_tp * sbh / t + scores / t
    return float(total)


@formula("checkpoint_segment_memory")
def checkpoint_segment_memory(num_layers, segment_layers):
    checkpoints = -(-num_layers // segment_layers)
    return float(checkpoints + segment_layers)


@formula("wave_quantization")
def wave_quantization(m, n, tile_m, tile_n, num_sms):
    grid = (math.ceil(m / tile_m), math.ceil(n / tile_n))
    tiles = grid[0] * grid[1]
    waves = math.ceil(tiles / num_sms)
    padded = grid[0] * tile_m * grid[1] * tile_n
    return [float(tiles), float(waves), m * n / padded, tiles / (waves * num_sms)]


@formula("model_flops_utilization")
def model_flops_utilization(params, tokens_per_second, num_gpus, peak_flops_per_gpu):
    achieved = tokens_per_second * (2 * params + 4 * params)  # forward 2N, backward 4N
    return achieved / (num_gpus * peak_flops_per_gpu)


@formula("training_time_cost")
def training_time_cost(params, tokens, num_gpus, peak_flops_per_gpu, mfu, price_per_gpu_hour):
    total_flops = 6 * params * tokens
    cluster_rate = num_gpus * peak_flops_per_gpu * mfu
    seconds = total_flops / cluster_rate
    gpu_hours = seconds * num_gpus / 3600
    return [seconds / 86400, gpu_hours, gpu_hours * price_per_gpu_hour]


@formula("amdahl_speedup")
def amdahl_speedup(parallel_fraction, num_workers):
    t1 = 1.0
    tn = t1 * (1 - parallel_fraction) + t1 * parallel_fraction / num_workers
    return [t1 / tn, t1 / tn / num_workers]


@formula("cluster_failure_rate")
def cluster_failure_rate(component_mtbf_hours, num_components, duration_hours):
    rate = num_components / component_mtbf_hours  # failures per hour, rates add
    expected = rate * duration_hours
    return [1 / rate, expected, math.exp(-expected)]


@formula("young_checkpoint_interval")
def young_checkpoint_interval(checkpoint_cost, mtbf):
    # overhead(tau) = C / tau (writing) + tau / (2 M) (half an interval lost per failure);
    # setting d overhead / d tau = -C / tau^2 + 1 / (2 M) to zero gives tau^2 = 2 C M.
    tau = np.sqrt(2.0 * checkpoint_cost * mtbf)
    writing, lost = checkpoint_cost / tau, tau / (2.0 * mtbf)
    return [float(tau), float(writing + lost)]


@formula("powersgd_compression_ratio")
def powersgd_compression_ratio(rows, cols, rank):
    full = np.zeros((rows, cols)).size
    factors = np.zeros((rows, rank)).size + np.zeros((cols, rank)).size
    return full / factors
