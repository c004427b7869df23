using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The BIP-39 probe (<see cref="CryptoRules.ProbeSeedPhrase"/>) finds its words with 16-character vector tests away
/// from the text's edges and with character loops near them. Both must walk exactly the words the character loops
/// define: this holds the probe, at every position and with several floors, to a one-character-at-a-time reference
/// of the walk on generated texts of wordlist words, other words, one- and two-letter words, letter runs longer than
/// eight, capitals and digits against words, and every separator form.
/// </summary>
public class SeedProbeTests
{
    /// <summary>BIP-39 English wordlist words (3–8 letters), each checked against the engine's table below.</summary>
    private static readonly string[] Listed = ["abandon", "ability", "able", "about", "zoo", "zone", "build", "because", "error", "file", "test", "version", "install", "absurd", "vacuum"];

    /// <summary>Pieces that are not wordlist words, or that break a walk.</summary>
    private static readonly string[] Other = ["the", "failed", "returns", "value", "function", "qqq", "a", "of", "abandonment", "wordlistx", "Able", "ZOO", "t3st", "9", "ab"];

    private static readonly string[] Separators = [" ", " ", " ", ", ", "\r\n", "\n", "\t", ",", "  ", "-", ";", "\r", "     ", ",  ", "\n "];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Probe_walks_the_same_words_as_the_character_reference_at_every_position(int seed)
    {
        foreach (var word in Listed)
        {
            Assert.True(CryptoRules.WordIndex(word) >= 0, word);
        }

        var random = new Random(seed);
        for (int n = 0; n < 60; n++)
        {
            var sb = new System.Text.StringBuilder();
            int target = random.Next(5, 400);
            bool mostlyListed = random.Next(2) == 0; // runs of 12+ listed words (the rare CheckRun path) in half the texts
            while (sb.Length < target)
            {
                sb.Append(random.Next(mostlyListed ? 12 : 3) != 0 ? Listed[random.Next(Listed.Length)] : Other[random.Next(Other.Length)]);
                sb.Append(random.Next(mostlyListed ? 20 : 4) != 0 ? " " : Separators[random.Next(Separators.Length)]);
            }

            string text = sb.ToString(0, target);
            for (int p = 0; p < text.Length; p++)
            {
                foreach (int floor in new[] { 0, Math.Max(0, p - 20), p })
                {
                    int got = CryptoRules.ProbeSeedPhrase(text, p, floor, out int s, out int len, out bool validated, out _);
                    int want = Reference(text, p, floor, out int rs, out int rlen, out bool rvalidated);
                    Assert.True(
                        (got, s, len, validated) == (want, rs, rlen, rvalidated),
                        $"seed {seed}, text {n} ({text.Length} chars), p {p}, floor {floor}: got ({got}, {s}, {len}, {validated}), want ({want}, {rs}, {rlen}, {rvalidated}); text: {text}");
                }
            }
        }
    }

    /// <summary>The probe's walk one character at a time (its definition): the probed word, then wordlist words back to the run's start and forward to its end.</summary>
    private static int Reference(string t, int p, int floor, out int start, out int length, out bool validated)
    {
        start = length = 0;
        validated = false;
        if (!char.IsAsciiLetterLower(t[p]))
        {
            return p + 1;
        }

        int ws = p, we = p;
        while (ws > 0 && p - ws < 9 && char.IsAsciiLetterLower(t[ws - 1]))
        {
            ws--;
        }

        while (we < t.Length && we - p < 9 && char.IsAsciiLetterLower(t[we]))
        {
            we++;
        }

        if ((ws > 0 && char.IsAsciiLetterOrDigit(t[ws - 1])) || (we < t.Length && char.IsAsciiLetterOrDigit(t[we])) || Word(t, ws, we) < 0)
        {
            return we;
        }

        int first = ws, words = 1;
        while (SeparatorBefore(t, first) is int sep and >= 0)
        {
            int b = sep;
            while (b > 0 && sep - b < 9 && char.IsAsciiLetterLower(t[b - 1]))
            {
                b--;
            }

            if (b == sep || b < floor || (b > 0 && char.IsAsciiLetterOrDigit(t[b - 1])) || Word(t, b, sep) < 0)
            {
                break;
            }

            first = b;
            words++;
        }

        int lastEnd = we;
        for (int at = SeparatorAfter(t, we); at >= 0; at = SeparatorAfter(t, lastEnd))
        {
            int e = at;
            while (e < t.Length && e - at < 9 && char.IsAsciiLetterLower(t[e]))
            {
                e++;
            }

            if (e == at || (e < t.Length && char.IsAsciiLetterOrDigit(t[e])) || Word(t, at, e) < 0)
            {
                break;
            }

            words++;
            lastEnd = e;
        }

        return words < 12 ? Math.Max(we, lastEnd) : CryptoRules.CheckRun(t, first, we, lastEnd, out start, out length, out validated);
    }

    private static int Word(string t, int s, int e) => e - s is >= 3 and <= 8 ? CryptoRules.WordIndex(t.AsSpan(s, e - s)) : -1;

    // A blank, tab or line break after an optional "," or "\r"; a blank may be up to four blanks in a row (r36).
    private static int SeparatorBefore(string t, int s)
    {
        if (s > 0 && t[s - 1] is ' ' or '\n' or '\t')
        {
            int i = s - 1;
            while (t[i] == ' ' && s - i < 4 && i > 0 && t[i - 1] == ' ')
            {
                i--;
            }

            return i > 0 && t[i - 1] is ',' or '\r' ? i - 1 : i;
        }

        return -1;
    }

    private static int SeparatorAfter(string t, int e)
    {
        int i = e < t.Length && t[e] is ',' or '\r' ? e + 1 : e;
        if (i >= t.Length || t[i] is not (' ' or '\n' or '\t'))
        {
            return -1;
        }

        int j = i + 1;
        while (t[i] == ' ' && j - i < 4 && j < t.Length && t[j] == ' ')
        {
            j++;
        }

        return j;
    }
}
