//! The checks on ASTs shaped the way a JSON reader builds them: full alias names with no
//! `written` text, values as JSON, operators Azure spells in ways gavel never writes. (Gavel
//! sources are covered by the baselines in `tests/diagnostics/`.)

use super::{Context, check_definition};
use crate::ast::{
    Condition, Definition, DetailEntry, Details, Effect, EffectKind, EffectValue, Expr, Field, FieldName, Header, Mode,
    Operation, OperationKind, Operator, OperatorKind, ParamType, Parameter, Policy, Spanned,
};
use crate::catalog::aliases::Catalog;
use crate::diag::{Code, Diagnostic, Severity};
use crate::syntax::span::Span;
use serde_json::json;

const COMPUTES: &str = "Microsoft.MachineLearningServices/workspaces/computes";

fn span(n: usize) -> Span {
    Span::new(crate::syntax::span::FileId(0), n, n + 1)
}

fn field(name: &str) -> Field {
    Field { name: FieldName::Static(name.to_string()), written: None, span: span(1) }
}

fn compare(name: &str, op: OperatorKind, value: serde_json::Value) -> Condition {
    Condition::Field {
        field: field(name),
        op: Operator { kind: op, span: span(2) },
        value: Expr::Raw(value, span(3)),
        span: span(0),
    }
}

fn all(items: Vec<Condition>) -> Condition {
    Condition::AllOf { items, span: span(0) }
}

fn param(name: &str, ty: ParamType, default: serde_json::Value, allowed: Option<serde_json::Value>) -> Parameter {
    Parameter {
        name: Spanned::new(name.to_string(), span(10)),
        ty: Spanned::new(ty, span(11)),
        display_name: None,
        description: None,
        default: Some(Expr::Raw(default, span(12))),
        allowed: allowed.map(|a| Expr::Raw(a, span(13))),
        strong_type: None,
        assign_permissions: None,
        deprecated: None,
        schema: None,
        metadata: Vec::new(),
        extra: Vec::new(),
        span: span(14),
    }
}

fn policy(condition: Condition, effect: Effect, parameters: Vec<Parameter>, mode: Mode) -> Definition {
    Definition::Policy(Policy {
        header: Header { name: Spanned::new("p".into(), span(0)), parameters, ..Header::default() },
        mode: Spanned::new(mode, span(20)),
        condition,
        effect,
    })
}

fn literal_effect(name: &str) -> Effect {
    Effect {
        value: EffectValue::Literal(Spanned::new(name.into(), span(30))),
        kind: EffectKind::parse(name),
        details: None,
        span: span(30),
    }
}

fn check(definition: &Definition) -> Vec<Diagnostic> {
    check_definition(definition, &Context::new(Catalog::builtin()))
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<Code> {
    diagnostics.iter().map(|d| d.code).collect()
}

fn audit(condition: Condition) -> Vec<Diagnostic> {
    check(&policy(condition, literal_effect("audit"), Vec::new(), Mode::All))
}

#[test]
fn a_boolean_compared_with_a_string_is_a_warning_with_the_typed_fix() {
    // As in the built-in ComputeInstanceUpdates_Audit.json.
    let found = audit(all(vec![
        compare("type", OperatorKind::Equals, json!(COMPUTES)),
        compare(&format!("{COMPUTES}/osImageMetadata.isLatestOsImageVersion"), OperatorKind::Equals, json!("false")),
    ]));
    assert_eq!(codes(&found), [Code::CoercedValue]);
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].fixes[0].edits[0].replacement, "false");
    let found = audit(compare(&format!("{COMPUTES}/disableLocalAuth"), OperatorKind::NotEquals, json!("nope")));
    assert_eq!(codes(&found), [Code::TypeMismatch]);
}

#[test]
fn exists_takes_booleans_or_their_strings() {
    let name = format!("{COMPUTES}/subnet.id");
    assert!(audit(compare(&name, OperatorKind::Exists, json!("false"))).is_empty());
    assert!(audit(compare(&name, OperatorKind::Exists, json!(true))).is_empty());
    assert_eq!(codes(&audit(compare(&name, OperatorKind::Exists, json!("maybe")))), [Code::ExistsOperand]);
    assert_eq!(codes(&audit(compare(&name, OperatorKind::Exists, json!(1)))), [Code::ExistsOperand]);
}

