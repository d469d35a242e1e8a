//! Formulas of the `sequence` category: recurrent-network parameter counts, the scheduled-sampling
//! decay of teacher forcing, the receptive field of temporal convolutional networks, CTC, audio
//! framing, the classical time-series tools (autocorrelation, exponential smoothing, the
//! periodogram, the Kalman filter, the HMM forward algorithm, DTW) and forecasting metrics
//! (MASE, sMAPE, ensemble CRPS).

use serde_json::Value;

use crate::Error;
use crate::cnn_cv::receptive_field;
use crate::common::{self, Formula, Inputs, array, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("lstm_param_count", lstm_param_count),
    ("inverse_sigmoid_decay", inverse_sigmoid_decay),
    ("tcn_receptive_field", tcn_receptive_field),
    ("rnn_param_count", rnn_param_count),
    ("ctc_loss", ctc_loss),
    ("stft_frame_count", stft_frame_count),
    ("autocorrelation", autocorrelation),
    ("exponential_smoothing", exponential_smoothing),
    ("periodogram_period", periodogram_period),
    ("mase", mase),
    ("smape", smape),
    ("crps_ensemble", crps_ensemble),
    ("kalman_1d_step", kalman_1d_step),
    ("hmm_forward", hmm_forward),
    ("dtw_distance", dtw_distance),
    ("pointer_generator_prob", pointer_generator_prob),
    ("linear_recurrence_scan", linear_recurrence_scan),
    ("combined_forecast_variance", combined_forecast_variance),
    ("forecast_reconciliation", forecast_reconciliation),
    ("var_param_count", var_param_count),
    ("croston_forecast", croston_forecast),
    ("cusum_statistic", cusum_statistic),
    ("hawkes_intensity", hawkes_intensity),
    ("granger_f_statistic", granger_f_statistic),
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

/// Parameters of one recurrent layer with `gates` weight blocks (1 for a vanilla RNN, 3 for a
/// GRU, 4 for an LSTM), each an h x (d + h) matrix plus `biases` bias vectors of length h
/// (default 1; PyTorch keeps 2): gates (h (d + h) + biases h).
fn rnn_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let d = inputs.count("input_size")? as f64;
    let h = inputs.count("hidden_size")? as f64;
    let gates = inputs.count("gates")?;
    let biases = inputs.count_or("biases", 1)? as f64;
    if gates == 0 {
        return Err(inputs.invalid("`gates` must be at least 1 (1 RNN, 3 GRU, 4 LSTM)"));
    }
    Ok(scalar(gates as f64 * (h * (d + h) + biases * h)))
}

/// CTC loss -ln p(labels | x): `probs` is a T x V matrix of per-frame output probabilities
/// (rows sum to 1), `labels` the target label indices without blanks, `blank` the blank's index
/// (default 0). p sums over every alignment that collapses (merge repeats, drop blanks) to the
/// labels, computed with the forward recursion over the blank-extended label sequence.
fn ctc_loss(inputs: &Inputs) -> Result<Value, Error> {
    let probs = inputs.matrix("probs")?;
    let labels = inputs.vector("labels")?;
    let blank = inputs.count_or("blank", 0)?;
    let vocab = probs[0].len();
    if probs.iter().flatten().any(|&p| !(0.0..=1.0).contains(&p)) {
        return Err(inputs.invalid("every entry of `probs` must be a probability in [0, 1]"));
    }
    if blank >= vocab {
        return Err(inputs.invalid("`blank` must index a column of `probs`"));
    }
    let mut extended = vec![blank];
    for &l in &labels {
        if l.fract() != 0.0 || l < 0.0 || l as usize >= vocab || l as usize == blank {
            return Err(
                inputs.invalid("each label must be a column index of `probs` other than the blank")
            );
        }
        extended.push(l as usize);
        extended.push(blank);
    }
    let s_len = extended.len();
    let mut alpha = vec![0.0; s_len];
    alpha[0] = probs[0][extended[0]];
    if s_len > 1 {
        alpha[1] = probs[0][extended[1]];
    }
    for row in &probs[1..] {
        let mut next = vec![0.0; s_len];
        for s in 0..s_len {
            let mut total = alpha[s];
            if s >= 1 {
                total += alpha[s - 1];
            }
            if s >= 2 && extended[s] != blank && extended[s] != extended[s - 2] {
                total += alpha[s - 2];
            }
            next[s] = total * row[extended[s]];
        }
        alpha = next;
    }
    let p = alpha[s_len - 1] + if s_len > 1 { alpha[s_len - 2] } else { 0.0 };
    if p <= 0.0 {
        return Err(inputs.invalid(
            "no alignment of the labels fits in the frames (too few frames, or zero probabilities)",
        ));
    }
    Ok(scalar(-p.ln()))
}

