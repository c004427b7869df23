using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>): a vendor key cut into pieces of 10 characters or fewer —
/// JSON array elements and member values, string literals glued by code, lines folded at 10 columns, a prefix kept in
/// a shell or Python variable — and a GitHub token's 36 characters sent without their prefix. None of the pieces is a
/// token run of 16+ characters, so main 9057a4c's engine reads none of them (every malicious shape here fails there).
/// The keys are made up in the vendors' shapes (a GitHub classic token with its CRC-32, an AWS key id of
/// <c>AKIA</c> + 16 of <c>[A-Z2-7]</c>); none is real.
/// </summary>
public sealed class RedTeamShortPieceTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 1313);

    private static readonly string Aws = "AKIA" + Tokens.Random(Tokens.UpperBase32, 16, 1313);

    private static string Pieces(string key, int size, string open, string glue, string close) =>
        open + string.Join(glue, key.Chunk(size).Select(c => new string(c))) + close;

    public static TheoryData<string, string, string> Shapes()
    {
        string gh = GitHub, aws = Aws;
        var data = new TheoryData<string, string, string>
        {
            // JSON arrays of short strings (K01, K03, C04) and member values (K04).
            { Pieces(gh, 8, "{\"p\": [\"", "\", \"", "\"]}"), "application/json", "github-pat-classic" },
            { Pieces(aws, 10, "{\"p\": [\"", "\", \"", "\"]}"), "application/json", "aws-access-key-id" },
            { Pieces(aws, 4, "{\"parts\": [\"", "\", \"", "\"]}"), "application/json", "aws-access-key-id" },
            { "{" + string.Join(", ", aws.Chunk(4).Select((c, i) => $"\"f{i}\": \"{new string(c)}\"")) + "}", "application/json", "aws-access-key-id" },
            { Pieces(gh, 8, "[\n  \"", "\",\n  \"", "\"\n]"), "application/json", "github-pat-classic" },

            // Literals glued by code (K11, C07), Python with single quotes, two pieces with '+'.
            { Pieces(gh, 10, "const t = \"", "\" + \"", "\";"), "text/plain", "github-pat-classic" },
            { $"const t=[\"{gh[..10]}\",\"{gh[10..25]}\",\"{gh[25..]}\"].join(\"\")", "text/plain", "github-pat-classic" },
            { Pieces(gh, 6, "t = ''.join(['", "', '", "'])"), "text/plain", "github-pat-classic" },
            { $"key = \"{aws[..10]}\" + \"{aws[10..]}\"", "text/plain", "aws-access-key-id" },

            // Lines folded at 10 columns (K05, Q_fold_*), and groups joined by a blank.
            { Pieces(gh, 10, "", "\n", "\n"), "text/plain", "github-pat-classic" },
            { Pieces(aws, 10, "", "\n", "\n"), "text/plain", "aws-access-key-id" },
            { Pieces(aws, 10, "note:\n", "\r\n", "\r\n"), "text/plain", "aws-access-key-id" },
            { Pieces(aws, 4, "id ", " ", " end"), "text/plain", "aws-access-key-id" },

            // A prefix kept in a variable (K13, K14, K15, C17).
            { $"A={aws[..4]}\nB={aws[4..]}\necho $A$B\n", "text/plain", "aws-access-key-id" },
            { $"P={gh[..4]}; T=\"${{P}}{gh[4..]}\"", "text/plain", "github-pat-classic" },
            { $"p = \"{gh[..4]}\"\ntok = f\"{{p}}{gh[4..]}\"\n", "text/plain", "github-pat-classic" },
            { $"A={gh[..4]}\nB={gh[4..]}\ncurl -H \"Authorization: token $A$B\" https://api.github.com/user\n", "text/plain", "github-pat-classic" },
            { $"export PRE=\"{gh[..4]}\"\nexport REST=\"{gh[4..]}\"\nTOKEN=\"${{PRE}}${{REST}}\"\n", "text/plain", "github-pat-classic" },

            // The 36 characters after the prefix alone (C12), bare and as a JSON value.
            { "gh_body=" + gh[4..], "text/plain", "github-pat-classic" },
            { "{\"body\": \"" + gh[4..] + "\"}", "application/json", "github-pat-classic" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_key_in_short_pieces_is_found(string body, string contentType, string rule)
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
        AssertClean(body, contentType);
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