#[test]
fn unknown_full_aliases_suggest_the_full_alias() {
    let found = audit(compare(&format!("{COMPUTES}/disableLocalAuht"), OperatorKind::Equals, json!(true)));
    assert_eq!(codes(&found), [Code::UnknownAlias]);
    assert_eq!(found[0].fixes[0].edits[0].replacement, format!("{COMPUTES}/disableLocalAuth"));
    let found = audit(compare(
        "microsoft.machinelearningservices/workspaces/computes/DISABLELOCALAUTH",
        OperatorKind::Equals,
        json!(true),
    ));
    assert_eq!(codes(&found), [Code::AliasCasing]);
    assert_eq!(found[0].fixes[0].edits[0].replacement, format!("{COMPUTES}/disableLocalAuth"));
    let found = audit(compare("Type", OperatorKind::Equals, json!(COMPUTES)));
    assert_eq!(codes(&found), [Code::AliasCasing]);
}

#[test]
fn other_providers_get_one_hint_per_namespace() {
    let found = audit(all(vec![
        compare("Contoso.Widgets/gadgets/logs.enabled", OperatorKind::Equals, json!(true)),
        compare("Contoso.Widgets/gadgets/metrics.enabled", OperatorKind::Equals, json!(true)),
        compare("type", OperatorKind::Equals, json!("Contoso.Widgets/gadgets")),
    ]));
    assert_eq!(codes(&found), [Code::UncheckedNamespace]);
    assert_eq!(found[0].severity, Severity::Hint);
}

#[test]
fn resource_types_of_covered_providers_are_checked() {
    let found =
        audit(compare("type", OperatorKind::Equals, json!("Microsoft.MachineLearningServices/workspaces/computez")));
    assert_eq!(codes(&found), [Code::UnknownResourceType]);
    assert!(
        audit(compare("type", OperatorKind::Equals, json!("microsoft.machinelearningservices/WORKSPACES"))).is_empty()
    );
}

#[test]
fn parameters_from_json_are_checked_where_they_are_used() {
    let condition = all(vec![
        compare("type", OperatorKind::Equals, json!(COMPUTES)),
        Condition::Field {
            field: field(&format!("{COMPUTES}/vmSize")),
            op: Operator { kind: OperatorKind::Equals, span: span(2) },
            value: Expr::Param(Spanned::new("sizes".into(), span(40))),
            span: span(0),
        },
        Condition::Field {
            field: field(&format!("{COMPUTES}/vmSize")),
            op: Operator { kind: OperatorKind::In, span: span(2) },
            value: Expr::Param(Spanned::new("missing".into(), span(41))),
            span: span(0),
        },
    ]);
    let sizes = param("sizes", ParamType::Array, json!(["Standard_D2_v2"]), None);
    let found = check(&policy(condition, literal_effect("audit"), vec![sizes], Mode::All));
    assert_eq!(codes(&found), [Code::ArrayParameterOperator, Code::UndefinedParameter]);
    // Without sources there is no gavel text to rewrite.
    assert!(found[0].fixes.is_empty());
}

#[test]
fn modify_writes_only_modifiable_aliases_and_tags() {
    let operation = |kind, name: &str| {
        let value = (kind != OperationKind::Remove).then(|| Expr::Raw(json!(true), span(50)));
        DetailEntry::Operation(Operation { kind, field: field(name), value, condition: None, span: span(51) })
    };
    let details = Details {
        entries: vec![
            DetailEntry::Roles { ids: vec![Spanned::new("/providers/x".into(), span(52))], span: span(52) },
            operation(OperationKind::AddOrReplace, &format!("{COMPUTES}/disableLocalAuth")),
            operation(OperationKind::AddOrReplace, &format!("{COMPUTES}/computeType")),
            operation(OperationKind::Remove, "tags['env']"),
            operation(OperationKind::Remove, &format!("{COMPUTES}/vmSize")),
        ],
        span: span(53),
    };
    let effect = Effect {
        value: EffectValue::Param(Spanned::new("effect".into(), span(54))),
        kind: Some(EffectKind::Modify),
        details: Some(details),
        span: span(55),
    };
    let effect_param = param("effect", ParamType::String, json!("Modify"), Some(json!(["Modify", "Disabled"])));
    let condition = compare("type", OperatorKind::Equals, json!(COMPUTES));
    let found = check(&policy(condition, effect, vec![effect_param], Mode::Indexed));
    // computeType is a string whose values do not include "true", and it is not modifiable.
    assert_eq!(codes(&found), [Code::TypeMismatch, Code::NotModifiable, Code::RemoveNonTag]);
}

