//! XY chart (`xychart-beta [horizontal]`): `title`, `x-axis` categories or a range, `y-axis`
//! title and range, and `bar` / `line` series.

use super::{clean_label, PResult, Scanner, SrcLine};
use crate::diagram::model::{Series, SeriesKind, XyChart};
use crate::limits;

pub fn parse(header: &mut Scanner, lines: &[SrcLine]) -> PResult<XyChart> {
    let mut chart = XyChart {
        title: None,
        horizontal: false,
        x_title: None,
        categories: Vec::new(),
        y_title: None,
        y_range: None,
        series: Vec::new(),
    };
    header.skip_ws();
    if header.eat_keyword("horizontal") {
        chart.horizontal = true;
    } else {
        header.eat_keyword("vertical");
    }
    header.skip_ws();
    if !header.at_end() {
        return Err(header.error("expected `horizontal`, `vertical` or the end of the line"));
    }
    let mut x_range: Option<(f64, f64, usize, usize)> = None;
    let mut categories_at = None;
    for line in lines {
        let mut s = Scanner::new(&line.text, line.index);
        s.skip_ws();
        let column = s.column();
        if s.eat_keyword("title") {
            let title = s.rest();
            let title = title.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(&title);
            chart.title = Some(clean_label(title)).filter(|t| !t.is_empty());
            continue;
        } else if s.eat_keyword("x-axis") {
            chart.x_title = axis_title(&mut s)?;
            if s.peek() == Some('[') {
                categories_at = Some((line.index, column));
                chart.categories = list(&mut s, |s| {
                    let item = if s.peek() == Some('"') {
                        s.quoted()?
                    } else {
                        s.take_while(|c| c != ',' && c != ']').trim().to_string()
                    };
                    if item.is_empty() {
                        return Err(s.error("expected a category name"));
                    }
                    Ok(clean_label(&item))
                })?;
            } else if !s.at_end() {
                let (lo, hi) = range(&mut s)?;
                x_range = Some((lo, hi, line.index, column));
            }
        } else if s.eat_keyword("y-axis") {
            chart.y_title = axis_title(&mut s)?;
            if !s.at_end() {
                chart.y_range = Some(range(&mut s)?);
            }
        } else if s.eat_keyword("bar") || s.eat_keyword("line") {
            let kind =
                if s.text().trim_start().starts_with("bar") { SeriesKind::Bar } else { SeriesKind::Line };
            s.skip_ws();
            let name = if s.peek() == Some('"') {
                Some(s.quoted()?)
            } else if s.peek().is_some_and(|c| c != '[' && !c.is_ascii_digit() && c != '-') {
                Some(s.take_while(|c| !c.is_whitespace() && c != '['))
            } else {
                None
            };
            s.skip_ws();
            if s.peek() != Some('[') {
                return Err(s.error("expected `[` and the values, e.g. `bar [10, 20, 30]`"));
            }
            let values = list(&mut s, |s| s.chart_number("a number"))?;
            if chart.series.len() >= limits::MAX_CHART_SERIES {
                return Err(s.error_at(
                    column,
                    format!(
                        "more than {} series, the limit for one chart: split the chart",
                        limits::MAX_CHART_SERIES
                    ),
                ));
            }
            chart.series.push(Series { kind, name: name.map(|n| clean_label(&n)), values, line: line.index });
        } else if s.starts_with("accTitle") || s.starts_with("accDescr") {
            continue;
        } else {
            let word = s.take_while(|c| !c.is_whitespace());
            return Err(s.error_at(
                column,
                format!("unexpected `{word}`: expected `title`, `x-axis`, `y-axis`, `bar` or `line`"),
            ));
        }
        s.skip_ws();
        if !s.at_end() {
            return Err(s.error("expected the end of the line"));
        }
    }
    let Some(first) = chart.series.first() else {
        return Err(header.error_at(1, "the chart has no data: add a line like `bar [10, 20, 30]`"));
    };
    let n = first.values.len();
    if chart.categories.is_empty() {
        if let Some(bad) = chart.series.iter().find(|s| s.values.len() != n) {
            return Err(super::ParseError {
                line: bad.line,
                column: 1,
                message: format!("this series has {} values but the first has {n}: give every series one value per category", bad.values.len()),
            });
        }
        chart.categories = match x_range {
            Some((lo, hi, _, _)) if n > 1 => {
                (0..n).map(|i| number_label(lo + (hi - lo) * i as f64 / (n - 1) as f64)).collect()
            }
            Some((lo, _, _, _)) => vec![number_label(lo)],
            None => (1..=n).map(|i| i.to_string()).collect(),
        };
    } else if let Some(bad) = chart.series.iter().find(|s| s.values.len() != chart.categories.len()) {
        let (line, column) = categories_at.unwrap_or((bad.line, 1));
        return Err(super::ParseError {
            line: bad.line,
            column: 1,
            message: format!(
                "this series has {} values but the x-axis (line {}, column {column}) has {} categories: give one value per category",
                bad.values.len(),
                line + 1,
                chart.categories.len()
            ),
        });
    }
    Ok(chart)
}

/// An optional axis title: `"quoted words"` or one bare word that is not a number.
fn axis_title(s: &mut Scanner) -> PResult<Option<String>> {
    s.skip_ws();
    let title = match s.peek() {
        Some('"') => Some(s.quoted()?),
        Some(c) if c != '[' && !c.is_ascii_digit() && c != '-' && c != '.' => {
            Some(s.take_while(|c| !c.is_whitespace() && c != '['))
        }
        _ => None,
    };
    s.skip_ws();
    Ok(title.map(|t| clean_label(&t)).filter(|t| !t.is_empty()))
}

