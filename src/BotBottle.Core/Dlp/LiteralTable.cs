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

    /// <summary>For rule literals: the plain anchor this literal stands for (public text, shown in messages).</summary>
    public string? Anchor { get; init; }
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

            ulong key = Key(lit.Text[0], lit.Text[1], lit.Text[2]);
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
    /// The next position in [<paramref name="from"/>, <paramref name="to"/>) where a literal may start (its first three
    /// characters match), or -1. <paramref name="candidates"/> then holds the literals to compare in full.
    /// </summary>
    public int FindNext(ReadOnlySpan<char> text, int from, int to, out Literal[]? candidates)
    {
        int last = Math.Min(to, text.Length - 2); // exclusive bound on start positions (three chars needed)
        int fast = Math.Min(last, text.Length - 3); // positions where reading four chars stays in bounds
        ref char r = ref MemoryMarshal.GetReference(text);
        ref ulong bloom = ref MemoryMarshal.GetArrayDataReference(_bloom);
        int i = from;
        for (; i < fast; i++)
        {
            ulong key = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref r, i))) & 0x0000_FFFF_FFFF_FFFFUL;
            uint h = Hash(key);
            if ((Unsafe.Add(ref bloom, (int)(h >> 6)) & (1UL << (int)(h & 63))) != 0 && _byKey.TryGetValue(key, out candidates))
            {
                return i;
            }
        }

        for (; i < last; i++)
        {
            ulong key = Key(text[i], text[i + 1], text[i + 2]);
            if (_byKey.TryGetValue(key, out candidates))
            {
                return i;
            }
        }

        candidates = null;
        return -1;
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
