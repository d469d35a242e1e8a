//! Formulas of the `cnn-cv` category: convolution arithmetic (output size, receptive field,
//! depthwise-separable cost), detection (non-maximum suppression, anchor encoding, FPN level
//! assignment) and mixup augmentation. Box IoU lives with the metrics in `losses_metrics`.

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};
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
}
