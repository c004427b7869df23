namespace BotBottle.Dlp;

/// <summary>
/// Luhn-valid numbers that are not payment cards (second false-positive hunt): one in ten digit strings passes the
/// Luhn check (ISO/IEC 7812-1 Annex B), so in math code and number tables the check alone does not tell a card.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>
    /// True when the card-shaped number [<paramref name="s"/>, <paramref name="e"/>) is an operand of a multiplication
    /// or power (<c>4828147466240000*t**12</c>, <c>2*4111…</c>; a Markdown <c>**bold**</c> number is not one: a
    /// blank, a line break or punctuation follows its closing stars), a number of 13+ digits ending in five zeros (a
    /// product or a power of ten in math code: <c>4031078400000</c>, <c>390625000000000000</c>; a card ends so one time in
    /// 100,000), or, written in groups (<paramref name="groups"/> &gt; 1), four groups of four digits inside a longer
    /// run of four-digit groups with the same separator (<c>4002 4013 4024 4035 4045 4056</c>, a table of code points or
    /// a distribution) that is not itself a run of card numbers: a sorted run is a table; otherwise a card is reported
    /// when one extra group stands beside it (an expiry) or the run's groups are a whole number of cards, each
    /// Luhn-valid.
    /// </summary>
    private static bool IsNumberInCodeOrList(ReadOnlySpan<char> t, int s, int e, int groups, char sep)
    {
        if (groups == 1)
        {
            return IsArithmeticOperand(t, s, e) || t[(e - 5)..e].SequenceEqual("00000");
        }

        return groups == 4 && e - s == 19 && sep != '\0' && IsInsideNumberList(t, s, e, sep);
    }

    private static bool IsArithmeticOperand(ReadOnlySpan<char> t, int s, int e)
    {
        // after: "*x", "**2", "^2" (not "/": a card is a path segment, "/4111…/12")
        if (e < t.Length && t[e] is '*' or '^')
        {
            int k = e + 1;
            if (t[e] == '*' && k < t.Length && t[k] == '*')
            {
                k++;
            }

            if (k < t.Length && (char.IsAsciiLetterOrDigit(t[k]) || t[k] == '('))
            {
                return true;
            }
        }

        // before: "2*", "x**", ")^"
        if (s > 0 && t[s - 1] is '*' or '^')
        {
            int k = s - 2;
            if (t[s - 1] == '*' && k >= 0 && t[k] == '*')
            {
                k--;
            }

            return k >= 0 && (char.IsAsciiLetterOrDigit(t[k]) || t[k] == ')');
        }

        return false;
    }

    /// <summary>Is the four-group card [<paramref name="s"/>, <paramref name="e"/>) part of a longer run of four-digit groups that is not a run of cards?</summary>
    private static bool IsInsideNumberList(ReadOnlySpan<char> t, int s, int e, char sep)
    {
        int before = 0, runStart = s;
        while (runStart >= 5 && t[runStart - 1] == sep && IsFourDigitGroup(t, runStart - 5))
        {
            runStart -= 5;
            before++;
        }

        int after = 0, runEnd = e;
        while (runEnd + 5 <= t.Length && t[runEnd] == sep && IsFourDigitGroup(t, runEnd + 1))
        {
            runEnd += 5;
            after++;
        }

        if (before == 0 && after == 0)
        {
            return false;
        }

        // A sorted run is a table (code points, a distribution); a card followed or preceded by one more group
        // (an expiry written 1229) is still a card; otherwise only a run of cards written one after another, every
        // aligned window of four groups a card, holds cards.
        if (IsNonDecreasing(t, runStart, runEnd))
        {
            return true;
        }

        if (before % 4 != 0 || after % 4 != 0)
        {
            return before + after >= 2;
        }

        Span<byte> d = stackalloc byte[16];
        for (int w = runStart; w < runEnd; w += 20)
        {
            int n = 0;
            for (int k = w; k < w + 19; k++)
            {
                if (char.IsAsciiDigit(t[k]))
                {
                    d[n++] = (byte)(t[k] - '0');
                }
            }

            if (!IsCard(d))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The four-digit groups of the run [<paramref name="s"/>, <paramref name="e"/>) (one separator between each) never decrease.</summary>
    private static bool IsNonDecreasing(ReadOnlySpan<char> t, int s, int e)
    {
        int last = -1;
        for (int g = s; g + 4 <= e; g += 5)
        {
            int v = ((t[g] - '0') * 1000) + ((t[g + 1] - '0') * 100) + ((t[g + 2] - '0') * 10) + (t[g + 3] - '0');
            if (v < last)
            {
                return false;
            }

            last = v;
        }

        return true;
    }

    /// <summary>Exactly four digits at <paramref name="i"/>, not preceded or followed by another digit or a letter.</summary>
    private static bool IsFourDigitGroup(ReadOnlySpan<char> t, int i) =>
        i >= 0 && i + 4 <= t.Length && char.IsAsciiDigit(t[i]) && char.IsAsciiDigit(t[i + 1]) && char.IsAsciiDigit(t[i + 2]) && char.IsAsciiDigit(t[i + 3])
        && (i == 0 || !char.IsAsciiLetterOrDigit(t[i - 1])) && (i + 4 == t.Length || !char.IsAsciiLetterOrDigit(t[i + 4]));
}
