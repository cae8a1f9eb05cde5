//! Tokens, produced by logos. Keywords are reserved only where the grammar needs them; the
//! grammar accepts most of them again as names (a field may be called `name` or `version`).

use logos::Logos;

#[derive(Logos, Debug, Clone, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f]+")]
#[logos(skip r"\u{FEFF}")]
pub enum Token<'src> {
    #[regex(r"///[^\n]*", priority = 10, allow_greedy = true)]
    DocComment(&'src str),
    #[regex(r"//[^\n]*", priority = 5, allow_greedy = true)]
    #[regex(r"/\*([^*]|\*+[^*/])*\*+/")]
    Comment(&'src str),
    #[regex(r"/\*([^*]|\*+[^*/])*\**")]
    UnterminatedComment,

    // Items and statements.
    #[token("policy")]
    Policy,
    #[token("initiative")]
    Initiative,
    #[token("assignment")]
    Assignment,
    #[token("exemption")]
    Exemption,
    #[token("import")]
    Import,
    #[token("param")]
    Param,
    #[token("group")]
    Group,
    #[token("when")]
    When,
    #[token("then")]
    Then,
    #[token("name")]
    Name,
    #[token("display")]
    Display,
    #[token("description")]
    Description,
    #[token("mode")]
    Mode,
    #[token("version")]
    Version,
    #[token("category")]
    Category,
    #[token("preview")]
    Preview,
    #[token("deprecated")]
    Deprecated,
    #[token("metadata")]
    Metadata,
    #[token("existenceCondition")]
    ExistenceCondition,
    #[token("set")]
    Set,
    #[token("add")]
    Add,
    #[token("remove")]
    Remove,

    // Conditions.
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("not")]
    Not,
    #[token("all")]
    All,
    #[token("any")]
    Any,
    #[token("count")]
    Count,
    #[token("where")]
    Where,
    #[token("in")]
    In,
    #[token("like")]
    Like,
    #[token("match")]
    Match,
    #[token("matchInsensitively")]
    MatchInsensitively,
    #[token("contains")]
    Contains,
    #[token("containsKey")]
    ContainsKey,
    #[token("exists")]
    Exists,
    #[token("notIn")]
    NotIn,
    #[token("notLike")]
    NotLike,
    #[token("notMatch")]
    NotMatch,
    #[token("notMatchInsensitively")]
    NotMatchInsensitively,
    #[token("notContains")]
    NotContains,
    #[token("notContainsKey")]
    NotContainsKey,
    #[token("notExists")]
    NotExists,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Less,
    #[token("<=")]
    LessEq,
    #[token(">")]
    Greater,
    #[token(">=")]
    GreaterEq,

    // Values.
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("null")]
    Null,
    #[token("json")]
    Json,
    /// Strict JSON after `json` or a `deployment` key, recognised by the lexer adapter with
    /// serde_json rather than token by token (deployment templates are large).
    RawJson(&'src str),
    /// `resource` before a string: the word of a generic kind block (`resource "Microsoft.X/y"
    /// { … }`), recognised by the lexer adapter; elsewhere `resource` is an ordinary name.
    Resource,
    #[regex(r#""([^"\\\n]|\\[^\n])*""#)]
    Str(&'src str),
    #[regex(r#""([^"\\\n]|\\[^\n])*\\?"#)]
    UnterminatedStr,
    #[regex(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")]
    Number(&'src str),
    #[regex(r"\$[A-Za-z_][A-Za-z0-9_\-]*")]
    ParamRef(&'src str),
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*(-+[A-Za-z0-9_]+)*")]
    Ident(&'src str),
    /// A full alias name: `Microsoft.MachineLearningServices/workspaces/computes/vmSize`.
    #[regex(r"[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+/([A-Za-z0-9_\-/]|\.[A-Za-z0-9_]|\[\*\])+")]
    Alias(&'src str),

    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semicolon,
    #[token("=")]
    Assign,
    #[token(".")]
    Dot,
    #[token("*")]
    Star,
}

impl Token<'_> {
    /// How the token is shown in "expected …" messages.
    pub fn describe(&self) -> String {
        match self {
            Token::Str(s) => format!("string {s}"),
            Token::UnterminatedStr => "unterminated string".into(),
            Token::Number(n) => format!("number `{n}`"),
            Token::ParamRef(p) => format!("`{p}`"),
            Token::Ident(i) => format!("`{i}`"),
            Token::Alias(a) => format!("alias `{a}`"),
            Token::RawJson(_) => "JSON".into(),
            Token::DocComment(_) | Token::Comment(_) | Token::UnterminatedComment => "a comment".into(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed text of a keyword or punctuation token.
    pub fn text(&self) -> &str {
        match self {
            Token::Policy => "policy",
            Token::Initiative => "initiative",
            Token::Assignment => "assignment",
            Token::Exemption => "exemption",
            Token::Import => "import",
            Token::Param => "param",
            Token::Group => "group",
            Token::When => "when",
            Token::Then => "then",
            Token::Name => "name",
            Token::Display => "display",
            Token::Description => "description",
            Token::Mode => "mode",
            Token::Version => "version",
            Token::Category => "category",
            Token::Preview => "preview",
            Token::Deprecated => "deprecated",
            Token::Metadata => "metadata",
            Token::ExistenceCondition => "existenceCondition",
            Token::Set => "set",
            Token::Add => "add",
            Token::Remove => "remove",
            Token::And => "and",
            Token::Or => "or",
            Token::Not => "not",
            Token::All => "all",
            Token::Any => "any",
            Token::Count => "count",
            Token::Where => "where",
            Token::In => "in",
            Token::Like => "like",
            Token::Match => "match",
            Token::MatchInsensitively => "matchInsensitively",
            Token::Contains => "contains",
            Token::ContainsKey => "containsKey",
            Token::Exists => "exists",
            Token::NotIn => "notIn",
            Token::NotLike => "notLike",
            Token::NotMatch => "notMatch",
            Token::NotMatchInsensitively => "notMatchInsensitively",
            Token::NotContains => "notContains",
            Token::NotContainsKey => "notContainsKey",
            Token::NotExists => "notExists",
            Token::EqEq => "==",
            Token::NotEq => "!=",
            Token::Less => "<",
            Token::LessEq => "<=",
            Token::Greater => ">",
            Token::GreaterEq => ">=",
            Token::True => "true",
            Token::False => "false",
            Token::Null => "null",
            Token::Json => "json",
            Token::LBrace => "{",
            Token::RBrace => "}",
            Token::LParen => "(",
            Token::RParen => ")",
            Token::LBracket => "[",
            Token::RBracket => "]",
            Token::Comma => ",",
            Token::Colon => ":",
            Token::Semicolon => ";",
            Token::Assign => "=",
            Token::Dot => ".",
            Token::Star => "*",
            Token::Str(s) | Token::Number(s) | Token::ParamRef(s) | Token::Ident(s) | Token::Alias(s) => s,
            Token::RawJson(s) => s,
            Token::Resource => "resource",
            Token::DocComment(s) | Token::Comment(s) => s,
            Token::UnterminatedStr | Token::UnterminatedComment => "",
        }
    }
}
