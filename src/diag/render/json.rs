pub fn render_json(_d: &[crate::diag::Diagnostic], _s: &crate::syntax::span::SourceMap) -> serde_json::Value { serde_json::Value::Null }
