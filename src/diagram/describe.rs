//! A short text alternative for a diagram (tagged PDF `/Alt` on its Figure): what a screen
//! reader says instead of the drawing. Korean when the document language starts with `ko`,
//! English otherwise. Plain text, in reading order, at most [`MAX_CHARS`] characters.

use super::model::{
    Endpoint, FlowEdge, Flowchart, Head, LineKind, MindNode, Mindmap, Model, Pie, SeriesKind, XyChart,
};

/// The longest description, in characters (the cut ends with `…`).
pub const MAX_CHARS: usize = 600;

/// Describes `model` in the language `lang` (a BCP 47 tag such as `ko-KR` or `en`).
pub fn describe(model: &Model, lang: &str) -> String {
    let ko = lang.trim().to_ascii_lowercase().starts_with("ko");
    let text = match model {
        Model::Flowchart(chart) => flowchart(chart, ko),
        Model::Mindmap(map) => mindmap(map, ko),
        Model::Pie(pie) => pie_chart(pie, ko),
        Model::XyChart(chart) => xychart(chart, ko),
    };
    cap(&text, MAX_CHARS)
}

/// Cuts `text` to at most `max` characters, ending a cut with `…`.
fn cap(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

/// A label as plain text: line breaks and `<br>` become spaces, other tags, surrounding
/// quotes and `**` go, entities are decoded, icons are named and whitespace is collapsed.
fn plain(label: &str) -> String {
    // Markdown strings lose their marks and icons are named (see `markup`).
    let label = super::markup::plain(label);
    let mut out = String::with_capacity(label.len());
    let mut rest = label.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let name = tail.strip_prefix('/').unwrap_or(tail);
        let is_tag = name.starts_with(|c: char| c.is_ascii_alphabetic());
        match tail.find('>') {
            Some(close) if is_tag => {
                if name.to_ascii_lowercase().starts_with("br") {
                    out.push(' ');
                }
                rest = &tail[close + 1..];
            }
            _ => {
                out.push('<');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    let out = if !out.contains('&') && !out.contains("**") {
        out
    } else {
        out.replace("**", "")
            .replace("&nbsp;", " ")
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let mut text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for quote in ['"', '\'', '`'] {
        if text.chars().count() >= 2 && text.starts_with(quote) && text.ends_with(quote) {
            text = text[1..text.len() - 1].trim().to_string();
        }
    }
    text
}

/// A number as written: `95` rather than `95.0`.
fn number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `label`, or `fallback` when the label is empty once plain.
fn name_or(label: &str, fallback: &str) -> String {
    let text = plain(label);
    if text.is_empty() {
        plain(fallback)
    } else {
        text
    }
}

// ---------------------------------------------------------------------------------------
// Flowchart

/// Nodes follow the edges from the roots: each chain goes on while its last node has an
/// edge not yet told and stops at a node already named (so cycles end); branches start new
/// chains, separated by `; `. Nodes without edges stand alone. Subgraphs follow, each with
/// its members.
fn flowchart(chart: &Flowchart, ko: bool) -> String {
    let n = chart.nodes.len();
    let count = n + chart.subgraphs.len();
    let vertex = |end: Endpoint| match end {
        Endpoint::Node(i) => i,
        Endpoint::Group(j) => n + j,
    };
    let name = |v: usize| -> String {
        if let Some(node) = chart.nodes.get(v) {
            name_or(&node.label, &node.id)
        } else if let Some(group) = chart.subgraphs.get(v - n) {
            name_or(&group.title, &group.id)
        } else {
            String::new()
        }
    };
    // Invisible links only steer the layout: a reader is not told of them.
    let edges: Vec<&FlowEdge> = chart
        .edges
        .iter()
        .filter(|e| e.kind != LineKind::Invisible)
        .filter(|e| vertex(e.from) < count && vertex(e.to) < count)
        .collect();
    let mut outgoing = vec![Vec::new(); count];
    let mut incoming = vec![false; count];
    let mut present = vec![false; count];
    present[..n].fill(true);
    for (k, e) in edges.iter().enumerate() {
        outgoing[vertex(e.from)].push(k);
        incoming[vertex(e.to)] = true;
        present[vertex(e.from)] = true;
        present[vertex(e.to)] = true;
    }
    let roots = (0..count).filter(|&v| present[v] && !incoming[v]);
    let others = (0..count).filter(|&v| present[v] && incoming[v]);
    let mut used = vec![false; edges.len()];
    let mut seen = vec![false; count];
    let mut chains: Vec<String> = Vec::new();
    for start in roots.chain(others) {
        let open = |used: &[bool], v: usize| outgoing[v].iter().copied().find(|&k| !used[k]);
        if open(&used, start).is_none() {
            if !seen[start] {
                seen[start] = true;
                chains.push(name(start));
            }
            continue;
        }
        // Depth first: the latest node of a chain branches first.
        let mut stack = vec![start];
        while let Some(&v) = stack.last() {
            let Some(mut k) = open(&used, v) else {
                stack.pop();
                continue;
            };
            seen[v] = true;
            let mut text = name(v);
            loop {
                used[k] = true;
                let to = vertex(edges[k].to);
                text.push_str(&arrow(edges[k]));
                text.push_str(&name(to));
                if seen[to] {
                    break;
                }
                seen[to] = true;
                stack.push(to);
                match open(&used, to) {
                    Some(next) => k = next,
                    None => break,
                }
            }
            chains.push(text);
        }
    }
    let mut text = format!("{}: {}", if ko { "순서도" } else { "Flowchart" }, chains.join("; "));
    for j in 0..chart.subgraphs.len() {
        let members: Vec<String> = chart
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, node)| node.parent == Some(j))
            .map(|(i, _)| name(i))
            .chain(
                chart
                    .subgraphs
                    .iter()
                    .enumerate()
                    .filter(|(_, inner)| inner.parent == Some(j))
                    .map(|(i, _)| name(n + i)),
            )
            .collect();
        let title = name(n + j);
        let head = if ko { format!("{title} 묶음") } else { format!("Group {title}") };
        if members.is_empty() {
            text.push_str(&format!(". {head}"));
        } else {
            text.push_str(&format!(". {head}: {}", members.join(", ")));
        }
    }
    text
}

/// ` → `, ` ↔ ` (both ends), ` — ` (no head), with the edge label in parentheses.
fn arrow(edge: &FlowEdge) -> String {
    let mark = match (edge.start, edge.end) {
        (Head::None, Head::None) => "—",
        (Head::None, _) | (_, Head::None) => "→",
        _ => "↔",
    };
    match edge.label.as_deref().map(plain).filter(|l| !l.is_empty()) {
        Some(label) => format!(" {mark}({label}) "),
        None => format!(" {mark} "),
    }
}

// ---------------------------------------------------------------------------------------
// Mind map

fn mindmap(map: &Mindmap, ko: bool) -> String {
    let kind = if ko { "마인드맵" } else { "Mind map" };
    let root = plain(&map.root.label);
    if map.root.children.is_empty() {
        return format!("{kind}: {root}");
    }
    let branches: Vec<String> = map.root.children.iter().map(branch).collect();
    format!("{kind}: {root} — {}", branches.join(", "))
}

/// `label (child, child (grandchild))`.
fn branch(node: &MindNode) -> String {
    let label = plain(&node.label);
    if node.children.is_empty() {
        return label;
    }
    let children: Vec<String> = node.children.iter().map(branch).collect();
    format!("{label} ({})", children.join(", "))
}

// ---------------------------------------------------------------------------------------
// Pie

fn pie_chart(pie: &Pie, ko: bool) -> String {
    let mut head = (if ko { "원그래프" } else { "Pie chart" }).to_string();
    if let Some(title) = pie.title.as_deref().map(plain).filter(|t| !t.is_empty()) {
        head.push(' ');
        head.push_str(&title);
    }
    let total: f64 = pie.slices.iter().map(|s| s.value).filter(|v| v.is_finite()).sum();
    let slices: Vec<String> = pie
        .slices
        .iter()
        .map(|s| {
            let label = plain(&s.label);
            if total > 0.0 {
                let percent = (s.value / total * 1000.0).round() / 10.0;
                format!("{label} {} ({} %)", number(s.value), number(percent))
            } else {
                format!("{label} {}", number(s.value))
            }
        })
        .collect();
    if slices.is_empty() {
        head
    } else {
        format!("{head}: {}", slices.join(", "))
    }
}

// ---------------------------------------------------------------------------------------
// XY chart

fn xychart(chart: &XyChart, ko: bool) -> String {
    let bars = chart.series.iter().any(|s| s.kind == SeriesKind::Bar);
    let lines = chart.series.iter().any(|s| s.kind == SeriesKind::Line);
    let kind = match (ko, bars, lines) {
        (true, true, true) => "막대/선 그래프",
        (true, false, true) => "선 그래프",
        (true, _, _) => "막대 그래프",
        (false, true, true) => "Bar and line chart",
        (false, false, true) => "Line chart",
        (false, _, _) => "Bar chart",
    };
    let mut head = match (chart.horizontal, ko) {
        (true, true) => format!("가로 {kind}"),
        (true, false) => format!("Horizontal {}", kind.to_lowercase()),
        (false, _) => kind.to_string(),
    };
    if let Some(title) = chart.title.as_deref().map(plain).filter(|t| !t.is_empty()) {
        head.push(' ');
        head.push_str(&title);
    }
    let mut parts = Vec::new();
    let x_title = chart.x_title.as_deref().map(plain).filter(|t| !t.is_empty());
    if x_title.is_some() || !chart.categories.is_empty() {
        let mut x = (if ko { "x축" } else { "x axis" }).to_string();
        if let Some(title) = x_title {
            x.push(' ');
            x.push_str(&title);
        }
        if !chart.categories.is_empty() {
            let names: Vec<String> = chart.categories.iter().map(|c| plain(c)).collect();
            x.push_str(&format!(" [{}]", names.join(", ")));
        }
        parts.push(x);
    }
    let y_title = chart.y_title.as_deref().map(plain).filter(|t| !t.is_empty());
    if y_title.is_some() || chart.y_range.is_some() {
        let mut y = (if ko { "y축" } else { "y axis" }).to_string();
        if let Some(title) = y_title {
            y.push(' ');
            y.push_str(&title);
        }
        if let Some((lo, hi)) = chart.y_range {
            y.push_str(&format!(" ({}–{})", number(lo), number(hi)));
        }
        parts.push(y);
    }
    for (i, series) in chart.series.iter().enumerate() {
        let name = series.name.as_deref().map(plain).filter(|t| !t.is_empty()).unwrap_or_else(|| {
            let word = match (series.kind, ko) {
                (SeriesKind::Bar, true) => "막대",
                (SeriesKind::Line, true) => "선",
                (SeriesKind::Bar, false) => "bar",
                (SeriesKind::Line, false) => "line",
            };
            // Several unnamed series of one kind are numbered.
            let same = chart.series.iter().filter(|s| s.kind == series.kind && s.name.is_none()).count();
            if same > 1 {
                let nth =
                    chart.series[..i].iter().filter(|s| s.kind == series.kind && s.name.is_none()).count();
                format!("{word} {}", nth + 1)
            } else {
                word.to_string()
            }
        });
        let values: Vec<String> = series.values.iter().map(|&v| number(v)).collect();
        parts.push(format!("{name}: {}", values.join(", ")));
    }
    if parts.is_empty() {
        head
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::parse;

    fn say(source: &str, lang: &str) -> String {
        let mut notes = Vec::new();
        match parse::parse(source, &mut notes) {
            Ok(model) => describe(&model, lang),
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn flowchart_chain_in_korean_and_english() {
        let src = "flowchart LR\n  A[인터넷 문서] --> B[토큰화] --> C[신경망 학습]";
        assert_eq!(say(src, "ko"), "순서도: 인터넷 문서 → 토큰화 → 신경망 학습");
        assert_eq!(say(src, "en-US"), "Flowchart: 인터넷 문서 → 토큰화 → 신경망 학습");
    }

    #[test]
    fn flowchart_branch_and_edge_label() {
        let src = "flowchart TD\n  A{맞나?} -->|예| B[진행]\n  A -- 아니오 --> C[중단]\n  B --> D[끝]";
        assert_eq!(say(src, "ko-KR"), "순서도: 맞나? →(예) 진행 → 끝; 맞나? →(아니오) 중단");
    }

    #[test]
    fn flowchart_diamond_names_the_join_once_per_path() {
        let src = "graph TD\n A --> B\n A --> C\n B --> D\n C --> D";
        assert_eq!(say(src, "en"), "Flowchart: A → B → D; A → C → D");
    }

    #[test]
    fn flowchart_cycle_ends() {
        let src = "flowchart LR\n  A[계획] --> B[실행] --> C[평가] --> A";
        assert_eq!(say(src, "ko"), "순서도: 계획 → 실행 → 평가 → 계획");
        let looped = "flowchart LR\n  X --> X\n  Y --> Z --> Y";
        assert_eq!(say(looped, "en"), "Flowchart: X → X; Y → Z → Y");
    }

    #[test]
    fn flowchart_lone_nodes_subgraphs_and_markup() {
        let src = "flowchart LR\n  subgraph P[사전학습]\n    A[\"인터넷<br>문서\"] --> B[토큰화]\n  end\n  B --> C[SFT]\n  D[외톨이]\n  A ~~~ D\n  C <--> E[RL]\n  E --- F[끝]";
        let ko = say(src, "ko");
        assert_eq!(
            ko,
            "순서도: 인터넷 문서 → 토큰화 → SFT ↔ RL — 끝; 외톨이. 사전학습 묶음: 인터넷 문서, 토큰화"
        );
        let en = say(src, "en");
        assert!(en.ends_with(". Group 사전학습: 인터넷 문서, 토큰화"), "{en}");
    }

    #[test]
    fn flowchart_edges_to_a_subgraph() {
        let src = "flowchart LR\n  subgraph G[묶음]\n    X\n  end\n  A --> G";
        assert_eq!(say(src, "en"), "Flowchart: X; A → 묶음. Group 묶음: X");
    }

    #[test]
    fn mindmap_in_both_languages() {
        let src = "mindmap\n  root((LLM))\n    사전학습\n      데이터\n      토큰화\n    후학습\n      SFT\n      RL";
        assert_eq!(say(src, "ko"), "마인드맵: LLM — 사전학습 (데이터, 토큰화), 후학습 (SFT, RL)");
        assert_eq!(say(src, "en"), "Mind map: LLM — 사전학습 (데이터, 토큰화), 후학습 (SFT, RL)");
        assert_eq!(say("mindmap\n  alone", "en"), "Mind map: alone");
    }

    #[test]
    fn pie_in_both_languages() {
        let src = "pie title 학습 비용\n  \"사전학습\" : 95\n  \"SFT\" : 3\n  \"RL\" : 2";
        assert_eq!(say(src, "ko"), "원그래프 학습 비용: 사전학습 95 (95 %), SFT 3 (3 %), RL 2 (2 %)");
        assert_eq!(say(src, "en"), "Pie chart 학습 비용: 사전학습 95 (95 %), SFT 3 (3 %), RL 2 (2 %)");
        let thirds = say("pie\n  \"a\" : 1\n  \"b\" : 2.5", "en");
        assert_eq!(thirds, "Pie chart: a 1 (28.6 %), b 2.5 (71.4 %)");
    }

    #[test]
    fn xychart_in_both_languages() {
        let src = "xychart-beta\n  title \"월별 매출\"\n  x-axis \"월\" [1월, 2월, 3월]\n  y-axis \"매출\" 0 --> 30\n  bar [12, 18, 25]\n  line [10, 15, 20]";
        assert_eq!(
            say(src, "ko"),
            "막대/선 그래프 월별 매출: x축 월 [1월, 2월, 3월]; y축 매출 (0–30); 막대: 12, 18, 25; 선: 10, 15, 20"
        );
        assert_eq!(
            say(src, "en"),
            "Bar and line chart 월별 매출: x axis 월 [1월, 2월, 3월]; y axis 매출 (0–30); bar: 12, 18, 25; line: 10, 15, 20"
        );
        assert_eq!(
            say("xychart-beta\n bar [4, 5]\n bar [1, 2]", "en"),
            "Bar chart: x axis [1, 2]; bar 1: 4, 5; bar 2: 1, 2"
        );
    }

    #[test]
    fn long_descriptions_are_cut() {
        let mut src = String::from("flowchart LR\n  N0[첫 단계]");
        for i in 1..120 {
            src.push_str(&format!(" --> N{i}[단계 {i}]"));
        }
        let text = say(&src, "ko");
        assert!(text.chars().count() <= MAX_CHARS, "{}", text.chars().count());
        assert!(text.ends_with('…'));
        assert!(text.starts_with("순서도: 첫 단계 → 단계 1 → 단계 2"));
    }

    #[test]
    fn plain_labels() {
        assert_eq!(plain("  \"a<br/>b\"  "), "a b");
        assert_eq!(plain("<b>굵게</b>  글자\n둘"), "굵게 글자 둘");
        assert_eq!(plain("x < y"), "x < y");
        assert_eq!(plain("**강조** 말"), "강조 말");
    }
}