/// Number of STFT frames for `num_samples` samples, a window of `window_length` samples and a
/// hop of `hop_length` samples. Without centring (`center` false, the default) frames must fit
/// inside the signal: 1 + floor((N - W) / H). With centring (librosa, torch.stft default) the
/// signal is padded by floor(W/2) on each side first, giving 1 + floor(N / H) for an even W.
/// With centring, W is the FFT size (`n_fft`), which sets the padding.
fn stft_frame_count(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.count("num_samples")?;
    let w = inputs.count("window_length")?;
    let hop = inputs.count("hop_length")?;
    let center = inputs.flag_or("center", false)?;
    if hop == 0 || w == 0 {
        return Err(inputs.invalid("`window_length` and `hop_length` must be at least 1"));
    }
    let padded = if center { n + 2 * (w / 2) } else { n };
    if w > padded {
        return Err(inputs.invalid("the window is longer than the signal"));
    }
    let frames = 1 + (padded - w) / hop;
    Ok(scalar(frames as f64))
}

/// Sample autocorrelation r_k = sum_{t=1}^{n-k} (x_t - m)(x_{t+k} - m) / sum_t (x_t - m)^2 for
/// k = 1..`max_lag`, with m the mean of all of `x` (the standard ACF estimator, as in statsmodels).
fn autocorrelation(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let max_lag = inputs.count("max_lag")?;
    if max_lag == 0 || max_lag >= x.len() {
        return Err(inputs.invalid("`max_lag` must be between 1 and len(x) - 1"));
    }
    let m = common::mean(&x);
    let centred: Vec<f64> = x.iter().map(|v| v - m).collect();
    let denominator: f64 = centred.iter().map(|v| v * v).sum();
    if denominator == 0.0 {
        return Err(inputs.invalid("`x` is constant, so its autocorrelation is undefined"));
    }
    let acf: Vec<f64> = (1..=max_lag)
        .map(|k| {
            centred
                .iter()
                .zip(&centred[k..])
                .map(|(a, b)| a * b)
                .sum::<f64>()
                / denominator
        })
        .collect();
    Ok(array(&acf))
}

/// The `horizon`-step forecast (default 1) after exponential smoothing of `y`. Simple exponential
/// smoothing (no `beta`): level l_1 = y_1, l_t = alpha y_t + (1 - alpha) l_{t-1}; forecast l_n.
/// Holt's linear trend (with `beta`): l_1 = y_1, b_1 = y_2 - y_1, then from t = 2
/// l_t = alpha y_t + (1 - alpha)(l_{t-1} + b_{t-1}), b_t = beta (l_t - l_{t-1}) + (1 - beta) b_{t-1};
/// forecast l_n + horizon b_n.
fn exponential_smoothing(inputs: &Inputs) -> Result<Value, Error> {
    let y = inputs.vector("y")?;
    let alpha = inputs.probability("alpha")?;
    let beta = inputs.optional_number("beta")?;
    let horizon = inputs.count_or("horizon", 1)?;
    if horizon == 0 {
        return Err(inputs.invalid("`horizon` must be at least 1"));
    }
    match beta {
        None => {
            let level = y[1..]
                .iter()
                .fold(y[0], |l, &v| alpha * v + (1.0 - alpha) * l);
            Ok(scalar(level))
        }
        Some(beta) => {
            inputs.check_probability("beta", beta)?;
            if y.len() < 2 {
                return Err(inputs.invalid("Holt's method needs at least two observations"));
            }
            let (mut level, mut trend) = (y[0], y[1] - y[0]);
            for &v in &y[1..] {
                let previous = level;
                level = alpha * v + (1.0 - alpha) * (level + trend);
                trend = beta * (level - previous) + (1.0 - beta) * trend;
            }
            Ok(scalar(level + horizon as f64 * trend))
        }
    }
}

