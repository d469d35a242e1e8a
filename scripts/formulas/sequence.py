"""sequence: recurrent parameter counts, scheduled sampling, TCN receptive field, CTC, STFT
frames, ACF, exponential smoothing, periodogram, MASE/sMAPE/CRPS, Kalman, HMM forward, DTW."""

import itertools
import math

import numpy as np

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


@formula("rnn_param_count")
def rnn_param_count(input_size, hidden_size, gates, biases=1):
    # Input-to-hidden, hidden-to-hidden and bias parameters, each replicated per gate block.
    w_ih = np.zeros((gates * hidden_size, input_size))
    w_hh = np.zeros((gates * hidden_size, hidden_size))
    b = np.zeros((biases, gates * hidden_size))
    return float(w_ih.size + w_hh.size + b.size)


@formula("ctc_loss")
def ctc_loss(probs, labels, blank=0):
    # Brute force over every alignment path: collapse repeats, drop blanks, keep matching paths.
    probs = np.asarray(probs, dtype=float)
    frames, vocab = probs.shape
    target = [int(l) for l in labels]
    total = 0.0
    for path in itertools.product(range(vocab), repeat=frames):
        collapsed = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
        if [k for k in collapsed if k != blank] == target:
            total += float(np.prod(probs[np.arange(frames), list(path)]))
    return -math.log(total)