#[test]
fn effect_values_are_checked_against_the_mode() {
    let effect = Effect {
        value: EffectValue::Param(Spanned::new("effect".into(), span(54))),
        kind: Some(EffectKind::Audit),
        details: None,
        span: span(55),
    };
    let condition = compare(
        "Microsoft.MachineLearningServices.v2.Data/workspaces/deployments/model.assetId",
        OperatorKind::Like,
        json!("azureml://*"),
    );
    let mode = Mode::Provider("Microsoft.MachineLearningServices.v2.Data".into());
    let fine = param("effect", ParamType::String, json!("Audit"), Some(json!(["Audit", "Deny", "Disabled"])));
    assert!(check(&policy(condition.clone(), effect.clone(), vec![fine], mode.clone())).is_empty());
    let wrong =
        param("effect", ParamType::String, json!("Audit"), Some(json!(["Audit", "AuditIfNotExists", "Disabled"])));
    let found = check(&policy(condition, effect, vec![wrong], mode));
    assert!(codes(&found).contains(&Code::EffectNotInMode), "{found:?}");
}

#[test]
fn operators_json_spells_are_checked_like_gavel_ones() {
    let name = format!("{COMPUTES}/computeType");
    assert_eq!(codes(&audit(compare(&name, OperatorKind::In, json!("AmlCompute")))), [Code::InNeedsArray]);
    assert_eq!(codes(&audit(compare(&name, OperatorKind::Like, json!("*a*")))), [Code::LikeWildcards]);
    assert_eq!(codes(&audit(compare(&name, OperatorKind::Greater, json!(null)))), [Code::OrderedOperand]);
    let count = Condition::Count {
        count: Box::new(crate::ast::Count {
            source: crate::ast::CountSource::Field(field(&format!("{COMPUTES}/vmSize"))),
            condition: None,
            span: span(60),
        }),
        op: Operator { kind: OperatorKind::Greater, span: span(61) },
        rhs: Expr::Raw(json!(0), span(62)),
        span: span(63),
    };
    assert_eq!(codes(&audit(count)), [Code::InvalidCount]);
}

#[test]
fn odd_names_do_not_panic() {
    for name in [
        "",
        "/",
        "//",
        "Microsoft.MachineLearningServices/",
        "Microsoft.MachineLearningServices//x",
        "tags[",
        "tags['",
        "[*]",
        "é/ü",
        "Microsoft.MachineLearningServices/workspaces/[*][*]",
    ] {
        for value in [json!(""), json!("*"), json!([]), json!({}), json!(null), json!(1.5)] {
            for op in OperatorKind::ALL {
                let _ = audit(compare(name, *op, value.clone()));
            }
        }
    }
}

#[test]
fn imported_catalogs_extend_the_checks() {
    let import =
        crate::catalog::import::import_json(include_str!("../../tests/fixtures/catalog/get-azpolicyalias.json"));
    let catalog = Catalog::with_imports(import.ok());
    let on_value = |name: &str, value: serde_json::Value| {
        policy(compare(name, OperatorKind::Equals, value), literal_effect("audit"), Vec::new(), Mode::All)
    };
    let on = |name: &str| on_value(name, json!(false));
    let typo = on("Microsoft.Storage/storageAccounts/allowBlobPublicAcess");
    let right = on("Microsoft.Storage/storageAccounts/allowBlobPublicAccess");
    let elsewhere = on("Contoso.Widgets/gadgets/enabled");
    // The bundled catalog knows Storage; a namespace it has never heard of stays unchecked.
    assert_eq!(codes(&check(&typo)), [Code::UnknownAlias]);
    assert_eq!(codes(&check(&right)), []);
    assert_eq!(codes(&check(&elsewhere)), [Code::UncheckedNamespace]);
    // An import adds to the bundled namespace; it never makes the rest of it unknown.
    assert_eq!(codes(&check_definition(&typo, &Context::new(&catalog))), [Code::UnknownAlias]);
    assert_eq!(codes(&check_definition(&right, &Context::new(&catalog))), []);
    let tls = on_value("Microsoft.Storage/storageAccounts/minimumTlsVersion", json!("TLS1_2"));
    assert_eq!(codes(&check_definition(&tls, &Context::new(&catalog))), []);
}
