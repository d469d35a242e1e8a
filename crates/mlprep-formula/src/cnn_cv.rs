//! Formulas of the `cnn-cv` category: convolution arithmetic (output size, parameters and
//! multiply-adds, receptive field, transposed convolution, depthwise-separable and
//! squeeze-excitation cost, EfficientNet scaling), vision transformers (patch embedding, Swin
//! attention cost), detection (non-maximum suppression, anchor encoding, FPN level assignment,
//! IoU-family box losses, ATSS thresholds, DETR matching), augmentation (mixup, CutMix),
//! preprocessing (channel normalisation, CT windowing), retrieval (GeM pooling), few-shot
//! prototypes, style Gram matrices, stereo depth and NeRF rendering weights. Box IoU itself
//! lives with the metrics in `losses_metrics`.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, nested, scalar};
use crate::losses_metrics::{box_iou, read_box};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("conv_output_size", conv_output_size),
    (
        "depthwise_separable_cost_ratio",
        depthwise_separable_cost_ratio,
    ),
    ("dilated_receptive_field", dilated_receptive_field),
    ("fpn_level", fpn_level),
    ("nms", nms),
    ("anchor_box_encoding", anchor_box_encoding),
    ("mixup", mixup),
    ("conv_layer_cost", conv_layer_cost),
    ("stacked_receptive_field", stacked_receptive_field),
    ("transposed_conv_output_size", transposed_conv_output_size),
    (
        "efficientnet_compound_scaling",
        efficientnet_compound_scaling,
    ),
    ("se_block_params", se_block_params),
    ("vit_patch_embedding", vit_patch_embedding),
    ("swin_attention_flops", swin_attention_flops),
    ("box_iou_variants", box_iou_variants),
    ("atss_iou_threshold", atss_iou_threshold),
    ("detr_hungarian_matching", detr_hungarian_matching),
    ("cutmix_lambda", cutmix_lambda),
    ("channel_normalize", channel_normalize),
    ("ct_intensity_window", ct_intensity_window),
    ("gem_pooling", gem_pooling),
    ("prototypical_network_probs", prototypical_network_probs),
    ("style_gram_matrix", style_gram_matrix),
    ("stereo_depth", stereo_depth),
    (
        "nerf_volume_rendering_weights",
        nerf_volume_rendering_weights,
    ),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// PyTorch's output length: floor((`n` + 2`p` - `d`(`k` - 1) - 1) / `s`) + 1, with padding
/// `p` = 0, stride `s` = 1 and dilation `d` = 1 by default.
fn conv_output_size(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")? as i64;
    let k = inputs.count("k")? as i64;
    let p = inputs.count_or("p", 0)? as i64;
    let s = inputs.count_or("s", 1)? as i64;
    let d = inputs.count_or("d", 1)? as i64;
    if k == 0 || s == 0 || d == 0 {
        return Err(inputs.invalid("`k`, `s` and `d` must be at least 1"));
    }
    let span = n + 2 * p - d * (k - 1) - 1;
    if span < 0 {
        return Err(inputs.invalid(
            "the dilated kernel is larger than the padded input, so there is no output; add \
             padding or use a smaller kernel",
        ));
    }
    Ok(scalar((span / s + 1) as f64))
}

/// Weights (or multiply-adds per output pixel) of a depthwise-separable convolution over a
/// standard one, no biases: (k^2 c_in + c_in c_out) / (k^2 c_in c_out) = 1/c_out + 1/k^2.
fn depthwise_separable_cost_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.positive("k")?;
    let c_in = inputs.positive("c_in")?;
    let c_out = inputs.positive("c_out")?;
    let standard = k * k * c_in * c_out;
    let separable = k * k * c_in + c_in * c_out;
    Ok(scalar(separable / standard))
}

/// The receptive field of a stack of stride-1 convolutions: 1 + sum over layers of (k - 1) d.
pub(crate) fn receptive_field(kernel_size: f64, dilations: &[f64]) -> f64 {
    1.0 + dilations
        .iter()
        .map(|d| (kernel_size - 1.0) * d)
        .sum::<f64>()
}

/// Receptive field of stride-1 convolutions with `kernel_size`, one layer per entry of
/// `dilations`.
fn dilated_receptive_field(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.positive("kernel_size")?;
    let dilations = inputs.vector("dilations")?;
    if dilations.iter().any(|&d| d < 1.0) {
        return Err(inputs.invalid("dilations must be at least 1"));
    }
    Ok(scalar(receptive_field(k, &dilations)))
}

