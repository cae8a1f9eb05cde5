//! Folding ranges: blocks and lists that span lines, raw JSON (deployment templates), runs of
//! comments, and the imports at the top. A block folds up to the line before its closing
//! bracket, so that the bracket stays visible, as in most editors' own folding.

use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind};

use super::document::Analysis;
use super::tokens::{TokKind, bracket_pairs};

pub fn folding_ranges(analysis: &Analysis) -> Option<Vec<FoldingRange>> {
    let mut ranges = Vec::new();
    blocks(analysis, &mut ranges);
    comments(analysis, &mut ranges);
    imports(analysis, &mut ranges);
    ranges.sort_by_key(|r| (r.start_line, r.end_line));
    Some(ranges)
}

fn line(analysis: &Analysis, offset: usize) -> u32 {
    analysis.position(offset).line
}

fn fold(start_line: u32, end_line: u32, kind: Option<FoldingRangeKind>) -> Option<FoldingRange> {
    (end_line > start_line).then(|| FoldingRange { start_line, end_line, kind, ..FoldingRange::default() })
}

fn blocks(analysis: &Analysis, ranges: &mut Vec<FoldingRange>) {
    let tokens = analysis.tokens();
    for (open, close) in bracket_pairs(tokens) {
        let (Some(open), Some(close)) = (tokens.get(open), tokens.get(close)) else { continue };
        let start = line(analysis, open.start);
        let end = line(analysis, close.start);
        // The closing bracket stays visible: fold to the line before it when it starts a line.
        let close_starts_line =
            analysis.lines.line(&analysis.text, end as usize).trim_start().starts_with(['}', ')', ']']);
        let end = if close_starts_line { end.saturating_sub(1) } else { end };
        ranges.extend(fold(start, end, None));
    }
    for token in tokens.iter().filter(|t| t.is(TokKind::RawJson)) {
        ranges.extend(fold(line(analysis, token.start), line(analysis, token.end).saturating_sub(1), None));
    }
}

/// Consecutive line comments fold together; a block comment folds alone.
fn comments(analysis: &Analysis, ranges: &mut Vec<FoldingRange>) {
    let mut run: Option<(u32, u32)> = None;
    for comment in analysis.comments() {
        let (start, end) = (line(analysis, comment.span.start as usize), line(analysis, comment.span.end as usize));
        if comment.text.starts_with("/*") {
            ranges.extend(fold(start, end, Some(FoldingRangeKind::Comment)));
            continue;
        }
        run = match run {
            Some((first, last)) if start == last + 1 => Some((first, start)),
            Some((first, last)) => {
                ranges.extend(fold(first, last, Some(FoldingRangeKind::Comment)));
                Some((start, start))
            }
            None => Some((start, start)),
        };
    }
    if let Some((first, last)) = run {
        ranges.extend(fold(first, last, Some(FoldingRangeKind::Comment)));
    }
}

fn imports(analysis: &Analysis, ranges: &mut Vec<FoldingRange>) {
    let Some(unit) = analysis.compiled.compilation.units.iter().find(|u| u.file == analysis.file()) else { return };
    let (Some(first), Some(last)) = (unit.module.imports.first(), unit.module.imports.last()) else { return };
    let (start, end) = (line(analysis, first.span.start as usize), line(analysis, last.span.end as usize));
    ranges.extend(fold(start, end, Some(FoldingRangeKind::Imports)));
}
