//! Pie: `pie [showData] [title …]`, then `title …`, `showData` and `"label" : value` lines.

use super::{clean_label, PResult, Scanner, SrcLine};
use crate::diagram::model::{Pie, Slice};
use crate::limits;

pub fn parse(header: &mut Scanner, lines: &[SrcLine]) -> PResult<Pie> {
    let mut pie = Pie { title: None, show_data: false, slices: Vec::new() };
    options(header, &mut pie);
    if !header.at_end() {
        return Err(header.error("expected `showData` or `title …` after `pie`"));
    }
    for line in lines {
        let mut s = Scanner::new(&line.text, line.index);
        s.skip_ws();
        if options(&mut s, &mut pie) || s.at_end() {
            if !s.at_end() {
                return Err(s.error("expected the end of the line"));
            }
            continue;
        }
        if s.starts_with("accTitle") || s.starts_with("accDescr") {
            continue;
        }
        let label = if s.peek() == Some('"') { s.quoted()? } else { s.take_while(|c| c != ':') };
        s.skip_ws();
        if !s.eat(":") {
            return Err(s.error("expected `:` between the slice name and its value, e.g. `\"Dogs\" : 42`"));
        }
        s.skip_ws();
        let at = s.column();
        let value = s.chart_number("a number after `:`")?;
        if value < 0.0 {
            return Err(
                s.error_at(at, format!("a slice cannot be negative ({value}): use a value of 0 or more"))
            );
        }
        s.skip_ws();
        if !s.at_end() {
            return Err(s.error("expected the end of the line after the value"));
        }
        if pie.slices.len() >= limits::MAX_DIAGRAM_NODES {
            return Err(s.error_at(
                1,
                format!(
                    "more than {} slices, the limit for one pie: merge the small ones",
                    limits::MAX_DIAGRAM_NODES
                ),
            ));
        }
        pie.slices.push(Slice { label: clean_label(&label), value });
    }
    if pie.slices.is_empty() {
        return Err(header.error_at(1, "the pie has no slices: add lines like `\"Dogs\" : 42`"));
    }
    if pie.slices.iter().all(|s| s.value == 0.0) {
        return Err(header.error_at(1, "every slice of the pie is 0: give at least one slice a value"));
    }
    Ok(pie)
}

/// `showData` and `title …`; true when the line was one of them.
fn options(s: &mut Scanner, pie: &mut Pie) -> bool {
    let mut any = false;
    loop {
        s.skip_ws();
        if s.eat_keyword("showData") {
            pie.show_data = true;
            any = true;
        } else if s.eat_keyword("title") {
            let title = s.rest();
            let title = title.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(&title);
            pie.title = Some(clean_label(title)).filter(|t| !t.is_empty());
            return true;
        } else {
            return any;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagram::model::{Model, Pie};
    use crate::diagram::parse::parse;

    fn pie(source: &str) -> Pie {
        match parse(source, &mut Vec::new()) {
            Ok(Model::Pie(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn title_show_data_and_slices() {
        let p = pie("pie showData title 비용 비율\n  \"사전학습\" : 95\n  \"후속학습\" : 4.5\n  bare : 0.5");
        assert!(p.show_data);
        assert_eq!(p.title.as_deref(), Some("비용 비율"));
        let got: Vec<(&str, f64)> = p.slices.iter().map(|s| (s.label.as_str(), s.value)).collect();
        assert_eq!(got, [("사전학습", 95.0), ("후속학습", 4.5), ("bare", 0.5)]);
        let p = pie("pie\n title \"Pets\"\n showData\n \"Dogs\" : 3");
        assert_eq!((p.title.as_deref(), p.show_data), (Some("Pets"), true));
    }

    #[test]
    fn errors() {
        let cases: &[(&str, usize, usize, &str)] = &[
            ("pie\n \"a\" 3", 1, 6, "expected `:`"),
            ("pie\n \"a\" : lots", 1, 8, "expected a number"),
            ("pie\n \"a\" : -2", 1, 8, "cannot be negative"),
            ("pie\n \"a\" : 2 3", 1, 10, "end of the line"),
            ("pie\n \"a : 2", 1, 8, "expected `\"`"),
            ("pie title x", 0, 1, "no slices"),
            ("pie\n \"a\" : 0", 0, 1, "every slice"),
            ("pie sideways", 0, 5, "after `pie`"),
        ];
        for &(source, line, column, needle) in cases {
            let e = parse(source, &mut Vec::new()).unwrap_err();
            assert!(e.message.contains(needle), "{source:?}: {}", e.message);
            assert_eq!((e.line, e.column), (line, column), "{source:?}: {}", e.message);
        }
    }
}
