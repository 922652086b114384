//! Companies: the registry the library learns from its reports, and a company's overview — the
//! reports about it, its ratings and target prices across brokers, a forecast consensus and
//! the reports that merely name it.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use yanbao_knowledge::{base_name, CompanyRegistry, KnownCompany};
use yanbao_model::securities::{find_codes, RatingAction};
use yanbao_store::{CompanyNote, EntityMention};

use crate::{EngineError, Library};

/// Per-share metrics: their values are yuan per share, never rescaled like amounts.
const PER_SHARE: [&str; 3] = ["eps", "dps", "bps"];

/// Metrics shown first in a consensus, in this order; others follow by name.
const METRIC_ORDER: [&str; 3] = ["eps", "net_profit", "revenue"];

/// Everything a company page shows.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyOverview {
    /// The company: name, code, exchange and aliases.
    pub company: KnownCompany,
    /// Reports about it (its company notes), newest first, each with its rating, target price
    /// and forecasts.
    pub reports: Vec<CompanyNote>,
    /// Ratings across brokers, oldest first.
    pub ratings: Vec<RatingPoint>,
    /// Target prices across brokers, oldest first.
    pub target_prices: Vec<TargetPoint>,
    /// Forecast consensus per year and metric, over each broker's latest report with forecasts.
    pub consensus: Vec<Consensus>,
    /// Reports that name it without being about it, most mentions first.
    pub mentions: Vec<EntityMention>,
}

/// One broker's rating of the company in one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RatingPoint {
    /// The broker, when known.
    pub broker: Option<String>,
    /// Report date, when known.
    pub date: Option<String>,
    /// Rating word (买入, 增持 …).
    pub rating: String,
    /// What the broker did to its rating (维持, 首次, 上调, 下调).
    pub action: Option<RatingAction>,
    /// The report.
    pub report_id: String,
}

/// One broker's target price in one report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetPoint {
    /// The broker, when known.
    pub broker: Option<String>,
    /// Report date, when known.
    pub date: Option<String>,
    /// Target price.
    pub price: f64,
    /// Its currency.
    pub currency: Option<String>,
    /// The report.
    pub report_id: String,
}

/// The brokers' forecasts of one metric for one year, summarised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consensus {
    /// Forecast year.
    pub year: i32,
    /// `eps`, `net_profit`, `revenue`, …
    pub metric: String,
    /// Unit of the figures: amounts in yuan are brought to 亿元, other units stay as printed.
    pub unit: String,
    /// Median over the brokers.
    pub median: f64,
    /// Mean over the brokers.
    pub mean: f64,
    /// Lowest forecast.
    pub min: f64,
    /// Highest forecast.
    pub max: f64,
    /// Brokers counted (each with its latest report).
    pub brokers: usize,
}

impl Library {
    /// The company registry learned from the stored reports. A library whose reports were stored
    /// before the registry was kept learns it again, once, from the companies they print with
    /// their codes, and saves it.
    pub(crate) fn company_registry(&self) -> Result<CompanyRegistry, EngineError> {
        let mut registry = CompanyRegistry::new();
        let known = self.store().companies()?;
        if !known.is_empty() {
            known.into_iter().for_each(|company| registry.insert(company));
            return Ok(registry);
        }
        // Reading every printed company is a walk over the library: once per process is enough
        // (a library whose reports print no codes would otherwise walk it for every upload).
        if self.registry_relearned.swap(true, std::sync::atomic::Ordering::Relaxed) {
            return Ok(registry);
        }
        let mut order: Vec<String> = Vec::new();
        for company in self.store().printed_companies()? {
            if let Some(key) = registry.learn_company(&company) {
                if !order.contains(&key) {
                    order.push(key);
                }
            }
        }
        if !order.is_empty() {
            // Saved in the order learned, so a name two companies printed stays with the first.
            let by_key: BTreeMap<String, &KnownCompany> = registry.companies().map(|c| (c.key(), c)).collect();
            let learned: Vec<KnownCompany> = order.iter().filter_map(|key| by_key.get(key).map(|c| (*c).clone())).collect();
            self.store().save_companies(&learned)?;
        }
        Ok(registry)
    }

    /// Everything the library knows about one company, asked by code (`601899`, `601899.SH`,
    /// `SH601899`), name or alias; None when the library has not learned it.
    pub fn company(&self, code_or_name: &str) -> Result<Option<CompanyOverview>, EngineError> {
        let Some(company) = self.find_company(code_or_name)? else { return Ok(None) };
        let names: Vec<&str> = std::iter::once(company.name.as_str()).chain(company.aliases.iter().map(String::as_str)).collect();
        let reports = self.store().company_notes(&company.code, &names)?;
        let about: HashSet<&str> = reports.iter().map(|note| note.report_id.as_str()).collect();
        let mentions = self.store().company_mentions(&company.code, &names)?.into_iter().filter(|m| !about.contains(m.report_id.as_str())).collect();
        let mut ratings: Vec<RatingPoint> = reports
            .iter()
            .filter_map(|note| {
                let rating = note.rating.clone()?;
                Some(RatingPoint { broker: note.institution.clone(), date: note.date.clone(), rating, action: note.rating_action, report_id: note.report_id.clone() })
            })
            .collect();
        // Reports come newest first (undated last): history reads oldest first, undated first.
        ratings.reverse();
        let mut target_prices: Vec<TargetPoint> = reports
            .iter()
            .filter_map(|note| {
                let price = note.target_price?;
                Some(TargetPoint { broker: note.institution.clone(), date: note.date.clone(), price, currency: note.target_currency.clone(), report_id: note.report_id.clone() })
            })
            .collect();
        target_prices.reverse();
        let consensus = consensus(&reports);
        Ok(Some(CompanyOverview { company, reports, ratings, target_prices, consensus, mentions }))
    }

