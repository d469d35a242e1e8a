"""cnn-cv: convolution arithmetic, NMS, anchors, FPN levels, mixup."""

import math

import numpy as np

from . import formula


@formula("conv_output_size")
def conv_output_size(n, k, p=0, s=1, d=1):
    effective_kernel = d * (k - 1) + 1
    return (n + 2 * p - effective_kernel) // s + 1


@formula("depthwise_separable_cost_ratio")
def depthwise_separable_cost_ratio(k, c_in, c_out):
    return 1 / c_out + 1 / k**2


@formula("dilated_receptive_field")
def dilated_receptive_field(kernel_size, dilations):
    field = 1
    for d in dilations:
        field += (kernel_size - 1) * d
    return field


@formula("fpn_level")
def fpn_level(w, h, k0=4, canonical=224, min_level=2, max_level=5):
    level = math.floor(k0 + math.log2(math.sqrt(w * h) / canonical))
    return min(max(level, min_level), max_level)


@formula("nms")
def nms(boxes, scores, iou_threshold):
    boxes = np.asarray(boxes, dtype=float)
    order = list(np.argsort(-np.asarray(scores, dtype=float), kind="stable"))
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    keep = []
    while order:
        best, rest = order[0], np.array(order[1:], dtype=int)
        keep.append(int(best))
        if rest.size == 0:
            break
        lo = np.maximum(boxes[best, :2], boxes[rest, :2])
        hi = np.minimum(boxes[best, 2:], boxes[rest, 2:])
        inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
        overlap = inter / (areas[best] + areas[rest] - inter)
        order = [int(i) for i in rest[overlap < iou_threshold]]
    return keep


@formula("anchor_box_encoding")
def anchor_box_encoding(box, anchor):
    g, a = np.asarray(box, float), np.asarray(anchor, float)
    return np.concatenate([(g[:2] - a[:2]) / a[2:], np.log(g[2:] / a[2:])])


@formula("mixup")
def mixup(a, b, lam):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return b + lam * (a - b)
