using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, ninth round (<c>split9</c>, made mergeable as <c>split10</c>): keys cut into pieces that are each shorter than the hot path's 16-character
/// token runs — chunks joined by a separator (<c>"-".join</c>, <c>":".join</c>, blanks, lines folded at 8, 10 or 20
/// columns), pieces rebuilt by code (<c>"…" + "…"</c> with short pieces, Python <c>''.join([…])</c>, JavaScript
/// <c>[…].join("")</c> and <c>.concat()</c>, C# <c>string.Concat</c>, adjacent literals, character lists); then the look-alikes that must stay quiet (among them the BIP-39 list shapes
/// split9 also closed and split10 left open for their cost: a keyword array and numbered steps must stay clean either
/// way). Every malicious case here passed main 665912e's engine (checked by running these tests with the round's
/// change stashed).
/// </summary>
public sealed class RedTeamNinthRoundSplitTests
{
    private static readonly string Gh = Tokens.Samples["github-pat-classic"];
    private static readonly string Stripe = Tokens.Samples["stripe-secret-key"];

    private static string[] Chunks(string s, int n) => [.. Enumerable.Range(0, (s.Length + n - 1) / n).Select(i => s.Substring(i * n, Math.Min(n, s.Length - (i * n))))];

    /// <summary>Context around a shape, as an agent's request body has it (the probe pass reads 44+ characters).</summary>
    private static string InBody(string shape) => "{\"log\": \"step 3 of the deploy\"}\nnotes:\n" + shape + "\nend of notes, thanks for the review\n";

