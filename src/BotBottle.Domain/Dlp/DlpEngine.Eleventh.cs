using System.Numerics;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// Eleventh issue-16 round (<c>reach11</c>): BIP-39 phrases written as lists (<see cref="CryptoRules.ProbeSeedList"/>),
/// reached from the probe pass without a pass of their own. A list's glue holds seed breaks (a quote, a digit, <c>.</c>,
/// <c>)</c>, <c>-</c>, <c>|</c>), so its probes fail the seed-stretch test; at such a probe the first break ahead is
/// read from the bitmap the stretch test reads, and only when it is within a word's length and one of those characters
/// is the list walk called (<see cref="SeedListNear"/>). Words glued by bare commas make no break at all: the phrase
/// walk stops at the comma, and the list walk is called there (<see cref="SeedListAfterWalk"/>).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Bits (character − <c>"</c>) of the list-glue characters a seed break can be: <c>"</c> <c>'</c> <c>)</c> <c>*</c> <c>-</c> <c>.</c> digits <c>;</c> <c>\</c> <c>|</c>.</summary>
    private const ulong ListGlueBreaks =
        (1UL << ('"' - '"')) | (1UL << ('\'' - '"')) | (1UL << (')' - '"')) | (1UL << ('*' - '"')) | (1UL << ('-' - '"')) | (1UL << ('.' - '"'))
        | (0x3FFUL << ('0' - '"')) | (1UL << (';' - '"')) | (1UL << ('\\' - '"'));

    /// <summary>
    /// The gate at a probe that failed the seed-stretch test: the first seed break at or after <paramref name="p"/>
    /// is within 9 characters (a word's length) and is a character list glue holds (a quote, a digit, <c>.</c>,
    /// <c>)</c>, <c>-</c>, <c>*</c>, <c>;</c>, a backslash or <c>|</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SeedListNear(ReadOnlySpan<char> text, ReadOnlySpan<ulong> breaks, int p)
    {
        int q = p + BitOperations.TrailingZeroCount(BitsFrom(breaks, p));
        if (q - p > 9 || q >= text.Length)
        {
            return false;
        }

        uint c = (uint)text[q] - '"';
        return c < 64 ? ((ListGlueBreaks >> (int)c) & 1) != 0 : text[q] == '|';
    }

    /// <summary>
    /// After the phrase walk stopped at <paramref name="after"/> without a phrase: is a bare comma there, with a
    /// lower-case letter after it (<c>abandon,ability,…</c>)?
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SeedListAfterWalk(ReadOnlySpan<char> text, int after) =>
        after + 1 < text.Length && text[after] == ',' && char.IsAsciiLetterLower(text[after + 1]);

    /// <summary>Walks a BIP-39 list at <paramref name="p"/> and reports a whole phrase whose checksum verifies; returns the end of a reported list, else <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int ScanSeedList(ReadOnlySpan<char> text, int p, ref ScanState st, in Layer layer)
    {
        int after = CryptoRules.ProbeSeedList(text, p, out int s, out int len);
        if (len > 0)
        {
            ReportRule(ref st, layer, _rules[_seedRule], s, len, DlpEncodings.Plain, "seed phrase of BIP-39 words (a list)", 0, true);
            return after;
        }

        // Nothing reported: the probe grid goes on unchanged (the walk may have looked up to 16 characters past p for a
        // word; moving the next probe past that could step over another pattern the grid would meet).
        return p;
    }
}
