using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The literal search inside token runs (<see cref="LiteralTable.FindNext"/>) rejects positions with a Bloom filter
/// whose hash is computed for eight positions at once in a vector and, when one of them passes, again one position at
/// a time (tenth speed round). A position the filter wrongly rejects is a literal missed, so this holds the search, on
/// generated runs over generated texts, to the plain definition: every position inside a run (and at least three
/// characters before the text's end) where a literal's key trigram starts, in order, each once.
/// </summary>
public class LiteralTableTests
{
    private static readonly string[] Texts =
    [
        "ghp_", "AKIA", "sk_live_", "xoxb-", "glpat-", "Zm9vYmFy", "6768705f", "414B4941", "hf_", "npm_", "Bearer", "AIza", "s3cr3t+/Qz", "x-Y_z",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Finds_every_key_trigram_in_the_runs_in_order(int seed)
    {
        var literals = Texts.Select((t, k) => new Literal { Text = t, Kind = LiteralKind.RulePlain, Owner = k, Anchor = t }).ToList();
        var table = new LiteralTable(literals);
        var keys = literals.Select(l => l.Text.Substring(l.KeyOffset, 3)).ToHashSet(StringComparer.Ordinal);
        string alphabet = string.Concat(keys) + "abcXYZ019+/-_ .:\u0130\u4E2D\uFF41";
        var random = new Random(seed);
        foreach (int length in new[] { 3, 8, 11, 12, 17, 40, 300, 2000 })
        {
            for (int n = 0; n < 30; n++)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++)
                {
                    // Whole keys often (at every alignment to the eight-position steps), single characters otherwise.
                    chars[i] = alphabet[random.Next(alphabet.Length)];
                }

                for (int i = 0; i + 3 <= length; i += random.Next(1, 12))
                {
                    string key = keys.ElementAt(random.Next(keys.Count));
                    key.CopyTo(0, chars, i, 3);
                }

                var text = new string(chars);
                var runs = new List<int>();
                for (int s = random.Next(3); s < length;)
                {
                    int e = Math.Min(length, s + random.Next(1, 60));
                    runs.Add(s);
                    runs.Add(e);
                    s = e + random.Next(0, 9);
                }

                var got = new List<int>();
                int run = 0, pos = 0;
                while (table.FindNext(text, runs.ToArray(), ref run, ref pos, out var candidates) >= 0)
                {
                    Assert.NotNull(candidates);
                    got.Add(pos);
                    pos++;
                }

                var want = new List<int>();
                for (int r = 0; r < runs.Count; r += 2)
                {
                    for (int i = runs[r]; i < Math.Min(runs[r + 1], length - 2); i++)
                    {
                        if (keys.Contains(text.Substring(i, 3)))
                        {
                            want.Add(i);
                        }
                    }
                }

                Assert.True(want.SequenceEqual(got), $"seed {seed}, length {length}, text {n}: want [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
            }
        }
    }
}
