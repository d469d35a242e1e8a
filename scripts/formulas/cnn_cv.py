"""cnn-cv: convolution arithmetic and cost, receptive fields, ViT/Swin cost, detection boxes and
matching, augmentation, preprocessing, retrieval pooling, few-shot prototypes, style, stereo, NeRF."""

import itertools
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


@formula("conv_layer_cost")
def conv_layer_cost(k, c_in, c_out, h_out, w_out, groups=1, bias=True):
    if c_in % groups or c_out % groups:
        raise ValueError("channels must be divisible by groups")
    kernel = np.ones((c_out, c_in // groups, k, k))
    params = kernel.size + (c_out if bias else 0)
    return [params, kernel.size * h_out * w_out]


@formula("stacked_receptive_field")
def stacked_receptive_field(kernel_sizes, strides, dilations=None):
    k = np.asarray(kernel_sizes, float)
    s = np.asarray(strides, float)
    d = np.ones_like(k) if dilations is None else np.asarray(dilations, float)
    # Distance in input pixels between neighbouring positions of each layer's input.
    jumps = np.concatenate([[1.0], np.cumprod(s)[:-1]])
    return [1 + np.sum((k - 1) * d * jumps), np.prod(s)]


@formula("transposed_conv_output_size")
def transposed_conv_output_size(n, k, p=0, s=1, d=1, output_padding=0):
    if output_padding >= max(s, d):
        raise ValueError("output_padding must be smaller than stride or dilation")
    return s * (n - 1) + d * (k - 1) + 1 - 2 * p + output_padding


@formula("efficientnet_compound_scaling")
def efficientnet_compound_scaling(alpha, beta, gamma, phi):
    depth, width, resolution = np.power([alpha, beta, gamma], phi)
    return [depth, width, resolution, depth * width**2 * resolution**2]


@formula("se_block_params")
def se_block_params(channels, reduction, bias=False):
    hidden = channels // reduction
    squeeze = np.zeros((hidden, channels))
    excite = np.zeros((channels, hidden))
    return squeeze.size + excite.size + ((hidden + channels) if bias else 0)


@formula("vit_patch_embedding")
def vit_patch_embedding(h, w, patch, channels, d_model, cls_token=True):
    if h % patch or w % patch:
        raise ValueError("image size must be a multiple of the patch size")
    patches = (h * w) // (patch * patch)
    projection = np.zeros((patch * patch * channels, d_model))
    return [patches + int(bool(cls_token)), projection.size + d_model]


@formula("swin_attention_flops")
def swin_attention_flops(h, w, c, window):
    n = h * w
    qkv_and_out = 4 * n * c * c
    return [qkv_and_out + 2 * n * n * c, qkv_and_out + 2 * n * window * window * c]


@formula("box_iou_variants")
def box_iou_variants(box_a, box_b):
    a, b = np.asarray(box_a, float), np.asarray(box_b, float)
    size_a, size_b = a[2:] - a[:2], b[2:] - b[:2]
    overlap = np.clip(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0, None)
    inter = overlap.prod()
    union = size_a.prod() + size_b.prod() - inter
    iou = inter / union
    hull = np.maximum(a[2:], b[2:]) - np.minimum(a[:2], b[:2])
    giou = iou - (hull.prod() - union) / hull.prod()
    centre_gap = (a[:2] + a[2:]) / 2 - (b[:2] + b[2:]) / 2
    diou = iou - centre_gap @ centre_gap / (hull @ hull)
    v = 4 / math.pi**2 * (math.atan2(size_b[0], size_b[1]) - math.atan2(size_a[0], size_a[1])) ** 2
    alpha = 0.0 if v == 0 else v / (1 - iou + v)
    return [iou, giou, diou, diou - alpha * v]


@formula("atss_iou_threshold")
def atss_iou_threshold(ious, ddof=0):
    ious = np.asarray(ious, float)
    return ious.mean() + ious.std(ddof=ddof)


@formula("detr_hungarian_matching")
def detr_hungarian_matching(cost):
    cost = np.asarray(cost, float)
    n_pred, n_obj = cost.shape
    best, best_rows = math.inf, None
    for rows in itertools.permutations(range(n_pred), n_obj):
        total = cost[list(rows), np.arange(n_obj)].sum()
        if total < best:
            best, best_rows = total, list(rows)
    return best_rows


@formula("cutmix_lambda")
def cutmix_lambda(h, w, box):
    x1, y1, x2, y2 = np.clip(box, 0, [w, h, w, h])
    return 1 - max(x2 - x1, 0) * max(y2 - y1, 0) / (h * w)


@formula("channel_normalize")
def channel_normalize(x, mean, std, scale=255):
    return (np.asarray(x, float) / scale - np.asarray(mean, float)) / np.asarray(std, float)


@formula("ct_intensity_window")
def ct_intensity_window(x, level, width):
    lo, hi = level - width / 2, level + width / 2
    return np.clip((np.asarray(x, float) - lo) / (hi - lo), 0.0, 1.0)


@formula("gem_pooling")
def gem_pooling(x, p):
    x = np.asarray(x, float)
    return np.mean(x**p) ** (1 / p)


@formula("prototypical_network_probs")
def prototypical_network_probs(support, support_labels, query):
    support, labels = np.asarray(support, float), np.asarray(support_labels, int)
    prototypes = np.stack([support[labels == c].mean(axis=0) for c in range(labels.max() + 1)])
    logits = -np.sum((prototypes - np.asarray(query, float)) ** 2, axis=1)
    e = np.exp(logits - logits.max())
    return e / e.sum()


@formula("style_gram_matrix")
def style_gram_matrix(features):
    f = np.asarray(features, float)
    return np.einsum("ip,jp->ij", f, f)


@formula("stereo_depth")
def stereo_depth(focal_length_px, baseline, disparity_px):
    return focal_length_px * baseline / np.asarray(disparity_px, float)


@formula("nerf_volume_rendering_weights")
def nerf_volume_rendering_weights(sigmas, deltas):
    alpha = 1 - np.exp(-np.asarray(sigmas, float) * np.asarray(deltas, float))
    transmittance = np.concatenate([[1.0], np.cumprod(1 - alpha)[:-1]])
    return transmittance * alpha
