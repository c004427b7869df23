using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace BotBottle.Dlp;

/// <summary>
/// Keys and personal data beyond cloud tokens: Bitcoin-style private keys (WIF and BIP-32 extended private keys,
/// base58check), BIP-39 seed phrases and IBANs. Every matcher here confirms with the format's own checksum, since none of
/// these has a distinctive literal prefix that would make a checksum failure worth reporting on its own — except the
/// extended keys (<c>xprv</c>…), whose prefix is the evidence (a failing checksum is reported, not validated).
/// </summary>
internal static partial class CryptoRules
{
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly sbyte[] s_base58 = BuildBase58();

    /// <summary>True for a character of the Bitcoin base58 alphabet (no 0, O, I, l).</summary>
    public static bool IsBase58(char c) => c < 128 && s_base58[c] >= 0;

    /// <summary>
    /// Decodes Bitcoin base58 (https://en.bitcoin.it/wiki/Base58Check_encoding) into <paramref name="dest"/>, big-endian;
    /// returns the byte count or -1 when a character is outside the alphabet or the value does not fit.
    /// </summary>
    public static int DecodeBase58(ReadOnlySpan<char> s, Span<byte> dest)
    {
        int zeros = 0;
        while (zeros < s.Length && s[zeros] == '1')
        {
            zeros++;
        }

        Span<byte> b = stackalloc byte[128];
        int len = 0; // little-endian bytes of the number
        for (int i = zeros; i < s.Length; i++)
        {
            int carry = s[i] < 128 ? s_base58[s[i]] : -1;
            if (carry < 0)
            {
                return -1;
            }

            for (int j = 0; j < len; j++)
            {
                carry += b[j] * 58;
                b[j] = (byte)carry;
                carry >>= 8;
            }

            while (carry > 0)
            {
                if (len == b.Length)
                {
                    return -1;
                }

                b[len++] = (byte)carry;
                carry >>= 8;
            }
        }

        int total = zeros + len;
        if (total > dest.Length)
        {
            return -1;
        }

        dest[..zeros].Clear();
        for (int j = 0; j < len; j++)
        {
            dest[zeros + j] = b[len - 1 - j];
        }

        return total;
    }

    /// <summary>Base58check (https://en.bitcoin.it/wiki/Base58Check_encoding): the last 4 bytes are the first 4 of SHA-256(SHA-256(payload)).</summary>
    public static bool IsBase58Check(ReadOnlySpan<byte> data)
    {
        if (data.Length < 5)
        {
            return false;
        }

        Span<byte> h = stackalloc byte[32];
        SHA256.HashData(data[..^4], h);
        SHA256.HashData(h, h);
        return h[..4].SequenceEqual(data[^4..]);
    }