/// The dominant period of `x` from its periodogram: after removing the mean, the power at
/// frequency bin k = 1..floor(n/2) is |sum_t x_t e^{-2 pi i k t / n}|^2; returns n / k* for the
/// bin k* with the largest power (the lowest such bin on a tie).
fn periodogram_period(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let n = x.len();
    if n < 4 {
        return Err(inputs.invalid("`x` needs at least 4 points"));
    }
    let m = common::mean(&x);
    let mut best = (0usize, -1.0f64);
    for k in 1..=n / 2 {
        let (mut re, mut im) = (0.0, 0.0);
        for (t, v) in x.iter().enumerate() {
            let angle = -2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64;
            re += (v - m) * angle.cos();
            im += (v - m) * angle.sin();
        }
        let power = re * re + im * im;
        if power > best.1 * (1.0 + 1e-12) + 1e-12 {
            best = (k, power);
        }
    }
    Ok(scalar(n as f64 / best.0 as f64))
}

/// Mean absolute scaled error: the forecast's MAE on (`y_true`, `y_pred`) divided by the in-sample
/// MAE of the seasonal naive forecast y_t = y_{t-m} on `y_train`, with m = `season` (default 1,
/// the plain naive forecast).
fn mase(inputs: &Inputs) -> Result<Value, Error> {
    let y_true = inputs.vector("y_true")?;
    let y_pred = inputs.vector("y_pred")?;
    let y_train = inputs.vector("y_train")?;
    let m = inputs.count_or("season", 1)?;
    inputs.same_length(("y_true", y_true.len()), ("y_pred", y_pred.len()))?;
    if m == 0 || m >= y_train.len() {
        return Err(inputs.invalid("`season` must be between 1 and len(y_train) - 1"));
    }
    let mae: f64 = y_true
        .iter()
        .zip(&y_pred)
        .map(|(a, f)| (a - f).abs())
        .sum::<f64>()
        / y_true.len() as f64;
    let naive: f64 = y_train
        .iter()
        .zip(&y_train[m..])
        .map(|(a, b)| (b - a).abs())
        .sum::<f64>()
        / (y_train.len() - m) as f64;
    if naive == 0.0 {
        return Err(
            inputs.invalid("the naive forecast is perfect on `y_train`, so MASE is undefined")
        );
    }
    Ok(scalar(mae / naive))
}

/// Symmetric MAPE in percent, on the 0..200 scale: 100/n sum 2 |F - A| / (|A| + |F|), with
/// A = `y_true` and F = `y_pred`; a term with A = F = 0 counts as 0.
fn smape(inputs: &Inputs) -> Result<Value, Error> {
    let y_true = inputs.vector("y_true")?;
    let y_pred = inputs.vector("y_pred")?;
    inputs.same_length(("y_true", y_true.len()), ("y_pred", y_pred.len()))?;
    let total: f64 = y_true
        .iter()
        .zip(&y_pred)
        .map(|(a, f)| {
            let scale = a.abs() + f.abs();
            if scale == 0.0 {
                0.0
            } else {
                2.0 * (f - a).abs() / scale
            }
        })
        .sum();
    Ok(scalar(100.0 * total / y_true.len() as f64))
}

/// CRPS of an ensemble (empirical) forecast against the observed `target`:
/// mean_i |X_i - y| - 1/(2 M^2) sum_{i,j} |X_i - X_j| over the M `samples`.
fn crps_ensemble(inputs: &Inputs) -> Result<Value, Error> {
    let samples = inputs.vector("samples")?;
    let y = inputs.number("target")?;
    let m = samples.len() as f64;
    let accuracy: f64 = samples.iter().map(|s| (s - y).abs()).sum::<f64>() / m;
    let spread: f64 = samples
        .iter()
        .flat_map(|a| samples.iter().map(move |b| (a - b).abs()))
        .sum::<f64>()
        / (m * m);
    Ok(scalar(accuracy - 0.5 * spread))
}

