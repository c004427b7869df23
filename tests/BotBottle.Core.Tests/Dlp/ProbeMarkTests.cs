using System.Globalization;
using System.Text;
using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The probe marks (<see cref="RunScanner.ProbeMarks"/>, filled by <see cref="RunScanner.FillSeedBreaks"/>) let the probe
/// pass skip its delimited-hex and <c>0x</c> tests where no pattern can start, so a mark missed is a pattern missed. The
/// vector loop the machine runs (AVX-512, AVX2 or 128-bit: run the Dlp tests with <c>DOTNET_EnableAVX512F=0</c> and
/// <c>DOTNET_EnableAVX2=0</c> for the narrower ones) must give, bit for bit, the marks the documentation defines.
/// </summary>
public class ProbeMarkTests
{
    /// <summary>Hex digits of both cases, the three delimiters, <c>0x</c> parts, other ASCII, and non-ASCII whose low byte is a hex digit, a delimiter, <c>0</c> or <c>x</c> (a truncating narrow would misread them).</summary>
    private const string Alphabet = "0123456789abcdefABCDEF0000xxXX:::   ---ghzGHZ.,;_/\n\t\0\u0130\u0161\u0178\u0120\u012D\u013A\u0141\u00E9\u4E2D\uFF10";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Vector_pass_marks_the_documented_probe_starts_at_every_position_across_blocks_and_chunks(int seed)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 64, 65, 127, 8192 + 64 + 37, (2 * 8192) + 5 })
        {
            var chars = new char[length];
            for (int i = 0; i < length; i++)
            {
                // Mostly hex pairs between delimiters ("3f:a0:…", "0x41, 0x4b"), with the other classes mixed in.
                chars[i] = random.Next(3) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (i % 3) == 2 ? ":- "[(i / 96) % 3] : "0123456789abcdef"[random.Next(16)];
            }

            var text = new string(chars);
            var breaks = new ulong[RunScanner.BitmapWords(length)];
            var marks = new ulong[breaks.Length];
            ulong carry = 0;
            for (int pos = 0; pos < length; pos += 8192)
            {
                RunScanner.FillSeedBreaks(text, pos, Math.Min(length, pos + 8192), breaks, marks, ref carry);
            }

            for (int i = 0; i < length; i++)
            {
                bool marked = ((marks[i >> 6] >> (i & 63)) & 1) != 0;
                Assert.True(marked == ReferenceMark(text, i), $"seed {seed}, length {length}, position {i} (U+{(int)text[i]:X4}): marked {marked}");
            }
        }
    }

    [Theory]
    [InlineData(":", 0)]
    [InlineData(" ", 0)]
    [InlineData("-", 0)]
    [InlineData(", 0x", 0)]
    [InlineData(":", 8192 - 96)]
    [InlineData(", 0x", 8192 - 96)]
    public void Delimited_hex_and_hex_arrays_are_found_at_every_offset_to_the_blocks_and_chunks(string separator, int baseOffset)
    {
        // An access key id, hex byte by byte ("41:4b:49:…") or as a C array ("0x41, 0x4b, …"), found by the probe pass
        // only: the probe marks must hold its starts wherever the blocks, the chunk boundary and the probes fall.
        string hex = string.Join(separator, Encoding.ASCII.GetBytes("id=AKIAXISSKUJUX5WM5Y6K").Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        string encoded = separator.EndsWith("0x", StringComparison.Ordinal) ? "0x" + hex : hex;
        var prose = new StringBuilder();
        while (prose.Length < baseOffset + 200)
        {
            prose.Append("Of it we did. Something 42 is on. ");
        }

        for (int offset = baseOffset; offset < baseOffset + 140; offset++)
        {
            string text = prose.ToString(0, offset) + " [" + encoded + "] on Monday";
            Assert.True(DlpTestHelpers.Scan(text).Exists(f => f.RuleId == "aws-access-key-id"), $"separator '{separator}', offset {offset}");
        }
    }

    /// <summary>
    /// The definition of <see cref="RunScanner.ProbeMarks"/>, one character at a time: a <c>:</c>, space or <c>-</c> with
    /// the same character three on and hex digits at −2, −1, +1, +2; a <c>0</c> before <c>x</c> or <c>X</c>. A character
    /// outside the position's 64-character block counts as matching; past the text's end inside the last block, as NUL.
    /// </summary>
    private static bool ReferenceMark(string text, int i)
    {
        int block = i & ~63;
        bool Known(int j) => j >= block && j < block + 64;
        char At(int j) => j < text.Length ? text[j] : '\0';
        bool Hex(int j) => !Known(j) || char.IsAsciiHexDigit(At(j));
        char c = text[i];
        bool delimited = c is ':' or ' ' or '-' && (!Known(i + 3) || At(i + 3) == c) && Hex(i - 2) && Hex(i - 1) && Hex(i + 1) && Hex(i + 2);
        bool zeroX = c == '0' && (!Known(i + 1) || At(i + 1) is 'x' or 'X');
        return delimited || zeroX;
    }
}
