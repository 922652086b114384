//! Collectors reading fast fields: facet counts over matching documents, and the list of
//! distinct values of a string field (report ids).

use std::collections::{BTreeSet, HashMap};

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// Facet counts: for each faceted field, value → matching documents.
pub type FacetMaps = Vec<HashMap<String, u64>>;

/// The string fast fields counted by [`FacetCollector`], in output order; the year is counted
/// from the i64 field `year` and comes last.
pub const STR_FACETS: [&str; 4] = ["institution", "author", "language", "kind"];

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