/// One predict/update step of a 1-D Kalman filter for x_t = a x_{t-1} + w, w ~ N(0, q) and
/// z_t = h x_t + v, v ~ N(0, r), from the prior mean `x` and variance `p`: predict
/// x- = a x, p- = a^2 p + q; gain K = p- h / (h^2 p- + r); update x+ = x- + K (z - h x-),
/// p+ = (1 - K h) p-. `a` and `h` default to 1. Returns [x+, p+, K].
fn kalman_1d_step(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.number("x")?;
    let p = inputs.number("p")?;
    let z = inputs.number("z")?;
    let q = inputs.number("q")?;
    let r = inputs.number("r")?;
    let a = inputs.number_or("a", 1.0)?;
    let h = inputs.number_or("h", 1.0)?;
    if p < 0.0 || q < 0.0 || r < 0.0 {
        return Err(inputs.invalid("the variances `p`, `q` and `r` must be 0 or more"));
    }
    let x_prior = a * x;
    let p_prior = a * a * p + q;
    let innovation_variance = h * h * p_prior + r;
    if innovation_variance == 0.0 {
        return Err(inputs.invalid("the innovation variance h^2 p- + r is 0"));
    }
    let gain = p_prior * h / innovation_variance;
    let x_post = x_prior + gain * (z - h * x_prior);
    let p_post = (1.0 - gain * h) * p_prior;
    Ok(array(&[x_post, p_post, gain]))
}

/// The likelihood P(observations) of a discrete HMM by the forward algorithm: alpha_1(i) =
/// pi_i B_i(o_1), alpha_{t+1}(j) = (sum_i alpha_t(i) A_ij) B_j(o_{t+1}), P = sum_i alpha_T(i).
/// `initial` is pi, `transition` the N x N matrix A (rows: from-state), `emission` the N x M
/// matrix B (rows: state, columns: symbol), `observations` the symbol indices.
fn hmm_forward(inputs: &Inputs) -> Result<Value, Error> {
    let pi = inputs.vector("initial")?;
    let a = inputs.matrix("transition")?;
    let b = inputs.matrix("emission")?;
    let observations = inputs.vector("observations")?;
    let n = pi.len();
    if a.len() != n || a[0].len() != n || b.len() != n {
        return Err(inputs.invalid(
            "`transition` must be N x N and `emission` must have N rows, N = len(initial)",
        ));
    }
    let symbols = b[0].len();
    let mut obs = Vec::with_capacity(observations.len());
    for &o in &observations {
        if o.fract() != 0.0 || o < 0.0 || o as usize >= symbols {
            return Err(inputs.invalid("each observation must be a column index of `emission`"));
        }
        obs.push(o as usize);
    }
    let mut alpha: Vec<f64> = (0..n).map(|i| pi[i] * b[i][obs[0]]).collect();
    for &o in &obs[1..] {
        alpha = (0..n)
            .map(|j| (0..n).map(|i| alpha[i] * a[i][j]).sum::<f64>() * b[j][o])
            .collect();
    }
    Ok(scalar(alpha.iter().sum()))
}

/// Dynamic time warping distance between `x` and `y` with local cost |x_i - y_j|:
/// D(i, j) = |x_i - y_j| + min(D(i-1, j), D(i, j-1), D(i-1, j-1)), D(0, 0) = 0, result D(n, m).
/// An optional Sakoe-Chiba `window` w only allows cells with |i - j| <= w.
fn dtw_distance(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let y = inputs.vector("y")?;
    let window = match inputs.raw("window") {
        None => usize::MAX,
        Some(_) => inputs.count("window")?,
    };
    let (n, m) = (x.len(), y.len());
    if window != usize::MAX && window < n.abs_diff(m) {
        return Err(inputs.invalid("`window` must be at least |len(x) - len(y)|"));
    }
    let mut d = vec![vec![f64::INFINITY; m + 1]; n + 1];
    d[0][0] = 0.0;
    for i in 1..=n {
        for j in 1..=m {
            if i.abs_diff(j) > window {
                continue;
            }
            let best = d[i - 1][j].min(d[i][j - 1]).min(d[i - 1][j - 1]);
            d[i][j] = (x[i - 1] - y[j - 1]).abs() + best;
        }
    }
    Ok(scalar(d[n][m]))
}

