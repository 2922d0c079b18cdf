//! Page sizes by name: the front matter names them (parse checks the name), layout uses them.

/// A page size in PDF points (1/72 in).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

const MM: f32 = 72.0 / 25.4;

/// The page names the front matter accepts, for error messages.
pub const PAGE_NAMES: &[&str] = &[
    "a4-landscape",
    "a4-portrait",
    "a3-landscape",
    "a3-portrait",
    "a5-landscape",
    "a5-portrait",
    "letter-landscape",
    "letter-portrait",
    "legal-landscape",
    "legal-portrait",
];

impl PageSize {
    /// Looks up a page name such as `a4-landscape`; `None` for an unknown name.
    pub fn from_name(name: &str) -> Option<PageSize> {
        let (paper, orientation) = name.rsplit_once('-')?;
        let (short, long) = match paper {
            "a3" => (297.0 * MM, 420.0 * MM),
            "a4" => (210.0 * MM, 297.0 * MM),
            "a5" => (148.0 * MM, 210.0 * MM),
            "letter" => (612.0, 792.0),
            "legal" => (612.0, 1008.0),
            _ => return None,
        };
        match orientation {
            "landscape" => Some(PageSize { width: long, height: short }),
            "portrait" => Some(PageSize { width: short, height: long }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_landscape_is_exact_in_points() {
        let page = PageSize::from_name("a4-landscape").unwrap();
        assert!((page.width - 841.89).abs() < 0.01, "{}", page.width);
        assert!((page.height - 595.28).abs() < 0.01, "{}", page.height);
    }

    #[test]
    fn every_listed_name_resolves_and_others_do_not() {
        for name in PAGE_NAMES {
            assert!(PageSize::from_name(name).is_some(), "{name}");
        }
        assert!(PageSize::from_name("a4").is_none());
        assert!(PageSize::from_name("b5-landscape").is_none());
        assert!(PageSize::from_name("a4-sideways").is_none());
    }
}