@formula("stft_frame_count")
def stft_frame_count(num_samples, window_length, hop_length, center=False):
    length = num_samples + 2 * (window_length // 2) if center else num_samples
    starts = np.arange(0, length - window_length + 1, hop_length)
    return float(len(starts))


@formula("autocorrelation")
def autocorrelation(x, max_lag):
    x = np.asarray(x, dtype=float)
    d = x - x.mean()
    full = np.correlate(d, d, mode="full")[len(x) - 1 :]
    return (full[1 : max_lag + 1] / full[0]).tolist()


@formula("exponential_smoothing")
def exponential_smoothing(y, alpha, beta=None, horizon=1):
    y = np.asarray(y, dtype=float)
    if beta is None:
        # Level as an explicit weighted sum: weights alpha (1 - alpha)^j, remainder on y_1.
        n = len(y)
        weights = alpha * (1 - alpha) ** np.arange(n - 1)
        return float(np.dot(weights, y[:0:-1]) + (1 - alpha) ** (n - 1) * y[0])
    level, trend = y[0], y[1] - y[0]
    for t in range(1, len(y)):
        new_level = alpha * y[t] + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = new_level
    return float(level + horizon * trend)


@formula("periodogram_period")
def periodogram_period(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    power = np.abs(np.fft.rfft(x - x.mean())) ** 2
    k = 1 + int(np.argmax(np.round(power[1 : n // 2 + 1], 9)))
    return n / k


@formula("mase")
def mase(y_true, y_pred, y_train, season=1):
    y_true, y_pred, y_train = (np.asarray(v, dtype=float) for v in (y_true, y_pred, y_train))
    scale = np.mean(np.abs(y_train[season:] - y_train[:-season]))
    return float(np.mean(np.abs(y_true - y_pred)) / scale)


@formula("smape")
def smape(y_true, y_pred):
    a, f = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    denom = np.abs(a) + np.abs(f)
    terms = np.where(denom == 0, 0.0, 2 * np.abs(f - a) / np.where(denom == 0, 1, denom))
    return float(100 * terms.mean())


@formula("crps_ensemble")
def crps_ensemble(samples, target):
    # Integral of (F(z) - 1{z >= y})^2 over z for the empirical CDF F: exact on the sorted grid.
    s = np.sort(np.asarray(samples, dtype=float))
    grid = np.sort(np.append(s, target))
    total = 0.0
    for lo, hi in zip(grid[:-1], grid[1:]):
        mid = (lo + hi) / 2
        cdf = np.mean(s <= mid)
        total += (cdf - float(mid >= target)) ** 2 * (hi - lo)
    return total


@formula("kalman_1d_step")
def kalman_1d_step(x, p, z, q, r, a=1.0, h=1.0):
    # Posterior as a product of Gaussians: prior N(a x, a^2 p + q) times likelihood of z.
    m0, v0 = a * x, a * a * p + q
    precision = 1 / v0 + h * h / r
    p_post = 1 / precision
    x_post = p_post * (m0 / v0 + h * z / r)
    gain = v0 * h / (h * h * v0 + r)
    return [x_post, p_post, gain]


@formula("hmm_forward")
def hmm_forward(initial, transition, emission, observations):
    # Brute force: sum over every hidden-state path.
    pi, A, B = (np.asarray(v, dtype=float) for v in (initial, transition, emission))
    obs = [int(o) for o in observations]
    total = 0.0
    for path in itertools.product(range(len(pi)), repeat=len(obs)):
        prob = pi[path[0]] * B[path[0], obs[0]]
        for t in range(1, len(obs)):
            prob *= A[path[t - 1], path[t]] * B[path[t], obs[t]]
        total += prob
    return total


@formula("dtw_distance")
def dtw_distance(x, y, window=None):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n, m = len(x), len(y)
    cost = np.abs(x[:, None] - y[None, :])
    D = np.full((n + 1, m + 1), np.inf)
    D[0, 0] = 0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if window is not None and abs(i - j) > window:
                continue
            D[i, j] = cost[i - 1, j - 1] + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return float(D[n, m])


@formula("pointer_generator_prob")
def pointer_generator_prob(p_gen, vocab_prob, attention, matches):
    copy = np.asarray(attention, dtype=float)[np.asarray(matches, dtype=bool)].sum()
    return float(p_gen * vocab_prob + (1 - p_gen) * copy)


@formula("linear_recurrence_scan")
def linear_recurrence_scan(a, b, h0=0.0):
    # Hillis-Steele inclusive scan over affine maps h -> a h + b, composed with
    # (a1, b1) then (a2, b2) = (a2 a1, a2 b1 + b2); the initial state enters as a first map.
    A = np.concatenate([[0.0], np.asarray(a, dtype=float)])
    B = np.concatenate([[h0], np.asarray(b, dtype=float)])
    shift = 1
    while shift < len(A):
        A_prev, B_prev = A[:-shift].copy(), B[:-shift].copy()
        B[shift:] = A[shift:] * B_prev + B[shift:]
        A[shift:] = A[shift:] * A_prev
        shift *= 2
    return B[1:].tolist()


@formula("combined_forecast_variance")
def combined_forecast_variance(cov, weights=None):
    cov = np.asarray(cov, dtype=float)
    w = np.full(len(cov), 1 / len(cov)) if weights is None else np.asarray(weights, dtype=float)
    return float(w @ cov @ w)


@formula("forecast_reconciliation")
def forecast_reconciliation(summing, base, weights=None):
    # Weighted least squares via lstsq on the whitened system W^{-1/2} S b = W^{-1/2} base.
    S = np.asarray(summing, dtype=float)
    y = np.asarray(base, dtype=float)
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    root = 1 / np.sqrt(w)
    bottom, *_ = np.linalg.lstsq(S * root[:, None], y * root, rcond=None)
    return (S @ bottom).tolist()


@formula("var_param_count")
def var_param_count(num_series, lags, intercept=True):
    coefficient_matrices = np.zeros((lags, num_series, num_series))
    return float(coefficient_matrices.size + (num_series if intercept else 0))


@formula("croston_forecast")
def croston_forecast(y, alpha, sba=False):
    y = np.asarray(y, dtype=float)
    positions = np.flatnonzero(y > 0) + 1  # 1-based periods with demand
    sizes = y[y > 0]
    intervals = np.diff(np.concatenate([[0], positions]))
    z, p = sizes[0], float(intervals[0])
    for size, interval in zip(sizes[1:], intervals[1:]):
        z += alpha * (size - z)
        p += alpha * (interval - p)
    return float(z / p * ((1 - alpha / 2) if sba else 1.0))


@formula("cusum_statistic")
def cusum_statistic(x, mean, k):
    # S_t = max(0, S_{t-1} + d_t) equals C_t - min(0, min_{s<=t} C_s) for the partial sums C_t of d.
    d = np.asarray(x, dtype=float) - mean - k
    c = np.cumsum(d)
    running_min = np.minimum(0.0, np.minimum.accumulate(c))
    return (c - running_min).tolist()


@formula("hawkes_intensity")
def hawkes_intensity(mu, alpha, beta, t, events):
    past = np.asarray(events, dtype=float)
    past = past[past < t]
    return float(mu + alpha * np.exp(-beta * (t - past)).sum())


@formula("granger_f_statistic")
def granger_f_statistic(rss_restricted, rss_unrestricted, restrictions, observations, params):
    numerator = (rss_restricted - rss_unrestricted) / restrictions
    denominator = rss_unrestricted / (observations - params)
    return numerator / denominator
