using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>, family 8): a key split between the request's path and its
/// query — the first piece the last path segment, the rest query values — which neither part holds whole. The tokens
/// are made up in the vendors' shapes (a GitHub classic token with its CRC-32 checksum); not real credentials.
/// </summary>
public sealed class RedTeamTwelfthRoundSplitTests
{
    private static readonly string GitHub = GitGateToken();

    private static string GitGateToken()
    {
        const string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        var rnd = new Random(1212);
        var random = new string([.. Enumerable.Range(0, 30).Select(_ => alphabet[rnd.Next(alphabet.Length)])]);
        return "ghp_" + random + Checksums.Base62Crc32(random);
    }

    private static List<DlpFinding> ScanTarget(string pathAndQuery) => Engine.ScanRequest(Request(pathAndQuery), DlpDetectors.All).Findings.ToList();

    public static TheoryData<string> Splits() => new()
    {
        $"/{GitHub[..20]}?x={GitHub[20..]}", // the red team's shape
        $"/upload/{GitHub[..12]}?a={GitHub[12..26]}&b={GitHub[26..]}", // three pieces
        $"/c/{GitHub[..16]}/{GitHub[16..24]}?rest={GitHub[24..]}", // two path segments, then the query
        $"/c/{GitHub[..20]}.png?v={GitHub[20..]}", // an extension on the path piece
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void A_token_split_between_the_path_and_the_query_is_found(string target)
    {
        var findings = ScanTarget(target);
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Validated && f.Location.Kind == DlpLocationKind.Path && f.Encoding == DlpEncodings.Concat),
            $"{target}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("/repos/botbottle/botbottle/commits/3f1c2a9b7d11e4f5a6b7c8d9e0f1a2b3c4d5e6f7?page=2&per_page=100")]
    [InlineData("/v1/objects/5f2b8c1e9a7d4e3f?version=3&sig=AbCdEf123456&expires=1764930000")]
    [InlineData("/search?q=ghp_&sort=updated")]
    [InlineData("/api/v3/issues/1234?state=open&labels=bug,p1")]
    [InlineData("/avatars/u/48213?v=4")]
    public void Ordinary_paths_with_queries_stay_clean(string target)
    {
        var findings = ScanTarget(target);
        Assert.True(findings.Count == 0, $"{target}: {Describe(findings)}");
    }

    /// <summary>
    /// Red team 12, family 6: a token folded into lines longer than the chunk walk's pieces (<c>fold -w 30</c>, 40):
    /// the first line starts with the vendor's anchor, the lines are of equal length, the last one shorter.
    /// </summary>
    [Theory]
    [InlineData(30)]
    [InlineData(32)]
    [InlineData(40)]
    public void A_token_folded_into_long_lines_is_found(int width)
    {
        string anthropic = "sk-ant-api03-" + new string([.. Enumerable.Range(0, 93).Select(i => "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-"[(i * 7 + 3) % 38])]) + "AA";
        foreach (var (token, rule) in new[] { (GitHub, "github-pat-classic"), (anthropic, "anthropic-api-key") })
        {
            var lines = Enumerable.Range(0, (token.Length + width - 1) / width).Select(i => token.Substring(i * width, Math.Min(width, token.Length - (i * width))));
            foreach (var body in new[] { "notes for the deploy:\n" + string.Join("\n", lines) + "\nend of notes\n", string.Join("\n", lines) })
            {
                var findings = ScanBody(body, "text/plain");
                Assert.True(findings.Any(f => f.RuleId == rule), $"{rule} folded at {width}: {Describe(findings)}");
            }
        }
    }
}
