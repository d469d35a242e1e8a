"""sequence: LSTM parameters, scheduled-sampling decay, TCN receptive field."""

import math

from . import formula


@formula("lstm_param_count")
def lstm_param_count(input_size, hidden_size, biases=1):
    gates = 4
    weights = gates * hidden_size * input_size + gates * hidden_size * hidden_size
    return weights + gates * hidden_size * biases


@formula("inverse_sigmoid_decay")
def inverse_sigmoid_decay(k, step):
    return k / (k + math.exp(step / k))


@formula("tcn_receptive_field")
def tcn_receptive_field(kernel_size, dilations, convs_per_level=1):
    return 1 + convs_per_level * (kernel_size - 1) * sum(dilations)
