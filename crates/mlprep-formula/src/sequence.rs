//! Formulas of the `sequence` category: recurrent-network parameter counts, the scheduled-sampling
//! decay of teacher forcing, and the receptive field of temporal convolutional networks.

use serde_json::Value;

use crate::Error;
use crate::cnn_cv::receptive_field;
use crate::common::{self, Formula, Inputs, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("lstm_param_count", lstm_param_count),
    ("inverse_sigmoid_decay", inverse_sigmoid_decay),
    ("tcn_receptive_field", tcn_receptive_field),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

/// Parameters of one LSTM layer: 4 gates, each with an h x (d + h) weight matrix and `biases`
/// bias vectors of length h: 4 (h (d + h) + biases h). `biases` defaults to 1; PyTorch keeps 2.
fn lstm_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let d = inputs.count("input_size")? as f64;
    let h = inputs.count("hidden_size")? as f64;
    let biases = inputs.count_or("biases", 1)? as f64;
    Ok(scalar(4.0 * (h * (d + h) + biases * h)))
}

/// Scheduled sampling's inverse sigmoid decay (Bengio et al. 2015): the probability of feeding
/// the ground truth at training `step` i is k / (k + exp(i / k)), for `k` >= 1.
fn inverse_sigmoid_decay(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.number("k")?;
    let step = inputs.number("step")?;
    if k < 1.0 {
        return Err(inputs.invalid("`k` must be at least 1 so the probability starts below 1"));
    }
    Ok(scalar(k / (k + (step / k).exp())))
}

/// The receptive field of a TCN: 1 + `convs_per_level` (`kernel_size` - 1) sum(`dilations`),
/// one dilation per level, with one causal convolution per level by default (two in the
/// residual blocks of Bai et al. 2018).
fn tcn_receptive_field(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.positive("kernel_size")?;
    let dilations = inputs.vector("dilations")?;
    let convs = inputs.count_or("convs_per_level", 1)?;
    if convs == 0 || dilations.iter().any(|&d| d < 1.0) {
        return Err(inputs.invalid("`convs_per_level` and every dilation must be at least 1"));
    }
    let repeated: Vec<f64> = dilations
        .iter()
        .flat_map(|&d| std::iter::repeat_n(d, convs))
        .collect();
    Ok(scalar(receptive_field(k, &repeated)))
}

#[cfg(test)]
mod tests {
    use crate::check;
    use serde_json::json;

    #[test]
    fn lstm_counts() {
        // 4 * (1 * (1 + 1) + 1) = 12; PyTorch's two biases give 16.
        check(
            "lstm_param_count",
            json!({ "input_size": 1, "hidden_size": 1 }),
            json!(12),
        );
        check(
            "lstm_param_count",
            json!({ "input_size": 1, "hidden_size": 1, "biases": 2 }),
            json!(16),
        );
    }

    #[test]
    fn decay_starts_near_one() {
        check(
            "inverse_sigmoid_decay",
            json!({ "k": 1.0, "step": 0 }),
            json!(0.5),
        );
    }

    #[test]
    fn tcn_with_two_convs_per_level() {
        check(
            "tcn_receptive_field",
            json!({ "kernel_size": 2, "dilations": [1, 2] }),
            json!(4),
        );
        check(
            "tcn_receptive_field",
            json!({ "kernel_size": 2, "dilations": [1, 2], "convs_per_level": 2 }),
            json!(7),
        );
    }
}
