namespace BotBottle.Dlp;

/// <summary>
/// Bytes under a single-byte XOR key and text in EBCDIC (fifteenth issue-16 round; red team 12's B33: each byte of a
/// token XORed with <c>0x2a</c>, then hex; J27: a token in EBCDIC, Python's <c>cp500</c> codec). Neither leaves anything a
/// token run or literal could find, so both are recognised where data starts — the body, and each layer a decoder
/// (hex, base64, base32…) made — by its first bytes: for each of <see cref="ByteHeads"/> (credential prefixes and the
/// first words of credential files), the EBCDIC form is compared, and the XOR key that turns the first byte into the
/// head's first character is tried on the head's other characters. A few compares per layer; on a match the whole
/// layer (up to <see cref="MaxByteCipherBytes"/>) is turned back and scanned one level deeper, where every rule applies.
/// Key <c>0x20</c> is tried only for heads that hold a character other than a letter: it only swaps the case of
/// letters, so it would read lower-case text (<c>akia…</c>, <c>asiapacific</c>) as an upper-case prefix. The bytes are
/// also scanned as they are. A layer longer than <see cref="MaxByteCipherBytes"/> has its first 64 KiB turned back.
/// Not found: multi-byte XOR keys, data that does not start with a head, and base64 of XORed or EBCDIC bytes (a start
/// test on every base64-shaped run cost 5 % on the issues body: only hex runs are tested).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>
    /// First words of credential files and dumps (<c>.env</c> lines, <c>~/.aws/credentials</c>, PEM keys, <c>export</c>
    /// lines, <c>password:</c>…): with the prefixes of <see cref="ObfuscatedAnchors"/>, the heads that start a layer read
    /// under ROT47 (<see cref="ScanRot47Layer"/>), a single-byte XOR or EBCDIC (<see cref="TryScanByteCiphers"/>).
    /// </summary>
    private static readonly string[] CredentialFileHeads = ["AWS_", "aws_", "[default]", "-----BEGIN", "export ", "OPENAI_", "ANTHROPIC_", "GITHUB_", "password", "PASSWORD", "api_key", "API_KEY", "token", "TOKEN", "secret", "SECRET"];

    /// <summary>The most bytes turned back under a single-byte XOR or from EBCDIC.</summary>
    private const int MaxByteCipherBytes = 64 * 1024;

    /// <summary>
    /// IBM code page 500 (EBCDIC "International Latin-1") for printable ASCII: the EBCDIC byte of each of <c>0x20</c>–<c>0x7E</c>,
    /// in order, as hex (Unicode.org MAPPINGS/VENDORS/MICSFT/EBCDIC/CP500.TXT; the table Python's <c>cp500</c> codec is
    /// generated from). Line feed is <c>0x25</c>, tab <c>0x05</c>, carriage return <c>0x0D</c>.
    /// </summary>
    private const string Cp500Printable =
        "404f7f7b5b6c507d4d5d5c4e6b604b61f0f1f2f3f4f5f6f7f8f97a5e4c7e6e6f7cc1c2c3c4c5c6c7c8c9d1d2d3d4d5d6d7d8d9e2e3e4e5e6e7e8e94ae05a5f6d79818283848586878889919293949596979899a2a3a4a5a6a7a8a9c0bbd0a1";

    /// <remarks>A nested type, so that it is built after <see cref="ObfuscatedAnchors"/> (static fields of partial files initialise in no set order).</remarks>
    private static class ByteHeads
    {
        /// <summary>The heads as ASCII bytes: the prefixes of <see cref="ObfuscatedAnchors"/> of 4+ characters and credential files' first words.</summary>
        public static readonly byte[][] Ascii =
        [
            .. ObfuscatedAnchors.Select(a => a.Prefix).Where(p => p.Length >= 4).Select(System.Text.Encoding.ASCII.GetBytes),
            .. CredentialFileHeads.Select(System.Text.Encoding.ASCII.GetBytes),
        ];

        /// <summary>Which heads of <see cref="Ascii"/> are letters only (key 0x20 is not tried on them).</summary>
        public static readonly bool[] LettersOnly = [.. Ascii.Select(h => h.All(b => char.IsAsciiLetter((char)b)))];

        /// <summary>ASCII character (below 128) → EBCDIC (code page 500) byte; 0 where not mapped here.</summary>
        private static readonly byte[] ToEbcdic = BuildToEbcdic();

        /// <summary>EBCDIC (code page 500) byte → character; <c>\0</c> where the byte is not one of the characters mapped here.</summary>
        public static readonly char[] FromEbcdic = BuildFromEbcdic();

        /// <summary>The heads in EBCDIC.</summary>
        public static readonly byte[][] Ebcdic = [.. Ascii.Select(h => h.Select(b => ToEbcdic[b]).ToArray())];

        private static byte[] BuildToEbcdic()
        {
            var to = new byte[128];
            for (int c = 0x20; c < 0x7F; c++)
            {
                to[c] = Convert.ToByte(Cp500Printable.Substring((c - 0x20) * 2, 2), 16);
            }

            to['\n'] = 0x25;
            to['\t'] = 0x05;
            to['\r'] = 0x0D;
            return to;
        }

        private static char[] BuildFromEbcdic()
        {
            var from = new char[256];
            var to = ToEbcdic;
            for (int c = 0; c < to.Length; c++)
            {
                if (to[c] != 0)
                {
                    from[to[c]] = (char)c;
                }
            }

            return from;
        }
    }

    /// <summary>
    /// Bitmap of the first four bytes of every head, in a form a single-byte XOR does not change (the XOR of each byte with
    /// the next: <c>b0^b1, b1^b2, b2^b3</c>, 24 bits), and of the first four bytes of every head in EBCDIC (folded to 24
    /// bits the same way): 2^24 bits would not stay in cache, so the 24 bits index 2^16 bits (8 KiB) after a multiplicative
    /// hash; a false hit only costs the full check in <see cref="TryScanByteCiphers"/>.
    /// </summary>
    private static class ByteCipherStarts
    {
        public static readonly ulong[] Bits = Build();

        private static ulong[] Build()
        {
            var bits = new ulong[1 << 10];
            foreach (var h in ByteHeads.Ascii.Concat(ByteHeads.Ebcdic))
            {
                uint i = Index(h[0], h[1], h[2], h[3]);
                bits[i >> 6] |= 1UL << (int)(i & 63);
            }

            return bits;
        }

        /// <summary>The bitmap index of four first bytes (see the type's remarks).</summary>
        public static uint Index(byte b0, byte b1, byte b2, byte b3) => ((uint)(((b0 ^ b1) << 16) | ((b1 ^ b2) << 8) | (b2 ^ b3)) * 0x9E3779B1u) >> 16;
    }

    /// <summary>May four bytes start a head of <see cref="ByteHeads"/> in EBCDIC or under a single-byte XOR? One load (see <see cref="ByteCipherStarts"/>).</summary>
    private static bool ByteCipherStart(byte b0, byte b1, byte b2, byte b3)
    {
        uint i = ByteCipherStarts.Index(b0, b1, b2, b3);
        return ((ByteCipherStarts.Bits[i >> 6] >> (int)(i & 63)) & 1) != 0;
    }

    /// <summary>A hex run whose first four bytes may start a head in EBCDIC or under a single-byte XOR (<see cref="ByteCipherStart"/>): collected although its bytes are not text.</summary>
    private static bool ByteCipherHexStart(ReadOnlySpan<char> s)
    {
        if (s.Length < DeepMinHex)
        {
            return false;
        }

        int h0 = Base64Helpers.HexValue(s[0]), h1 = Base64Helpers.HexValue(s[1]), h2 = Base64Helpers.HexValue(s[2]), h3 = Base64Helpers.HexValue(s[3]);
        if ((h0 | h1 | h2 | h3) < 0)
        {
            return false; // most token runs: a word, an id
        }

        int h4 = Base64Helpers.HexValue(s[4]), h5 = Base64Helpers.HexValue(s[5]), h6 = Base64Helpers.HexValue(s[6]), h7 = Base64Helpers.HexValue(s[7]);
        return (h4 | h5 | h6 | h7) >= 0 && ByteCipherStart((byte)((h0 << 4) | h1), (byte)((h2 << 4) | h3), (byte)((h4 << 4) | h5), (byte)((h6 << 4) | h7));
    }

    /// <summary>
    /// Bytes that start with a head of <see cref="ByteHeads"/> in EBCDIC or under a single-byte XOR (see the type's
    /// remarks): turned back and scanned one level deeper (encodings <see cref="DlpEncodings.Ebcdic"/>,
    /// <see cref="DlpEncodings.Xor"/>, after <paramref name="outer"/>'s chain when the bytes were decoded from text).
    /// </summary>
    /// <param name="bytes">The data: a body as sent, or a decoded layer.</param>
    /// <param name="s">Start of the text the bytes came from, in the current layer.</param>
    /// <param name="length">Length of that text.</param>
    /// <param name="outer">The decoder's encoding chain (<c>hex</c>), or null for a body as sent.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The current layer.</param>
    /// <returns>Whether the bytes were turned back and scanned.</returns>
    private bool TryScanByteCiphers(ReadOnlySpan<byte> bytes, int s, int length, string? outer, ref ScanState st, in Layer layer)
    {
        if (bytes.Length < MinimumFindingLength || !ByteCipherStart(bytes[0], bytes[1], bytes[2], bytes[3])
            || (outer is not null && (outer.EndsWith(DlpEncodings.Xor, StringComparison.Ordinal) || outer.EndsWith(DlpEncodings.Ebcdic, StringComparison.Ordinal))))
        {
            return false;
        }

        string Chain(string e) => outer is null ? e : outer + "+" + e;
        bytes = bytes[..Math.Min(bytes.Length, MaxByteCipherBytes)]; // a longer layer: its first 64 KiB

        // EBCDIC heads start with a byte of 0x80 and up (letters, digits) or below ('[' 0x4A, '-' 0x60): no gate on it.
        foreach (var head in ByteHeads.Ebcdic)
        {
            if (bytes.StartsWith(head))
            {
                var chars = new char[bytes.Length];
                for (int i = 0; i < chars.Length; i++)
                {
                    char c = ByteHeads.FromEbcdic[bytes[i]];
                    chars[i] = c == '\0' ? '\uFFFD' : c;
                }

                ScanDecodedChars(chars, s, length, Chain(DlpEncodings.Ebcdic), ref st, layer);
                return true;
            }
        }

        for (int h = 0; h < ByteHeads.Ascii.Length; h++)
        {
            var head = ByteHeads.Ascii[h];
            // Key 0x20 only swaps the case of letters (akia → AKIA): text, which the case rules judge, not a cipher. It is
            // tried only for heads with a character that is not a letter (ghp_, [default]), which it turns into a control byte.
            byte key = (byte)(bytes[0] ^ head[0]);
            if (key == 0 || (key == 0x20 && ByteHeads.LettersOnly[h]) || bytes.Length < head.Length)
            {
                continue;
            }

            int k = 1;
            while (k < head.Length && (bytes[k] ^ key) == head[k])
            {
                k++;
            }

            if (k < head.Length)
            {
                continue;
            }

            byte[] plain = new byte[bytes.Length];
            for (int i = 0; i < plain.Length; i++)
            {
                plain[i] = (byte)(bytes[i] ^ key);
            }

            ScanDecoded(plain, s, length, Chain(DlpEncodings.Xor), ref st, layer);
            return true;
        }

        return false;
    }
}
