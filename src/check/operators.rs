//! Operators against their operands, whatever the left side: `like` patterns, `contains`
//! values, `in` lists, ordered comparisons, `exists`, `match` patterns, array parameters with
//! single-value operators, and what a `count` is compared with.

use super::Checker;
use super::values::{Val, find_param, is_date_like, is_numeric};
use crate::ast::{Expr, Operator, OperatorKind, ParamType};
use crate::diag::{Code, Diagnostic};
use crate::syntax::span::Span;

impl<'a> Checker<'a> {
    /// The right side of a field or value condition. `condition` is the whole condition's span,
    /// for fixes that rewrite the operator.
    pub(crate) fn operands(&mut self, op: Operator, value: &'a Expr) {
        use OperatorKind as K;
        let val = Val::of(value);
        if let Val::Param(name) = &val {
            self.param_operand(op, name, value.span());
        }
        match op.kind {
            K::Like | K::NotLike => self.like_pattern(value),
            K::Contains | K::NotContains => self.contains_value(&val, value.span()),
            K::In | K::NotIn => self.in_list(op, &val, value.span()),
            K::Less | K::LessOrEquals | K::Greater | K::GreaterOrEquals => self.ordered(op, &val, value.span()),
            K::Exists => self.exists_value(&val, value.span()),
            K::Match | K::NotMatch | K::MatchInsensitively | K::NotMatchInsensitively => {
                self.match_pattern(&val, value.span())
            }
            _ => {}
        }
    }

    /// `count(…) op rhs`: a count is a number.
    pub(crate) fn count_operand(&mut self, op: Operator, rhs: &'a Expr) {
        let val = Val::of(rhs);
        let wrong = match &val {
            Val::Num(_) | Val::Computed => None,
            Val::Param(name) => match find_param(self.params, name).map(|p| p.ty.value) {
                Some(ParamType::Integer | ParamType::Float) | None => None,
                Some(ty) => Some(format!("`${name}` is a {} parameter", ty.json_name().to_ascii_lowercase())),
            },
            Val::Str(text) if is_numeric(text) => {
                self.report(
                    Diagnostic::new(
                        Code::CoercedValue,
                        rhs.span(),
                        format!("a count is compared with the string {}", val.describe()),
                    )
                    .with_help(format!("Azure converts it; write the number `{}`", text.trim()))
                    .with_fix(format!("write `{}`", text.trim()), rhs.span(), text.trim()),
                );
                None
            }
            other => Some(format!("{} is {}", other.describe(), other.kind_name())),
        };
        if let Some(what) = wrong {
            self.report(
                Diagnostic::new(Code::OrderedOperand, rhs.span(), format!("a count is a number; {what}"))
                    .with_help(format!("compare the count with a number: `count(…) {} 0`", op.kind.gavel_name())),
            );
        }
    }

    /// An array parameter with an operator that takes one value.
    fn param_operand(&mut self, op: Operator, name: &str, span: Span) {
        use OperatorKind as K;
        let Some(param) = find_param(self.params, name) else {
            return;
        };
        if param.ty.value != ParamType::Array || matches!(op.kind, K::In | K::NotIn | K::Exists) {
            return;
        }
        let replacement = match op.kind {
            K::Equals => Some("in"),
            K::NotEquals => Some("notIn"),
            _ => None,
        };
        let mut diagnostic = Diagnostic::new(
            Code::ArrayParameterOperator,
            span,
            format!("`${name}` is an array, and `{}` compares with a single value", op.kind.gavel_name()),
        )
        .with_label(param.ty.span, "declared as an array here");
        diagnostic = match replacement {
            Some(new) => {
                let fix_text = self.operator_text(op, new);
                let diagnostic = diagnostic.with_help(format!("to test membership, use `{new}`"));
                match fix_text {
                    Some(text) => diagnostic.with_fix(format!("replace with `{new}`"), op.span, text),
                    None => diagnostic,
                }
            }
            None => {
                diagnostic.with_help("use `in`/`notIn`, a `count`, or a function such as `length()` or `contains()`")
            }
        };
        self.report(diagnostic);
    }

    /// How `new` is written in place of the operator: gavel sources only.
    fn operator_text(&self, op: Operator, new: &str) -> Option<String> {
        self.cx.gavel_text(op.span).map(|_| new.to_string())
    }

    fn like_pattern(&mut self, value: &Expr) {
        let stars: usize = literal_pieces(value).iter().map(|piece| piece.matches('*').count()).sum();
        if stars > 1 {
            self.report(
                Diagnostic::new(
                    Code::LikeWildcards,
                    value.span(),
                    format!("a `like` pattern takes one `*`; this one has {stars}"),
                )
                .with_help("split it into two `like` conditions, or use `match` (`#` a digit, `?` a letter, `.` any character)"),
            );
        }
    }

