using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The seed-break bitmap (<see cref="RunScanner.FillSeedBreaks"/>) has one vector loop per instruction set (AVX-512,
/// AVX2, 128-bit); the one this machine runs must give, bit for bit, the marks its documentation defines. Run the Dlp
/// tests with <c>DOTNET_EnableAVX512F=0</c> and <c>DOTNET_EnableAVX2=0</c> to hold the narrower loops to it too.
/// </summary>
public class SeedBreakTests
{
    /// <summary>Characters that exercise every class: letters of both cases, separators, digits, punctuation, controls, NUL, and non-ASCII whose low byte is a lower-case letter, a comma or a blank (so a truncating narrow would misread them).</summary>
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzaeiouetn      ,,\t\n\r\0\u0001ABCXYZ0123456789.-_/:;'\"\\\u0161\u012C\u0120\u0109\u00E9\u4E2D\uFF41";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Vector_pass_marks_the_documented_breaks_at_every_position_across_blocks_and_chunks(int seed)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 64, 65, 127, 8192 + 64 + 37, (2 * 8192) + 5 })
        {
            var chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                // Words of lower-case letters of every length (1-12) between separators, with the other classes mixed in.
                chars[i] = random.Next(4) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)((random.Next(3) == 0 ? 'A' : 'a') + random.Next(26));
            }

            var text = new string(chars);
            var breaks = new ulong[RunScanner.BitmapWords(length)];
            var capitals = new ulong[breaks.Length];
            var alone = new ulong[breaks.Length];
            ulong carry = 0, aloneCarry = 0;
            for (int pos = 0; pos < length; pos += 8192)
            {
                RunScanner.FillSeedBreaks(text, pos, Math.Min(length, pos + 8192), breaks, ref carry, capitals);
                RunScanner.FillSeedBreaks(text, pos, Math.Min(length, pos + 8192), alone, ref aloneCarry, []);
            }

            // The case-folded mask (r29, computed a block at a time on demand) is the same definition read on the text
            // with A-Z lower-cased.
            string lowered = string.Create(length, text, (span, t) =>
            {
                for (int k = 0; k < t.Length; k++)
                {
                    span[k] = t[k] is >= 'A' and <= 'Z' ? (char)(t[k] | 0x20) : t[k];
                }
            });
            var folded = Enumerable.Range(0, breaks.Length).Select(w => RunScanner.FoldedBreaksAt(text, w)).ToArray();
            Assert.Equal(breaks, alone);
            for (int i = 0; i < length; i++)
            {
                bool marked = ((breaks[i >> 6] >> (i & 63)) & 1) != 0;
                Assert.True(marked == ReferenceBreak(text, i), $"seed {seed}, length {length}, position {i} (U+{(int)text[i]:X4}): marked {marked}");
                bool foldMarked = ((folded[i >> 6] >> (i & 63)) & 1) != 0;
                Assert.True(foldMarked == ReferenceBreak(lowered, i), $"seed {seed}, length {length}, position {i} (U+{(int)text[i]:X4}): folded mask {foldMarked}");
                bool capital = ((capitals[i >> 6] >> (i & 63)) & 1) != 0;
                Assert.True(capital == text[i] is >= 'A' and <= 'Z', $"seed {seed}, length {length}, position {i}: capital bit {capital}");
            }
        }
    }

    /// <summary>
    /// The definition of <see cref="RunScanner.SeedBreaks"/>, one character at a time: a break is a character other than
    /// <c>a</c>–<c>z</c>, a comma or a character up to the space; the first letter of a word of one or two letters; a
    /// letter that starts nine letters in a row. The word tests look only inside the character's 64-character block.
    /// </summary>
    private static bool ReferenceBreak(string text, int i)
    {
        static bool Lower(string t, int j) => j < t.Length && t[j] is >= 'a' and <= 'z';
        if (!Lower(text, i))
        {
            return !(text[i] <= ' ' || text[i] == ',');
        }

        int inBlock = 63 - (i & 63); // characters after i in its block
        bool start = i == 0 || !Lower(text, i - 1);
        bool shortWord = start && ((inBlock >= 1 && !Lower(text, i + 1)) || (inBlock >= 2 && !Lower(text, i + 2)));
        bool nine = inBlock >= 8 && Enumerable.Range(i, 9).All(j => Lower(text, j));
        return shortWord || nine;
    }
}
