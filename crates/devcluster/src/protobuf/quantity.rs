//! `resource.Quantity` in JSON: a string (or a bare number) such as `500m`, `1Gi`, `1e3`,
//! checked the way apimachinery's `ParseQuantity` reads it, with its error texts.
//!
//! The value is kept as written: kube-apiserver would also canonicalize it (`1000m` → `1`,
//! `1024Mi` → `1Gi`), which needs its arbitrary-precision arithmetic and is not done here.

/// apimachinery's `ErrFormatWrong`.
pub(crate) const FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// apimachinery's `ErrSuffix`.
pub(crate) const BAD_SUFFIX: &str = "unable to parse quantity's suffix";

/// Checks a quantity as `ParseQuantity` does (sign, digits, an optional fraction, a suffix of
/// `eEinumkKMGTP` letters with an optional signed exponent), then that the suffix is one it
/// knows (`Ki`…`Ei`, `n`…`E`, or `e`/`E` with an exponent).
pub(crate) fn check(text: &str) -> Result<(), &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FORMAT_WRONG);
    }
    if text == "0" {
        return Ok(());
    }
    let bytes = text.as_bytes();
    let mut pos = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits = |from: usize| {
        bytes
            .iter()
            .skip(from)
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let whole = digits(pos);
    pos += whole;
    if pos >= bytes.len() {
        return Ok(());
    }
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        pos += digits(pos);
        if pos >= bytes.len() {
            return Ok(());
        }
    }
    let suffix_start = pos;
    pos += bytes
        .iter()
        .skip(pos)
        .take_while(|b| b"eEinumkKMGTP".contains(b))
        .count();
    if matches!(bytes.get(pos), Some(b'+' | b'-')) {
        pos += 1;
    }
    pos += digits(pos);
    if pos < bytes.len() {
        return Err(FORMAT_WRONG);
    }
    let suffix = text.get(suffix_start..).unwrap_or_default();
    let known = matches!(
        suffix,
        "Ki" | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
            | "n"
            | "u"
            | "m"
            | ""
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
    );
    let exponent = suffix.len() > 1
        && suffix.starts_with(['e', 'E'])
        && suffix.get(1..).is_some_and(|e| e.parse::<i64>().is_ok());
    if known || exponent {
        Ok(())
    } else {
        Err(BAD_SUFFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_as_apimachinery_reads_them() {
        for good in [
            "0", "1", "500m", "1Gi", "1.5", "+1e3", "-2E-3", "1.", ".5", "  2Ki ",
        ] {
            assert_eq!(check(good), Ok(()), "{good:?}");
        }
        for (bad, error) in [
            ("", FORMAT_WRONG),
            ("one", FORMAT_WRONG),
            ("1 Gi", FORMAT_WRONG),
            ("1Gx", FORMAT_WRONG),
            ("1é", FORMAT_WRONG),
            ("1Gii", BAD_SUFFIX),
            ("1e", BAD_SUFFIX),
            ("1kk", BAD_SUFFIX),
        ] {
            assert_eq!(check(bad), Err(error), "{bad:?}");
        }
    }
}
