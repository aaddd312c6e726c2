//! Vietnamese text: NFC normalisation, diacritic-insensitive search folding, name splitting and a
//! collation key that orders rosters the way a Vietnamese reader expects.
//!
//! Byte order and the databases' default collations put "Đ" after "Z" and "Ă" after "Z"; the
//! collation key below is a byte string whose plain byte order is the Vietnamese order, so both
//! SQLite and PostgreSQL can sort on it with an index.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Returns `text` in Unicode NFC, with surrounding whitespace trimmed and inner runs of
/// whitespace collapsed to one space.
pub fn normalize(text: &str) -> String {
    // Most text arrives composed already: the quick check spares rebuilding it.
    let composed: std::borrow::Cow<'_, str> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    };
    composed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first character of `text` that no text field may hold, if any: a control character, or
/// an invisible one that changes how text is shown or compared without being seen — zero-width
/// spaces and joiners, the word joiner and invisible operators, the byte-order mark, the soft
/// hyphen, and the bidirectional controls (marks, embeddings, overrides, isolates) that can
/// reorder a name on screen. Such characters make two names that look the same differ (and
/// defeat search), so they are refused rather than silently kept.
pub fn refused_character(text: &str) -> Option<char> {
    text.chars()
        .find(|c| c.is_control() || is_invisible_format(*c))
}

/// Zero-width, bidirectional and other invisible format characters (see [`refused_character`]).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                     // soft hyphen
            | '\u{034F}'               // combining grapheme joiner
            | '\u{061C}'               // Arabic letter mark (bidi)
            | '\u{115F}' | '\u{1160}'  // Hangul fillers
            | '\u{180E}'               // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'  // zero-width space, non-joiner, joiner; LRM, RLM
            | '\u{202A}'..='\u{202E}'  // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'  // word joiner, invisible operators
            | '\u{2066}'..='\u{206F}'  // bidi isolates, deprecated format controls
            | '\u{3164}'               // Hangul filler
            | '\u{FEFF}'               // zero-width no-break space (byte-order mark)
            | '\u{FFA0}'               // half-width Hangul filler
            | '\u{FFF9}'..='\u{FFFB}'  // interlinear annotation controls
            | '\u{E0000}'..='\u{E007F}' // tag characters
    )
}

/// Folds text for search: lower case, no diacritics, `đ` → `d`, whitespace collapsed.
/// "Đặng Hoàng Long" and "dang hoang long" fold to the same string.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            // đ and Đ have no decomposition: map them by hand.
            'đ' | 'Đ' => folded.push('d'),
            other => folded.extend(other.to_lowercase()),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of a Vietnamese personal name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    /// Họ: the first word.
    pub family: String,
    /// Tên đệm: every word between the first and the last; may be empty.
    pub middle: String,
    /// Tên: the last word.
    pub given: String,
}

/// Splits a full name into family, middle and given names. Names of any length are accepted: a
/// single word is a given name only, two words have no middle name.
pub fn split_full_name(full_name: &str) -> NameParts {
    let words: Vec<&str> = full_name.split_whitespace().collect();
    match words.as_slice() {
        [] => NameParts {
            family: String::new(),
            middle: String::new(),
            given: String::new(),
        },
        [given] => NameParts {
            family: String::new(),
            middle: String::new(),
            given: (*given).to_owned(),
        },
        [family, middle @ .., given] => NameParts {
            family: (*family).to_owned(),
            middle: middle.join(" "),
            given: (*given).to_owned(),
        },
    }
}

/// The Vietnamese alphabet in dictionary order, with the Latin letters Vietnamese does not use
/// (f, j, w, z) placed where the Latin alphabet has them.
const ALPHABET: [char; 33] = [
    'a', 'ă', 'â', 'b', 'c', 'd', 'đ', 'e', 'ê', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
    'ô', 'ơ', 'p', 'q', 'r', 's', 't', 'u', 'ư', 'v', 'w', 'x', 'y', 'z',
];

/// Tone marks in dictionary order: level (no mark) first, then huyền, hỏi, ngã, sắc, nặng.
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// Splits one lower-case character into its base letter (keeping the vowel marks that make
/// distinct letters: ă â ê ô ơ ư) and its tone weight (0 for none).
fn letter_and_tone(c: char) -> (String, u8) {
    let mut base = String::new();
    let mut tone = 0u8;
    for part in c.to_lowercase().flat_map(|l| l.nfd().collect::<Vec<_>>()) {
        match TONES.iter().position(|t| *t == part) {
            Some(index) => tone = index as u8 + 1,
            None => base.push(part),
        }
    }
    (base.nfc().collect(), tone)
}

