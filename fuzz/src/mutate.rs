//! Byte-level mutations of corpus inputs, in the manner of libFuzzer's mutators but aware of
//! what gavel's inputs are made of: tokens from the harness's dictionary, bracket nesting
//! (the place where parsers run out of stack), repetition (the place where algorithms turn
//! quadratic), numbers at the edges of their types, and characters that trip up text handling.

use crate::rng::Rng;

/// Numbers that sit on the edges of what readers hold.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1e400",
    "1e-400",
    "-1e400",
    "18446744073709551616",
    "9223372036854775807",
    "-9223372036854775809",
    "0.1e1",
    "1.0",
    "4294967296",
    "NaN",
    "1_000",
];

/// Characters and sequences that text handling gets wrong: NUL, byte-order marks, lone
/// carriage returns, terminal escapes, joiners, astral characters, bytes that are not UTF-8,
/// and the shapes of UTF-16 text.
const ODD: &[&[u8]] = &[
    b"\0",
    "\u{feff}".as_bytes(),
    b"\r",
    b"\r\n",
    b"\x1b[31m",
    b"\x1b]8;;x\x07",
    "\u{200d}".as_bytes(),
    "\u{1F680}".as_bytes(),
    "\u{10FFFF}".as_bytes(),
    "é".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\\ud800",
    b"\\u0000",
    b"\t",
    b"\x0b",
];

const PAIRS: &[(&str, &str)] = &[("{", "}"), ("[", "]"), ("(", ")"), ("\"", "\""), ("not ", ""), ("- ", "")];

/// What mutations may draw on besides the input itself.
pub struct Mutator<'a> {
    pub rng: Rng,
    /// Tokens of the harness's input language.
    pub dictionary: &'a [&'a str],
    /// Largest input produced.
    pub max_len: usize,
}

