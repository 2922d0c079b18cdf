//! A one-shot zlib compressor for PDF streams: greedy LZ77 over the input itself with one
//! small hash table, in a single block of the fixed Huffman codes. That is what zlib's
//! level 1 (`deflate_quick`) does too, but a streaming compressor first sets up and clears
//! some 380 KB of window, chains and tables, and in a fresh process touching that memory
//! (page faults, then freeing it at exit) cost as much as the compression itself. This one
//! touches 32 KB beside its output.

/// Hash table size: 2^13 slots of the last position seen for a 4-byte prefix.
const HASH_BITS: u32 = 13;
const MIN_MATCH: usize = 4;
const MAX_MATCH: usize = 258;
const WINDOW: usize = 32 * 1024;

/// After this many positions without a match in a row, the search steps over two, then
/// three…: bytes that do not repeat (a photo's pixels) are passed over quickly, as LZ4 does.
const SKIP_AFTER: u32 = 32;

/// Zlib-wrapped deflate of `input`, in the format `/FlateDecode` reads.
pub fn zlib(input: &[u8]) -> Vec<u8> {
    // Page content shrinks to about a third; the buffer grows if it must. (Room for the
    // worst case, 9 bits a byte, would be memory a fresh process populates and never uses.)
    let mut out = Bits::with_capacity(input.len() / 2 + 64);
    // CMF: deflate, 32 KiB window; FLG: fastest level, check bits making it a multiple of 31.
    out.bytes.extend_from_slice(&[0x78, 0x01]);
    // One final block with the fixed codes.
    out.put(0b011, 3);
    let mut table = vec![0u32; 1 << HASH_BITS];
    let mut at = 0;
    let mut misses = 0u32;
    while let Some(word) = word_at(input, at) {
        let slot = &mut table[hash(word)];
        // Slots hold position + 1, so 0 means empty.
        let candidate = (*slot as usize).wrapping_sub(1);
        *slot = at as u32 + 1;
        let length = if candidate < at && at - candidate <= WINDOW && word_at(input, candidate) == Some(word)
        {
            common_prefix(&input[candidate..], &input[at..])
        } else {
            0
        };
        if length >= MIN_MATCH {
            out.copy(length, at - candidate);
            // Positions inside the match are entered sparsely: their first and last.
            let end = at + length;
            for p in [at + 1, end - 1] {
                if let Some(word) = word_at(input, p) {
                    table[hash(word)] = p as u32 + 1;
                }
            }
            at = end;
            misses = 0;
        } else {
            let step = (1 + (misses / SKIP_AFTER) as usize).min(input.len() - at);
            for &byte in &input[at..at + step] {
                out.literal(byte);
            }
            at += step;
            misses += 1;
        }
    }
    for &byte in input.get(at..).unwrap_or_default() {
        out.literal(byte);
    }
    out.symbol(256);
    out.finish();
    out.bytes.extend_from_slice(&adler32(input).to_be_bytes());
    out.bytes
}

/// The four bytes at `at`, when there are four.
fn word_at(input: &[u8], at: usize) -> Option<u32> {
    let four = input.get(at..at.checked_add(MIN_MATCH)?)?;
    Some(u32::from_le_bytes([four[0], four[1], four[2], four[3]]))
}

