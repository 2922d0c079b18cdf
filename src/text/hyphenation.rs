//! English hyphenation by Knuth–Liang patterns (en-us, from hyph-utf8), read straight from
//! tables compiled into the binary: the pattern automaton (an `fst`) and its values in
//! `hyphenation_data.rs`. Nothing is loaded or allocated before the first word, which the
//! `hyphenation` crate's dictionary needed (a twentieth of a sheet's work).

use fst::raw::{Fst, Output};

#[path = "hyphenation_data.rs"]
mod data;

static AUTOMATON: &[u8] = include_bytes!("../../assets/hyphenation/en-us.fst");

/// Break offsets (bytes) in a lowercase ASCII word, as the en-us dictionary gives them:
/// its exception list first, then its patterns; none within `MINIMA` of either end.
pub fn breaks(word: &str) -> Vec<usize> {
    let (left, right) = data::MINIMA;
    if !word.is_ascii() || word.len() < left + right {
        return Vec::new();
    }
    let (first, last) = (left, word.len() - right);
    if let Ok(found) = data::EXCEPTIONS.binary_search_by(|(known, _)| (*known).cmp(word)) {
        let within = |b: &usize| (first..=last).contains(b);
        return data::EXCEPTIONS[found].1.iter().map(|&b| usize::from(b)).filter(within).collect();
    }
    let Ok(automaton) = Fst::new(AUTOMATON) else { return Vec::new() };
    let scores = score(&automaton, word);
    (1..word.len())
        .zip(scores)
        .filter(|&(i, v)| v % 2 == 1 && i >= first && i <= last)
        .map(|(i, _)| i)
        .collect()
}

/// The highest pattern value at each gap between letters, matching every pattern that starts
/// at each position of `.word.`.
fn score(automaton: &Fst<&[u8]>, word: &str) -> Vec<u8> {
    let mut padded = Vec::with_capacity(word.len() + 2);
    padded.push(b'.');
    padded.extend_from_slice(word.as_bytes());
    padded.push(b'.');
    let mut values = vec![0u8; word.len().saturating_sub(1)];
    for start in 0..padded.len() - 1 {
        let mut node = automaton.root();
        let mut output = Output::zero();
        for &byte in &padded[start..] {
            let Some(i) = node.find_input(byte) else { break };
            let transition = node.transition(i);
            output = output.cat(transition.out);
            node = automaton.node(transition.addr);
            if !node.is_final() {
                continue;
            }
            let pattern = output.cat(node.final_output()).value();
            let Some(tally) = usize::try_from(pattern).ok().and_then(|p| data::TALLIES.get(p)) else {
                continue;
            };
            for &(index, value) in *tally {
                let k = start + usize::from(index);
                if k > 1 && k <= word.len() && value > values[k - 2] {
                    values[k - 2] = value;
                }
            }
        }
    }
    values
}
