//! Percent-encoding of URL components, shared by the console (OAuth redirects) and devcluster
//! (query strings, OAuth answers, registry token requests), so both read and write them alike.

/// Percent-encodes everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`):
/// safe as a query value, a fragment value, or a path segment.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space, in form-encoded text). A `%` not followed by two hex
/// digits stays as it is; invalid UTF-8 becomes U+FFFD rather than an error.
pub fn decode_component(value: &str) -> String {
    let bytes = value.as_bytes();
    let hex = |byte: u8| (byte as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_round_trip_and_odd_input_is_kept() {
        for text in ["user:full", "http://127.0.0.1:9000/login", "a b&c=d~é"] {
            assert_eq!(decode_component(&encode_component(text)), text);
        }
        assert_eq!(encode_component("user:full"), "user%3Afull");
        assert_eq!(decode_component("a+b%2"), "a b%2");
        assert_eq!(decode_component("%zz%41"), "%zzA");
    }
}
