//! Collectors reading fast fields: facet counts over matching documents, the list of distinct
//! values of a string field (report ids), and matching documents grouped by report.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::schema::{KIND_REPORT, REPORT_KEY_FIELD};

/// Facet counts: for each faceted field, value → matching documents.
pub type FacetMaps = Vec<HashMap<String, u64>>;

/// The string fast fields counted by [`FacetCollector`], in output order; the year is counted
/// from the i64 field `year` and comes last.
pub const STR_FACETS: [&str; 5] = ["institution", "author", "language", "kind", "company"];

/// Counts, over the matching documents, each value of the faceted fields.
pub struct FacetCollector;

/// Per-segment state of [`FacetCollector`]: counts per term ordinal of each string column (a
/// dense array: no hashing per matching document), counts per year (a handful of years).
pub struct FacetSegmentCollector {
    columns: Vec<Option<StrColumn>>,
    ord_counts: Vec<Vec<u64>>,
    year: Option<Column<i64>>,
    year_counts: Vec<(i64, u64)>,
}

impl Collector for FacetCollector {
    type Fruit = FacetMaps;
    type Child = FacetSegmentCollector;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<FacetSegmentCollector> {
        let fast = segment.fast_fields();
        let mut columns = Vec::new();
        for name in STR_FACETS {
            columns.push(fast.str(name)?);
        }
        let year = fast.column_opt::<i64>("year")?;
        let ord_counts = columns.iter().map(|c| vec![0; c.as_ref().map_or(0, |c| c.dictionary().num_terms())]).collect();
        Ok(FacetSegmentCollector { ord_counts, columns, year, year_counts: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetMaps>) -> tantivy::Result<FacetMaps> {
        let mut merged: FacetMaps = vec![HashMap::new(); STR_FACETS.len() + 1];
        for fruit in fruits {
            for (target, counts) in merged.iter_mut().zip(fruit) {
                for (value, count) in counts {
                    *target.entry(value).or_insert(0) += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetMaps;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, counts) in self.columns.iter().zip(self.ord_counts.iter_mut()) {
            if let Some(column) = column {
                for ord in column.term_ords(doc) {
                    if let Some(count) = counts.get_mut(ord as usize) {
                        *count += 1;
                    }
                }
            }
        }
        if let Some(year) = &self.year {
            for value in year.values_for_doc(doc) {
                match self.year_counts.iter_mut().find(|(y, _)| *y == value) {
                    Some((_, count)) => *count += 1,
                    None => self.year_counts.push((value, 1)),
                }
            }
        }
    }

    fn harvest(self) -> FacetMaps {
        let mut out: FacetMaps = Vec::new();
        for (column, counts) in self.columns.iter().zip(self.ord_counts) {
            let mut named = HashMap::new();
            if let Some(column) = column {
                let mut value = String::new();
                for (ord, count) in counts.into_iter().enumerate().filter(|(_, count)| *count > 0) {
                    value.clear();
                    if let Ok(true) = column.ord_to_str(ord as u64, &mut value) {
                        *named.entry(value.clone()).or_insert(0) += count;
                    }
                }
            }
            out.push(named);
        }
        out.push(self.year_counts.into_iter().map(|(year, count)| (year.to_string(), count)).collect());
        out
    }
}

/// Collects the distinct values of one string fast field over the matching documents.
pub struct DistinctStrCollector {
    /// The fast field to read.
    pub field: &'static str,
}

/// Per-segment state of [`DistinctStrCollector`].
pub struct DistinctStrSegmentCollector {
    column: Option<StrColumn>,
    ords: BTreeSet<u64>,
}

impl Collector for DistinctStrCollector {
    type Fruit = BTreeSet<String>;
    type Child = DistinctStrSegmentCollector;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<DistinctStrSegmentCollector> {
        Ok(DistinctStrSegmentCollector { column: segment.fast_fields().str(self.field)?, ords: BTreeSet::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeSet<String>>) -> tantivy::Result<BTreeSet<String>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for DistinctStrSegmentCollector {
    type Fruit = BTreeSet<String>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            self.ords.extend(column.term_ords(doc));
        }
    }

    fn harvest(self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        if let Some(column) = &self.column {
            let mut value = String::new();
            for ord in self.ords {
                value.clear();
                if let Ok(true) = column.ord_to_str(ord, &mut value) {
                    out.insert(value.clone());
                }
            }
        }
        out
    }
}

/// A matching document of a [`ReportGroup`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    /// Its score.
    pub score: Score,
    /// Where it is.
    pub address: DocAddress,
    /// True for the whole-report document (scope `all`), which repeats its passages.
    pub whole_report: bool,
}

/// Orders ranked documents best first: higher score, then earlier address (as `TopDocs` does).
pub fn best_first(a: &Ranked, b: &Ranked) -> Ordering {
    b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal).then_with(|| a.address.cmp(&b.address))
}

/// The matching documents of one report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportGroup {
    /// Matching documents other than the whole-report one (passages, figures, tables, events).
    pub passages: u64,
    /// Matching documents of any kind.
    pub documents: u64,
    /// The best matching documents, best first (at most [`GroupCollector::keep`]).
    pub best: Vec<Ranked>,
}

impl ReportGroup {
    /// Adds a document, keeping the `keep` best.
    pub(crate) fn add(&mut self, ranked: Ranked, keep: usize) {
        self.documents += 1;
        if !ranked.whole_report {
            self.passages += 1;
        }
        self.insert(ranked, keep);
    }

    /// Inserts a document among the best (a handful: insertion in order), dropping the worst
    /// beyond `keep`.
    fn insert(&mut self, ranked: Ranked, keep: usize) {
        if self.best.len() >= keep && self.best.last().is_some_and(|worst| best_first(&ranked, worst) != Ordering::Less) {
            return;
        }
        let at = self.best.partition_point(|kept| best_first(kept, &ranked) == Ordering::Less);
        self.best.insert(at, ranked);
        self.best.truncate(keep);
    }

    /// Adds another segment's documents of the same report.
    fn merge(&mut self, other: ReportGroup, keep: usize) {
        self.passages += other.passages;
        self.documents += other.documents;
        for ranked in other.best {
            self.insert(ranked, keep);
        }
    }
}

/// Groups the matching documents by report (the `report_key` fast field): per report, how many
/// match and the best few. Scoring every match is what `TopDocs` beside `Count` does already;
/// this adds one fast-field read and one hash-map update per match.
pub struct GroupCollector {
    /// Documents kept per report, best first.
    pub keep: usize,
}

/// Per-segment state of [`GroupCollector`].
pub struct GroupSegmentCollector {
    segment: SegmentOrdinal,
    keep: usize,
    keys: Option<Column<u64>>,
    kinds: Option<StrColumn>,
    report_kind: Option<u64>,
    groups: HashMap<u64, ReportGroup>,
}

impl Collector for GroupCollector {
    type Fruit = HashMap<u64, ReportGroup>;
    type Child = GroupSegmentCollector;

    fn for_segment(&self, segment_ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<GroupSegmentCollector> {
        let fast = segment.fast_fields();
        let kinds = fast.str("kind")?;
        let report_kind = match &kinds {
            Some(column) => column.dictionary().term_ord(KIND_REPORT)?,
            None => None,
        };
        Ok(GroupSegmentCollector {
            segment: segment_ord,
            keep: self.keep.max(1),
            keys: fast.column_opt::<u64>(REPORT_KEY_FIELD)?,
            kinds,
            report_kind,
            groups: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<HashMap<u64, ReportGroup>>) -> tantivy::Result<HashMap<u64, ReportGroup>> {
        let mut fruits = fruits.into_iter();
        let mut merged = fruits.next().unwrap_or_default();
        for fruit in fruits {
            for (key, group) in fruit {
                match merged.get_mut(&key) {
                    Some(existing) => existing.merge(group, self.keep.max(1)),
                    None => {
                        merged.insert(key, group);
                    }
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for GroupSegmentCollector {
    type Fruit = HashMap<u64, ReportGroup>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let Some(key) = self.keys.as_ref().and_then(|keys| keys.first(doc)) else { return };
        let whole_report = match (&self.kinds, self.report_kind) {
            (Some(kinds), Some(report)) => kinds.term_ords(doc).next() == Some(report),
            _ => false,
        };
        let ranked = Ranked { score, address: DocAddress::new(self.segment, doc), whole_report };
        self.groups.entry(key).or_default().add(ranked, self.keep);
    }

    fn harvest(self) -> HashMap<u64, ReportGroup> {
        self.groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(score: Score, doc: DocId) -> Ranked {
        Ranked { score, address: DocAddress::new(0, doc), whole_report: false }
    }

    #[test]
    fn a_group_keeps_its_best_documents_in_order_and_counts_all() {
        let mut group = ReportGroup::default();
        for (score, doc) in [(1.0, 0), (3.0, 1), (2.0, 2), (3.0, 3), (0.5, 4)] {
            group.add(ranked(score, doc), 3);
        }
        assert_eq!(group.documents, 5);
        let kept: Vec<DocId> = group.best.iter().map(|r| r.address.doc_id).collect();
        // Equal scores: the earlier document first.
        assert_eq!(kept, vec![1, 3, 2]);
        let mut other = ReportGroup::default();
        other.add(Ranked { score: 9.0, address: DocAddress::new(1, 0), whole_report: true }, 3);
        group.merge(other, 3);
        assert_eq!((group.documents, group.passages), (6, 5));
        assert!(group.best[0].whole_report);
        assert_eq!(group.best.len(), 3);
    }
}
