using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// r36 round: a BIP-39 phrase (https://github.com/bitcoin/bips/blob/master/bip-0039.mediawiki) written by hand, or by a
/// test's author, rarely passes its checksum (4 bits for 12 words: 1 in 16 does). A plain run of exactly 12, 15, 18,
/// 21 or 24 wordlist words was already reported unvalidated (r31); a list, a numbered list, a joined slug, a phrase in
/// capitals or a slice of the sorted wordlist needed the checksum, since lists of wordlist words (tags, animals) are
/// ordinary. Under a label that names a seed phrase — <c>"mnemonic": [...]</c>, <c>Seed phrase:</c>,
/// <c>MNEMONIC=</c>, <c>recovery words</c> — those are reported too, unvalidated (<see cref="SeedContextBefore"/>).
/// A run that starts with one to three wordlist words naming the phrase (<c>my seed …</c>, <c>wallet seed phrase …</c>)
/// is read without them (<see cref="LeadingContextWords"/>).
/// </summary>
internal static partial class CryptoRules
{
    /// <summary>Characters before a phrase searched for a label naming it (a JSON key and its quotes, <c>Seed phrase (12 words):</c>).</summary>
    private const int SeedContextReach = 48;

    /// <summary>Words that name a seed phrase (ASCII, any case): BIP-39's and the wallets' own terms (mnemonic, seed, recovery phrase, secret recovery phrase, backup phrase).</summary>
    private static readonly SearchValues<string> s_seedContext = SearchValues.Create(
        ["mnemonic", "seed", "phrase", "recovery", "bip39", "bip-39", "bip_39", "wallet", "backup words", "secret words"],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Does a word naming a seed phrase (<see cref="s_seedContext"/>) start a word in the <see cref="SeedContextReach"/>
    /// characters before <paramref name="start"/> (<c>Seed phrase:</c>, <c>"mnemonic":</c>, <c>WALLET_MNEMONIC=</c>;
    /// not <c>passphrase</c>, BIP-39's optional extra word, or <c>linseed</c>)?
    /// </summary>
    internal static bool SeedContextBefore(ReadOnlySpan<char> t, int start)
    {
        int from = Math.Max(0, start - SeedContextReach);
        var before = t[from..Math.Min(start, t.Length)];
        for (int i = before.IndexOfAny(s_seedContext); i >= 0;)
        {
            if (from + i == 0 || !char.IsAsciiLetter(t[from + i - 1]))
            {
                return true;
            }

            int next = before[(i + 1)..].IndexOfAny(s_seedContext);
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    /// <summary>
    /// How many of a run's first words (at most three) name the phrase that follows — <c>seed</c>, <c>phrase</c>,
    /// <c>secret</c>, <c>private</c>, <c>key</c>, <c>word</c> are wordlist words themselves — such that the rest is a
    /// phrase's length (12, 15, 18, 21 or 24 words); 0 when none do.
    /// </summary>
    /// <param name="indexes">The run's first wordlist indexes.</param>
    /// <param name="count">The run's length in words.</param>
    internal static int LeadingContextWords(ReadOnlySpan<int> indexes, int count)
    {
        for (int k = 1; k <= 3 && k < indexes.Length; k++)
        {
            if (!IsContextWord(indexes[k - 1]))
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

    private static bool IsContextWord(int index) => Array.IndexOf(ContextWords.Indexes, index) >= 0;

    /// <summary>An unvalidated whole list or joined phrase is reported: a phrase's length, 8+ distinct words, a label naming a seed phrase before it.</summary>
    private static bool UnvalidatedPhrase(ReadOnlySpan<char> t, int start, ReadOnlySpan<int> indexes) =>
        indexes.Length is 12 or 15 or 18 or 21 or 24 && Distinct(indexes) >= MinDistinctWords && SeedContextBefore(t, start);

    /// <summary>The wordlist indexes of the naming words (a holder of its own: read after the wordlist's table is built).</summary>
    private static class ContextWords
    {
        internal static readonly int[] Indexes =
            [WordIndex("seed"), WordIndex("phrase"), WordIndex("secret"), WordIndex("private"), WordIndex("key"), WordIndex("word")];
    }
}