/// `min --> max`
fn range(s: &mut Scanner) -> PResult<(f64, f64)> {
    let lo = s.chart_number("a number range like `0 --> 100`")?;
    s.skip_ws();
    if !s.eat("-->") {
        return Err(s.error("expected `-->` between the two ends of the range"));
    }
    s.skip_ws();
    let at = s.column();
    let hi = s.chart_number("the upper end of the range")?;
    if hi <= lo {
        return Err(s.error_at(at, format!("the range ends at {hi}, not above its start {lo}")));
    }
    if !(hi - lo).is_finite() || hi - lo <= lo.abs().max(hi.abs()) * 1e-9 {
        return Err(s.error_at(
            at,
            format!("the range {lo} --> {hi} is too narrow or too wide to draw: give ends that differ by a readable amount"),
        ));
    }
    Ok((lo, hi))
}

/// `[a, b, c]` with items read by `item`.
fn list<T>(s: &mut Scanner, item: impl Fn(&mut Scanner) -> PResult<T>) -> PResult<Vec<T>> {
    let open = s.column();
    s.bump();
    let mut out = Vec::new();
    loop {
        s.skip_ws();
        if s.eat("]") && out.is_empty() {
            return Err(s.error_at(open, "the list is empty: put the items between `[` and `]`"));
        }
        if out.len() >= limits::MAX_CHART_VALUES {
            return Err(s.error(format!(
                "more than {} items, the limit for one list: split the chart",
                limits::MAX_CHART_VALUES
            )));
        }
        out.push(item(s)?);
        s.skip_ws();
        if s.eat("]") {
            return Ok(out);
        }
        if !s.eat(",") {
            return Err(s.error(format!("expected `,` or `]` to close the list opened at column {open}")));
        }
    }
}

fn number_label(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded}")
    }
}

#[cfg(test)]
mod tests {
    use crate::diagram::model::{Model, SeriesKind, XyChart};
    use crate::diagram::parse::parse;

    fn chart(source: &str) -> XyChart {
        match parse(source, &mut Vec::new()) {
            Ok(Model::XyChart(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_sample_chart() {
        let c = chart(
            "xychart-beta\n  title \"계산 비용 (상대 비교, 개략)\"\n  x-axis [사전학습, 후속학습]\n  \
             y-axis \"상대 비용\" 0 --> 100\n  bar [95, 5]",
        );
        assert_eq!(c.title.as_deref(), Some("계산 비용 (상대 비교, 개략)"));
        assert_eq!(c.categories, ["사전학습", "후속학습"]);
        assert_eq!((c.y_title.as_deref(), c.y_range), (Some("상대 비용"), Some((0.0, 100.0))));
        assert_eq!(c.series[0].values, [95.0, 5.0]);
        assert!(!c.horizontal);
    }

    #[test]
    fn quoted_categories_titles_lines_and_horizontal() {
        let c = chart(
            "xychart-beta horizontal\n title Sales\n x-axis \"Month\" [\"Jan, early\", feb, mar]\n y-axis Revenue\n \
             bar \"2023\" [1, 2.5, -3]\n line [3, 2, 1]",
        );
        assert!(c.horizontal);
        assert_eq!(c.x_title.as_deref(), Some("Month"));
        assert_eq!(c.categories, ["Jan, early", "feb", "mar"]);
        assert_eq!((c.y_title.as_deref(), c.y_range), (Some("Revenue"), None));
        assert_eq!(c.series[0].name.as_deref(), Some("2023"));
        assert_eq!(c.series[1].kind, SeriesKind::Line);
        assert_eq!(c.series[0].values, [1.0, 2.5, -3.0]);
    }

    #[test]
    fn numeric_x_range_and_default_categories() {
        let c = chart("xychart-beta\n x-axis 0 --> 10\n line [1, 2, 3]");
        assert_eq!(c.categories, ["0", "5", "10"]);
        let c = chart("xychart-beta\n bar [4, 5]");
        assert_eq!(c.categories, ["1", "2"]);
    }

    #[test]
    fn errors() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("xychart-beta\n bar [1, x]", 1, 10, "expected a number"),
            ("xychart-beta\n bar [1, 2", 1, 11, "expected `,` or `]`"),
            ("xychart-beta\n bar 1, 2", 1, 6, "expected `[`"),
            ("xychart-beta\n y-axis 0 -> 5\n bar [1]", 1, 11, "expected `-->`"),
            ("xychart-beta\n y-axis 5 --> 1\n bar [1]", 1, 15, "not above"),
            ("xychart-beta\n x-axis [a, b]\n bar [1, 2, 3]", 2, 1, "2 categories"),
            ("xychart-beta\n bar [1, 2]\n line [1]", 2, 1, "first has 2"),
            ("xychart-beta\n title x", 0, 1, "no data"),
            ("xychart-beta\n area [1]", 1, 2, "unexpected `area`"),
            ("xychart-beta\n x-axis []", 1, 9, "empty"),
            ("xychart-beta sideways", 0, 14, "horizontal"),
        ];
        for &(source, line, column, needle) in cases {
            let e = parse(source, &mut Vec::new()).unwrap_err();
            assert!(e.message.contains(needle), "{source:?}: {}", e.message);
            assert_eq!((e.line, e.column), (line, column), "{source:?}: {}", e.message);
        }
    }
}
