//! Formulas of the `system-design` category: the back-of-the-envelope estimates of design
//! interviews (peak QPS from daily users, raw embedding storage, the tail probability of a
//! fan-out request, review-queue staffing, false alarms across many monitored series) and two
//! small decision rules (the newsvendor critical ratio and the profit-maximising price under a
//! linear demand curve).

use serde_json::Value;

use crate::Error;
use crate::common::{self, Formula, Inputs, array, scalar};

/// This category's formulas, by name.
pub(crate) const FORMULAS: &[(&str, Formula)] = &[
    ("peak_qps", peak_qps),
    ("embedding_storage_bytes", embedding_storage_bytes),
    ("fanout_tail_probability", fanout_tail_probability),
    ("reviewers_needed", reviewers_needed),
    ("expected_false_alarms", expected_false_alarms),
    ("newsvendor_critical_ratio", newsvendor_critical_ratio),
    ("linear_demand_optimal_price", linear_demand_optimal_price),
];

/// Finds one of this category's formulas.
pub(crate) fn lookup(name: &str) -> Option<Formula> {
    common::find(FORMULAS, name)
}

const SECONDS_PER_DAY: f64 = 86_400.0;

/// Average and peak requests per second: average = `daily_active_users` x
/// `requests_per_user_per_day` / 86 400, peak = average x `peak_to_average`.
/// Returns `[average QPS, peak QPS]`.
fn peak_qps(inputs: &Inputs) -> Result<Value, Error> {
    let users = inputs.number("daily_active_users")?;
    let per_user = inputs.number("requests_per_user_per_day")?;
    let factor = inputs.number("peak_to_average")?;
    if users < 0.0 || per_user < 0.0 || factor < 1.0 {
        return Err(inputs.invalid(
            "users and requests per user must be 0 or more, and `peak_to_average` at least 1",
        ));
    }
    let average = users * per_user / SECONDS_PER_DAY;
    Ok(array(&[average, average * factor]))
}

/// Raw bytes of an embedding table or flat index: `num_vectors` x `dim` x `bytes_per_element`
/// x `replicas` (default 1), with no index overhead or compression.
fn embedding_storage_bytes(inputs: &Inputs) -> Result<Value, Error> {
    let n = inputs.number("num_vectors")?;
    let dim = inputs.positive("dim")?;
    let bytes = inputs.positive("bytes_per_element")?;
    let replicas = inputs.number_or("replicas", 1.0)?;
    if n < 0.0 || replicas < 1.0 {
        return Err(inputs.invalid("`num_vectors` must be 0 or more and `replicas` at least 1"));
    }
    Ok(scalar(n * dim * bytes * replicas))
}

/// Probability that a request fanned out to `num_shards` independent shards waits for at least
/// one slow shard, when each shard is slow with probability `per_shard_slow_prob`:
/// 1 - (1 - p)^n.
fn fanout_tail_probability(inputs: &Inputs) -> Result<Value, Error> {
    let shards = inputs.count("num_shards")?;
    let p = inputs.probability("per_shard_slow_prob")?;
    if shards == 0 {
        return Err(inputs.invalid("`num_shards` must be at least 1"));
    }
    let all_fast = (1.0 - p).powi(shards as i32);
    Ok(scalar(1.0 - all_fast))
}

/// Human-review staffing: flagged items per day = `items_per_day` x `flag_rate`, and reviewers
/// = ceil(flagged / `reviews_per_reviewer_per_day`). Returns `[flagged per day, reviewers]`.
fn reviewers_needed(inputs: &Inputs) -> Result<Value, Error> {
    let items = inputs.number("items_per_day")?;
    let rate = inputs.probability("flag_rate")?;
    let capacity = inputs.positive("reviews_per_reviewer_per_day")?;
    if items < 0.0 {
        return Err(inputs.invalid("`items_per_day` must be 0 or more"));
    }
    let flagged = items * rate;
    // Round away float noise (e.g. 40.000000000000004) before taking the ceiling.
    let reviewers = ((flagged / capacity * 1e9).round() / 1e9).ceil();
    Ok(array(&[flagged, reviewers]))
}

/// Expected false alerts per day when `num_series` series are each tested `checks_per_day`
/// times at per-test false-positive rate `alpha` and nothing is anomalous:
/// num_series x checks_per_day x alpha.
fn expected_false_alarms(inputs: &Inputs) -> Result<Value, Error> {
    let series = inputs.number("num_series")?;
    let checks = inputs.number("checks_per_day")?;
    let alpha = inputs.probability("alpha")?;
    if series < 0.0 || checks < 0.0 {
        return Err(inputs.invalid("`num_series` and `checks_per_day` must be 0 or more"));
    }
    Ok(scalar(series * checks * alpha))
}