/// The FPN level for an RoI of size `w` x `h` (Lin et al. 2017):
/// floor(`k0` + log2(sqrt(w h) / `canonical`)), clamped to [`min_level`, `max_level`]. Defaults:
/// k0 = 4, canonical = 224, levels 2..5.
fn fpn_level(inputs: &Inputs) -> Result<Value, Error> {
    let w = inputs.positive("w")?;
    let h = inputs.positive("h")?;
    let k0 = inputs.number_or("k0", 4.0)?;
    let canonical = inputs.number_or("canonical", 224.0)?;
    let low = inputs.number_or("min_level", 2.0)?;
    let high = inputs.number_or("max_level", 5.0)?;
    if canonical <= 0.0 || low > high {
        return Err(
            inputs.invalid("`canonical` must be positive and `min_level` at most `max_level`")
        );
    }
    let level = (k0 + ((w * h).sqrt() / canonical).log2()).floor();
    Ok(scalar(level.clamp(low, high)))
}

/// Greedy hard NMS: visit `boxes` (`[x1, y1, x2, y2]`) by descending `scores` (ties by index),
/// keep each box not suppressed, and suppress the later boxes whose IoU with it is at least
/// `iou_threshold`. Returns the kept indices in score order.
fn nms(inputs: &Inputs) -> Result<Value, Error> {
    let boxes = inputs
        .matrix("boxes")?
        .iter()
        .map(|b| read_box(inputs, "boxes", b))
        .collect::<Result<Vec<_>, _>>()?;
    let scores = inputs.vector("scores")?;
    inputs.same_length(("boxes", boxes.len()), ("scores", scores.len()))?;
    let threshold = inputs.number("iou_threshold")?;
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut suppressed = vec![false; boxes.len()];
    let mut kept = Vec::new();
    for (position, &i) in order.iter().enumerate() {
        if suppressed[i] {
            continue;
        }
        kept.push(Value::from(i));
        for &j in &order[position + 1..] {
            if box_iou(&boxes[i], &boxes[j]) >= threshold {
                suppressed[j] = true;
            }
        }
    }
    Ok(Value::Array(kept))
}

/// Faster R-CNN box regression targets of `box` relative to `anchor`, both
/// `[center_x, center_y, width, height]`: [(x - x_a)/w_a, (y - y_a)/h_a, ln(w/w_a), ln(h/h_a)],
/// without variance scaling.
fn anchor_box_encoding(inputs: &Inputs) -> Result<Value, Error> {
    let wanted = "[center_x, center_y, width, height] with positive width and height";
    let read = |name: &str| -> Result<[f64; 4], Error> {
        match *inputs.vector(name)?.as_slice() {
            [x, y, w, h] if w > 0.0 && h > 0.0 => Ok([x, y, w, h]),
            _ => Err(inputs.invalid(format!("`{name}` must be {wanted}"))),
        }
    };
    let [x, y, w, h] = read("box")?;
    let [xa, ya, wa, ha] = read("anchor")?;
    Ok(array(&[
        (x - xa) / wa,
        (y - ya) / ha,
        (w / wa).ln(),
        (h / ha).ln(),
    ]))
}

/// Mixup: `lam` `a` + (1 - `lam`) `b`, for inputs or one-hot labels (numbers or arrays).
fn mixup(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.values("a")?;
    let b = inputs.values("b")?.data;
    inputs.same_length(("a", a.data.len()), ("b", b.len()))?;
    let lam = inputs.probability("lam")?;
    Ok(a.output(
        a.data
            .iter()
            .zip(&b)
            .map(|(a, b)| lam * a + (1.0 - lam) * b)
            .collect(),
    ))
}

/// Parameters and multiply-adds of a (grouped) `k` x `k` convolution from `c_in` to `c_out`
/// channels producing an `h_out` x `w_out` map: params = k^2 (c_in / groups) c_out (+ c_out
/// biases), multiply-adds = k^2 (c_in / groups) c_out h_out w_out. `groups` defaults to 1 and
/// `bias` to true. Returns [params, multiply_adds].
fn conv_layer_cost(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.count("k")?;
    let c_in = inputs.count("c_in")?;
    let c_out = inputs.count("c_out")?;
    let h_out = inputs.count("h_out")?;
    let w_out = inputs.count("w_out")?;
    let groups = inputs.count_or("groups", 1)?;
    let bias = inputs.flag_or("bias", true)?;
    if k == 0 || c_in == 0 || c_out == 0 || groups == 0 {
        return Err(inputs.invalid("`k`, `c_in`, `c_out` and `groups` must be at least 1"));
    }
    if c_in % groups != 0 || c_out % groups != 0 {
        return Err(inputs.invalid("`c_in` and `c_out` must both be divisible by `groups`"));
    }
    let weights = (k * k * (c_in / groups) * c_out) as f64;
    let params = weights + if bias { c_out as f64 } else { 0.0 };
    let macs = weights * (h_out * w_out) as f64;
    Ok(array(&[params, macs]))
}