    public static TheoryData<string, string> SeparatedChunks()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rule, key) in new[] { ("github-pat-classic", Gh), ("stripe-secret-key", Stripe) })
        {
            data.Add(rule, string.Join('-', Chunks(key, 4)));
            data.Add(rule, string.Join(':', Chunks(key, 4)));
            data.Add(rule, string.Join(' ', Chunks(key, 4)));
            data.Add(rule, string.Join('\n', Chunks(key, 8)));
            data.Add(rule, string.Join('\n', Chunks(key, 20)));
            data.Add(rule, string.Join("\r\n", Chunks(key, 10)));
            data.Add(rule, string.Join(", ", Chunks(key, 5)));
            data.Add(rule, string.Join('|', Chunks(key, 6)));
            data.Add(rule, string.Join('.', Chunks(key, 4)));
            data.Add(rule, "the token is " + string.Join(' ', Chunks(key, 4)) + " and it works");
        }

        return Without(data);
    }

    /// <summary>
    /// The shapes split10 ships (found from a vendor anchor in a token run of 16+ characters, or by the spelled layer):
    /// chunks joined by <c>-</c> (one token run), lines of 20 that start with the key's prefix, quoted character lists.
    /// The others (pieces joined by a blank, <c>:</c>, <c>.</c>, <c>,</c>, <c>|</c> or a line break with lines of 8
    /// or 10; quoted pieces of 10 joined by code) are found by DlpEngine.Chunks.cs's walk once something triggers it,
    /// but every trigger over the whole body measured cost more than the speed budget; docs/dlp-rules.md, ninth round,
    /// lists them as open.
    /// </summary>
    private static bool Open(string shape) => !(shape.StartsWith("t = [", StringComparison.Ordinal)
        || shape == string.Join('-', Chunks(Gh, 4)) || shape == string.Join('\n', Chunks(Gh, 20)) || shape == string.Join('\n', Chunks(Stripe, 20)));

    [Theory]
    [MemberData(nameof(SeparatedChunks))]
    public void A_key_cut_into_chunks_joined_by_a_separator_is_found(string rule, string shape)
    {
        // (r36: a Stripe key's first line of 20 holds a 12-character body, reported alone, unvalidated, as a short key)
        var findings = Scan(InBody(shape));
        Assert.Contains(findings, f => f.RuleId == rule && (f.Encoding.Contains(DlpEncodings.Concat, StringComparison.Ordinal) || (rule == "stripe-secret-key" && !f.Validated)));
    }

    public static TheoryData<string, string> CodeConcatenations()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rule, key) in new[] { ("github-pat-classic", Gh), ("stripe-secret-key", Stripe) })
        {
            string[] p = Chunks(key, 10);
            data.Add(rule, "t = " + string.Join(" + ", p.Select(x => "\"" + x + "\"")));
            data.Add(rule, "t = ''.join([" + string.Join(",", p.Select(x => "'" + x + "'")) + "])");
            data.Add(rule, "t = ''.join([" + string.Join(", ", p.Select(x => "'" + x + "'")) + "])");
            data.Add(rule, "const t = [" + string.Join(",", p.Select(x => "\"" + x + "\"")) + "].join(\"\");");
            data.Add(rule, "const t = \"" + p[0] + "\"" + string.Concat(p.Skip(1).Select(x => ".concat(\"" + x + "\")")) + ";");
            data.Add(rule, "var t = string.Concat(" + string.Join(", ", p.Select(x => "\"" + x + "\"")) + ");");
            data.Add(rule, "T = (" + string.Join(" ", p.Select(x => "\"" + x + "\"")) + ")");
            data.Add(rule, "t = [" + string.Join(",", key.Select(c => "'" + c + "'")) + "]");
            data.Add(rule, "t = [" + string.Join(", ", key.Select(c => "\"" + c + "\"")) + "]");
        }

        return Without(data);
    }

    [Theory]
    [MemberData(nameof(CodeConcatenations))]
    public void A_key_rebuilt_by_string_concatenation_of_short_pieces_is_found(string rule, string shape)
    {
        Assert.Contains(Scan(InBody(shape)), f => f.RuleId == rule);
    }

    private static TheoryData<string, string> Without(TheoryData<string, string> data)
    {
        var kept = new TheoryData<string, string>();
        foreach (var row in data)
        {
            var (rule, shape) = ((string)row[0], (string)row[1]);
            if (!Open(shape))
            {
                kept.Add(rule, shape);
            }
        }

        return kept;
    }

    public static TheoryData<string> Benign() =>
    [
        "{\"id\": \"3f2b9c1e-8a4d-4e2f-9b6a-1c2d3e4f5a6b\", \"other\": \"123e4567-e89b-12d3-a456-426614174000\", \"run\": \"9b2c41aa-77d0-4c1e-8f3e-0a1b2c3d4e5f\"}",
        "a1b2c3d Fix build\n9f8e7d6 Add tests for Parser\n0abc123 Bump version to 1.2.3\n4d5e6f7 Merge branch main\n1a2b3c4 Update README\n",
        "eth0: 00:1A:2B:3C:4D:5E, wlan0: a4:5e:60:c2:11:9f, br0: 3C-52-82-1A-2B-3C, docker0: 02:42:ac:11:00:02",
        "msg = \"Hello, \" + name + \"! You have \" + str(n) + \" new messages\"\nurl = \"https://\" + host + \"/api/v2/\" + path",
        "path = '/'.join(['usr','local','bin','python3'])\nwords = ' '.join(['alpha','beta','gamma','delta'])\nids = ','.join(['A1','B2','C3','D4','E5','F6','G7','H8'])",
        "addr fe80::1ff:fe23:4567:890a and 2001:db8:85a3:0:0:8a2e:370:7334 and ::ffff:192.0.2.128",
        "00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............\n00000010: 0300 3e00 0100 0000 1010 0000 0000 0000  ..>.............",
        "SN: AB12-CD34-EF56-GH78, Key: X1Y2-Z3W4-V5U6-T7S8, Part: 9Q8R-7S6T-5U4V-3W2X",
        "const parts = [\"ReactDOM\", \"useState\", \"useEffect\", \"Component\", \"Fragment\"].join(\", \");",
        "{\"keywords\": [\"cloud\", \"storage\", \"file\", \"upload\", \"image\", \"video\", \"audio\", \"music\", \"photo\", \"album\", \"share\"]}",
        "1. Open the file\n2. Edit the config\n3. Save and close\n4. Run the tests\n5. Push the branch\n",
        "apple,banana,cherry,grape,lemon,mango,melon,orange,peach,pear,plum",
        "The quick brown fox jumps over the lazy dog. Version 2 ships on Monday with C# and F# support, 3x faster.",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore.",
    ];

    [Theory]
    [MemberData(nameof(Benign))]
    public void Look_alikes_stay_clean(string body)
    {
        var findings = Scan(InBody(body));
        Assert.True(findings.Count == 0, Describe(findings));
    }
}
