//! A small template facility for new code: rules describe what to insert as a [`Code`] tree and
//! render it through the file's [`Style`], never with hard-coded layout.

use super::Style;

/// Code to insert, described by its shape rather than its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    /// Source text copied as it is: an expression of the program (`api.id`, `this`).
    Verbatim(String),
    /// A string literal.
    Text(String),
    /// An object literal; properties keep their order.
    Object(Vec<(String, Code)>),
    /// An array literal.
    Array(Vec<Code>),
    /// `new Class(arguments…)`
    New { class: String, arguments: Vec<Code> },
}

/// Prettier's default line width: generated code that fits stays on one line.
const LINE_WIDTH: usize = 80;

impl Code {
    pub fn verbatim(text: impl Into<String>) -> Self {
        Self::Verbatim(text.into())
    }

    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    pub fn object(properties: impl IntoIterator<Item = (impl Into<String>, Code)>) -> Self {
        Self::Object(properties.into_iter().map(|(key, value)| (key.into(), value)).collect())
    }

    /// The code as it reads on a line indented by `indent`, with `prefix` (such as `key: `) before it.
    pub fn render(&self, style: &Style, indent: &str, prefix_width: usize) -> String {
        match self {
            Self::Verbatim(text) => text.clone(),
            Self::Text(text) => style.string(text),
            Self::Object(properties) if properties.is_empty() => "{}".to_owned(),
            Self::Object(properties) => {
                let inline = self.render_inline(style);
                let fits = indent.len() + prefix_width + inline.len() < LINE_WIDTH;
                if fits
                    && properties
                        .iter()
                        .all(|(_, value)| !matches!(value, Self::Object(_) | Self::New { .. }))
                {
                    return inline;
                }
                let inner = style.indentation(indent, 1);
                let lines: Vec<String> = properties
                    .iter()
                    .map(|(key, value)| match shorthand(key, value) {
                        Some(name) => format!("{inner}{name}"),
                        None => {
                            let key = property_key(key, style);
                            format!("{inner}{key}: {}", value.render(style, &inner, key.len() + 2))
                        }
                    })
                    .collect();
                format!(
                    "{{{nl}{}{nl}{indent}}}",
                    join_list(&lines, style),
                    nl = style.line_ending
                )
            }
            Self::Array(elements) => {
                let inline = self.render_inline(style);
                if indent.len() + prefix_width + inline.len() < LINE_WIDTH {
                    return inline;
                }
                let inner = style.indentation(indent, 1);
                let lines: Vec<String> = elements
                    .iter()
                    .map(|element| format!("{inner}{}", element.render(style, &inner, 0)))
                    .collect();
                format!("[{nl}{}{nl}{indent}]", join_list(&lines, style), nl = style.line_ending)
            }
            Self::New { class, arguments } => {
                let rendered: Vec<String> = arguments
                    .iter()
                    .map(|argument| argument.render(style, indent, 0))
                    .collect();
                let single_line = rendered.iter().all(|argument| !argument.contains('\n'));
                // As Prettier does, the last argument hugs the call when those before it are
                // short and simple: `new X("name", {` and a CDK construct's `new X(this, "Id", {`.
                let leading = arguments.len().saturating_sub(1);
                let hug_last = rendered[..leading].iter().all(|a| !a.contains('\n'))
                    && arguments[..leading]
                        .iter()
                        .all(|a| matches!(a, Self::Verbatim(_) | Self::Text(_)));
                if single_line || hug_last {
                    return format!("new {class}({})", rendered.join(", "));
                }
                let inner = style.indentation(indent, 1);
                let lines: Vec<String> = arguments
                    .iter()
                    .map(|argument| format!("{inner}{}", argument.render(style, &inner, 0)))
                    .collect();
                format!(
                    "new {class}({nl}{}{nl}{indent})",
                    join_list(&lines, style),
                    nl = style.line_ending
                )
            }
        }
    }

    fn render_inline(&self, style: &Style) -> String {
        match self {
            Self::Object(properties) => {
                let parts: Vec<String> = properties
                    .iter()
                    .map(|(key, value)| match shorthand(key, value) {
                        Some(name) => name.to_owned(),
                        None => format!("{}: {}", property_key(key, style), value.render_inline(style)),
                    })
                    .collect();
                format!("{{ {} }}", parts.join(", "))
            }
            Self::Array(elements) => {
                let parts: Vec<String> = elements.iter().map(|element| element.render_inline(style)).collect();
                format!("[{}]", parts.join(", "))
            }
            other => other.render(style, "", 0),
        }
    }
}

/// Lines of a multi-line list, comma-separated, with the file's trailing-comma habit.
fn join_list(lines: &[String], style: &Style) -> String {
    let mut joined = lines.join(&format!(",{}", style.line_ending));
    if style.trailing_commas {
        joined.push(',');
    }
    joined
}

/// `{ provider }` rather than `{ provider: provider }`.
fn shorthand<'a>(key: &'a str, value: &Code) -> Option<&'a str> {
    matches!(value, Code::Verbatim(text) if text == key).then_some(key)
}

fn property_key(key: &str, style: &Style) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        key.to_owned()
    } else {
        style.string(key)
    }
}

/// A statement on its own line at `indent`: the code, optionally bound to a `const`.
pub fn statement(code: &Code, binding: Option<&str>, style: &Style, indent: &str) -> String {
    let head = binding.map(|name| format!("const {name} = ")).unwrap_or_default();
    format!(
        "{indent}{head}{}{}",
        code.render(style, indent, head.len()),
        style.statement_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method_settings() -> Code {
        Code::New {
            class: "aws.apigateway.MethodSettings".to_owned(),
            arguments: vec![
                Code::text("stage-method-settings"),
                Code::object([
                    ("restApi", Code::verbatim("api.id")),
                    ("methodPath", Code::text("*/*")),
                    (
                        "settings",
                        Code::object([("throttlingBurstLimit", Code::verbatim("100"))]),
                    ),
                ]),
            ],
        }
    }

    #[test]
    fn renders_in_the_default_style() {
        let rendered = statement(&method_settings(), None, &Style::default(), "");
        assert_eq!(
            rendered,
            "new aws.apigateway.MethodSettings(\"stage-method-settings\", {\n    restApi: api.id,\n    methodPath: \"*/*\",\n    settings: { throttlingBurstLimit: 100 },\n});"
        );
    }

    #[test]
    fn renders_in_a_terse_style_at_depth() {
        let style = Style {
            indent: "\t".to_owned(),
            quote: '\'',
            semicolons: false,
            trailing_commas: false,
            line_ending: "\r\n",
        };
        let rendered = statement(&method_settings(), Some("settings"), &style, "\t");
        assert_eq!(
            rendered,
            "\tconst settings = new aws.apigateway.MethodSettings('stage-method-settings', {\r\n\t\trestApi: api.id,\r\n\t\tmethodPath: '*/*',\r\n\t\tsettings: { throttlingBurstLimit: 100 }\r\n\t})"
        );
    }

    #[test]
    fn breaks_every_argument_when_options_follow_a_multi_line_object() {
        let mut code = method_settings();
        if let Code::New { arguments, .. } = &mut code {
            arguments.push(Code::object([("parent", Code::verbatim("this"))]));
        }
        let rendered = code.render(&Style::default(), "", 0);
        assert!(
            rendered.starts_with("new aws.apigateway.MethodSettings(\n    \"stage-method-settings\",\n    {\n"),
            "{rendered}"
        );
        assert!(rendered.ends_with("    },\n    { parent: this },\n)"), "{rendered}");
    }
}
