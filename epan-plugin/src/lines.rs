//! Splits long texts into lines that fit in one Wireshark tree item.
//!
//! Wireshark 4.0 cuts an item's label at `ITEM_LABEL_LENGTH` (240 bytes, NUL included) and
//! shows `[truncated]`; the explanation and diagnosis texts are often longer, Chinese ones
//! (three bytes a character) nearly always. The plugin shows them as several items instead.

/// Bytes of text per line: under the 239-byte label limit with room for the field's name.
pub(crate) const LINE_BYTES: usize = 200;

/// Splits `text` into lines of at most `max` bytes (`max` ≥ 4): at the last space that
/// fits, else (Chinese, or one long word) between characters, never inside a UTF-8
/// sequence. The spaces where a line breaks are dropped; no line is empty.
pub(crate) fn split_lines(text: &str, max: usize) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while rest.len() > max {
        let mut cut = max;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = &rest[..cut];
        // Break after the last space or CJK punctuation in the line's second half, if any.
        let brk = head
            .char_indices()
            .rfind(|&(i, c)| {
                i >= cut / 2 && (c == ' ' || matches!(c, '，' | '。' | '；' | '、' | '：'))
            })
            .map(|(i, c)| if c == ' ' { i } else { i + c.len_utf8() });
        let at = brk.unwrap_or(cut);
        lines.push(rest[..at].trim_end());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() || lines.is_empty() {
        lines.push(rest);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_line() {
        assert_eq!(
            split_lines("The server ACKs.", LINE_BYTES),
            vec!["The server ACKs."]
        );
    }

    #[test]
    fn english_splits_on_spaces_and_loses_nothing() {
        let text = "word ".repeat(100);
        let lines = split_lines(&text, 40);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(l.len() <= 40 && !l.is_empty() && !l.starts_with(' ') && !l.ends_with(' '));
            assert!(
                l.split(' ').all(|w| w == "word"),
                "cut inside a word: {l:?}"
            );
        }
        assert_eq!(lines.join(" "), text.trim());
    }

    #[test]
    fn chinese_splits_between_characters() {
        let text = "服务器确认了客户端的FIN并发送自己的FIN，客户端进入FIN_WAIT_2状态。".repeat(10);
        let lines = split_lines(&text, 50);
        assert!(lines.len() > 1);
        for l in &lines {
            // Slicing would have panicked inside a sequence; the length is the limit.
            assert!(l.len() <= 50 && !l.is_empty());
        }
        assert_eq!(lines.concat(), text);
    }

    #[test]
    fn one_long_word_is_cut_at_a_character() {
        let text = "é".repeat(30); // 60 bytes, no space
        let lines = split_lines(&text, 7);
        assert!(lines.iter().all(|l| l.len() <= 7 && !l.is_empty()));
        assert_eq!(lines.concat(), text);
    }
}
