"""coding: standard error of a measured accuracy."""

import math

from . import formula


@formula("accuracy_standard_error")
def accuracy_standard_error(accuracy, n):
    variance_of_mean = accuracy * (1 - accuracy) / n
    return math.sqrt(variance_of_mean)
