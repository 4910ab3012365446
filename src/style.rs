//! The layout conventions of one file, detected once, so that inserted code looks like the code
//! around it: the quote character and the line ending.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub quote: char,
    pub line_ending: &'static str,
}

impl Style {
    pub fn detect(text: &str) -> Self {
        // Import specifiers are the one kind of string every Pulumi file has, and formatters keep
        // them in the project's quote style.
        let single = text.matches(" from '").count() + text.matches("require('").count();
        let double = text.matches(" from \"").count() + text.matches("require(\"").count();
        let quote = if single > double { '\'' } else { '"' };
        let line_ending = match text.find('\n') {
            Some(newline) if text[..newline].ends_with('\r') => "\r\n",
            _ => "\n",
        };
        Self { quote, line_ending }
    }

    /// A string literal holding `value` (which must need no escaping: runtime ids and handlers).
    pub fn string(&self, value: &str) -> String {
        format!("{quote}{value}{quote}", quote = self.quote)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_quotes_and_line_endings() {
        let style = Style::detect("import * as aws from '@pulumi/aws';\r\nconst a = 1;\r\n");
        assert_eq!(style.quote, '\'');
        assert_eq!(style.line_ending, "\r\n");
        assert_eq!(style.string("bootstrap"), "'bootstrap'");
        let plain = Style::detect("import * as aws from \"@pulumi/aws\";\n");
        assert_eq!((plain.quote, plain.line_ending), ('"', "\n"));
    }
}
