using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>), the short-piece family: a GitHub token's 36 characters sent
/// without their prefix (C12), or with the prefix kept in a shell or Python variable (K14, K15, C17). GitHub's checksum
/// covers the 30 random characters only, so the 36 verify alone (<c>DlpEngine.StrippedPrefix.cs</c>); every malicious
/// shape here fails on main 9057a4c's engine. Keys cut into pieces of 10 characters or fewer (JSON arrays, <c>+</c>,
/// <c>fold -w 10</c>, an AWS id in shell variables) stay open: no scan the engine already runs stops there, and the
/// prefix search that found them cost 3–12 % (docs/dlp-rules.md, "Keys in short pieces"). The look-alikes below are the
/// code and text that name the prefixes that a join from a prefix would have to leave clean, kept as guards. The keys
/// are made up (a GitHub token with its CRC-32); none is real.
/// </summary>
public sealed class RedTeamShortPieceTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 1313);

    /// <summary>
    /// The token's 36 characters after its prefix, alone (C12) or with the prefix kept in a variable (K14, K15, C17): the
    /// rest is one token run of 36 whose checksum verifies on its own.
    /// </summary>
    public static TheoryData<string, string, string> Shapes()
    {
        string gh = GitHub;
        return new TheoryData<string, string, string>
        {
            { "gh_body=" + gh[4..], "text/plain", "github-pat-classic" },
            { "{\"body\": \"" + gh[4..] + "\"}", "application/json", "github-pat-classic" },
            { $"P={gh[..4]}; T=\"${{P}}{gh[4..]}\"", "text/plain", "github-pat-classic" },
            { $"p = \"{gh[..4]}\"\ntok = f\"{{p}}{gh[4..]}\"\n", "text/plain", "github-pat-classic" },
            { $"A={gh[..4]}\nB={gh[4..]}\ncurl -H \"Authorization: token $A$B\" https://api.github.com/user\n", "text/plain", "github-pat-classic" },
            { $"export PRE=\"{gh[..4]}\"\nexport REST=\"{gh[4..]}\"\nTOKEN=\"${{PRE}}${{REST}}\"\n", "text/plain", "github-pat-classic" },
            { $"gho_ is the prefix; body: {Tokens.GitHub("gho_", 1315)[4..]} (oauth)", "text/plain", "github-pat-classic" },
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_GitHub_token_body_without_its_prefix_is_found(string body, string contentType, string rule)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Any(f => f.RuleId == rule && f.Validated), $"{body}: {Describe(findings)}");
    }

    /// <summary>Code and text that name the prefixes, lists of prefixes, ids of a token body's length: nothing a rule matches.</summary>
    public static TheoryData<string, string> LookAlikes() => new()
    {
        { "if token.startswith(\"ghp_\"):\n    kind = \"classic\"\nelif token.startswith(\"gho_\"):\n    kind = \"oauth\"\n", "text/plain" },
        { "PREFIXES = (\"ghp_\", \"gho_\", \"ghu_\", \"ghs_\", \"ghr_\", \"github_pat_\")\n", "text/plain" },
        { "{\"rules\": [\"AKIA\", \"ASIA\", \"ABIA\", \"ACCA\", \"AGPA\", \"AIDA\", \"AROA\", \"ANPA\", \"ANVA\", \"APKA\"], \"version\": 3}", "application/json" },
        { "{\"prefix\": \"AKIA\", \"name\": \"long-term\", \"since\": 2014, \"note\": \"see IAM docs\"}", "application/json" },
        { "Tokens start with ghp_, gho_, ghu_, ghs_ or ghr_ and are\n40 characters long; AWS key ids start with AKIA\nor ASIA and have 20 characters.\n", "text/plain" },
        { "TOKEN_PREFIX=ghp_\nif [[ $GITHUB_TOKEN == ${TOKEN_PREFIX}* ]]; then\n  echo classic token\nfi\n", "text/plain" },
        { "p = \"ghp_\"\nlabel = f\"{p}{name}\"\nprint(label, user_id, 42)\n", "text/plain" },
        { "A=AKIA\nB=TESTVALUE\necho $A$B2024\n", "text/plain" },
        { "const re = /^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}$/; const p = \"ghp_\" + \"x\";", "text/plain" },
        { "{\"request_id\": \"" + Tokens.Random(Tokens.Base62, 36, 7) + "\", \"trace\": \"" + Tokens.Random(Tokens.Base62, 36, 8) + "\"}", "application/json" },
        { "{\"id\": \"3f1c2a9b-7d11-4e4f-a6b7-c8d9e0f1a2b3\", \"sha\": \"3f1c2a9b7d11e4f5a6b7c8d9e0f1a2b3c4d5e6f7\"}", "application/json" },
        { "AKIA\nASIA\nABIA\nACCA\n", "text/plain" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Code_and_text_that_name_the_prefixes_stay_clean(string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Count == 0, $"{body}: {Describe(findings)}");
    }

    /// <summary>
    /// The checksum covers the 30 random characters only (GitHub's 2021 format; computed here with System.IO.Hashing's
    /// CRC-32, not the product's code): the 36 characters after any GitHub prefix carry the same valid checksum.
    /// </summary>
    [Fact]
    public void The_checksum_of_a_GitHub_token_covers_its_body_only()
    {
        foreach (var prefix in new[] { "ghp_", "gho_", "ghu_", "ghs_", "ghr_" })
        {
            string token = Tokens.GitHub(prefix, 1314);
            Assert.Equal(Tokens.PublishedChecksum(token[4..34]), token[34..]);
            Assert.Contains(ScanBody("value=" + token[4..], "text/plain"), f => f.RuleId == "github-pat-classic" && f.Validated);
        }

        string broken = GitHub[4..39] + (GitHub[39] == 'a' ? 'b' : 'a');
        Assert.Empty(ScanBody("value=" + broken, "text/plain"));
    }
}