fn hash(word: u32) -> usize {
    (word.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// How many leading bytes `a` and `b` share, up to the longest match deflate can say.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let limit = a.len().min(b.len()).min(MAX_MATCH);
    let mut n = 0;
    while n + 8 <= limit {
        let x = u64::from_le_bytes(a[n..n + 8].try_into().unwrap_or([0; 8]));
        let y = u64::from_le_bytes(b[n..n + 8].try_into().unwrap_or([0; 8]));
        let differ = x ^ y;
        if differ != 0 {
            return n + (differ.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while n < limit && a[n] == b[n] {
        n += 1;
    }
    n
}

fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that cannot overflow before the modulo. Eight bytes at a time
    // add the same sums as one at a time: b gains 8a plus each byte weighted by the bytes
    // after it, which keeps the chain of dependent additions short.
    for chunk in data.chunks(5552) {
        let mut eights = chunk.chunks_exact(8);
        for e in &mut eights {
            let s = e.iter().fold(0u32, |s, &x| s + u32::from(x));
            let weighted = e.iter().enumerate().fold(0u32, |w, (i, &x)| w + (8 - i as u32) * u32::from(x));
            b += 8 * a + weighted;
            a += s;
        }
        for &byte in eights.remainder() {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Length symbols 257..=285: (base length, extra bits).
const LENGTHS: [(u16, u8); 29] = [
    (3, 0),
    (4, 0),
    (5, 0),
    (6, 0),
    (7, 0),
    (8, 0),
    (9, 0),
    (10, 0),
    (11, 1),
    (13, 1),
    (15, 1),
    (17, 1),
    (19, 2),
    (23, 2),
    (27, 2),
    (31, 2),
    (35, 3),
    (43, 3),
    (51, 3),
    (59, 3),
    (67, 4),
    (83, 4),
    (99, 4),
    (115, 4),
    (131, 5),
    (163, 5),
    (195, 5),
    (227, 5),
    (258, 0),
];

/// Distance codes 0..=29: (base distance, extra bits).
const DISTANCES: [(u16, u8); 30] = [
    (1, 0),
    (2, 0),
    (3, 0),
    (4, 0),
    (5, 1),
    (7, 1),
    (9, 2),
    (13, 2),
    (17, 3),
    (25, 3),
    (33, 4),
    (49, 4),
    (65, 5),
    (97, 5),
    (129, 6),
    (193, 6),
    (257, 7),
    (385, 7),
    (513, 8),
    (769, 8),
    (1025, 9),
    (1537, 9),
    (2049, 10),
    (3073, 10),
    (4097, 11),
    (6145, 11),
    (8193, 12),
    (12289, 12),
    (16385, 13),
    (24577, 13),
];

/// A little-endian bit writer: deflate packs bits from the least significant end.
struct Bits {
    bytes: Vec<u8>,
    pending: u64,
    count: u32,
}

impl Bits {
    fn with_capacity(capacity: usize) -> Bits {
        Bits { bytes: Vec::with_capacity(capacity), pending: 0, count: 0 }
    }

    fn put(&mut self, value: u32, bits: u32) {
        self.pending |= u64::from(value) << self.count;
        self.count += bits;
        if self.count >= 32 {
            self.bytes.extend_from_slice(&(self.pending as u32).to_le_bytes());
            self.pending >>= 32;
            self.count -= 32;
        }
    }

    fn finish(&mut self) {
        while self.count > 0 {
            self.bytes.push(self.pending as u8);
            self.pending >>= 8;
            self.count = self.count.saturating_sub(8);
        }
    }

    /// A literal/length symbol in its fixed Huffman code.
    fn symbol(&mut self, symbol: u16) {
        let (code, bits) = FIXED[usize::from(symbol)];
        self.put(u32::from(code), u32::from(bits));
    }

    fn literal(&mut self, byte: u8) {
        self.symbol(u16::from(byte));
    }

    /// A back reference: `length` (4..=258) bytes from `distance` (1..=32768) back.
    fn copy(&mut self, length: usize, distance: usize) {
        let (length_bits, length_count) = LENGTH_BITS[length];
        let code = distance_code(distance);
        let (base, extra) = DISTANCES[code];
        // The length's code and extra bits (13 bits at most), then the distance's 5-bit code
        // and extra bits (18 at most): one write of 31 bits at most.
        let distance_bits = u32::from(DISTANCE_BITS[code]) | ((distance - usize::from(base)) as u32) << 5;
        let count = u32::from(length_count);
        self.put(u32::from(length_bits) | distance_bits << count, count + 5 + u32::from(extra));
    }
}

/// The fixed Huffman code of every literal/length symbol, bit-reversed (deflate writes
/// Huffman codes from their most significant bit), with its length.
const FIXED: [(u16, u8); 288] = {
    let mut table = [(0u16, 0u8); 288];
    let mut symbol = 0;
    while symbol < 288 {
        let (code, bits) = match symbol {
            0..=143 => (0x30 + symbol as u32, 8),
            144..=255 => (0x190 + symbol as u32 - 144, 9),
            256..=279 => (symbol as u32 - 256, 7),
            _ => (0xC0 + symbol as u32 - 280, 8),
        };
        table[symbol] = (reverse(code, bits) as u16, bits as u8);
        symbol += 1;
    }
    table
};

/// The length code (index into `LENGTHS`) of each match length 0..=258.
const LENGTH_CODE: [u8; 259] = {
    let mut table = [0u8; 259];
    let mut code = 0;
    while code < 29 {
        let (base, extra) = LENGTHS[code];
        let mut length = base as usize;
        while length < base as usize + (1 << extra) && length <= 258 {
            table[length] = code as u8;
            length += 1;
        }
        code += 1;
    }
    table
};

/// Each match length 0..=258 as written: its length symbol's fixed code followed by the extra
/// bits, and how many bits that is (lengths below 3 are never written).
const LENGTH_BITS: [(u16, u8); 259] = {
    let mut table = [(0u16, 0u8); 259];
    let mut length = 3;
    while length <= 258 {
        let code = LENGTH_CODE[length] as usize;
        let (base, extra) = LENGTHS[code];
        let (bits, count) = FIXED[257 + code];
        table[length] = (bits | ((length - base as usize) as u16) << count, count + extra);
        length += 1;
    }
    table
};

/// The 5-bit fixed code of each distance code, bit-reversed.
const DISTANCE_BITS: [u8; 30] = {
    let mut table = [0u8; 30];
    let mut code = 0;
    while code < 30 {
        table[code] = reverse(code as u32, 5) as u8;
        code += 1;
    }
    table
};

fn distance_code(distance: usize) -> usize {
    let d = distance - 1;
    usize::from(if d < 256 { DISTANCE_CODE[d] } else { DISTANCE_CODE[256 + (d >> 7)] })
}

/// The distance code of distance - 1, for 0..256, then of (distance - 1) >> 7 from 256 on
/// (codes 16 and up span multiples of 128), as zlib keeps it.
const DISTANCE_CODE: [u8; 512] = {
    let mut table = [0u8; 512];
    let mut i = 0;
    while i < 512 {
        let d = if i < 256 { i } else { (i - 256) << 7 };
        table[i] = slow_distance_code(d) as u8;
        i += 1;
    }
    table
};

/// The codes double their span every two: the code is twice the bit length of distance - 1,
/// plus its second-highest bit.
const fn slow_distance_code(d: usize) -> usize {
    if d < 4 {
        return d;
    }
    let bits = usize::BITS - 1 - d.leading_zeros();
    (2 * bits + ((d >> (bits - 1)) & 1) as u32) as usize
}

const fn reverse(code: u32, bits: u32) -> u32 {
    code.reverse_bits() >> (32 - bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(packed: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(packed)
            .read_to_end(&mut out)
            .unwrap_or_else(|e| panic!("inflate: {e}"));
        out
    }

    fn round_trip(input: &[u8]) -> usize {
        let packed = zlib(input);
        assert_eq!(inflate(&packed), input, "{} bytes", input.len());
        packed.len()
    }

    #[test]
    fn what_goes_in_comes_out() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"abc");
        round_trip(b"abcd");
        round_trip(b"abcdabcd");
        round_trip(&[0u8; 100_000]);
        round_trip(&[255u8; 3]);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        round_trip(&bytes);
        // Every match length and a distance at the window's edge.
        let mut edge = vec![7u8; 300];
        edge.extend((0..WINDOW as u32 - 300).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
        edge.extend(vec![7u8; 300]);
        round_trip(&edge);
        for length in 1..300 {
            let mut s: Vec<u8> = b"0123456789".repeat(3);
            s.extend(std::iter::repeat_n(b'x', length));
            s.extend(b"0123456789".repeat(3));
            round_trip(&s);
        }
    }

    #[test]
    fn random_bytes_and_text_survive() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for size in [1usize, 17, 255, 4096, 65_535, 200_000] {
            let mut noise = Vec::with_capacity(size);
            let mut text = Vec::with_capacity(size);
            for _ in 0..size {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                noise.push(state as u8);
                text.push(b"0123456789 .mlcRGqQ\n"[(state % 20) as usize]);
            }
            round_trip(&noise);
            round_trip(&text);
        }
    }

    #[test]
    fn page_content_shrinks_about_as_zlib_level_one_shrinks_it() {
        let mut content = Vec::new();
        for i in 0..4000 {
            let x = f32::from(i as u16 % 800) * 0.731;
            content.extend_from_slice(
                format!("{x:.2} 574.53 m\n{:.2} 560.64 l\n0.93 w 1 J\nq BT /F3 11.54 Tf\n", x + 7.3)
                    .as_bytes(),
            );
        }
        let ours = round_trip(&content);
        let mut zlib_one = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(1));
        std::io::Write::write_all(&mut zlib_one, &content).unwrap_or_else(|e| panic!("{e}"));
        let theirs = zlib_one.finish().unwrap_or_else(|e| panic!("{e}")).len();
        assert!(ours * 100 < content.len() * 40, "{ours} of {} bytes", content.len());
        assert!(ours * 100 < theirs * 125, "{ours} bytes against zlib's {theirs}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 400,
            failure_persistence: None,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x0064_6566_6c61_7465),
            ..proptest::test_runner::Config::default()
        })]

        /// Inputs made of short pieces repeated at random, so that matches of every length
        /// and distance occur, among runs of noise.
        #[test]
        fn pieces_and_noise_round_trip(
            parts in proptest::collection::vec(
                (proptest::collection::vec(proptest::num::u8::ANY, 0..24), 1usize..40, 0usize..3000),
                0..40,
            )
        ) {
            let mut input = Vec::new();
            for (piece, times, gap) in parts {
                for _ in 0..times {
                    input.extend_from_slice(&piece);
                }
                input.extend((0..gap).map(|i| (i * 31 % 251) as u8));
            }
            proptest::prop_assert_eq!(inflate(&zlib(&input)), input);
        }
    }

    #[test]
    fn every_length_and_distance_has_its_code() {
        for length in 3..=258u16 {
            let code = usize::from(LENGTH_CODE[usize::from(length)]);
            let (base, extra) = LENGTHS[code];
            assert!(base <= length && length - base < 1 << extra.max(1), "{length}");
        }
        assert_eq!(LENGTH_CODE[258], 28);
        assert_eq!(LENGTH_CODE[257], 27);
        for distance in 1..=32_768usize {
            assert_eq!(distance_code(distance), slow_distance_code(distance - 1), "{distance}");
            let (base, extra) = DISTANCES[distance_code(distance)];
            let base = usize::from(base);
            assert!(base <= distance && distance - base < 1 << extra, "{distance}");
        }
    }

    #[test]
    fn the_checksum_is_adler_32() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        let long = vec![0xFFu8; 100_000];
        let (mut a, mut b) = (1u64, 0u64);
        for &x in &long {
            a = (a + u64::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), ((b << 16) | a) as u32);
    }
}
