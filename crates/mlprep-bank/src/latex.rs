//! Checks that the LaTeX math delimiters of a Markdown text balance.

/// Checks that `$...$` and `$$...$$` math spans, `\(...\)`, `\[...\]` and the braces inside math
/// all close. Code spans and fenced code blocks are skipped, and `\$` is a literal dollar.
/// Returns a description of the first imbalance.
pub fn check_balanced(text: &str) -> Result<(), String> {
    let mut in_fence = false;
    let mut math: Option<(&'static str, usize)> = None; // closing delimiter, line opened
    let mut braces = 0i32;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut in_code = false;
        while i < bytes.len() {
            let rest = &line[i..];
            if bytes[i] == b'`' && math.is_none() {
                in_code = !in_code;
                i += 1;
                continue;
            }
            if in_code {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            if rest.starts_with("\\$") || rest.starts_with("\\{") || rest.starts_with("\\}") {
                i += 2;
                continue;
            }
            let opener = [("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$")]
                .into_iter()
                .find(|(open, _)| rest.starts_with(open));
            match (math, opener) {
                (Some((close, _)), _) if rest.starts_with(close) => {
                    if braces != 0 {
                        return Err(format!(
                            "line {line_no}: unbalanced braces `{{ }}` inside math"
                        ));
                    }
                    math = None;
                    i += close.len();
                    continue;
                }
                (None, Some((open, close))) => {
                    math = Some((close, line_no));
                    braces = 0;
                    i += open.len();
                    continue;
                }
                _ => {}
            }
            if (rest.starts_with("\\]") || rest.starts_with("\\)")) && math.is_none() {
                return Err(format!(
                    "line {line_no}: `{}` closes math that was never opened",
                    &rest[..2]
                ));
            }
            if math.is_some() {
                match bytes[i] {
                    b'{' => braces += 1,
                    b'}' => {
                        braces -= 1;
                        if braces < 0 {
                            return Err(format!(
                                "line {line_no}: `}}` without a matching `{{` inside math"
                            ));
                        }
                    }
                    _ => {}
                }
            }
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    match math {
        Some((close, line)) => Err(format!(
            "math opened on line {line} is never closed with `{close}`; close it, or write a literal dollar as `\\$`"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::check_balanced;

    #[test]
    fn accepts_balanced_math_and_code() {
        for ok in [
            "no math at all",
            "inline $a^2 + b^2$ and display $$\\frac{1}{2}$$",
            "brackets \\[x_{i}\\] and parens \\(y\\)",
            "a literal \\$5 price",
            "code `echo $HOME` is not math",
            "code with non-ASCII `x → y ≤ z` then $a$ and é",
            "```\nprice = $x\n```\nafter $z$",
            "multi-line $$\n\\sum_{i=1}^{n} x_i\n$$",
        ] {
            assert_eq!(check_balanced(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn rejects_unbalanced_math() {
        for bad in [
            "open $a + b",
            "display $$x",
            "$\\frac{1}{2$",
            "stray \\] here",
            "\\(x",
        ] {
            assert!(check_balanced(bad).is_err(), "{bad}");
        }
    }
}