/// The pointer-generator's output probability of one word (See et al. 2017):
/// p_gen P_vocab(w) + (1 - p_gen) sum_{i: x_i = w} a_i, with `vocab_prob` = P_vocab(w) (0 for a
/// word outside the vocabulary), `attention` the attention weights over the source positions
/// and `matches` 1 where the source token is w, else 0.
fn pointer_generator_prob(inputs: &Inputs) -> Result<Value, Error> {
    let p_gen = inputs.probability("p_gen")?;
    let vocab_prob = inputs.probability("vocab_prob")?;
    let attention = inputs.vector("attention")?;
    let matches = inputs.vector("matches")?;
    inputs.same_length(("attention", attention.len()), ("matches", matches.len()))?;
    if matches.iter().any(|&m| m != 0.0 && m != 1.0) {
        return Err(inputs.invalid("`matches` must hold only 0 and 1"));
    }
    let copy: f64 = attention.iter().zip(&matches).map(|(a, m)| a * m).sum();
    Ok(scalar(p_gen * vocab_prob + (1.0 - p_gen) * copy))
}

/// The states of the linear recurrence h_t = a_t h_{t-1} + b_t for t = 1..T, from `h0`
/// (default 0), with scalar (or per-channel, elementwise) coefficients `a` and inputs `b`. This is
/// what a parallel scan computes; here it is evaluated step by step.
fn linear_recurrence_scan(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.vector("a")?;
    let b = inputs.vector("b")?;
    let h0 = inputs.number_or("h0", 0.0)?;
    inputs.same_length(("a", a.len()), ("b", b.len()))?;
    let mut h = h0;
    let states: Vec<f64> = a
        .iter()
        .zip(&b)
        .map(|(a, b)| {
            h = a * h + b;
            h
        })
        .collect();
    Ok(array(&states))
}

/// Error variance of a weighted forecast combination, w^T Sigma w, with `cov` the covariance
/// matrix Sigma of the individual forecasts' errors and `weights` w (default: equal weights 1/K).
fn combined_forecast_variance(inputs: &Inputs) -> Result<Value, Error> {
    let cov = inputs.matrix("cov")?;
    let k = cov.len();
    if cov[0].len() != k || !common::is_symmetric(&cov) {
        return Err(inputs.invalid("`cov` must be a symmetric square matrix"));
    }
    let weights = inputs
        .optional_vector("weights")?
        .unwrap_or_else(|| vec![1.0 / k as f64; k]);
    inputs.same_length(("weights", weights.len()), ("cov", k))?;
    let variance: f64 = (0..k)
        .map(|i| {
            (0..k)
                .map(|j| weights[i] * cov[i][j] * weights[j])
                .sum::<f64>()
        })
        .sum();
    Ok(scalar(variance))
}

/// Reconciles incoherent `base` forecasts of every node of a hierarchy (in the row order of the
/// n x m `summing` matrix S, which maps the m bottom series to all n nodes) by weighted least
/// squares: bottom = (S^T W^-1 S)^-1 S^T W^-1 base, returned as the coherent S bottom. W is
/// diagonal with entries `weights` (variances; default all 1, which is OLS reconciliation).
fn forecast_reconciliation(inputs: &Inputs) -> Result<Value, Error> {
    let s = inputs.matrix("summing")?;
    let base = inputs.vector("base")?;
    let (n, m) = (s.len(), s[0].len());
    inputs.same_length(("base", base.len()), ("summing", n))?;
    let weights = inputs
        .optional_vector("weights")?
        .unwrap_or_else(|| vec![1.0; n]);
    inputs.same_length(("weights", weights.len()), ("summing", n))?;
    if weights.iter().any(|&w| w <= 0.0) {
        return Err(inputs.invalid("every weight (an error variance) must be greater than 0"));
    }
    // Normal equations (S^T W^-1 S) b = S^T W^-1 base.
    let mut a = vec![vec![0.0; m]; m];
    let mut rhs = vec![0.0; m];
    for (row, (&y, &w)) in s.iter().zip(base.iter().zip(&weights)) {
        for i in 0..m {
            rhs[i] += row[i] * y / w;
            for j in 0..m {
                a[i][j] += row[i] * row[j] / w;
            }
        }
    }
    let bottom = solve_linear(a, rhs)
        .ok_or_else(|| inputs.invalid("S^T W^-1 S is singular; check the summing matrix"))?;
    let coherent: Vec<f64> = s.iter().map(|row| common::dot(row, &bottom)).collect();
    Ok(array(&coherent))
}

/// Solves a x = b by Gaussian elimination with partial pivoting; None if a is singular.
fn solve_linear(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for (offset, row) in lower.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= factor * p;
            }
            b[col + 1 + offset] -= factor * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let tail: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - tail) / a[row][row];
    }
    Some(x)
}

