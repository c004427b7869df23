namespace BotBottle.Dlp;

/// <summary>
/// r36 round: a BIP-39 phrase (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) written by hand, or by a
/// test's author, rarely passes its checksum (4 bits for 12 words: 1 in 16 does). A plain run of exactly 12, 15, 18,
/// 21 or 24 wordlist words was already reported unvalidated (r31); a list, a numbered list, a joined slug, a phrase in
/// capitals or a slice of the sorted wordlist needed the checksum, since lists of wordlist words (tags, animals) are
/// ordinary. As the value of a label that names a seed phrase — <c>"mnemonic": [...]</c>, <c>Seed phrase:</c>,
/// <c>MNEMONIC=</c>, <c>Recovery phrase\n1. …</c> — those are reported too, unvalidated (<see cref="SeedLabelBefore"/>).
/// A run that starts with one or two wordlist words naming the phrase (<c>my seed …</c>, <c>wallet seed phrase …</c>)
/// is read without them (<see cref="LeadingLabelWords"/>).
/// </summary>
internal static partial class CryptoRules
{
    /// <summary>Characters of glue walked back from a phrase to its label (<c>": ["</c>, <c>:\n1. </c>, <c>="</c>).</summary>
    private const int SeedGlueReach = 24;

    /// <summary>Characters of the label itself read back from the glue's start.</summary>
    private const int SeedLabelReach = 40;

    /// <summary>
    /// What a label naming a seed phrase ends with, its letters and digits lower-cased (BIP-39's and the wallets' own
    /// terms: mnemonic, seed phrase, Secret Recovery Phrase, backup words…). Single everyday words are not labels:
    /// <c>seed</c> (<c>random.seed(42)</c>, database seeds), <c>phrase</c>, <c>wallet</c>, <c>recovery</c>, <c>secret
    /// words</c> (a hangman game) and plurals (<c>MNEMONICS</c>, an assembler's opcode table) all name lists of ordinary
    /// words (the rt37 false-positive hunt).
    /// </summary>
    private static readonly string[] s_seedLabels =
    [
        "mnemonic", "mnemonicphrase", "mnemonicwords", "seedphrase", "seedwords", "recoveryphrase", "recoverywords", "backupphrase",
        "backupwords", "walletseed", "bip39", "bip39words",
    ];

    /// <summary>
    /// Is the phrase at <paramref name="start"/> the value of a label naming a seed phrase: walking back over glue (blanks,
    /// real or JSON-escaped line breaks, quotes, <c>: = [ { ( - * # .</c>, list numbers, a parenthesis such as
    /// <c>(12 words)</c>) to the nearest name, does that name end with one of <see cref="s_seedLabels"/>
    /// (<c>"mnemonic": [</c>, <c>Seed phrase:\n</c>, <c>WALLET_MNEMONIC="</c>, <c>Recovery phrase\n1. </c>)?
    /// </summary>
    internal static bool SeedLabelBefore(ReadOnlySpan<char> t, int start)
    {
        int i = Math.Min(start, t.Length);
        while (i > 0 && start - i < SeedGlueReach)
        {
            char c = t[i - 1];
            if (c is 'n' or 'r' or 't' && i >= 2 && t[i - 2] == '\\')
            {
                i -= 2; // a JSON-escaped line break or tab
            }
            else if (c == ')' && t[Math.Max(0, i - SeedGlueReach)..(i - 1)].LastIndexOf('(') is int open and >= 0)
            {
                i = Math.Max(0, i - SeedGlueReach) + open; // "(12 words)"
            }
            else if (char.IsAsciiDigit(c) || c is ' ' or '\t' or '\n' or '\r' or '"' or '\'' or ':' or '=' or '[' or '{' or '(' or '-' or '*' or '#' or '.' or '\\' or '>')
            {
                i--;
            }
            else
            {
                break;
            }
        }

        Span<char> label = stackalloc char[SeedLabelReach];
        int n = 0;
        for (int j = i; j > 0 && i - j < SeedLabelReach && (char.IsAsciiLetterOrDigit(t[j - 1]) || t[j - 1] is '_' or ' ' or '-'); j--)
        {
            if (char.IsAsciiLetterOrDigit(t[j - 1]))
            {
                label[SeedLabelReach - 1 - n++] = char.ToLowerInvariant(t[j - 1]);
            }
        }

        var name = label[(SeedLabelReach - n)..];
        foreach (string l in s_seedLabels)
        {
            if (name.EndsWith(l, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// How many of a run's first words (at most two) name the phrase that follows — <c>seed</c> and <c>phrase</c> are
    /// wordlist words themselves (<c>my seed …</c>, <c>wallet seed phrase …</c>) — such that the rest is a phrase's length
    /// (12, 15, 18, 21 or 24 words); 0 when none do.
    /// </summary>
    /// <param name="indexes">The run's first wordlist indexes.</param>
    /// <param name="count">The run's length in words.</param>
    internal static int LeadingLabelWords(ReadOnlySpan<int> indexes, int count)
    {
        for (int k = 1; k <= 2 && k < indexes.Length; k++)
        {
            if (!IsLabelWord(indexes[k - 1]))
            {
                return 0;
            }

            if (count - k is 12 or 15 or 18 or 21 or 24)
            {
                return k;
            }
        }

        return 0;
    }

    private static bool IsLabelWord(int index) => Array.IndexOf(LabelWords.Indexes, index) >= 0;

    /// <summary>An unvalidated whole list or joined phrase is reported: a phrase's length, 8+ distinct words, the value of a label naming a seed phrase.</summary>
    private static bool UnvalidatedPhrase(ReadOnlySpan<char> t, int start, ReadOnlySpan<int> indexes) =>
        indexes.Length is 12 or 15 or 18 or 21 or 24 && Distinct(indexes) >= MinDistinctWords && SeedLabelBefore(t, start);

    /// <summary>The wordlist indexes of the naming words (a holder of its own: read after the wordlist's table is built).</summary>
    private static class LabelWords
    {
        internal static readonly int[] Indexes =
            [WordIndex("seed"), WordIndex("phrase")];
    }
}