/// Primary weight of a base letter: letters of the alphabet get 0x20.., digits 0x10.., anything
/// else sorts after the alphabet by code point.
fn primary_weight(base: &str, out: &mut Vec<u8>) {
    let mut chars = base.chars();
    let (Some(first), None) = (chars.next(), chars.next()) else {
        // Not a single character after composition: order by its bytes after every letter.
        out.push(0xF0);
        out.extend(base.as_bytes());
        return;
    };
    if let Some(index) = ALPHABET.iter().position(|l| *l == first) {
        out.push(0x20 + index as u8);
    } else if let Some(digit) = first.to_digit(10) {
        out.push(0x10 + digit as u8);
    } else {
        out.push(0xF0);
        let mut buf = [0u8; 4];
        out.extend(first.encode_utf8(&mut buf).as_bytes());
    }
}

/// Builds the sort key of a sequence of name parts, compared part by part: primary weights of
/// every part first (letters, with the parts separated by a weight below any letter), then the
/// tone of each syllable as a secondary level, so that "Hòa" and "Hoa" stay next to each other
/// and the old and new tone placements ("hoà", "hòa") sort as one.
pub fn collation_key(parts: &[&str]) -> Vec<u8> {
    let mut primary = Vec::new();
    let mut secondary = Vec::new();
    for part in parts {
        for syllable in part.split_whitespace() {
            let mut tone = 0;
            for c in syllable.nfc() {
                let (base, letter_tone) = letter_and_tone(c);
                primary_weight(&base, &mut primary);
                tone = tone.max(letter_tone);
            }
            primary.push(0x02);
            secondary.push(tone + 1);
        }
        primary.push(0x01);
        secondary.push(0x01);
    }
    primary.push(0x00);
    primary.extend(secondary);
    primary
}

/// The roster order of a person: given name, then middle name, then family name.
pub fn roster_key(parts: &NameParts) -> Vec<u8> {
    collation_key(&[&parts.given, &parts.middle, &parts.family])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_bidi_characters_are_refused_and_vietnamese_is_not() {
        assert_eq!(refused_character("Đặng Hoàng Long, Thôn Ánh Dương"), None);
        assert_eq!(refused_character("Sùng A Páo"), None);
        for hidden in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{202E}',
            '\u{202D}',
            '\u{2066}',
            '\u{2069}',
            '\u{200F}',
            '\u{061C}',
            '\u{0007}',
            '\u{E0041}',
        ] {
            let name = format!("Hoàng{hidden} Long");
            assert_eq!(
                refused_character(&name),
                Some(hidden),
                "U+{:04X}",
                hidden as u32
            );
        }
    }

    #[test]
    fn normalize_composes_decomposed_input() {
        let decomposed = "Hoa\u{300}ng";
        assert_eq!(normalize(decomposed), "Hoàng");
        assert_eq!(normalize("  Đặng   Hoàng\tLong "), "Đặng Hoàng Long");
    }

    #[test]
    fn fold_removes_diacritics_and_maps_d_bar() {
        assert_eq!(fold("Đặng Hoàng Long"), "dang hoang long");
        assert_eq!(fold("NGUYỄN THỊ ƯỚC"), "nguyen thi uoc");
        assert_eq!(fold("Hoa\u{300}"), fold("Hòa"));
    }

    #[test]
    fn split_full_name_handles_any_word_count() {
        let two = split_full_name("Lò Ánh");
        assert_eq!(
            (two.family.as_str(), two.middle.as_str(), two.given.as_str()),
            ("Lò", "", "Ánh")
        );
        let four = split_full_name("Tôn Nữ Thị Hà");
        assert_eq!(four.middle, "Nữ Thị");
        assert_eq!(four.given, "Hà");
        assert_eq!(split_full_name("Sùng").given, "Sùng");
    }

    #[test]
    fn collation_orders_vietnamese_letters() {
        let ordered = [
            "An", "Ân", "Bình", "Dũng", "Đức", "Em", "Ê", "Ong", "Ơn", "Uyên", "Ưng",
        ];
        let mut shuffled = ordered.to_vec();
        shuffled.reverse();
        shuffled.sort_by_key(|name| collation_key(&[name]));
        assert_eq!(shuffled, ordered);
    }

    #[test]
    fn collation_puts_tones_second() {
        let mut names = vec!["Hóa", "Hòa", "Hoa", "Hoan"];
        names.sort_by_key(|name| collation_key(&[name]));
        assert_eq!(names, ["Hoa", "Hòa", "Hóa", "Hoan"]);
    }

    #[test]
    fn collation_is_the_same_for_nfd_input() {
        assert_eq!(collation_key(&["Hoa\u{300}"]), collation_key(&["Hòa"]));
    }

    #[test]
    fn roster_orders_by_given_name_then_middle_then_family() {
        let mut people = vec!["Trần Văn Bình", "Lê Thị An", "Đặng Văn An", "Bùi Anh An"];
        people.sort_by_key(|name| roster_key(&split_full_name(name)));
        assert_eq!(
            people,
            ["Bùi Anh An", "Lê Thị An", "Đặng Văn An", "Trần Văn Bình"]
        );
    }
}