/// Parameters of a vector autoregression VAR(p) on k series: k^2 p coefficients plus k
/// intercepts (`intercept`, default true), with k = `num_series` and p = `lags`.
fn var_param_count(inputs: &Inputs) -> Result<Value, Error> {
    let k = inputs.count("num_series")? as f64;
    let p = inputs.count("lags")? as f64;
    let intercept = inputs.flag_or("intercept", true)?;
    Ok(scalar(k * k * p + if intercept { k } else { 0.0 }))
}

/// Croston's forecast for intermittent demand `y`: the nonzero demand sizes z and the intervals q
/// between demands (counted from the series start for the first) are each smoothed with SES
/// (smoothing `alpha`), starting from the first demand and its interval and updated only in
/// periods with demand; the per-period forecast is z / p, times (1 - alpha / 2) when `sba`
/// (the Syntetos-Boylan bias correction) is true (default false).
fn croston_forecast(inputs: &Inputs) -> Result<Value, Error> {
    let y = inputs.vector("y")?;
    let alpha = inputs.probability("alpha")?;
    let sba = inputs.flag_or("sba", false)?;
    if y.iter().any(|&v| v < 0.0) {
        return Err(inputs.invalid("demand `y` must be 0 or more"));
    }
    let mut state: Option<(f64, f64)> = None;
    let mut since = 0.0;
    for &demand in &y {
        since += 1.0;
        if demand > 0.0 {
            state = Some(match state {
                None => (demand, since),
                Some((z, p)) => (
                    alpha * demand + (1.0 - alpha) * z,
                    alpha * since + (1.0 - alpha) * p,
                ),
            });
            since = 0.0;
        }
    }
    let (z, p) = state.ok_or_else(|| inputs.invalid("`y` has no nonzero demand"))?;
    let factor = if sba { 1.0 - alpha / 2.0 } else { 1.0 };
    Ok(scalar(factor * z / p))
}

/// The one-sided (upward) CUSUM statistic S_t = max(0, S_{t-1} + x_t - `mean` - `k`), S_0 = 0,
/// for every t: it accumulates deviations above the in-control `mean` beyond the slack `k`; an
/// alarm is raised when S_t exceeds a threshold h.
fn cusum_statistic(inputs: &Inputs) -> Result<Value, Error> {
    let x = inputs.vector("x")?;
    let mean = inputs.number("mean")?;
    let k = inputs.number("k")?;
    if k < 0.0 {
        return Err(inputs.invalid("the slack `k` must be 0 or more"));
    }
    let mut s = 0.0f64;
    let path: Vec<f64> = x
        .iter()
        .map(|v| {
            s = (s + v - mean - k).max(0.0);
            s
        })
        .collect();
    Ok(array(&path))
}

/// The conditional intensity of a Hawkes process with an exponential kernel at time `t`:
/// mu + alpha sum_{t_i < t} exp(-beta (t - t_i)) over the past `events` (times before t count).
fn hawkes_intensity(inputs: &Inputs) -> Result<Value, Error> {
    let mu = inputs.number("mu")?;
    let alpha = inputs.number("alpha")?;
    let beta = inputs.positive("beta")?;
    let t = inputs.number("t")?;
    let events = inputs.vector("events")?;
    if mu < 0.0 || alpha < 0.0 {
        return Err(inputs.invalid("`mu` and `alpha` must be 0 or more"));
    }
    let excitation: f64 = events
        .iter()
        .filter(|&&ti| ti < t)
        .map(|ti| (-beta * (t - ti)).exp())
        .sum();
    Ok(scalar(mu + alpha * excitation))
}

