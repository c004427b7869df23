using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace BotBottle.Dlp;

/// <summary>What a prefilter literal stands for.</summary>
internal enum LiteralKind : byte
{
    /// <summary>A rule anchor as is.</summary>
    RulePlain,

    /// <summary>The stable core of a rule anchor's base64 (or base64url) encoding at one byte alignment.</summary>
    RuleBase64,

    /// <summary>A rule anchor's hex encoding (lower or upper case).</summary>
    RuleHex,

    /// <summary>The stable core of a known secret's base64 (or base64url) encoding at one byte alignment.</summary>
    SecretBase64,

    /// <summary>A known secret's hex encoding (lower or upper case).</summary>
    SecretHex,

    /// <summary>A known secret as is (token-shaped secrets; others use a separate pass).</summary>
    SecretPlain,

    /// <summary>A rule anchor reversed (the token was sent backwards).</summary>
    RuleReversed,

    /// <summary>A rule anchor in ROT13.</summary>
    RuleRot13,

    /// <summary>A rule prefix upper-cased (the whole token was sent upper-cased; eleventh issue-16 round).</summary>
    RuleUpper,

    /// <summary>
    /// An AWS access key id prefix lower-cased (<c>akia</c>, <c>asia</c>): the whole id was sent lower-cased, as DNS
    /// exfiltration does to a host label (twelfth red-team round; <see cref="DlpEngine"/>, DlpEngine.Upper.cs).
    /// </summary>
    RuleLower,

    /// <summary>
    /// A checksummed rule prefix (GitHub, npm) under a letter substitution: a Caesar shift of 1–25 (<see cref="Literal.Shift"/>,
    /// 13 being <see cref="RuleRot13"/>'s) or Atbash (<see cref="Literal.Shift"/> −1); reported only when the token's
    /// checksum verifies once the substitution is undone (DlpEngine.Ciphers.cs).
    /// </summary>
    RuleCipher,

    /// <summary>A rule prefix with every character written twice (<c>gghhpp__</c>, <c>AAKKIIAA</c>; DlpEngine.Ciphers.cs).</summary>
    RuleDoubled,

    /// <summary>The base64 of a rule prefix written backwards (<c>Xwh2Z</c>: base64 text reversed, <c>base64 | rev</c>; DlpEngine.Ciphers.cs).</summary>
    RuleReversedBase64,
}

/// <summary>One prefilter literal.</summary>
internal sealed class Literal
{
    public required string Text { get; init; }

    public required LiteralKind Kind { get; init; }

    /// <summary>Index of the rule or secret in the engine's arrays.</summary>
    public required int Owner { get; init; }

    /// <summary>Base64: the byte offset (0, 1 or 2) of the anchor within its 3-byte group.</summary>
    public int Alignment { get; init; }

    /// <summary>Base64: how many characters after the group boundary the core starts (0, 2 or 3).</summary>
    public int CoreOffset { get; init; }

    /// <summary>Base64: the core uses the base64url alphabet.</summary>
    public bool UrlSafe { get; init; }

    /// <summary><see cref="LiteralKind.RuleCipher"/>: the Caesar shift that made the literal from the prefix (1–25), or −1 for Atbash.</summary>
    public int Shift { get; init; }

    /// <summary>For rule literals: the plain anchor this literal stands for (public text, shown in messages).</summary>
    public string? Anchor { get; init; }

    /// <summary>Offset of the three characters the table is keyed on (the least common trigram of the literal).</summary>
    public int KeyOffset { get; set; }
}

/// <summary>
/// Multi-literal search inside token runs. A 64 Kibit Bloom filter over the first three characters of every literal
/// (an 8 KiB table that stays in L1) rejects almost every position with one load, one multiply and one bit test; a
/// frozen dictionary keyed by the exact trigram holds the candidates. The cost per position does not grow with the
/// number of literals, which is what lets every encoded form of every anchor and secret be searched at once (a
/// <c>SearchValues&lt;string&gt;</c> with hundreds of values falls back to Aho-Corasick and runs near 100 MB/s).
/// </summary>
internal sealed class LiteralTable
{
    private const int BloomBits = 16;
    private readonly ulong[] _bloom = new ulong[1 << (BloomBits - 6)];
    private readonly FrozenDictionary<ulong, Literal[]> _byKey;