/// Receptive field of a stack of convolution or pooling layers, input first: each layer adds
/// (k - 1) d times the product of the strides of the layers before it. `dilations` defaults to
/// all 1. Returns [receptive_field, total_stride].
fn stacked_receptive_field(inputs: &Inputs) -> Result<Value, Error> {
    let kernels = inputs.vector("kernel_sizes")?;
    let strides = inputs.vector("strides")?;
    inputs.same_length(("kernel_sizes", kernels.len()), ("strides", strides.len()))?;
    let dilations = match inputs.optional_vector("dilations")? {
        Some(d) => {
            inputs.same_length(("kernel_sizes", kernels.len()), ("dilations", d.len()))?;
            d
        }
        None => vec![1.0; kernels.len()],
    };
    let all_at_least_one = |xs: &[f64]| xs.iter().all(|&x| x >= 1.0);
    if !all_at_least_one(&kernels) || !all_at_least_one(&strides) || !all_at_least_one(&dilations) {
        return Err(inputs.invalid("kernel sizes, strides and dilations must be at least 1"));
    }
    let mut field = 1.0;
    let mut jump = 1.0;
    for ((k, s), d) in kernels.iter().zip(&strides).zip(&dilations) {
        field += (k - 1.0) * d * jump;
        jump *= s;
    }
    Ok(array(&[field, jump]))
}