/// The F statistic of a Granger-causality (nested regression) test:
/// ((RSS_r - RSS_u) / q) / (RSS_u / (n - k)), with RSS_r from the model with the own lags only
/// (`rss_restricted`), RSS_u from the model that adds q = `restrictions` lags of the other series
/// (`rss_unrestricted`), n = `observations` and k = `params` of the unrestricted model.
fn granger_f_statistic(inputs: &Inputs) -> Result<Value, Error> {
    let rss_r = inputs.number("rss_restricted")?;
    let rss_u = inputs.positive("rss_unrestricted")?;
    let q = inputs.count("restrictions")?;
    let n = inputs.count("observations")?;
    let k = inputs.count("params")?;
    if q == 0 || n <= k || rss_r < rss_u {
        return Err(inputs.invalid(
            "need restrictions >= 1, observations > params, and rss_restricted >= rss_unrestricted",
        ));
    }
    Ok(scalar(
        ((rss_r - rss_u) / q as f64) / (rss_u / (n - k) as f64),
    ))
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

    #[test]
    fn rnn_gru_lstm_counts() {
        // d = 1, h = 1: each block has 1 * 2 weights + 1 bias = 3.
        check(
            "rnn_param_count",
            json!({ "input_size": 1, "hidden_size": 1, "gates": 1 }),
            json!(3),
        );
        check(
            "rnn_param_count",
            json!({ "input_size": 1, "hidden_size": 1, "gates": 3 }),
            json!(9),
        );
        check(
            "rnn_param_count",
            json!({ "input_size": 1, "hidden_size": 1, "gates": 4, "biases": 2 }),
            json!(16),
        );
    }

    #[test]
    fn ctc_sums_alignments() {
        // Two frames, label "a" (index 1): alignments "a a", "a -", "- a" -> 0.25 + 0.25 + 0.25.
        let probs = json!([[0.5, 0.5], [0.5, 0.5]]);
        check(
            "ctc_loss",
            json!({ "probs": probs, "labels": [1] }),
            json!(-(0.75f64.ln())),
        );
        // "a a" needs a blank between the repeats, so it needs 3 frames: only "a - a" fits.
        let probs = json!([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]);
        check(
            "ctc_loss",
            json!({ "probs": probs, "labels": [1, 1] }),
            json!(-(0.125f64.ln())),
        );
    }

    #[test]
    fn frame_counts() {
        check(
            "stft_frame_count",
            json!({ "num_samples": 10, "window_length": 4, "hop_length": 2 }),
            json!(4),
        );
        check(
            "stft_frame_count",
            json!({ "num_samples": 10, "window_length": 4, "hop_length": 2, "center": true }),
            json!(6),
        );
        // Odd window with centring: pad 2 each side -> 14 samples, 1 + (14 - 5) / 2 = 5 frames.
        check(
            "stft_frame_count",
            json!({ "num_samples": 10, "window_length": 5, "hop_length": 2, "center": true }),
            json!(5),
        );
    }

    #[test]
    fn acf_of_alternating_series() {
        // x = [1, -1, 1, -1]: mean 0, sum of squares 4; lag 1: -3/4, lag 2: 2/4.
        check(
            "autocorrelation",
            json!({ "x": [1, -1, 1, -1], "max_lag": 2 }),
            json!([-0.75, 0.5]),
        );
    }

    #[test]
    fn smoothing_forecasts() {
        // SES, alpha 0.5: level 10 -> 11 -> 11.5.
        check(
            "exponential_smoothing",
            json!({ "y": [10, 12, 12], "alpha": 0.5 }),
            json!(11.5),
        );
        // Holt on a perfect line keeps level and slope: forecast 3 + 2 * 1 = 5.
        check(
            "exponential_smoothing",
            json!({ "y": [1, 2, 3], "alpha": 0.5, "beta": 0.5, "horizon": 2 }),
            json!(5),
        );
    }

    #[test]
    fn period_of_a_square_wave() {
        check(
            "periodogram_period",
            json!({ "x": [1, 1, -1, -1, 1, 1, -1, -1] }),
            json!(4),
        );
    }

    #[test]
    fn forecast_metrics() {
        // Naive in-sample MAE on [1, 2, 4] is (1 + 2) / 2 = 1.5; forecast MAE 3 -> MASE 2.
        check(
            "mase",
            json!({ "y_true": [5, 7], "y_pred": [2, 4], "y_train": [1, 2, 4] }),
            json!(2),
        );
        // |100 - 50| * 2 / 150 = 2/3 -> 66.67 %; second term 0.
        check(
            "smape",
            json!({ "y_true": [100, 10], "y_pred": [50, 10] }),
            json!(100.0 / 3.0),
        );
        // Samples [0, 2], y = 1: mean |X - y| = 1, mean |X - X'| = 1 -> 1 - 0.5 = 0.5.
        check(
            "crps_ensemble",
            json!({ "samples": [0, 2], "target": 1 }),
            json!(0.5),
        );
    }

    #[test]
    fn kalman_equal_variances_halves() {
        // Prior N(0, 1), no process noise, measurement 2 with variance 1: K = 0.5, x = 1, p = 0.5.
        check(
            "kalman_1d_step",
            json!({ "x": 0, "p": 1, "z": 2, "q": 0, "r": 1 }),
            json!([1.0, 0.5, 0.5]),
        );
    }

    #[test]
    fn hmm_single_state_is_product_of_emissions() {
        check(
            "hmm_forward",
            json!({ "initial": [1], "transition": [[1]], "emission": [[0.2, 0.8]], "observations": [0, 1, 1] }),
            json!(0.2 * 0.8 * 0.8),
        );
    }

    #[test]
    fn dtw_absorbs_a_repeat() {
        check(
            "dtw_distance",
            json!({ "x": [0, 1, 2], "y": [0, 1, 1, 2] }),
            json!(0),
        );
        check(
            "dtw_distance",
            json!({ "x": [0, 0], "y": [1, 1] }),
            json!(2),
        );
    }

    #[test]
    fn pointer_generator_mixes_copy_and_generate() {
        // OOV word (vocab prob 0) copied from the one source position holding it.
        check(
            "pointer_generator_prob",
            json!({ "p_gen": 0.5, "vocab_prob": 0.0, "attention": [0.2, 0.8], "matches": [0, 1] }),
            json!(0.4),
        );
    }

    #[test]
    fn linear_recurrence_accumulates() {
        // h = 0.5 h + 1 from 0: 1, 1.5, 1.75.
        check(
            "linear_recurrence_scan",
            json!({ "a": [0.5, 0.5, 0.5], "b": [1, 1, 1] }),
            json!([1.0, 1.5, 1.75]),
        );
    }

    #[test]
    fn combination_and_reconciliation() {
        // Two unit-variance forecasts with error correlation 0.5: (1 + 0.5) / 2 = 0.75.
        check(
            "combined_forecast_variance",
            json!({ "cov": [[1, 0.5], [0.5, 1]] }),
            json!(0.75),
        );
        // Total 3 and bottoms 1, 1 (gap 1): OLS moves each node by 1/3 -> 2.666.., 1.333.., 1.333...
        check(
            "forecast_reconciliation",
            json!({ "summing": [[1, 1], [1, 0], [0, 1]], "base": [3, 1, 1] }),
            json!([8.0 / 3.0, 4.0 / 3.0, 4.0 / 3.0]),
        );
    }

    #[test]
    fn var_and_croston() {
        // k = 2, p = 1: 4 coefficients + 2 intercepts.
        check(
            "var_param_count",
            json!({ "num_series": 2, "lags": 1 }),
            json!(6),
        );
        // Demands of 4 every second period: z = 4, p = 2 -> 2 per period; SBA with alpha 0.5: 1.5.
        check(
            "croston_forecast",
            json!({ "y": [0, 4, 0, 4], "alpha": 0.5 }),
            json!(2),
        );
        check(
            "croston_forecast",
            json!({ "y": [0, 4, 0, 4], "alpha": 0.5, "sba": true }),
            json!(1.5),
        );
    }

    #[test]
    fn cusum_resets_at_zero() {
        // mean 0, k 0.5: 1 -> 0.5, -2 -> 0 (floored), 2 -> 1.5, 2 -> 3.
        check(
            "cusum_statistic",
            json!({ "x": [1, -2, 2, 2], "mean": 0, "k": 0.5 }),
            json!([0.5, 0.0, 1.5, 3.0]),
        );
    }

    #[test]
    fn hawkes_and_granger() {
        // One past event exactly ln 2 / beta ago: 1 + 2 * 0.5 = 2; future events do not count.
        check(
            "hawkes_intensity",
            json!({ "mu": 1, "alpha": 2, "beta": 1, "t": 2f64.ln(), "events": [0, 5] }),
            json!(2.0),
        );
        // ((12 - 10) / 1) / (10 / 10) = 2.
        check(
            "granger_f_statistic",
            json!({ "rss_restricted": 12, "rss_unrestricted": 10, "restrictions": 1, "observations": 13, "params": 3 }),
            json!(2.0),
        );
    }
}