/// The newsvendor critical ratio c_u / (c_u + c_o) with `underage_cost` c_u (margin lost per
/// unit of unmet demand) and `overage_cost` c_o (loss per unsold unit): the optimal stock is
/// this quantile of the demand distribution.
fn newsvendor_critical_ratio(inputs: &Inputs) -> Result<Value, Error> {
    let under = inputs.number("underage_cost")?;
    let over = inputs.number("overage_cost")?;
    if under < 0.0 || over < 0.0 || under + over == 0.0 {
        return Err(inputs.invalid("costs must be 0 or more and not both 0"));
    }
    Ok(scalar(under / (under + over)))
}

/// Profit-maximising price for linear demand q = a - b p with `demand_intercept` a,
/// `demand_slope` b > 0 and `unit_cost` c: p* = (a / b + c) / 2, q* = a - b p*,
/// profit = (p* - c) q*. Returns `[price, quantity, profit]`.
fn linear_demand_optimal_price(inputs: &Inputs) -> Result<Value, Error> {
    let a = inputs.positive("demand_intercept")?;
    let b = inputs.positive("demand_slope")?;
    let c = inputs.number("unit_cost")?;
    if c < 0.0 || c >= a / b {
        return Err(inputs.invalid(
            "`unit_cost` must be 0 or more and below the choke price a / b, or nothing sells at a profit",
        ));
    }
    let price = (a / b + c) / 2.0;
    let quantity = a - b * price;
    Ok(array(&[price, quantity, (price - c) * quantity]))
}

#[cfg(test)]
mod tests {
    use crate::{check, check_err};
    use serde_json::json;

    #[test]
    fn qps_from_daily_users() {
        // 86 400 users x 10 requests = 10 per second on average; peak factor 3 gives 30.
        check(
            "peak_qps",
            json!({ "daily_active_users": 86_400.0, "requests_per_user_per_day": 10.0,
                    "peak_to_average": 3.0 }),
            json!([10.0, 30.0]),
        );
        check_err(
            "peak_qps",
            json!({ "daily_active_users": 1.0, "requests_per_user_per_day": 1.0,
                    "peak_to_average": 0.5 }),
        );
    }

    #[test]
    fn embedding_bytes() {
        // 1000 vectors x 128 dims x 4 bytes = 512 000 bytes; two replicas double it.
        check(
            "embedding_storage_bytes",
            json!({ "num_vectors": 1000.0, "dim": 128.0, "bytes_per_element": 4.0 }),
            json!(512_000.0),
        );
        check(
            "embedding_storage_bytes",
            json!({ "num_vectors": 1000.0, "dim": 128.0, "bytes_per_element": 4.0,
                    "replicas": 2.0 }),
            json!(1_024_000.0),
        );
    }

    #[test]
    fn fanout_tail() {
        // Two shards each slow half the time: 1 - 0.25 = 0.75.
        check(
            "fanout_tail_probability",
            json!({ "num_shards": 2, "per_shard_slow_prob": 0.5 }),
            json!(0.75),
        );
        check(
            "fanout_tail_probability",
            json!({ "num_shards": 1, "per_shard_slow_prob": 0.01 }),
            json!(0.01),
        );
    }

    #[test]
    fn reviewer_staffing() {
        // 1e6 items x 0.1% = 1000 flagged; 300 per reviewer needs ceil(3.33) = 4 reviewers.
        check(
            "reviewers_needed",
            json!({ "items_per_day": 1_000_000.0, "flag_rate": 0.001,
                    "reviews_per_reviewer_per_day": 300.0 }),
            json!([1000.0, 4.0]),
        );
        // Exactly divisible: 1000 / 250 = 4, not 5.
        check(
            "reviewers_needed",
            json!({ "items_per_day": 1_000_000.0, "flag_rate": 0.001,
                    "reviews_per_reviewer_per_day": 250.0 }),
            json!([1000.0, 4.0]),
        );
    }

    #[test]
    fn false_alarms() {
        check(
            "expected_false_alarms",
            json!({ "num_series": 100.0, "checks_per_day": 10.0, "alpha": 0.01 }),
            json!(10.0),
        );
    }

    #[test]
    fn newsvendor() {
        // Lose 3 per missed sale, 1 per unsold unit: stock the 0.75 quantile.
        check(
            "newsvendor_critical_ratio",
            json!({ "underage_cost": 3.0, "overage_cost": 1.0 }),
            json!(0.75),
        );
        check_err(
            "newsvendor_critical_ratio",
            json!({ "underage_cost": 0.0, "overage_cost": 0.0 }),
        );
    }

    #[test]
    fn linear_demand_price() {
        // q = 100 - 2p, c = 10: p* = (50 + 10) / 2 = 30, q* = 40, profit = 20 x 40 = 800.
        check(
            "linear_demand_optimal_price",
            json!({ "demand_intercept": 100.0, "demand_slope": 2.0, "unit_cost": 10.0 }),
            json!([30.0, 40.0, 800.0]),
        );
        check_err(
            "linear_demand_optimal_price",
            json!({ "demand_intercept": 100.0, "demand_slope": 2.0, "unit_cost": 60.0 }),
        );
    }
}
