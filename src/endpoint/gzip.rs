//! gzip (RFC 1952) decoding with an output cap, so a compression bomb is an error, not an
//! out-of-memory.

use super::client::TransportError;

/// Decodes one gzip member; more than `max` decoded bytes is [`TransportError::TooLarge`].
pub fn decode(data: &[u8], max: usize) -> Result<Vec<u8>, TransportError> {
    let bad = |m: &str| TransportError::Malformed(format!("gzip body: {m}"));
    if data.len() < 18 || data[0] != 0x1f || data[1] != 0x8b || data[2] != 8 {
        return Err(bad("not a gzip stream"));
    }
    let flags = data[3];
    let mut pos = 10;
    if flags & 0x04 != 0 {
        let xlen = usize::from(*data.get(pos).ok_or_else(|| bad("truncated"))?)
            | usize::from(*data.get(pos + 1).ok_or_else(|| bad("truncated"))?) << 8;
        pos += 2 + xlen;
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            let rest = data.get(pos..).ok_or_else(|| bad("truncated"))?;
            let nul = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| bad("truncated"))?;
            pos += nul + 1;
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    let deflated = data.get(pos..).ok_or_else(|| bad("truncated"))?;
    miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, max).map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            TransportError::TooLarge(max)
        } else {
            bad(&format!("{:?}", e.status))
        }
    })
}

/// Encodes bytes as a gzip stream (for tests and reference servers).
pub fn encode(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    out.extend(miniz_oxide::deflate::compress_to_vec(data, 6));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_bomb_cap() {
        let data = b"hello hello hello".to_vec();
        assert_eq!(decode(&encode(&data), 100).unwrap(), data);
        let bomb = encode(&vec![0u8; 1 << 20]);
        assert!(bomb.len() < 10_000);
        assert_eq!(decode(&bomb, 1000), Err(TransportError::TooLarge(1000)));
    }
}