    /// The registry's company for a code, key, name or alias as a user types it.
    fn find_company(&self, asked: &str) -> Result<Option<KnownCompany>, EngineError> {
        let asked = asked.trim();
        if asked.is_empty() {
            return Ok(None);
        }
        let mut tries = vec![asked.to_string(), base_name(asked).to_string()];
        // A code as printed (`SH601899`, `0700.HK`): its listing key, then the code alone.
        if let [code] = find_codes(asked).as_slice() {
            if code.start == 0 && code.end == asked.len() {
                tries.push(code.security.key());
                tries.push(code.security.code.clone());
            }
        }
        for asked in tries {
            if let Some(company) = self.store().find_company(&asked)? {
                return Ok(Some(company));
            }
        }
        Ok(None)
    }
}

/// The consensus of each year and metric over each broker's latest report with forecasts
/// (`reports` newest first). A report of no known broker counts as a broker of its own.
fn consensus(reports: &[CompanyNote]) -> Vec<Consensus> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut figures: BTreeMap<(i32, usize, String, String), Vec<f64>> = BTreeMap::new();
    for note in reports.iter().filter(|note| !note.forecasts.is_empty()) {
        let broker = note.institution.as_deref().unwrap_or(&note.report_id);
        if !seen.insert(broker) {
            continue;
        }
        for forecast in &note.forecasts {
            let (value, unit) = comparable(&forecast.metric, forecast.value, &forecast.unit);
            let rank = METRIC_ORDER.iter().position(|m| *m == forecast.metric).unwrap_or(METRIC_ORDER.len());
            figures.entry((forecast.year, rank, forecast.metric.clone(), unit)).or_default().push(value);
        }
    }
    figures
        .into_iter()
        .map(|((year, _, metric, unit), mut values)| {
            values.sort_by(f64::total_cmp);
            let n = values.len();
            let median = if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 };
            Consensus { year, metric, unit, median, mean: values.iter().sum::<f64>() / n as f64, min: values[0], max: values[n - 1], brokers: n }
        })
        .collect()
}

/// A forecast in a unit brokers share: amounts in yuan (`百万元`, `万元`, `元`) become 亿元, so
/// one broker's 1,905 百万元 and another's 19.05 亿元 are one figure. Per-share values and
/// other units (`倍`, `%`) stay as printed.
fn comparable(metric: &str, value: f64, unit: &str) -> (f64, String) {
    let unit = unit.trim();
    if PER_SHARE.contains(&metric) {
        return (value, unit.to_string());
    }
    let scale = match unit.strip_suffix('元').map(|prefix| prefix.trim_start_matches("人民币")) {
        Some("") => 1e-8,
        Some("万") => 1e-4,
        Some("百万") => 1e-2,
        Some("千万") => 1e-1,
        Some("亿") => 1.0,
        _ => return (value, unit.to_string()),
    };
    (value * scale, "亿元".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Company, Forecast};

    fn note(id: &str, broker: Option<&str>, date: &str, forecasts: &[(i32, &str, f64, &str)]) -> CompanyNote {
        CompanyNote {
            report_id: id.into(),
            title: id.into(),
            date: Some(date.into()),
            institution: broker.map(String::from),
            company: Company::default(),
            rating: None,
            rating_action: None,
            target_price: None,
            target_currency: None,
            forecasts: forecasts.iter().map(|&(year, metric, value, unit)| Forecast { year, metric: metric.into(), value, unit: unit.into() }).collect(),
        }
    }

    #[test]
    fn the_consensus_takes_each_brokers_latest_report_in_one_unit() {
        // Newest first, as the store gives them.
        let reports = [
            note("c", Some("乙"), "2024-03-01", &[(2024, "eps", 1.2, "元"), (2024, "net_profit", 1905.0, "百万元")]),
            note("b", Some("甲"), "2024-02-01", &[(2024, "eps", 1.0, "元"), (2024, "net_profit", 20.0, "亿元")]),
            note("a", Some("甲"), "2024-01-01", &[(2024, "eps", 9.9, "元")]),
            note("x", None, "2023-12-01", &[(2024, "eps", 1.1, "元")]),
        ];
        let consensus = consensus(&reports);
        let eps = consensus.iter().find(|c| c.metric == "eps").unwrap();
        assert_eq!((eps.brokers, eps.min, eps.max), (3, 1.0, 1.2), "甲's older 9.9 is left out");
        assert!((eps.median - 1.1).abs() < 1e-9 && (eps.mean - 1.1).abs() < 1e-9);
        let profit = consensus.iter().find(|c| c.metric == "net_profit").unwrap();
        assert_eq!((profit.unit.as_str(), profit.brokers), ("亿元", 2));
        assert!((profit.median - 19.525).abs() < 1e-9, "{profit:?}");
        assert_eq!(consensus[0].metric, "eps", "eps first");
    }

    #[test]
    fn units_that_are_not_amounts_stay_as_printed() {
        assert_eq!(comparable("pe", 25.0, "倍"), (25.0, "倍".to_string()));
        assert_eq!(comparable("eps", 5.74, "元"), (5.74, "元".to_string()));
        let (value, unit) = comparable("revenue", 12.0, "万元");
        assert!((value - 0.0012).abs() < 1e-12 && unit == "亿元", "{value} {unit}");
    }
}
