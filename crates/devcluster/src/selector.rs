//! Label and field selectors as the API server parses them (`app=web,tier!=db`,
//! `env in (a,b)`, `!legacy`, `metadata.name=x`), with errors that say what is wrong.

use imagestream_model::validation;
use serde_json::Value;
use std::collections::BTreeMap;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
    GreaterThan(String, i64),
    LessThan(String, i64),
}

/// A parsed `labelSelector`; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses the query-string form as apimachinery's `labels.Parse` does (its lexer and
    /// recursive-descent parser, written out here because no Rust crate parses this
    /// grammar). The error text is what the server puts in a 400.
    pub fn parse(text: &str) -> Result<Self, String> {
        let tokens = lex(text);
        let mut parser = Parser {
            tokens: &tokens,
            position: 0,
        };
        Ok(Self {
            requirements: parser.parse()?,
        })
    }

    /// Whether an object with these labels is selected.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|req| match req {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
            Requirement::GreaterThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v > *n),
            Requirement::LessThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v < *n),
        })
    }

    /// True when the selector has no requirement.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }
}

/// The lexer's tokens (apimachinery `labels.Token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn keyword(text: &str) -> Option<Token> {
    Some(match text {
        ")" => Token::ClosedPar,
        "," => Token::Comma,
        "!" => Token::DoesNotExist,
        "==" => Token::DoubleEquals,
        "=" => Token::Equals,
        ">" => Token::GreaterThan,
        "in" => Token::In,
        "<" => Token::LessThan,
        "!=" => Token::NotEquals,
        "notin" => Token::NotIn,
        "(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_special(byte: u8) -> bool {
    matches!(byte, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Splits a selector into tokens; the last is always `End`. Positions only ever fall on ASCII
/// bytes, so every slice is on a character boundary.
fn lex(text: &str) -> Vec<(Token, String)> {
    let bytes = text.as_bytes();
    let slice = |from: usize, to: usize| text.get(from..to).unwrap_or_default().to_owned();
    let mut tokens = Vec::new();
    let mut position = 0;
    loop {
        while bytes.get(position).copied().is_some_and(is_space) {
            position += 1;
        }
        let Some(&first) = bytes.get(position) else {
            tokens.push((Token::End, String::new()));
            return tokens;
        };
        if is_special(first) {
            // The longest run of special characters that is still an operator.
            let start = position;
            let mut last: Option<(Token, usize)> = None;
            let mut end = start;
            while bytes.get(end).copied().is_some_and(is_special) {
                end += 1;
                match keyword(&slice(start, end)) {
                    Some(token) => last = Some((token, end)),
                    None if last.is_some() => break,
                    None => {}
                }
            }
            match last {
                Some((token, end)) => {
                    tokens.push((token, slice(start, end)));
                    position = end;
                }
                None => {
                    let found = slice(start, end);
                    tokens.push((
                        Token::Error,
                        format!("error expected: keyword found '{found}'"),
                    ));
                    position = end;
                }
            }
        } else {
            let start = position;
            while bytes
                .get(position)
                .copied()
                .is_some_and(|b| !is_special(b) && !is_space(b))
            {
                position += 1;
            }
            let word = slice(start, position);
            let token = match keyword(&word) {
                Some(token) => token,
                None => Token::Identifier,
            };
            tokens.push((token, word));
        }
    }
}

struct Parser<'a> {
    tokens: &'a [(Token, String)],
    position: usize,
}

impl Parser<'_> {
    /// The current token; `in` and `notin` read as identifiers where values are expected.
    fn lookahead(&self, values: bool) -> (Token, String) {
        let (token, literal) = self
            .tokens
            .get(self.position)
            .cloned()
            .unwrap_or((Token::End, String::new()));
        match token {
            Token::In | Token::NotIn if values => (Token::Identifier, literal),
            _ => (token, literal),
        }
    }

    fn consume(&mut self, values: bool) -> (Token, String) {
        let current = self.lookahead(values);
        if self.position < self.tokens.len() {
            self.position += 1;
        }
        current
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (token, literal) = self.lookahead(true);
            match token {
                Token::Identifier | Token::DoesNotExist => {
                    let requirement = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(requirement);
                    let (token, literal) = self.consume(true);
                    match token {
                        Token::End => return Ok(requirements),
                        Token::Comma => {
                            let (next, next_literal) = self.lookahead(true);
                            if !matches!(next, Token::Identifier | Token::DoesNotExist) {
                                return Err(format!(
                                    "found '{next_literal}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => {
                            return Err(format!(
                                "found '{literal}', expected: ',' or 'end of string'"
                            ))
                        }
                    }
                }
                Token::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{literal}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (mut token, mut key) = self.consume(true);
        let negated = token == Token::DoesNotExist;
        if negated {
            (token, key) = self.consume(true);
        }
        if token != Token::Identifier {
            return Err(format!("found '{key}', expected: identifier"));
        }
        check_key(&key, "<nil>")?;
        let (next, _) = self.lookahead(true);
        if negated {
            // `!key` takes no operator: what follows must end the requirement.
            return Ok(Requirement::DoesNotExist(key));
        }
        if matches!(next, Token::End | Token::Comma) {
            return Ok(Requirement::Exists(key));
        }
        let (operator, literal) = self.consume(false);
        let exact = |parser: &mut Self| -> Result<String, String> {
            let (token, _) = parser.lookahead(true);
            if matches!(token, Token::End | Token::Comma) {
                return Ok(String::new());
            }
            match parser.consume(true) {
                (Token::Identifier, value) => Ok(value),
                (_, literal) => Err(format!("found '{literal}', expected: identifier")),
            }
        };
        let requirement = match operator {
            Token::Equals | Token::DoubleEquals => Requirement::Equals(key.clone(), exact(self)?),
            Token::NotEquals => Requirement::NotEquals(key.clone(), exact(self)?),
            Token::In => Requirement::In(key.clone(), self.values()?),
            Token::NotIn => Requirement::NotIn(key.clone(), self.values()?),
            Token::GreaterThan | Token::LessThan => {
                let value = exact(self)?;
                let Ok(number) = value.parse::<i64>() else {
                    return Err(field_invalid(
                        "values[0]",
                        &value,
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    ));
                };
                if operator == Token::GreaterThan {
                    Requirement::GreaterThan(key.clone(), number)
                } else {
                    Requirement::LessThan(key.clone(), number)
                }
            }
            _ => {
                return Err(format!(
                    "found '{literal}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        };
        // apimachinery `NewRequirement`: every value must be a label value.
        let values: Vec<&String> = match &requirement {
            Requirement::Equals(_, v) | Requirement::NotEquals(_, v) => vec![v],
            Requirement::In(_, vs) | Requirement::NotIn(_, vs) => vs.iter().collect(),
            _ => Vec::new(),
        };
        let problems: Vec<String> = values
            .iter()
            .enumerate()
            .filter_map(|(index, value)| {
                let messages = validation::check_label_value(value);
                (!messages.is_empty()).then(|| {
                    field_invalid(
                        &format!("values[{index}][{key}]"),
                        value,
                        &messages.join("; "),
                    )
                })
            })
            .collect();
        match problems.as_slice() {
            [] => Ok(requirement),
            [one] => Err(one.clone()),
            many => Err(format!("[{}]", many.join(", "))),
        }
    }

    /// `( a, b, , c )`: a set of values; `()` and empty items are the empty value.
    fn values(&mut self) -> Result<Vec<String>, String> {
        let (token, literal) = self.consume(true);
        if token != Token::OpenPar {
            return Err(format!("found '{literal}' expected: '('"));
        }
        let (token, literal) = self.lookahead(true);
        let mut set = std::collections::BTreeSet::new();
        match token {
            Token::ClosedPar => {
                self.consume(true);
                set.insert(String::new());
            }
            Token::Identifier | Token::Comma => {
                loop {
                    match self.consume(true) {
                        (Token::Identifier, value) => {
                            set.insert(value);
                            match self.lookahead(true) {
                                (Token::Comma, _) => continue,
                                (Token::ClosedPar, _) => break,
                                (_, next) => {
                                    return Err(format!("found '{next}', expected: ',' or ')'"))
                                }
                            }
                        }
                        (Token::Comma, _) => {
                            if set.is_empty() {
                                set.insert(String::new());
                            }
                            match self.lookahead(true).0 {
                                Token::ClosedPar => {
                                    set.insert(String::new());
                                    break;
                                }
                                Token::Comma => {
                                    set.insert(String::new());
                                }
                                _ => {}
                            }
                        }
                        (_, other) => {
                            return Err(format!("found '{other}', expected: ',', or identifier"))
                        }
                    }
                }
                if self.consume(true).0 != Token::ClosedPar {
                    return Err(format!("found '{literal}', expected: ')'"));
                }
            }
            _ => {
                return Err(format!(
                    "found '{literal}', expected: ',', ')' or identifier"
                ))
            }
        }
        Ok(set.into_iter().collect())
    }
}

/// A `field.Error` of kind Invalid as text: `path: Invalid value: "v": detail`.
fn field_invalid(path: &str, value: &str, detail: &str) -> String {
    format!(
        "{path}: Invalid value: {}: {detail}",
        validation::go_quote(value)
    )
}

/// A label key must be a qualified name (`validateLabelKey`; the parser has no field path, which
/// Go prints as `<nil>`).
fn check_key(key: &str, path: &str) -> Result<(), String> {
    let problems = validation::check_qualified_name(key);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(field_invalid(path, key, &problems.join("; ")))
    }
}

/// A parsed `fieldSelector`: equality on a few supported fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<(String, bool, String)>,
}

impl FieldSelector {
    /// Parses `a=b,c!=d`; only the fields in `supported` may be used (the server says which).
    pub fn parse(text: &str, supported: &[&str]) -> Result<Self, String> {
        let mut requirements = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = part.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                (f, true, v)
            } else {
                return Err(format!(
                    "invalid selector: '{part}'; can't understand '{part}'"
                ));
            };
            let field = field.trim();
            if !supported.contains(&field) {
                return Err(format!("field label not supported: {field}"));
            }
            requirements.push((field.to_owned(), equal, value.trim().to_owned()));
        }
        Ok(Self { requirements })
    }

    /// Whether the object is selected; fields are JSON paths like `metadata.name`.
    pub fn matches(&self, object: &Value) -> bool {
        self.requirements.iter().all(|(field, equal, value)| {
            let actual = field
                .split('.')
                .try_fold(object, |v, key| v.get(key))
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            (actual == *value) == *equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn label_selectors_match_like_kubernetes() {
        let web = labels(&[("app", "web"), ("tier", "front")]);
        let cases = [
            ("", true),
            ("app=web", true),
            ("app==web", true),
            ("app=db", false),
            ("app!=db", true),
            ("app=web,tier=front", true),
            ("app=web,tier=back", false),
            ("tier in (front,back)", true),
            ("tier notin (front)", false),
            ("missing notin (x)", true),
            ("app", true),
            ("!app", false),
            ("!missing", true),
        ];
        for (text, expected) in cases {
            assert_eq!(
                LabelSelector::parse(text).unwrap().matches(&web),
                expected,
                "{text}"
            );
        }
    }

    #[test]
    fn bad_label_selectors_say_what_labels_parse_says() {
        let cases = [
            ("app in web", "unable to parse requirement: found 'web' expected: '('"),
            ("a===b", "unable to parse requirement: found '=', expected: identifier"),
            ("a=b=c", "found '=', expected: ',' or 'end of string'"),
            ("a,,b", "found ',', expected: identifier after ','"),
            ("a=b c", "found 'c', expected: ',' or 'end of string'"),
            (",a", "found ',', expected: !, identifier, or 'end of string'"),
            ("a in (x", "unable to parse requirement: found '', expected: ',' or ')'"),
            ("a>x", "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"),
            ("a=b$c", "unable to parse requirement: values[0][a]: Invalid value: \"b$c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
            ("a=b=é", "found '=', expected: ',' or 'end of string'"),
        ];
        for (text, expected) in cases {
            assert_eq!(LabelSelector::parse(text).unwrap_err(), expected, "{text}");
        }
        let key = LabelSelector::parse(&"k".repeat(70)).unwrap_err();
        assert!(
            key.starts_with("unable to parse requirement: <nil>: Invalid value: \"kkkk"),
            "{key}"
        );
        assert!(
            key.ends_with("name part must be no more than 63 characters"),
            "{key}"
        );
    }

    #[test]
    fn empty_value_sets_hold_the_empty_value_as_in_kubernetes() {
        // `labels.Parse` reads `()` as the set {""}: `notin ()` keeps objects whose label
        // is absent or not empty.
        let selector = LabelSelector::parse("a notin ()").unwrap();
        assert!(selector.matches(&labels(&[("a", "x")])));
        assert!(!selector.matches(&labels(&[("a", "")])));
        let numbers = LabelSelector::parse("n>5,n<10").unwrap();
        assert!(numbers.matches(&labels(&[("n", "7")])));
        assert!(!numbers.matches(&labels(&[("n", "x")])));
    }

    #[test]
    fn field_selectors_support_only_the_named_fields() {
        let object = json!({"metadata": {"name": "x", "namespace": "demo"}});
        let selector = FieldSelector::parse(
            "metadata.name=x,metadata.namespace!=other",
            &["metadata.name", "metadata.namespace"],
        )
        .unwrap();
        assert!(selector.matches(&object));
        assert!(!FieldSelector::parse("metadata.name=y", &["metadata.name"])
            .unwrap()
            .matches(&object));
        assert_eq!(
            FieldSelector::parse("spec.x=1", &["metadata.name"]).unwrap_err(),
            "field label not supported: spec.x"
        );
    }
}
