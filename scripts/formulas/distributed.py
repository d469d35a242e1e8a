"""distributed: ring all-reduce traffic, effective batch, pipeline bubble, ZeRO memory."""

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
def pipeline_bubble_fraction(stages, micro_batches):
    idle_slots = stages - 1
    total_slots = micro_batches + stages - 1
    return idle_slots / total_slots


@formula("zero_memory_per_gpu_bytes")
def zero_memory_per_gpu_bytes(params, num_gpus, stage, optimizer_bytes=12):
    # Bytes per parameter for (fp16 weights, fp16 gradients, optimizer state), each either
    # replicated on every GPU or split N ways depending on the stage.
    weights, grads, optim = 2 * params, 2 * params, optimizer_bytes * params
    sharded = {0: (), 1: ("optim",), 2: ("optim", "grads"), 3: ("optim", "grads", "weights")}[stage]
    parts = {"weights": weights, "grads": grads, "optim": optim}
    return sum(v / num_gpus if name in sharded else v for name, v in parts.items())
