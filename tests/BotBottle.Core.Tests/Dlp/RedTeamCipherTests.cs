using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>, B45, J19, J22, J24): a whole token under a classical cipher or
/// a character game — a Caesar shift of its letters, Atbash, the case of every letter swapped, every character written
/// twice, base64 written backwards (J20). Main 55a525b's engine finds none of the malicious shapes here. The transforms are written out here from their
/// definitions (not with the product's code); the tokens are made up in the vendors' shapes (GitHub and npm with their
/// CRC-32, an AWS key id of <c>AKIA</c> + 16 of <c>[A-Z2-7]</c>); none is real.
/// </summary>
public sealed class RedTeamCipherTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 1414);

    private static readonly string Aws = "AKIA" + Tokens.Random(Tokens.UpperBase32, 16, 1414);

    /// <summary>Caesar: each letter moved <paramref name="n"/> places on in its own case's alphabet; other characters kept.</summary>
    private static string Caesar(string s, int n) => string.Concat(s.Select(c =>
        char.IsAsciiLetterLower(c) ? (char)('a' + ((c - 'a' + n) % 26)) : char.IsAsciiLetterUpper(c) ? (char)('A' + ((c - 'A' + n) % 26)) : c));

    /// <summary>Atbash: a↔z, b↔y, … in each case; other characters kept.</summary>
    private static string Atbash(string s) => string.Concat(s.Select(c =>
        char.IsAsciiLetterLower(c) ? (char)('z' - (c - 'a')) : char.IsAsciiLetterUpper(c) ? (char)('Z' - (c - 'A')) : c));

    private static string SwapCase(string s) => string.Concat(s.Select(c => char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

    private static string Doubled(string s) => string.Concat(s.Select(c => new string(c, 2)));

    private static string Reverse(string s) => new(s.Reverse().ToArray());

    public static TheoryData<string, string, string> Shapes()
    {
        string gh = GitHub, aws = Aws, npm = Tokens.Npm(1414), gho = Tokens.GitHub("gho_", 1415);
        return new TheoryData<string, string, string>
        {
            { Caesar(gh, 1), "caesar", "github-pat-classic" }, // B45
            { Caesar(gh, 3), "caesar", "github-pat-classic" },
            { Caesar(gh, 7), "caesar", "github-pat-classic" }, // the prefix becomes now_
            { Caesar(gh, 25), "caesar", "github-pat-classic" },
            { "token=" + Caesar(gho, 5) + "&x=1", "caesar", "github-oauth-token" },
            { "{\"k\": \"" + Caesar(npm, 11) + "\"}", "caesar", "npm-access-token" },
            { Atbash(gh), "atbash", "github-pat-classic" }, // J19
            { "{\"k\": \"" + Atbash(npm) + "\"}", "atbash", "npm-access-token" },
            { SwapCase(gh), "swapcase", "github-pat-classic" }, // J22
            { "t = \"" + SwapCase(gho) + "\"", "swapcase", "github-oauth-token" },
            { Doubled(aws), "doubled", "aws-access-key-id" }, // J24
            { "x=" + Doubled(gh), "doubled", "github-pat-classic" },
            { Reverse(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(gh))), "reversed+base64", "github-pat-classic" }, // J20
            { "{\"d\": \"" + Reverse(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("AWS_ACCESS_KEY_ID=" + aws + "\n"))) + "\"}", "reversed+base64", "aws-access-key-id" },
            // A decoy of another kind first in the same token run (now_ is ghp_ shifted by 7) must not hide the token.
            { "now_playing-" + Caesar(gh, 1), "caesar", "github-pat-classic" },
            { "now_playing-" + Reverse(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(gh))), "reversed+base64", "github-pat-classic" },
            { "now_playing-" + Doubled(aws), "doubled", "aws-access-key-id" },
            { "gghhpp__x-" + Doubled(gh), "doubled", "github-pat-classic" },
            { "q=" + Reverse(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("token: " + npm)).Replace('+', '-').Replace('/', '_').TrimEnd('=')), "reversed+base64", "npm-access-token" },
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_token_under_a_cipher_is_found(string body, string encoding, string rule)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == rule && f.Encoding == encoding), $"{body}: {Describe(findings)}");
    }

    /// <summary>Ordinary text that holds a shifted, mirrored, swapped or doubled prefix: nothing verifies.</summary>
    public static TheoryData<string> LookAlikes() => new()
    {
        "now_playing_track_id=7d1f9a02b3c4e5f6a7b8c9d0e1f2a3b4c5d6e7f8&limit=20", // ghp_ + 7, then no checksum
        "const his_record_for_the_session_identifier = getRecordForSessionIdentifier(42);", // ghr_ + 1
        "{\"tsk_id\": \"tsk_9f8e7d6c5b4a39281706f5e4d3c2b1a0fedc\", \"state\": \"done\"}", // atbash of ghp_
        "export GHP_TOKEN_FOR_CI_Pipeline_Version2=enabled", // upper-cased prefix, mixed case
        "GHP_" + SwapCase(Tokens.Random(Tokens.Base62, 36, 5)), // swapped case, checksum fails
        Caesar(GitHub[..39] + (GitHub[39] == 'a' ? 'b' : 'a'), 1), // shifted, one character changed
        "aabbccddeeffgghhiijjkkllmmnnoopp AAKKIIAA 1122", // doubled letters, a doubled AKIA with nothing after it
        "AAKKIIAA" + Tokens.Random(Tokens.UpperBase32, 32, 6), // doubled prefix, then ordinary characters
        new string(Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("ghp_ is the prefix of a classic token; see the docs")).Reverse().ToArray()), // reversed base64 of prose naming the prefix
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Text_with_a_transformed_prefix_stays_clean(string body)
    {
        AssertClean(body, "text/plain");
    }
}