    public LiteralTable(IEnumerable<Literal> literals)
    {
        var groups = new Dictionary<ulong, List<Literal>>();
        var seen = new HashSet<(string, LiteralKind, int, int)>();
        foreach (var lit in literals)
        {
            if (lit.Text.Length < 3 || !seen.Add((lit.Text, lit.Kind, lit.Owner, lit.Alignment)))
            {
                continue;
            }

            lit.KeyOffset = RarestTrigram(lit.Text);
            ulong key = Key(lit.Text[lit.KeyOffset], lit.Text[lit.KeyOffset + 1], lit.Text[lit.KeyOffset + 2]);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
            }

            list.Add(lit);
            uint h = Hash(key);
            _bloom[h >> 6] |= 1UL << (int)(h & 63);
        }

        _byKey = groups.ToFrozenDictionary(g => g.Key, g => g.Value.OrderByDescending(l => l.Text.Length).ToArray());
        Count = seen.Count;
    }

    /// <summary>Number of distinct literals.</summary>
    public int Count { get; }

    /// <summary>
    /// The next position, scanning the runs (start, end pairs) from run <paramref name="run"/> and position
    /// <paramref name="pos"/> on, where a literal's key trigram occurs, or -1 when the runs are exhausted.
    /// <paramref name="candidates"/> then holds the literals to compare in full, each starting
    /// <see cref="Literal.KeyOffset"/> characters before the returned position; the caller continues with
    /// <paramref name="pos"/> + 1. One call covers many runs, so there is no per-run call overhead.
    /// </summary>
    public int FindNext(ReadOnlySpan<char> text, ReadOnlySpan<int> runs, ref int run, ref int pos, out Literal[]? candidates)
    {
        ref char r = ref MemoryMarshal.GetReference(text);
        ref ulong bloom = ref MemoryMarshal.GetArrayDataReference(_bloom);
        int n = text.Length;
        for (; run < runs.Length; run += 2)
        {
            int i = Math.Max(pos, runs[run]);
            int last = Math.Min(runs[run + 1], n - 2); // exclusive bound on start positions (three chars needed)
            int fast = Math.Min(last, n - 3); // positions where reading four chars stays in bounds
            while (i < fast)
            {
                i = BloomScan(ref r, ref bloom, i, fast);
                if (i < fast)
                {
                    ulong key = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i))) & KeyMask;
                    if (_byKey.TryGetValue(key, out candidates))
                    {
                        pos = i;
                        return i;
                    }

                    i++;
                }
            }

            for (; i < last; i++)
            {
                if (_byKey.TryGetValue(Key(text[i], text[i + 1], text[i + 2]), out candidates))
                {
                    pos = i;
                    return i;
                }
            }
        }

        candidates = null;
        return -1;
    }

    private const ulong KeyMask = 0x0000_FFFF_FFFF_FFFFUL;

    /// <summary>
    /// The hot loop: the first position in [<paramref name="i"/>, <paramref name="end"/>) whose trigram passes the Bloom
    /// filter, or <paramref name="end"/>. A leaf with only register state (two positions per iteration).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int BloomScan(ref char r, ref ulong bloom, int i, int end)
    {
        for (; i + 3 < end; i += 4)
        {
            ulong k0 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i))) & KeyMask;
            ulong k1 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i + 1))) & KeyMask;
            ulong k2 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i + 2))) & KeyMask;
            ulong k3 = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i + 3))) & KeyMask;
            uint h0 = Hash(k0), h1 = Hash(k1), h2 = Hash(k2), h3 = Hash(k3);
            ulong w0 = Unsafe.Add(ref bloom, (nint)(h0 >> 6)) >> (int)(h0 & 63);
            ulong w1 = Unsafe.Add(ref bloom, (nint)(h1 >> 6)) >> (int)(h1 & 63);
            ulong w2 = Unsafe.Add(ref bloom, (nint)(h2 >> 6)) >> (int)(h2 & 63);
            ulong w3 = Unsafe.Add(ref bloom, (nint)(h3 >> 6)) >> (int)(h3 & 63);
            if (((w0 | w1 | w2 | w3) & 1) != 0)
            {
                return (w0 & 1) != 0 ? i : (w1 & 1) != 0 ? i + 1 : (w2 & 1) != 0 ? i + 2 : i + 3;
            }
        }

        for (; i < end; i++)
        {
            ulong k = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i))) & KeyMask;
            uint h = Hash(k);
            if (((Unsafe.Add(ref bloom, (nint)(h >> 6)) >> (int)(h & 63)) & 1) != 0)
            {
                return i;
            }
        }

        return i;
    }

    /// <summary>
    /// The offset of the trigram least likely to occur in benign text (upper-case letters and symbols score as rare,
    /// lower-case letters, digits and '/' as common), so that ordinary words, numbers and URL paths rarely hit.
    /// </summary>
    private static int RarestTrigram(string text)
    {
        static int Class(char c) => c switch
        {
            >= 'a' and <= 'z' => 0,
            >= '0' and <= '9' => 1,
            >= 'A' and <= 'Z' => 2,
            _ => 3,
        };

        static int Score(char c) => c switch
        {
            >= 'a' and <= 'z' => 4,
            >= '0' and <= '9' => 3,
            '/' => 3,
            '-' or '_' or '.' => 2,
            _ => 1,
        };

        int best = 0, bestScore = int.MaxValue;
        for (int o = 0; o + 3 <= text.Length; o++)
        {
            char a = text[o], b = text[o + 1], c = text[o + 2];
            int changes = (Class(a) != Class(b) ? 1 : 0) + (Class(b) != Class(c) ? 1 : 0);

            // Words are runs of one class and numbers are runs of digits: a trigram that mixes classes is rare.
            int score = Score(a) + Score(b) + Score(c) + (changes == 0 ? 6 : -changes);
            if (score < bestScore)
            {
                best = o;
                bestScore = score;
            }
        }

        return best;
    }

    private static ulong Key(char c0, char c1, char c2) => c0 | ((ulong)c1 << 16) | ((ulong)c2 << 32);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ulong key) => (uint)((key * 0x9E3779B97F4A7C15UL) >> (64 - BloomBits));

    // ---- building literals ----------------------------------------------------------------------------------------

    /// <summary>
    /// The stable cores of the base64 encoding of <paramref name="bytes"/> at byte alignments 0, 1 and 2: the characters
    /// that depend only on <paramref name="bytes"/>, whatever precedes or follows them. Base64 maps 3 bytes to 4
    /// characters (RFC 4648 §4); character j covers bits [6j, 6j+6), so with the data starting at bit 8a the characters
    /// from ⌈8a/6⌉ to ⌊8(a+n)/6⌋−1 are fixed.
    /// </summary>
    public static IEnumerable<(int Alignment, int CoreOffset, string Core)> Base64Cores(byte[] bytes)
    {
        for (int a = 0; a < 3; a++)
        {
            var buffer = new byte[a + bytes.Length + 3];
            bytes.CopyTo(buffer, a);
            string encoded = Convert.ToBase64String(buffer);
            int first = ((8 * a) + 5) / 6;
            int end = (8 * (a + bytes.Length)) / 6; // exclusive
            if (end - first >= 3)
            {
                yield return (a, first, encoded[first..end]);
            }
        }
    }

    /// <summary>Every encoded literal of one rule anchor or secret value.</summary>
    public static IEnumerable<Literal> EncodedForms(string value, bool isSecret, int owner)
    {
        string? anchor = isSecret ? null : value;
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        var b64Kind = isSecret ? LiteralKind.SecretBase64 : LiteralKind.RuleBase64;
        var hexKind = isSecret ? LiteralKind.SecretHex : LiteralKind.RuleHex;
        foreach (var (alignment, offset, core) in Base64Cores(bytes))
        {
            yield return new Literal { Text = core, Kind = b64Kind, Owner = owner, Alignment = alignment, CoreOffset = offset, Anchor = anchor };
            if (core.AsSpan().IndexOfAny('+', '/') >= 0)
            {
                yield return new Literal
                {
                    Text = core.Replace('+', '-').Replace('/', '_'), Kind = b64Kind, Owner = owner, Alignment = alignment, CoreOffset = offset, UrlSafe = true, Anchor = anchor,
                };
            }
        }

        string hex = Convert.ToHexString(bytes);
        yield return new Literal { Text = hex, Kind = hexKind, Owner = owner, Anchor = anchor };
        yield return new Literal { Text = hex.ToLowerInvariant(), Kind = hexKind, Owner = owner, Anchor = anchor };
    }
}
