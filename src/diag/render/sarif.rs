pub fn render_sarif(_d: &[crate::diag::Diagnostic], _s: &crate::syntax::span::SourceMap, _v: &str) -> serde_json::Value { serde_json::Value::Null }