/// PyTorch's ConvTranspose output length:
/// (n - 1) s - 2 p + d (k - 1) + output_padding + 1, with defaults p = 0, s = 1, d = 1,
/// output_padding = 0.
fn transposed_conv_output_size(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("n")? as i64;
    let k = inputs.count("k")? as i64;
    let p = inputs.count_or("p", 0)? as i64;
    let s = inputs.count_or("s", 1)? as i64;
    let d = inputs.count_or("d", 1)? as i64;
    let output_padding = inputs.count_or("output_padding", 0)? as i64;
    if n == 0 || k == 0 || s == 0 || d == 0 {
        return Err(inputs.invalid("`n`, `k`, `s` and `d` must be at least 1"));
    }
    if output_padding >= s.max(d) {
        return Err(
            inputs.invalid("`output_padding` must be smaller than the stride or the dilation")
        );
    }
    let size = (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1;
    if size < 1 {
        return Err(inputs.invalid("the padding removes the whole output; use less padding"));
    }
    Ok(scalar(size as f64))
}

/// EfficientNet compound scaling with coefficient `phi`: depth alpha^phi, width beta^phi,
/// resolution gamma^phi, and FLOPs (alpha beta^2 gamma^2)^phi. Returns
/// [depth, width, resolution, flops] multipliers.
fn efficientnet_compound_scaling(inputs: &Inputs) -> Result<Value, Error> {
    let alpha = inputs.positive("alpha")?;
    let beta = inputs.positive("beta")?;
    let gamma = inputs.positive("gamma")?;
    let phi = inputs.number("phi")?;
    let flops = (alpha * beta * beta * gamma * gamma).powf(phi);
    Ok(array(&[
        alpha.powf(phi),
        beta.powf(phi),
        gamma.powf(phi),
        flops,
    ]))
}

/// Parameters of a squeeze-and-excitation block on `channels` channels with reduction ratio
/// `reduction`: two fully connected layers C -> C/r -> C, 2 C^2 / r weights, plus C/r + C biases
/// when `bias` is true (default false, as the SE paper counts).
fn se_block_params(inputs: &Inputs) -> Result<Value, Error> {
    let c = inputs.count("channels")?;
    let r = inputs.count("reduction")?;
    let bias = inputs.flag_or("bias", false)?;
    if c == 0 || r == 0 || c % r != 0 {
        return Err(inputs.invalid("`channels` must be a positive multiple of `reduction`"));
    }
    let hidden = c / r;
    let weights = 2 * c * hidden;
    let biases = if bias { hidden + c } else { 0 };
    Ok(scalar((weights + biases) as f64))
}

/// ViT patch embedding of an `h` x `w` image with `channels` channels cut into `patch` x `patch`
/// patches, each linearly projected to `d_model`: sequence length (h/P)(w/P), plus 1 with a class
/// token (`cls_token`, default true), and projection parameters P^2 C D + D.
/// Returns [sequence_length, projection_params].
fn vit_patch_embedding(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.count("h")?;
    let w = inputs.count("w")?;
    let patch = inputs.count("patch")?;
    let channels = inputs.count("channels")?;
    let d_model = inputs.count("d_model")?;
    let cls = inputs.flag_or("cls_token", true)?;
    if patch == 0 || h == 0 || w == 0 || h % patch != 0 || w % patch != 0 {
        return Err(inputs.invalid("`h` and `w` must be positive multiples of `patch`"));
    }
    let tokens = (h / patch) * (w / patch) + usize::from(cls);
    let params = patch * patch * channels * d_model + d_model;
    Ok(array(&[tokens as f64, params as f64]))
}

/// Multiply-adds of one Swin attention layer on an `h` x `w` map of `c` channels, as the Swin
/// paper counts them (softmax ignored): global MSA 4 h w C^2 + 2 (h w)^2 C and window MSA with
/// `window` x `window` windows 4 h w C^2 + 2 M^2 h w C. Returns [global, windowed].
fn swin_attention_flops(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.positive("h")?;
    let w = inputs.positive("w")?;
    let c = inputs.positive("c")?;
    let m = inputs.positive("window")?;
    let hw = h * w;
    let projections = 4.0 * hw * c * c;
    Ok(array(&[
        projections + 2.0 * hw * hw * c,
        projections + 2.0 * m * m * hw * c,
    ]))
}

/// IoU, GIoU, DIoU and CIoU of two `[x1, y1, x2, y2]` boxes with positive area. The
/// corresponding losses are 1 minus each. CIoU's trade-off alpha = v / ((1 - IoU) + v), with
/// alpha = 0 when both terms are 0. Returns [iou, giou, diou, ciou].
fn box_iou_variants(inputs: &Inputs) -> Result<Value, Error> {
    let a = read_box(inputs, "box_a", &inputs.vector("box_a")?)?;
    let b = read_box(inputs, "box_b", &inputs.vector("box_b")?)?;
    let (wa, ha, wb, hb) = (a[2] - a[0], a[3] - a[1], b[2] - b[0], b[3] - b[1]);
    if wa <= 0.0 || ha <= 0.0 || wb <= 0.0 || hb <= 0.0 {
        return Err(inputs.invalid("both boxes must have positive width and height"));
    }
    let iou = box_iou(&a, &b);
    let (ex1, ey1) = (a[0].min(b[0]), a[1].min(b[1]));
    let (ex2, ey2) = (a[2].max(b[2]), a[3].max(b[3]));
    let enclosing = (ex2 - ex1) * (ey2 - ey1);
    let iw = (a[2].min(b[2]) - a[0].max(b[0])).max(0.0);
    let ih = (a[3].min(b[3]) - a[1].max(b[1])).max(0.0);
    let union = wa * ha + wb * hb - iw * ih;
    let giou = iou - (enclosing - union) / enclosing;
    let centre_distance_sq = ((a[0] + a[2]) / 2.0 - (b[0] + b[2]) / 2.0).powi(2)
        + ((a[1] + a[3]) / 2.0 - (b[1] + b[3]) / 2.0).powi(2);
    let diagonal_sq = (ex2 - ex1).powi(2) + (ey2 - ey1).powi(2);
    let diou = iou - centre_distance_sq / diagonal_sq;
    let v = 4.0 / std::f64::consts::PI.powi(2) * ((wb / hb).atan() - (wa / ha).atan()).powi(2);
    let denominator = (1.0 - iou) + v;
    let alpha = if denominator > 0.0 {
        v / denominator
    } else {
        0.0
    };
    Ok(array(&[iou, giou, diou, diou - alpha * v]))
}

/// ATSS's adaptive IoU threshold for one ground-truth box: the mean plus the standard deviation
/// of its candidate anchors' `ious`. `ddof` (default 0) is subtracted from the count in the
/// variance's denominator (1 gives the unbiased estimate).
fn atss_iou_threshold(inputs: &Inputs) -> Result<Value, Error> {
    let ious = inputs.vector("ious")?;
    let ddof = inputs.count_or("ddof", 0)?;
    if ious.len() <= ddof {
        return Err(inputs.invalid("`ious` needs more values than `ddof`"));
    }
    let mean = common::mean(&ious);
    let squares: f64 = ious.iter().map(|x| (x - mean).powi(2)).sum();
    let std = (squares / (ious.len() - ddof) as f64).sqrt();
    Ok(scalar(mean + std))
}

/// DETR's bipartite matching: `cost` has one row per prediction and one column per ground-truth
/// object (at least as many rows as columns); finds the one-to-one assignment of objects to
/// predictions with the lowest total cost by exhaustive search (at most 8 predictions; on a tie
/// the lexicographically first assignment wins). Returns the matched prediction for each object.
fn detr_hungarian_matching(inputs: &Inputs) -> Result<Value, Error> {
    let cost = inputs.matrix("cost")?;
    let (predictions, objects) = (cost.len(), cost[0].len());
    if predictions < objects || predictions > 8 {
        return Err(inputs.invalid(
            "`cost` needs at least as many prediction rows as object columns, and at most 8 rows",
        ));
    }
    fn search(
        cost: &[Vec<f64>],
        column: usize,
        used: &mut Vec<bool>,
        current: &mut Vec<usize>,
        total: f64,
        best: &mut Option<(f64, Vec<usize>)>,
    ) {
        if column == cost[0].len() {
            if best.as_ref().is_none_or(|(b, _)| total < *b) {
                *best = Some((total, current.clone()));
            }
            return;
        }
        for row in 0..cost.len() {
            if !used[row] {
                used[row] = true;
                current.push(row);
                search(
                    cost,
                    column + 1,
                    used,
                    current,
                    total + cost[row][column],
                    best,
                );
                current.pop();
                used[row] = false;
            }
        }
    }
    let mut best = None;
    search(
        &cost,
        0,
        &mut vec![false; predictions],
        &mut Vec::new(),
        0.0,
        &mut best,
    );
    let (_, assignment) = best.expect("at least one assignment exists");
    Ok(Value::Array(
        assignment.into_iter().map(Value::from).collect(),
    ))
}

/// CutMix's label weight for the first image: 1 minus the fraction of the `h` x `w` image that
/// the pasted `box` (`[x1, y1, x2, y2]`, clipped to the image) covers.
fn cutmix_lambda(inputs: &Inputs) -> Result<Value, Error> {
    let h = inputs.positive("h")?;
    let w = inputs.positive("w")?;
    let b = read_box(inputs, "box", &inputs.vector("box")?)?;
    let width = (b[2].min(w) - b[0].max(0.0)).max(0.0);
    let height = (b[3].min(h) - b[1].max(0.0)).max(0.0);
    Ok(scalar(1.0 - width * height / (w * h)))
}

/// Per-channel normalisation of one pixel: (x / `scale` - mean) / std, channel by channel, with
/// `scale` defaulting to 255 (8-bit input).
fn channel_normalize(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let mean = inputs.vector("mean")?;
    let std = inputs.vector("std")?;
    let scale = inputs.number_or("scale", 255.0)?;
    inputs.same_length(("x", x.len()), ("mean", mean.len()))?;
    inputs.same_length(("x", x.len()), ("std", std.len()))?;
    if scale <= 0.0 || std.iter().any(|&s| s <= 0.0) {
        return Err(inputs.invalid("`scale` and every `std` must be greater than 0"));
    }
    let out: Vec<f64> = x
        .iter()
        .zip(mean.iter().zip(&std))
        .map(|(x, (m, s))| (x / scale - m) / s)
        .collect();
    Ok(array(&out))
}

/// CT intensity windowing: maps Hounsfield units `x` to [0, 1] with window centre `level` and
/// width `width`, (x - (level - width/2)) / width, clipped to [0, 1].
fn ct_intensity_window(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.values("x")?;
    let level = inputs.number("level")?;
    let width = inputs.positive("width")?;
    let low = level - width / 2.0;
    Ok(x.output(
        x.data
            .iter()
            .map(|v| ((v - low) / width).clamp(0.0, 1.0))
            .collect(),
    ))
}

/// Generalised-mean (GeM) pooling of one channel's non-negative activations `x` with exponent
/// `p`: (mean of x^p)^(1/p); p = 1 is average pooling and large p approaches max pooling.
fn gem_pooling(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let p = inputs.positive("p")?;
    if x.iter().any(|&v| v < 0.0) {
        return Err(inputs.invalid("GeM pools non-negative (post-ReLU) activations"));
    }
    let powered: Vec<f64> = x.iter().map(|v| v.powf(p)).collect();
    Ok(scalar(common::mean(&powered).powf(1.0 / p)))
}

/// Prototypical-network class probabilities for a `query` embedding: each class's prototype is
/// the mean of its `support` embeddings (rows, labelled 0..K-1 by `support_labels`), and the
/// probabilities are the softmax of minus the squared Euclidean distances to the prototypes.
fn prototypical_network_probs(inputs: &Inputs) -> Result<Value, Error> {
    let support = inputs.matrix("support")?;
    let labels = inputs.vector("support_labels")?;
    let query = inputs.vector("query")?;
    inputs.same_length(("support", support.len()), ("support_labels", labels.len()))?;
    inputs.same_length(("query", query.len()), ("support rows", support[0].len()))?;
    if labels.iter().any(|&l| l < 0.0 || l.fract() != 0.0) {
        return Err(inputs.invalid("`support_labels` must be class indices 0, 1, ..."));
    }
    let classes = labels.iter().fold(0.0_f64, |m, &l| m.max(l)) as usize + 1;
    let mut sums = vec![vec![0.0; query.len()]; classes];
    let mut counts = vec![0usize; classes];
    for (row, &label) in support.iter().zip(&labels) {
        let c = label as usize;
        counts[c] += 1;
        for (s, x) in sums[c].iter_mut().zip(row) {
            *s += x;
        }
    }
    if counts.contains(&0) {
        return Err(
            inputs.invalid("every class from 0 to the largest label needs a support example")
        );
    }
    let logits: Vec<f64> = sums
        .iter()
        .zip(&counts)
        .map(|(sum, &n)| {
            -sum.iter()
                .zip(&query)
                .map(|(s, q)| (s / n as f64 - q).powi(2))
                .sum::<f64>()
        })
        .collect();
    Ok(array(&common::softmax(&logits)))
}

/// Unnormalised Gram matrix of a layer's `features`, one row per channel and one column per
/// spatial position: G = F F^T.
fn style_gram_matrix(inputs: &Inputs) -> Result<Value, Error> {
    let f = inputs.matrix("features")?;
    Ok(nested(&common::matmul(&f, &common::transpose(&f))))
}

/// Depth from a rectified stereo pair: focal length (pixels) times baseline over disparity
/// (pixels), in the baseline's unit.
fn stereo_depth(inputs: &Inputs) -> Result<Value, Error> {
    let f = inputs.positive("focal_length_px")?;
    let baseline = inputs.positive("baseline")?;
    let disparity = inputs.values("disparity_px")?;
    if disparity.data.iter().any(|&d| d <= 0.0) {
        return Err(inputs.invalid("disparities must be greater than 0 (0 is a point at infinity)"));
    }
    Ok(disparity.output(disparity.data.iter().map(|d| f * baseline / d).collect()))
}

/// NeRF's volume-rendering weights along a ray: w_i = T_i (1 - exp(-sigma_i delta_i)) with
/// transmittance T_i = exp(-sum_{j<i} sigma_j delta_j), for densities `sigmas` and segment
/// lengths `deltas`.
fn nerf_volume_rendering_weights(inputs: &Inputs) -> Result<Value, Error> {
    let sigmas = inputs.vector("sigmas")?;
    let deltas = inputs.vector("deltas")?;
    inputs.same_length(("sigmas", sigmas.len()), ("deltas", deltas.len()))?;
    if sigmas.iter().chain(&deltas).any(|&x| x < 0.0) {
        return Err(inputs.invalid("densities and segment lengths must be non-negative"));
    }
    let mut optical_depth = 0.0_f64;
    let mut weights = Vec::with_capacity(sigmas.len());
    for (s, d) in sigmas.iter().zip(&deltas) {
        let transmittance = (-optical_depth).exp();
        weights.push(transmittance * (1.0 - (-s * d).exp()));
        optical_depth += s * d;
    }
    Ok(array(&weights))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn conv_output_sizes() {
        // "Same" padding keeps 28; stride 2 on 7 with k = 3 gives 3.
        check(
            "conv_output_size",
            json!({ "n": 28, "k": 3, "p": 1 }),
            json!(28),
        );
        check(
            "conv_output_size",
            json!({ "n": 7, "k": 3, "s": 2 }),
            json!(3),
        );
        // Dilation 2 makes a 3-kernel span 5.
        check(
            "conv_output_size",
            json!({ "n": 5, "k": 3, "d": 2 }),
            json!(1),
        );
        check_err("conv_output_size", json!({ "n": 2, "k": 3 }));
    }

    #[test]
    fn separable_cost_and_receptive_field() {
        check(
            "depthwise_separable_cost_ratio",
            json!({ "k": 1, "c_in": 4, "c_out": 2 }),
            json!(1.5),
        );
        check(
            "dilated_receptive_field",
            json!({ "kernel_size": 3, "dilations": [1, 1] }),
            json!(5),
        );
    }

    #[test]
    fn fpn_levels_clamp() {
        check("fpn_level", json!({ "w": 224, "h": 224 }), json!(4));
        check("fpn_level", json!({ "w": 8, "h": 8 }), json!(2));
        check("fpn_level", json!({ "w": 2000, "h": 2000 }), json!(5));
    }

    #[test]
    fn nms_keeps_the_best_of_each_cluster() {
        check(
            "nms",
            json!({
                "boxes": [[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0]],
                "scores": [0.5, 0.9, 0.7],
                "iou_threshold": 0.5
            }),
            json!([1, 2]),
        );
        // IoU exactly at the threshold suppresses: [0,2]x[0,1] and [1,3]x[0,1] have IoU 1/3.
        check(
            "nms",
            json!({
                "boxes": [[0.0, 0.0, 2.0, 1.0], [1.0, 0.0, 3.0, 1.0]],
                "scores": [0.9, 0.8],
                "iou_threshold": 1.0 / 3.0
            }),
            json!([0]),
        );
    }

    #[test]
    fn anchor_encoding_and_mixup() {
        check(
            "anchor_box_encoding",
            json!({ "box": [10.0, 10.0, 8.0, 8.0], "anchor": [10.0, 10.0, 8.0, 8.0] }),
            json!([0.0, 0.0, 0.0, 0.0]),
        );
        check(
            "mixup",
            json!({ "a": 1.0, "b": 0.0, "lam": 0.25 }),
            json!(0.25),
        );
    }
    #[test]
    fn conv_cost_and_receptive_fields() {
        // 3x3, 2 -> 4 channels: 72 weights + 4 biases; 72 multiply-adds at each of 4 outputs.
        check(
            "conv_layer_cost",
            json!({ "k": 3, "c_in": 2, "c_out": 4, "h_out": 2, "w_out": 2 }),
            json!([76, 288]),
        );
        // Two groups halve the weights of a 1x1 conv from 4 to 4 channels.
        check(
            "conv_layer_cost",
            json!({ "k": 1, "c_in": 4, "c_out": 4, "h_out": 1, "w_out": 1, "groups": 2, "bias": false }),
            json!([8, 8]),
        );
        check_err(
            "conv_layer_cost",
            json!({ "k": 1, "c_in": 3, "c_out": 4, "h_out": 1, "w_out": 1, "groups": 2 }),
        );
        check(
            "stacked_receptive_field",
            json!({ "kernel_sizes": [3, 3], "strides": [1, 1] }),
            json!([5, 1]),
        );
        // After a stride-2 layer every tap of the next 3x3 is 2 input pixels apart: 1 + 2 + 4.
        check(
            "stacked_receptive_field",
            json!({ "kernel_sizes": [3, 3], "strides": [2, 1] }),
            json!([7, 2]),
        );
        check(
            "transposed_conv_output_size",
            json!({ "n": 2, "k": 2, "s": 2 }),
            json!(4),
        );
        check(
            "transposed_conv_output_size",
            json!({ "n": 3, "k": 3, "s": 2, "p": 1, "output_padding": 1 }),
            json!(6),
        );
        check_err(
            "transposed_conv_output_size",
            json!({ "n": 3, "k": 3, "s": 2, "output_padding": 2 }),
        );
    }

    #[test]
    fn scaling_se_vit_and_swin_costs() {
        check(
            "efficientnet_compound_scaling",
            json!({ "alpha": 2.0, "beta": 1.0, "gamma": 1.0, "phi": 2 }),
            json!([4.0, 1.0, 1.0, 4.0]),
        );
        check(
            "se_block_params",
            json!({ "channels": 4, "reduction": 2 }),
            json!(16),
        );
        check(
            "se_block_params",
            json!({ "channels": 4, "reduction": 2, "bias": true }),
            json!(22),
        );
        check(
            "vit_patch_embedding",
            json!({ "h": 4, "w": 4, "patch": 2, "channels": 1, "d_model": 3 }),
            json!([5, 15]),
        );
        check_err(
            "vit_patch_embedding",
            json!({ "h": 5, "w": 4, "patch": 2, "channels": 1, "d_model": 3 }),
        );
        check(
            "swin_attention_flops",
            json!({ "h": 2, "w": 2, "c": 1, "window": 1 }),
            json!([48.0, 24.0]),
        );
    }

    #[test]
    fn iou_family_atss_and_matching() {
        check(
            "box_iou_variants",
            json!({ "box_a": [0.0, 0.0, 2.0, 2.0], "box_b": [0.0, 0.0, 2.0, 2.0] }),
            json!([1.0, 1.0, 1.0, 1.0]),
        );
        // Disjoint unit squares 1 apart: enclosing box 3 x 1, union 2, centres 2 apart,
        // enclosing diagonal^2 = 10; equal aspect ratios so CIoU = DIoU.
        check(
            "box_iou_variants",
            json!({ "box_a": [0.0, 0.0, 1.0, 1.0], "box_b": [2.0, 0.0, 3.0, 1.0] }),
            json!([0.0, -1.0 / 3.0, -0.4, -0.4]),
        );
        check(
            "atss_iou_threshold",
            json!({ "ious": [0.2, 0.4] }),
            json!(0.4),
        );
        check(
            "atss_iou_threshold",
            json!({ "ious": [0.2, 0.4], "ddof": 1 }),
            json!(0.3 + 0.02_f64.sqrt()),
        );
        // Crossing the assignment costs 0 + 2 = 2 instead of 1 + 5 = 6.
        check(
            "detr_hungarian_matching",
            json!({ "cost": [[1.0, 2.0], [0.0, 5.0]] }),
            json!([1, 0]),
        );
        check_err("detr_hungarian_matching", json!({ "cost": [[1.0, 2.0]] }));
    }

    #[test]
    fn augmentation_and_preprocessing() {
        check(
            "cutmix_lambda",
            json!({ "h": 10, "w": 10, "box": [0.0, 0.0, 5.0, 5.0] }),
            json!(0.75),
        );
        // The box is clipped to the image before its area is counted.
        check(
            "cutmix_lambda",
            json!({ "h": 10, "w": 10, "box": [5.0, 5.0, 20.0, 20.0] }),
            json!(0.75),
        );
        check(
            "channel_normalize",
            json!({ "x": [255.0, 0.0], "mean": [0.5, 0.5], "std": [0.5, 0.5] }),
            json!([1.0, -1.0]),
        );
        check(
            "ct_intensity_window",
            json!({ "x": [-1000.0, 40.0, 240.0, 1000.0], "level": 40.0, "width": 400.0 }),
            json!([0.0, 0.5, 1.0, 1.0]),
        );
    }

    #[test]
    fn pooling_prototypes_gram_depth_and_rendering() {
        check(
            "gem_pooling",
            json!({ "x": [1.0, 3.0], "p": 1.0 }),
            json!(2.0),
        );
        check(
            "gem_pooling",
            json!({ "x": [0.0, 2.0], "p": 2.0 }),
            json!(2.0_f64.sqrt()),
        );
        // Prototypes (0,0) and (2,0); the query at (0,0) has squared distances 0 and 4.
        let p0 = 1.0 / (1.0 + (-4.0_f64).exp());
        check(
            "prototypical_network_probs",
            json!({
                "support": [[0.0, 0.0], [2.0, 0.0]],
                "support_labels": [0, 1],
                "query": [0.0, 0.0]
            }),
            json!([p0, 1.0 - p0]),
        );
        check(
            "style_gram_matrix",
            json!({ "features": [[1.0, 2.0], [3.0, 4.0]] }),
            json!([[5.0, 11.0], [11.0, 25.0]]),
        );
        check(
            "stereo_depth",
            json!({ "focal_length_px": 100.0, "baseline": 0.5, "disparity_px": 10.0 }),
            json!(5.0),
        );
        // Each segment absorbs half of the light that reaches it.
        check(
            "nerf_volume_rendering_weights",
            json!({ "sigmas": [2.0_f64.ln(), 2.0_f64.ln()], "deltas": [1.0, 1.0] }),
            json!([0.5, 0.25]),
        );
    }
}