    fn contains_value(&mut self, val: &Val<'_>, span: Span) {
        if let Val::Str(text) = val
            && text.contains('*')
        {
            self.report(
                Diagnostic::new(Code::ContainsWildcard, span, "`contains` has no wildcards: `*` is matched literally")
                    .with_help(format!(
                        "for a pattern use `like \"*{}*\"`; to look for the text as written, ignore this",
                        text.trim_matches('*')
                    )),
            );
        }
    }

    fn in_list(&mut self, op: Operator, val: &Val<'_>, span: Span) {
        let what = match val {
            Val::Array(_) | Val::Computed => return,
            Val::Param(name) => match find_param(self.params, name) {
                Some(param) if param.ty.value != ParamType::Array => {
                    format!("`${name}` is a {} parameter", param.ty.value.json_name().to_ascii_lowercase())
                }
                _ => return,
            },
            other => format!("{} is {}", other.describe(), other.kind_name()),
        };
        let single = if op.kind == OperatorKind::NotIn { "!=" } else { "==" };
        let mut diagnostic =
            Diagnostic::new(Code::InNeedsArray, span, format!("`{}` takes a list; {what}", op.kind.gavel_name()))
                .with_help(format!(
                    "write a list, `{} [\"a\", \"b\"]`, or compare with `{single}`",
                    op.kind.gavel_name()
                ));
        if let (Some(text), false) = (self.cx.gavel_text(span), matches!(val, Val::Param(_))) {
            diagnostic = diagnostic.with_fix("make it a list", span, format!("[{text}]"));
        }
        self.report(diagnostic);
    }

    fn ordered(&mut self, op: Operator, val: &Val<'_>, span: Span) {
        let name = op.kind.gavel_name();
        let wrong = match val {
            Val::Bool(_) | Val::Null | Val::Array(_) | Val::Object => {
                Some(format!("{} is {}", val.describe(), val.kind_name()))
            }
            Val::Param(param) => match find_param(self.params, param).map(|p| p.ty.value) {
                Some(ty @ (ParamType::Boolean | ParamType::Array | ParamType::Object)) => {
                    Some(format!("`${param}` is a {} parameter", ty.json_name().to_ascii_lowercase()))
                }
                _ => None,
            },
            Val::Str(text) if !is_numeric(text) && !is_date_like(text) => {
                self.report(
                    Diagnostic::new(
                        Code::TextOrdering,
                        span,
                        format!("`{name}` compares {} as text, ignoring case", val.describe()),
                    )
                    .with_help(
                        "text ordering puts \"10\" before \"9\"; compare with a number, or a date written yyyy-MM-dd",
                    ),
                );
                None
            }
            _ => None,
        };
        if let Some(what) = wrong {
            self.report(
                Diagnostic::new(Code::OrderedOperand, span, format!("`{name}` orders numbers, dates and text; {what}"))
                    .with_help(
                        "a value that cannot be ordered makes the evaluation fail, which Azure treats as a deny",
                    ),
            );
        }
    }

    fn exists_value(&mut self, val: &Val<'_>, span: Span) {
        let fine = match val {
            Val::Bool(_) | Val::Computed => true,
            Val::Str(text) => text.eq_ignore_ascii_case("true") || text.eq_ignore_ascii_case("false"),
            Val::Param(name) => find_param(self.params, name)
                .is_none_or(|p| matches!(p.ty.value, ParamType::Boolean | ParamType::String)),
            _ => false,
        };
        if !fine {
            self.report(
                Diagnostic::new(
                    Code::ExistsOperand,
                    span,
                    format!("`exists` takes true or false, not {}", val.describe()),
                )
                .with_help("write `x exists` or `x notExists` (in JSON, `\"exists\": true` or `false`)"),
            );
        }
    }

    fn match_pattern(&mut self, val: &Val<'_>, span: Span) {
        let Val::Str(pattern) = val else {
            return;
        };
        let regex: Vec<char> = pattern.chars().filter(|c| "*+^$\\[](){}|".contains(*c)).collect();
        if let Some(first) = regex.first() {
            self.report(
                Diagnostic::new(
                    Code::MatchPattern,
                    span,
                    format!("`{first}` in a `match` pattern is a literal character, not regular-expression syntax"),
                )
                .with_help("match patterns know `#` (a digit), `?` (a letter) and `.` (any character); for a `*` wildcard use `like`"),
            );
        }
    }
}

/// The literal text of a pattern: a string, or the literal parts of a `concat` (interpolation).
fn literal_pieces(value: &Expr) -> Vec<&str> {
    match value {
        Expr::Call { name, args, .. } if name.value.eq_ignore_ascii_case("concat") => {
            args.iter().filter_map(Expr::as_str).collect()
        }
        other => other.as_str().into_iter().collect(),
    }
}
