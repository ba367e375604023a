//! A small SVG writer: every text and attribute value goes through [`esc`], numbers are
//! written with one decimal, and nothing is fetched from outside the document.
//!
//! The pictures are plain SVG 1.1 (W3C REC-SVG11) with inline presentation attributes, so
//! they render the same as a standalone `.svg` file and inlined in an HTML page.

use std::fmt::{self, Write};

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values (XML 1.0 §2.4).
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Shorthand for [`Esc`].
pub fn esc(s: &str) -> Esc<'_> {
    Esc(s)
}

/// A coordinate, written with at most one decimal ("12", "12.5").
#[derive(Clone, Copy)]
pub struct N(pub f64);

impl fmt::Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = (self.0 * 10.0).round() / 10.0;
        if !v.is_finite() {
            return f.write_str("0");
        }
        if v.fract() == 0.0 {
            write!(f, "{}", v as i64)
        } else {
            write!(f, "{v:.1}")
        }
    }
}

/// Where a text's x coordinate sits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// One SVG document being written into a `String`.
pub struct Svg {
    out: String,
    open: Vec<&'static str>,
}

impl Svg {
    /// Starts a document of `width` x `height` user units with a `<title>`.
    pub fn new(width: f64, height: f64, title: &str) -> Svg {
        let mut s = Svg {
            out: String::with_capacity(16 << 10),
            open: vec!["svg"],
        };
        let _ = write!(
            s.out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans, Verdana, sans-serif" font-size="12"><title>{t}</title>"#,
            w = N(width),
            h = N(height),
            t = esc(title)
        );
        s
    }

    /// Opens a `<g>` with `attrs` (already escaped: use [`esc`] for values).
    pub fn group(&mut self, attrs: fmt::Arguments<'_>) {
        let _ = write!(self.out, "<g {attrs}>");
        self.open.push("g");
    }

    /// Closes the innermost open element.
    pub fn end(&mut self) {
        if let Some(tag) = self.open.pop() {
            let _ = write!(self.out, "</{tag}>");
        }
    }

    /// A white background, so the picture reads the same on a dark page.
    pub fn background(&mut self, width: f64, height: f64) {
        self.rect(0.0, 0.0, width, height, "fill=\"#ffffff\"");
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
        let _ = write!(
            self.out,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {style}/>"#,
            N(x1),
            N(y1),
            N(x2),
            N(y2)
        );
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, style: &str) {
        let _ = write!(
            self.out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {style}/>"#,
            N(x),
            N(y),
            N(w.max(0.0)),
            N(h.max(0.0))
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, style: &str) {
        let _ = write!(
            self.out,
            r#"<circle cx="{}" cy="{}" r="{}" {style}/>"#,
            N(cx),
            N(cy),
            N(r)
        );
    }

    /// A closed polygon (an arrowhead, a marker).
    pub fn polygon(&mut self, points: &[(f64, f64)], style: &str) {
        self.out.push_str("<polygon points=\"");
        self.points(points);
        let _ = write!(self.out, "\" {style}/>");
    }

    /// An open line through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], style: &str) {
        self.out.push_str("<polyline points=\"");
        self.points(points);
        let _ = write!(self.out, "\" fill=\"none\" {style}/>");
    }

    fn points(&mut self, points: &[(f64, f64)]) {
        for (i, (x, y)) in points.iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            let _ = write!(self.out, "{},{}", N(*x), N(*y));
        }
    }

    /// A text whose content is escaped here; `style` is extra attributes.
    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, style: &str, content: &str) {
        let _ = write!(
            self.out,
            r#"<text x="{}" y="{}" text-anchor="{}" {style}>{}</text>"#,
            N(x),
            N(y),
            anchor.name(),
            esc(content)
        );
    }

    /// A `<title>` (a tooltip) for the innermost open element.
    pub fn tooltip(&mut self, content: &str) {
        let _ = write!(self.out, "<title>{}</title>", esc(content));
    }

    /// Closes every open element and returns the document.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_characters() {
        assert_eq!(
            esc(r#"a<b & "c" 'd'>"#).to_string(),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;"
        );
        assert_eq!(esc("plain … text").to_string(), "plain … text");
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        assert_eq!(N(12.0).to_string(), "12");
        assert_eq!(N(12.46).to_string(), "12.5");
        assert_eq!(N(-0.04).to_string(), "0");
        assert_eq!(N(f64::NAN).to_string(), "0");
    }

    #[test]
    fn finish_closes_open_groups() {
        let mut s = Svg::new(10.0, 10.0, "t<1>");
        s.group(format_args!("class=\"{}\"", esc("a&b")));
        s.text(1.0, 2.0, Anchor::Middle, "", "x<y");
        let doc = s.finish();
        assert!(doc.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(doc.contains("<title>t&lt;1&gt;</title>"));
        assert!(doc.contains("class=\"a&amp;b\""));
        assert!(doc.ends_with("x&lt;y</text></g></svg>"));
    }
}