impl Mutator<'_> {
    /// `input` changed by one to four mutations; `other` is a second input to splice from.
    pub fn mutate(&mut self, input: &[u8], other: &[u8]) -> Vec<u8> {
        let mut data = input.to_vec();
        let rounds = 1 + self.rng.below(4);
        for _ in 0..rounds {
            self.mutate_once(&mut data, other);
        }
        data.truncate(self.max_len);
        data
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        match self.rng.below(13) {
            0 => self.flip_bit(data),
            1 => self.set_byte(data),
            2 => self.delete_range(data),
            3..=5 => self.insert_token(data),
            6 => self.splice(data, other),
            7 => self.truncate(data),
            8 => self.repeat_range(data),
            9 => self.nest(data),
            10 => self.replace_number(data),
            11 => self.insert_odd(data),
            _ => self.swap_ranges(data),
        }
    }

    fn position(&mut self, data: &[u8]) -> usize {
        self.rng.below(data.len() + 1)
    }

    /// A range of `data`, mostly short: mutations are local.
    fn range(&mut self, data: &[u8]) -> (usize, usize) {
        let start = self.position(data);
        let longest = if self.rng.one_in(8) { data.len() } else { 64 };
        let end = (start + self.rng.below(longest + 1)).min(data.len());
        (start, end)
    }

    fn flip_bit(&mut self, data: &mut [u8]) {
        if !data.is_empty() {
            let at = self.rng.below(data.len());
            data[at] ^= 1 << self.rng.below(8);
        }
    }

    fn set_byte(&mut self, data: &mut Vec<u8>) {
        let at = self.position(data);
        let byte = self.rng.next_u64() as u8;
        if at < data.len() && self.rng.one_in(2) {
            data[at] = byte;
        } else {
            data.insert(at, byte);
        }
    }

    fn delete_range(&mut self, data: &mut Vec<u8>) {
        let (start, end) = self.range(data);
        data.drain(start..end);
    }

    fn insert_token(&mut self, data: &mut Vec<u8>) {
        if self.dictionary.is_empty() {
            return self.set_byte(data);
        }
        let token = self.rng.pick(self.dictionary).as_bytes();
        let at = self.position(data);
        if self.rng.one_in(3) {
            // Replace what is there, as a token swapped for another.
            let end = (at + token.len()).min(data.len());
            data.splice(at..end, token.iter().copied());
        } else {
            data.splice(at..at, token.iter().copied());
        }
    }

    fn splice(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        let (from, to) = self.range(other);
        let (start, end) = self.range(data);
        data.splice(start..end, other[from..to].iter().copied());
    }

    fn truncate(&mut self, data: &mut Vec<u8>) {
        let at = self.position(data);
        data.truncate(at);
    }

    /// A range written many times over: lists, keys, conditions, lines by the thousand.
    fn repeat_range(&mut self, data: &mut Vec<u8>) {
        let (start, end) = self.range(data);
        if start == end {
            return;
        }
        let times = 1usize << self.rng.below(13);
        let piece = data[start..end].to_vec();
        let room = self.max_len.saturating_sub(data.len()) / piece.len();
        let copies = times.min(room);
        let repeated: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * copies).collect();
        data.splice(end..end, repeated);
    }

    /// A range wrapped in many brackets (or prefixes): nesting far beyond anything written by
    /// hand, to find recursion without a depth limit.
    fn nest(&mut self, data: &mut Vec<u8>) {
        let (open, close) = *self.rng.pick(PAIRS);
        let depth = 1usize << self.rng.below(17);
        let room = self.max_len.saturating_sub(data.len()) / (open.len() + close.len()).max(1);
        let depth = depth.min(room);
        let (start, end) = self.range(data);
        data.splice(end..end, close.repeat(depth).into_bytes());
        data.splice(start..start, open.repeat(depth).into_bytes());
    }

    /// A run of digits replaced by a number on the edge of a type.
    fn replace_number(&mut self, data: &mut Vec<u8>) {
        let at = self.position(data);
        let start = data[at..].iter().position(u8::is_ascii_digit).map_or(at, |i| at + i);
        let end = data[start..].iter().position(|b| !b.is_ascii_digit()).map_or(data.len(), |i| start + i);
        let number = self.rng.pick(NUMBERS).as_bytes();
        data.splice(start..end, number.iter().copied());
    }

    fn insert_odd(&mut self, data: &mut Vec<u8>) {
        let odd = *self.rng.pick(ODD);
        let at = self.position(data);
        data.splice(at..at, odd.iter().copied());
    }

    /// Two ranges exchanged: definitions, cases or messages out of order.
    fn swap_ranges(&mut self, data: &mut Vec<u8>) {
        let (a_start, a_end) = self.range(data);
        let (b_start, b_end) = self.range(&data[a_end..]);
        let (b_start, b_end) = (a_end + b_start, a_end + b_end);
        let first = data[a_start..a_end].to_vec();
        let second = data[b_start..b_end].to_vec();
        data.splice(b_start..b_end, first);
        data.splice(a_start..a_end, second);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_stay_within_the_length_limit_and_change_the_input() {
        let mut mutator = Mutator { rng: Rng::new(7), dictionary: &["policy ", "{"], max_len: 4096 };
        let input = b"policy p { when workspace then audit }";
        let mut changed = 0;
        for _ in 0..10_000 {
            let output = mutator.mutate(input, b"{\"a\": [1, 2]}");
            assert!(output.len() <= 4096);
            changed += usize::from(output != input);
        }
        // A mutation can undo itself (a bit flipped twice), but rarely.
        assert!(changed > 9_000, "{changed}");
    }

    #[test]
    fn nesting_reaches_depths_no_one_writes_by_hand() {
        let mut mutator = Mutator { rng: Rng::new(11), dictionary: &[], max_len: 1 << 20 };
        let deepest = (0..2_000)
            .map(|_| {
                let mut data = b"x".to_vec();
                mutator.nest(&mut data);
                data.iter().filter(|&&b| b == b'{' || b == b'[' || b == b'(').count()
            })
            .max();
        assert!(deepest >= Some(10_000), "{deepest:?}");
    }
}