    /// <summary>
    /// Is the list of 64 byte values from <paramref name="at"/> (its first digit) to <paramref name="end"/> (past its last)
    /// a Solana keypair (r24 reach round)? <c>solana-keygen</c> writes the keypair file (<c>~/.config/solana/id.json</c>)
    /// as a compact JSON array of the 64 bytes of the secret key (the 32-byte Ed25519 seed, then the public key;
    /// https://docs.anza.xyz/cli/wallets/file-system, <c>Keypair.fromSecretKey(Uint8Array)</c> in @solana/web3.js). The
    /// caller has checked 64 elements, each 0–255, 32+ distinct, not sorted; here the list must be bracketed
    /// (<c>[…]</c>) and either be compact (no blanks) and the whole text or a JSON string's whole content (the file sent
    /// as it is; a spaced list alone is as often a digest printed by a script, which the r32 round's red team sent), or follow a key's name on its line or the line before (<c>secretKey</c>, <c>secret_key</c>,
    /// <c>privateKey</c>, <c>private_key</c>, <c>keypair</c>, <c>id.json</c>: <c>cat ~/.config/solana/id.json</c>; since r32
    /// also <c>wallet</c>, <c>signer</c> and <c>payer</c>, the names a Solana program's client gives its keypair), with
    /// no signature, hash or digest named there. <paramref name="start"/>..<paramref name="stop"/> spans the brackets.
    /// </summary>
    public static bool SolanaKeypairContext(ReadOnlySpan<char> t, int at, int end, out int start, out int stop)
    {
        start = at;
        stop = end;
        while (start > 0 && at - start < 4 && t[start - 1] is ' ' or '\t' or '\n' or '\r')
        {
            start--;
        }

        while (stop < t.Length && stop - end < 4 && t[stop] is ' ' or '\t' or '\n' or '\r')
        {
            stop++;
        }

        if (start < 1 || t[start - 1] != '[' || stop >= t.Length || t[stop] != ']')
        {
            return false;
        }

        start--;
        stop++;
        var before = t[..start].TrimEnd(" \t\r\n");
        var after = t[stop..].TrimStart(" \t\r\n");
        if (!t[start..stop].ContainsAny(' ', '\n') && (before.IsEmpty || before[^1] == '"')
            && (after.IsEmpty || after[0] == '"' || after.StartsWith("\\n\"", StringComparison.Ordinal)))
        {
            return true; // the keypair file itself, or its content in a JSON string
        }

        // the key's name on the list's line, or the file's name on the line before when the list starts its line
        // (cat ~/.config/solana/id.json); a line break raw or JSON-escaped
        var back = t[Math.Max(0, start - 160)..start];
        int own = LastLineBreak(back);
        var line = back[(own + 1)..];
        if (Names(line, ["secretkey", "secret_key", "privatekey", "private_key", "private-key", "keypair", "id.json", "wallet", "signer", "payer"]))
        {
            return !Names(line, ["sig", "hash", "digest", "sha", "checksum"]);
        }

        if (own <= 0 || !line.Trim().IsEmpty)
        {
            return false;
        }

        var head = back[..(back[own] == 'n' ? own - 1 : own)];
        var previous = head[(LastLineBreak(head) + 1)..];
        return Names(previous, ["id.json", "keypair"]) && !Names(previous, ["sig", "hash", "digest", "sha", "checksum"]);

        static int LastLineBreak(ReadOnlySpan<char> s)
        {
            for (int k = s.Length - 1; k >= 0; k--)
            {
                if (s[k] is '\n' or '\r' || (s[k] == 'n' && k > 0 && s[k - 1] == '\\'))
                {
                    return k; // the break's last character: the line after it starts at k + 1 (for \n, k is the 'n')
                }
            }

            return -1;
        }

        static bool Names(ReadOnlySpan<char> s, ReadOnlySpan<string> words)
        {
            foreach (var w in words)
            {
                if (s.Contains(w, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// WIF private key (https://en.bitcoin.it/wiki/Wallet_import_format): a run of exactly 51 (uncompressed, prefix
    /// <c>5</c> / testnet <c>9</c>) or 52 (compressed, <c>K</c>/<c>L</c> / testnet <c>c</c>) base58 characters decoding
    /// to version 0x80 (0xEF testnet) + 32-byte key (+ 0x01) + a valid base58check checksum. Called on token runs.
    /// </summary>
    public static bool IsWif(ReadOnlySpan<char> run)
    {
        if (run.Length is not (51 or 52) || run[0] is not ('5' or 'K' or 'L' or '9' or 'c'))
        {
            return false;
        }

        foreach (char c in run)
        {
            if (!IsBase58(c))
            {
                return false;
            }
        }

        Span<byte> d = stackalloc byte[40];
        int n = DecodeBase58(run, d);
        return (n == 37 || (n == 38 && d[33] == 0x01)) && d[0] is 0x80 or 0xEF && IsBase58Check(d[..n]);
    }

    /// <summary>
    /// BIP-32 extended private key (https://github.com/bitcoin/bips/blob/master/bip-0032.mediawiki, serialization
    /// format; SLIP-132 <c>yprv</c>/<c>zprv</c>/<c>uprv</c>/<c>vprv</c>): prefix + 107 base58 characters (111 in all).
    /// The checksum is the validator.
    /// </summary>
    public static bool ExtendedPrivateKey(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        start = length = 0;
        if (a > 0 && char.IsAsciiLetterOrDigit(t[a - 1]))
        {
            return false;
        }

        int n = 0;
        while (a + n < t.Length && n < 120 && IsBase58(t[a + n]))
        {
            n++;
        }

        if (n != 111 || (a + n < t.Length && char.IsAsciiLetterOrDigit(t[a + n])))
        {
            return false;
        }

        start = a;
        length = n;
        return true;
    }

    /// <summary>The base58check of an extended key (82 bytes: 78 + 4).</summary>
    public static bool ExtendedKeyValidator(ReadOnlySpan<char> token)
    {
        Span<byte> d = stackalloc byte[90];
        int n = DecodeBase58(token, d);
        return n == 82 && IsBase58Check(d[..n]);
    }

    // ---- BIP-39 ------------------------------------------------------------------------------------------------

    /// <summary>Slots of the wordlist's hash table: a power of two, twice the 2048 words (load ½, short probe chains).</summary>
    private const int WordSlots = 4096;

    /// <summary>
    /// The BIP-39 English wordlist (https://github.com/bitcoin/bips/blob/master/bip-0039/english.txt, 2048 words of 3–8
    /// lower-case letters, embedded as a resource) as an open-addressing hash table keyed by the word packed into an
    /// integer (<see cref="PackWord"/>): a lookup is a multiply and one or two compares, no string hashing. Loaded on
    /// first use (a nested type's static constructor, so the hot path reads two static fields and no lazy wrapper).
    /// </summary>
    private static class Wordlist
    {
        public static readonly short[] Indexes;
        public static readonly ulong[] Keys = Load(out Indexes);

        private static ulong[] Load(out short[] indexesOut)
        {
            using var stream = typeof(CryptoRules).Assembly.GetManifestResourceStream("BotBottle.Dlp.bip39-english.txt")
                ?? throw new InvalidOperationException("The BIP-39 wordlist resource is missing from BotBottle.Domain.");
            using var reader = new StreamReader(stream);
            var keys = new ulong[WordSlots];
            var indexes = new short[WordSlots];
            int count = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                ulong key = PackWord(line);
                if (key == 0 || count >= 2048)
                {
                    throw new InvalidOperationException($"The BIP-39 wordlist resource has a word that is not 3–8 letters a–z, or more than 2048 words (line {count + 1}).");
                }

                int slot = WordSlot(key);
                while (keys[slot] != 0)
                {
                    slot = (slot + 1) & (WordSlots - 1);
                }

                keys[slot] = key;
                indexes[slot] = (short)count++;
            }

            if (count != 2048)
            {
                throw new InvalidOperationException($"The BIP-39 wordlist resource has {count} words, not 2048.");
            }

            indexesOut = indexes;
            return keys;
        }
    }

    /// <summary>A word of 3–8 letters a–z packed 5 bits a letter (a = 1, so lengths differ), or 0 for anything else.</summary>
    private static ulong PackWord(ReadOnlySpan<char> word)
    {
        if (word.Length is < 3 or > 8)
        {
            return 0;
        }

        ulong key = 0;
        foreach (char c in word)
        {
            uint v = (uint)(c - 'a');
            if (v > 25)
            {
                return 0;
            }

            key = (key << 5) | (v + 1);
        }

        return key;
    }

    private static int WordSlot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 52);

    /// <summary>The BIP-39 index of a packed word (<see cref="PackWord"/>; 0 for "not a word"), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lookup(ulong key)
    {
        if (key == 0)
        {
            return -1;
        }

        var keys = Wordlist.Keys;
        for (int slot = WordSlot(key); ; slot = (slot + 1) & (WordSlots - 1))
        {
            ulong k = keys[slot];
            if (k == key)
            {
                return Wordlist.Indexes[slot];
            }

            if (k == 0)
            {
                return -1;
            }
        }
    }

    /// <summary>The BIP-39 index of <paramref name="word"/> (lower-case a–z, 3–8 letters), or -1.</summary>
    public static int WordIndex(ReadOnlySpan<char> word) => Lookup(PackWord(word));

    /// <summary>
    /// The lower-case letters from <paramref name="at"/> on (at most 9, as the walk reads them) packed as by
    /// <see cref="PackWord"/> in the same pass that finds their end: the key is 0 unless there are 3–8 of them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ScanWord(ReadOnlySpan<char> t, int at, out int end)
    {
        ulong key = 0;
        int e = at;
        while (e < t.Length && e - at < 9)
        {
            uint v = (uint)(t[e] - 'a');
            if (v > 25)
            {
                break;
            }

            key = (key << 5) | (v + 1);
            e++;
        }

        end = e;
        return e - at is >= 3 and <= 8 ? key : 0;
    }

    /// <summary>As <see cref="ScanWord"/>, backwards: the lower-case letters before <paramref name="end"/> (at most 9), packed, and their start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ScanWordBack(ReadOnlySpan<char> t, int end, out int start)
    {
        ulong key = 0;
        int b = end, shift = 0;
        while (b > 0 && end - b < 9)
        {
            uint v = (uint)(t[b - 1] - 'a');
            if (v > 25)
            {
                break;
            }

            if (shift < 64)
            {
                key |= (ulong)(v + 1) << shift;
            }

            shift += 5;
            b--;
        }

        start = b;
        return end - b is >= 3 and <= 8 ? key : 0;
    }

    /// <summary>Characters tested at once by <see cref="Classify"/>: the vector word scans need this many readable characters.</summary>
    private const int WindowChars = 16;

    /// <summary>
    /// The 16 characters from <paramref name="r"/> as two masks, bit i for character i: lower-case <c>a</c>–<c>z</c>, and
    /// ASCII letter or digit (<see cref="char.IsAsciiLetterOrDigit"/>). Two 8-lane vector tests per mask, on every
    /// instruction set (the 128-bit vector API).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Classify(ref ushort r, out uint alnum)
    {
        var lo = Vector128.LoadUnsafe(ref r);
        var hi = Vector128.LoadUnsafe(ref r, 8);
        var a = Vector128.Create((ushort)'a');
        var letters = Vector128.Create((ushort)26);
        var digits = Vector128.Create((ushort)10);
        var zero = Vector128.Create((ushort)'0');
        var caseBit = Vector128.Create((ushort)0x20);
        var lowerLo = Vector128.LessThan(lo - a, letters);
        var lowerHi = Vector128.LessThan(hi - a, letters);

        // c | 0x20 folds A–Z onto a–z and moves no other character into a–z ('@' and '[' to '`' and '{').
        var alnumLo = Vector128.LessThan((lo | caseBit) - a, letters) | Vector128.LessThan(lo - zero, digits);
        var alnumHi = Vector128.LessThan((hi | caseBit) - a, letters) | Vector128.LessThan(hi - zero, digits);
        alnum = alnumLo.ExtractMostSignificantBits() | (alnumHi.ExtractMostSignificantBits() << 8);
        return lowerLo.ExtractMostSignificantBits() | (lowerHi.ExtractMostSignificantBits() << 8);
    }

    /// <summary>
    /// The first <paramref name="n"/> characters from <paramref name="r"/> (lower-case letters, 3 ≤ n ≤ 8) packed as by
    /// <see cref="PackWord"/>, without a loop: eight characters are read (the caller guarantees they exist), each
    /// reduced to 5 bits in its own field, and the fields past the word shifted out. Garbage for other n; with n = 8,
    /// the last k fields alone (masked by the caller) pack the last k characters.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PackFixed(ref ushort r, int n)
    {
        ulong k = ((ulong)((r - 96u) & 31) << 35)
            | ((ulong)((Unsafe.Add(ref r, 1) - 96u) & 31) << 30)
            | ((ulong)((Unsafe.Add(ref r, 2) - 96u) & 31) << 25)
            | ((ulong)((Unsafe.Add(ref r, 3) - 96u) & 31) << 20)
            | ((ulong)((Unsafe.Add(ref r, 4) - 96u) & 31) << 15)
            | ((ulong)((Unsafe.Add(ref r, 5) - 96u) & 31) << 10)
            | ((ulong)((Unsafe.Add(ref r, 6) - 96u) & 31) << 5)
            | ((ulong)((Unsafe.Add(ref r, 7) - 96u) & 31));
        return k >> ((5 * (8 - n)) & 63);
    }

    /// <summary>
    /// <see cref="ScanWord"/> and the walk's test of the character after the word, for <paramref name="at"/> with
    /// <see cref="WindowChars"/> characters readable from it: the packed word when 3–8 lower-case letters start at
    /// <paramref name="at"/> and no ASCII letter or digit follows them, else 0. <paramref name="end"/> is where
    /// <see cref="ScanWord"/> stops (after at most 9 letters).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WordAfter(ref ushort r0, int at, out int end)
    {
        ref ushort r = ref Unsafe.Add(ref r0, at);
        uint lower = Classify(ref r, out uint alnum);
        int n = Math.Min(BitOperations.TrailingZeroCount(~lower), 9);
        end = at + n;
        ulong key = PackFixed(ref r, n);
        return (uint)(n - 3) <= 5 && ((alnum >> n) & 1) == 0 ? key : 0;
    }

    /// <summary>
    /// <see cref="ScanWordBack"/> and the walk's test of the character before the word, for <paramref name="end"/> ≥
    /// <see cref="WindowChars"/>: the packed word when 3–8 lower-case letters end just before <paramref name="end"/>
    /// and no ASCII letter or digit precedes them, else 0. <paramref name="start"/> is where <see cref="ScanWordBack"/>
    /// stops (at most 9 letters back). Reads up to <paramref name="end"/> − 1 only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WordBefore(ref ushort r0, int end, out int start)
    {
        uint lower = Classify(ref Unsafe.Add(ref r0, end - WindowChars), out uint alnum);
        int n = Math.Min(BitOperations.LeadingZeroCount(~lower << 16), 9); // lower-case letters ending at bit 15
        start = end - n;
        ulong key = PackFixed(ref Unsafe.Add(ref r0, end - 8), 8) & ((1UL << (5 * n)) - 1); // the last n of the 8 characters before end
        return (uint)(n - 3) <= 5 && ((alnum >> (15 - n)) & 1) == 0 ? key : 0;
    }

    /// <summary>
    /// The probed word's test in <see cref="ProbeSeedPhrase"/> for <paramref name="p"/> (a lower-case letter) with
    /// <see cref="WindowChars"/> characters readable on each side: its bounds as the character loops find them (at most
    /// 9 letters each way) and its wordlist index, or -1 when it is not a 3–8-letter wordlist word standing alone.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ProbeWord(ref ushort r0, int p, out int ws, out int we)
    {
        uint lowerAhead = Classify(ref Unsafe.Add(ref r0, p), out uint alnumAhead);
        uint lowerBehind = Classify(ref Unsafe.Add(ref r0, p - WindowChars), out uint alnumBehind);
        int ahead = Math.Min(BitOperations.TrailingZeroCount(~lowerAhead), 9);
        int behind = Math.Min(BitOperations.LeadingZeroCount(~lowerBehind << 16), 9);
        ws = p - behind;
        we = p + ahead;
        int n = ahead + behind;
        if ((uint)(n - 3) > 5 || ((alnumAhead >> ahead) & 1) != 0 || ((alnumBehind >> (15 - behind)) & 1) != 0)
        {
            return -1;
        }

        return Lookup(PackFixed(ref Unsafe.Add(ref r0, ws), n));
    }

    /// <summary>The shortest BIP-39 phrase in characters: 12 words of 3+ letters and 11 separators.</summary>
    public const int MinPhraseChars = 47;

    /// <summary>
    /// Looks for a BIP-39 mnemonic around position <paramref name="p"/> of <paramref name="t"/>: a run of at least 12
    /// wordlist words separated by single spaces, commas or line breaks. Every phrase is at least
    /// <see cref="MinPhraseChars"/> characters long, so probing every <see cref="MinPhraseChars"/> characters (or fewer)
    /// meets each one. Within the run, a window of 12, 15, 18, 21 or 24 words whose BIP-39 checksum (the first ENT/32
    /// bits of SHA-256 of the entropy) verifies is reported, validated; a run with no such window is reported whole,
    /// not validated, when it has a mnemonic's length (random words are a seed phrase's shape too; r31: 12, 15, 18, 21 or 24 words). Ordinary prose does not make such runs: its function
    /// words (the, of, to, is, in…) are not in the wordlist.
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="p">The probe position (a lower-case letter, else nothing is found).</param>
    /// <param name="floor">The run is not walked back before this position (the caller has already probed the text before it).</param>
    /// <param name="start">Start of the reported span (the validated window, else the whole run).</param>
    /// <param name="length">Its length; 0 when nothing is reported.</param>
    /// <param name="validated">True when a window's checksum verified.</param>
    /// <param name="runWords">The wordlist words in a row the walk met around <paramref name="p"/> (0 when the probed word is not one; r29: the case-folded probe's gate and its whole-run test).</param>
    /// <returns>The position where probing may continue (after the probed word, or after the run).</returns>
    public static int ProbeSeedPhrase(ReadOnlySpan<char> t, int p, int floor, out int start, out int length, out bool validated, out int runWords)
    {
        start = length = runWords = 0;
        validated = false;
        if (!char.IsAsciiLetterLower(t[p]))
        {
            return p + 1;
        }

        // The probed word: at most 8 letters each way, so long lower-case runs cost O(1) per probe. Away from the text's
        // edges each word is found with two 16-character vector tests and packed without a loop (ProbeWord, WordAfter,
        // WordBefore): the same words and keys as the character loops, without a mispredicted loop exit per word.
        ref ushort r0 = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(t));
        int ws, we;
        if (p >= WindowChars && p + WindowChars <= t.Length)
        {
            if (ProbeWord(ref r0, p, out ws, out we) < 0)
            {
                return we;
            }
        }
        else
        {
            ws = we = p;
            while (ws > 0 && p - ws < 9 && char.IsAsciiLetterLower(t[ws - 1]))
            {
                ws--;
            }

            while (we < t.Length && we - p < 9 && char.IsAsciiLetterLower(t[we]))
            {
                we++;
            }

            if ((ws > 0 && char.IsAsciiLetterOrDigit(t[ws - 1])) || (we < t.Length && char.IsAsciiLetterOrDigit(t[we])) || WordIndex(t[ws..we]) < 0)
            {
                return we;
            }
        }

        // Walk back over wordlist words to the run's start (never before floor: the caller has probed everything before
        // it), then forward over the whole run once. The caller continues after the run, so each word is walked at most
        // twice whatever the run's length. Each word is scanned and packed in one pass (ScanWord).
        int first = ws, words = 1; // the probed word is one
        while (true)
        {
            int sep = SeparatorBefore(t, first);
            if (sep < 0)
            {
                break;
            }

            int b;
            if (sep >= WindowChars)
            {
                ulong key = WordBefore(ref r0, sep, out b);
                if (key == 0 || b < floor || Lookup(key) < 0)
                {
                    if (EscapedWordBefore(t, sep, floor) is int eb and >= 0)
                    {
                        first = eb;
                        words++;
                    }

                    break;
                }
            }
            else
            {
                ulong key = ScanWordBack(t, sep, out b);
                if (b == sep || b < floor || (b > 0 && char.IsAsciiLetterOrDigit(t[b - 1])) || Lookup(key) < 0)
                {
                    if (EscapedWordBefore(t, sep, floor) is int eb and >= 0)
                    {
                        first = eb;
                        words++;
                    }

                    break;
                }
            }

            first = b;
            words++;
        }

        // Count the run's words after the probed one (no storage, each word looked up once): almost every probe of
        // ordinary text ends here.
        int lastEnd = we;
        for (int at = SeparatorAfter(t, we); at >= 0;)
        {
            int e;
            if (at + WindowChars <= t.Length)
            {
                ulong key = WordAfter(ref r0, at, out e);
                if (key == 0 || Lookup(key) < 0)
                {
                    break;
                }
            }
            else
            {
                ulong key = ScanWord(t, at, out e);
                if (e == at || (e < t.Length && char.IsAsciiLetterOrDigit(t[e])) || Lookup(key) < 0)
                {
                    break;
                }
            }

            words++;
            lastEnd = e;
            at = SeparatorAfter(t, e);
        }

        runWords = words;
        if (words < 12)
        {
            return Math.Max(we, lastEnd);
        }

        return CheckRun(t, first, we, lastEnd, out start, out length, out validated);
    }

    /// <summary>
    /// The rare part of <see cref="ProbeSeedPhrase"/>: a run of 12+ wordlist words starts at <paramref name="first"/>;
    /// reads its words again, checksums windows at both ends and sets the reported span. Kept apart so that the common
    /// path (a probe in ordinary text) does not set up the word buffers. Internal for the probe's reference test
    /// (<c>SeedProbeTests</c>).
    /// </summary>
    /// <param name="t">The text.</param>
    /// <param name="first">Start of the run's first word.</param>
    /// <param name="we">End of the probed word.</param>
    /// <param name="lastEnd">End of the run's last word as the probe's walk found it.</param>
    /// <param name="start">Start of the reported span.</param>
    /// <param name="length">Its length; 0 when nothing is reported.</param>
    /// <param name="validated">True when a window's checksum verified.</param>
    /// <returns>The position where probing may continue.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static int CheckRun(ReadOnlySpan<char> t, int first, int we, int lastEnd, out int start, out int length, out bool validated)
    {
        start = length = 0;
        validated = false;

        // The first EdgeWords words and (in a ring) the last EdgeWords words of the run: checksum windows are taken
        // there only, so a run costs a bounded number of SHA-256 computations however long it is.
        Span<int> indexes = stackalloc int[EdgeWords];
        Span<int> starts = stackalloc int[EdgeWords];
        Span<int> ends = stackalloc int[EdgeWords];
        Span<int> tailIndexes = stackalloc int[EdgeWords];
        Span<int> tailStarts = stackalloc int[EdgeWords];
        Span<int> tailEnds = stackalloc int[EdgeWords];
        int count = 0, pos = first;
        while (true)
        {
            int e = pos;
            while (e < t.Length && e - pos < 9 && char.IsAsciiLetterLower(t[e]))
            {
                e++;
            }

            int idx = e > pos && (e >= t.Length || !char.IsAsciiLetterOrDigit(t[e])) ? WordIndex(t[pos..e]) : -1;
            if (idx < 0)
            {
                break;
            }

            if (count < EdgeWords)
            {
                indexes[count] = idx;
                starts[count] = pos;
                ends[count] = e;
            }

            int r = count % EdgeWords;
            tailIndexes[r] = idx;
            tailStarts[r] = pos;
            tailEnds[r] = e;
            count++;
            lastEnd = e;
            int next = SeparatorAfter(t, e);
            if (next < 0)
            {
                break;
            }

            pos = next;
        }

        if (count < 12)
        {
            return count == 0 ? we : Math.Max(we, lastEnd);
        }

        // The wordlist itself (or a slice of it: english.txt is sorted) is not a phrase; a random phrase is in ascending
        // order with a chance of 1 in 12!, and its checksum would verify on 1 window in 16 of the sorted list. Under a
        // label naming a seed phrase, a slice of twelve words is one (the wordlist's first twelve words are what a test's
        // author writes; r36), unvalidated.
        if (IsAscending(indexes[..Math.Min(count, EdgeWords)]))
        {
            if (count != 12 || !SeedLabelBefore(t, first))
            {
                return lastEnd;
            }

            start = starts[0];
            length = lastEnd - start;
            return lastEnd;
        }

        if (FindValidWindow(indexes[..Math.Min(count, EdgeWords)], out int o, out int size))
        {
            validated = true;
            start = starts[o];
            length = ends[o + size - 1] - start;
            return lastEnd;
        }

        if (count > EdgeWords)
        {
            // Unroll the ring (oldest first) and try the run's last EdgeWords words.
            int oldest = count % EdgeWords;
            Span<int> lastIndexes = stackalloc int[EdgeWords];
            Span<int> lastStarts = stackalloc int[EdgeWords];
            Span<int> lastEnds = stackalloc int[EdgeWords];
            for (int k = 0; k < EdgeWords; k++)
            {
                int r = (oldest + k) % EdgeWords;
                lastIndexes[k] = tailIndexes[r];
                lastStarts[k] = tailStarts[r];
                lastEnds[k] = tailEnds[r];
            }

            if (FindValidWindow(lastIndexes, out o, out size))
            {
                validated = true;
                start = lastStarts[o];
                length = lastEnds[o + size - 1] - start;
                return lastEnd;
            }
        }

        // Unvalidated, the run is reported by its shape: one word repeated (prose such as "long long long …" in a test of
        // line folding) is not a phrase's shape; 12 words drawn from 2,048 are almost always all different.
        if (Distinct(indexes[..Math.Min(count, EdgeWords)]) < MinDistinctWords)
        {
            return lastEnd;
        }

        // ... and only a run of a mnemonic's length (BIP-39: 12, 15, 18, 21 or 24 words): a list of 14 animals or 13
        // feature flags is made of wordlist words too (the r31 red team's false positives), a phrase that fails its
        // checksum still has its length. A run whose first words name the phrase ("seed phrase …", r36) is read
        // without them.
        int lead = count is (12 or 15 or 18 or 21 or 24) ? 0 : LeadingLabelWords(indexes[..Math.Min(count, EdgeWords)], count);
        if (count - lead is not (12 or 15 or 18 or 21 or 24))
        {
            return lastEnd;
        }

        start = starts[lead];
        length = lastEnd - start;
        return lastEnd;
    }

    /// <summary>Distinct words an unvalidated run needs among its first <see cref="EdgeWords"/> (a 12-word phrase of random words has 12).</summary>
    private const int MinDistinctWords = 8;

    private static bool IsAscending(ReadOnlySpan<int> indexes)
    {
        for (int k = 1; k < indexes.Length; k++)
        {
            if (indexes[k] <= indexes[k - 1])
            {
                return false;
            }
        }

        return true;
    }

    private static int Distinct(ReadOnlySpan<int> indexes)
    {
        Span<ulong> seen = stackalloc ulong[2048 / 64];
        int n = 0;
        foreach (int i in indexes)
        {
            ulong bit = 1UL << (i & 63);
            if ((seen[i >> 6] & bit) == 0)
            {
                seen[i >> 6] |= bit;
                n++;
            }
        }

        return n;
    }

    /// <summary>Words at each end of a run whose 12–24-word windows are checksummed (a phrase pasted into a longer run of wordlist words sits at one end of it in practice).</summary>
    private const int EdgeWords = 48;

    /// <summary>The first window (longest first, then leftmost) of 24, 21, 18, 15 or 12 words whose BIP-39 checksum verifies.</summary>
    private static bool FindValidWindow(ReadOnlySpan<int> indexes, out int offset, out int size)
    {
        foreach (int n in (ReadOnlySpan<int>)[24, 21, 18, 15, 12])
        {
            for (int o = 0; o + n <= indexes.Length; o++)
            {
                if (ChecksumOk(indexes.Slice(o, n)))
                {
                    offset = o;
                    size = n;
                    return true;
                }
            }
        }

        offset = size = 0;
        return false;
    }

    /// <summary>
    /// The start of a wordlist word that ends at <paramref name="end"/> right after a JSON escape's letter
    /// (<c>"Seed:\nabandon ability …"</c>: the walk reads <c>nabandon</c>, r36), or -1.
    /// </summary>
    private static int EscapedWordBefore(ReadOnlySpan<char> t, int end, int floor)
    {
        int b = end;
        while (b > 0 && end - b < 9 && char.IsAsciiLetterLower(t[b - 1]))
        {
            b--;
        }

        // b is the glued run's start: its first letter is the escape's, the word is the rest
        return b >= floor && b + 4 <= end && t[b] is 'n' or 't' or 'r' && TextDecoders.IsEscapeLetterAt(t, b) && WordIndex(t[(b + 1)..end]) >= 0 ? b + 1 : -1;
    }

    private static int SeparatorBefore(ReadOnlySpan<char> t, int s)
    {
        int i = s;
        if (i > 0 && t[i - 1] is ' ' or '\n' or '\t')
        {
            i--;
            for (int k = 0; k < 3 && t[i] == ' ' && i > 0 && t[i - 1] == ' '; k++)
            {
                i--; // blanks in a row ("abandon  ability", r36)
            }

            if (i > 0 && t[i - 1] is ',' or '\r')
            {
                i--;
            }

            return i;
        }

        return -1;
    }

    private static int SeparatorAfter(ReadOnlySpan<char> t, int e)
    {
        int i = e;
        if (i < t.Length && t[i] is ',' or '\r')
        {
            i++;
        }

        if (i < t.Length && t[i] is ' ' or '\n' or '\t')
        {
            i++;
            for (int k = 0; k < 3 && t[i - 1] == ' ' && i < t.Length && t[i] == ' '; k++)
            {
                i++; // blanks in a row (r36)
            }

            return i;
        }

        return -1;
    }

    /// <summary>BIP-39: the words carry ENT + ENT/32 bits; the last ENT/32 bits are the first bits of SHA-256 of the ENT bits.</summary>
    private static bool ChecksumOk(ReadOnlySpan<int> words)
    {
        int totalBits = words.Length * 11;
        int csBits = totalBits / 33;
        int entBits = totalBits - csBits;
        Span<byte> bits = stackalloc byte[33];
        bits.Clear();
        int bit = 0;
        foreach (int w in words)
        {
            for (int k = 10; k >= 0; k--, bit++)
            {
                if (((w >> k) & 1) != 0)
                {
                    bits[bit >> 3] |= (byte)(0x80 >> (bit & 7));
                }
            }
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bits[..(entBits / 8)], hash);
        for (int k = 0; k < csBits; k++)
        {
            int have = (bits[(entBits + k) >> 3] >> (7 - ((entBits + k) & 7))) & 1;
            int want = (hash[k >> 3] >> (7 - (k & 7))) & 1;
            if (have != want)
            {
                return false;
            }
        }

        return true;
    }

    // ---- IBAN --------------------------------------------------------------------------------------------------

    /// <summary>
    /// IBAN lengths by country (ISO 13616-1; SWIFT IBAN Registry, https://www.swift.com/standards/data-standards/iban).
    /// </summary>
    private static readonly FrozenDictionary<string, int> s_ibanLengths = new Dictionary<string, int>
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28,
        ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23,
        ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18,
        ["NO"] = 15, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The shortest IBAN (Norway's, 15 characters; SWIFT IBAN Registry).</summary>
    public const int IbanMinChars = 15;

    /// <summary>
    /// Finds an IBAN starting at <paramref name="a"/>: two capital letters of a registered country, two check digits,
    /// then the BBAN (capital letters and digits), written compact or in groups of four separated by single spaces;
    /// the length must be the country's, and the mod-97 check of ISO 7064 (as ISO 13616 applies it) must give 1.
    /// </summary>
    public static bool Iban(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        start = length = 0;
        if (a + IbanMinChars > t.Length || (a > 0 && char.IsAsciiLetterOrDigit(t[a - 1]) && !TextDecoders.IsEscapeLetterAt(t, a - 1)) || !char.IsAsciiLetterUpper(t[a]) || !char.IsAsciiLetterUpper(t[a + 1])
            || !char.IsAsciiDigit(t[a + 2]) || !char.IsAsciiDigit(t[a + 3]))
        {
            return false;
        }

        Span<char> cc = [t[a], t[a + 1]];
        if (!s_ibanLengths.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(cc, out int want))
        {
            return false;
        }

        Span<char> compact = stackalloc char[34];
        int n = 0, i = a;
        bool grouped = a + 4 < t.Length && t[a + 4] == ' ';
        while (i < t.Length && n < want)
        {
            char c = t[i];
            if (char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            {
                compact[n++] = c;
                i++;
            }
            else if (grouped && c == ' ' && n % 4 == 0 && i + 1 < t.Length && char.IsAsciiLetterOrDigit(t[i + 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        if (n != want || (i < t.Length && char.IsAsciiLetterOrDigit(t[i])))
        {
            return false;
        }

        // mod 97 over BBAN + country + check digits, letters as 10..35
        int rem = 0;
        for (int k = 0; k < n; k++)
        {
            char c = compact[(k + 4) % n];
            rem = char.IsAsciiDigit(c) ? ((rem * 10) + (c - '0')) % 97 : ((rem * 100) + (c - 'A' + 10)) % 97;
        }

        if (rem != 1)
        {
            return false;
        }

        start = a;
        length = i - a;
        return true;
    }

    /// <summary>
    /// An IBAN written the ways <see cref="Iban"/> does not read (ninth issue-16 round): in lower case
    /// (<c>de89370400440532013000</c>, <c>de89 3704 …</c>) or in groups of four joined by <c>-</c> or <c>.</c>
    /// (<c>DE89-3704-0044-…</c>; ISO 13616-1 prints groups of four with blanks, forms and exports use other
    /// separators). One separator throughout, after every fourth character only; the compact upper-case form must pass
    /// <see cref="Iban"/> (the country's length, mod 97 = 1). A lower-case IBAN must have 10+ digits and no upper-case
    /// letter (identifiers in lower case rarely have that many digits), and an account part that is not a hex id
    /// (<see cref="LooksLikeHexId"/>). Out: the span as written.
    /// </summary>
    public static bool IbanLoose(ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        start = length = 0;
        if (a + IbanMinChars > t.Length || (a > 0 && char.IsAsciiLetterOrDigit(t[a - 1]) && !TextDecoders.IsEscapeLetterAt(t, a - 1)) || !char.IsAsciiLetter(t[a]) || !char.IsAsciiLetter(t[a + 1])
            || !char.IsAsciiDigit(t[a + 2]) || !char.IsAsciiDigit(t[a + 3]))
        {
            return false;
        }

        bool lower = char.IsAsciiLetterLower(t[a]);
        char sep = t[a + 4] is ' ' or '-' or '.' ? t[a + 4] : '\0';
        Span<char> compact = stackalloc char[35];
        int n = 0, i = a, digits = 0;
        while (i < t.Length && n < 34)
        {
            char c = t[i];
            if (char.IsAsciiDigit(c) || (lower ? char.IsAsciiLetterLower(c) : char.IsAsciiLetterUpper(c)))
            {
                compact[n++] = char.ToUpperInvariant(c);
                digits += char.IsAsciiDigit(c) ? 1 : 0;
                i++;
            }
            else if (sep != '\0' && c == sep && n % 4 == 0 && i + 1 < t.Length && char.IsAsciiLetterOrDigit(t[i + 1]))
            {
                i++;
            }
            else
            {
                break;
            }
        }

        if ((!lower && sep is '\0' or ' ') || (lower && (digits < 10 || LooksLikeHexId(compact[..n]))) || (i < t.Length && char.IsAsciiLetterOrDigit(t[i]))
            || !Iban(compact[..n], 0, out _, out int compactLength) || compactLength != n)
        {
            return false; // upper case, compact or blank-grouped: Iban itself reads those
        }

        start = a;
        length = i - a;
        return true;
    }

    /// <summary>
    /// True when the account part of a compact IBAN candidate (<paramref name="compact"/>, country and check digits
    /// first) has letters and all of them are A–F: a hex id (a build hash, a span id, an object name) that happens to
    /// start like a country code and pass mod 97, one in 97 of those of the right length (sixth reach round's review:
    /// <c>main-ba331025fb552471603b.js</c>, <c>/trace/be4725c7e67f95d5</c>). Account parts of letters are bank codes,
    /// which rarely use A–F alone; account parts of digits alone are not affected.
    /// </summary>
    internal static bool LooksLikeHexId(ReadOnlySpan<char> compact)
    {
        bool letters = false;
        for (int k = 4; k < compact.Length; k++)
        {
            char c = (char)(compact[k] | 0x20);
            if (c is >= 'g' and <= 'z')
            {
                return false;
            }

            letters |= c is >= 'a' and <= 'f';
        }

        return letters;
    }

    private static sbyte[] BuildBase58()
    {
        var t = new sbyte[128];
        Array.Fill(t, (sbyte)-1);
        for (int i = 0; i < Base58Alphabet.Length; i++)
        {
            t[Base58Alphabet[i]] = (sbyte)i;
        }

        return t;
    }
}
