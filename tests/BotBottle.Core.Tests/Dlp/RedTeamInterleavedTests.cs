using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>), K24: a vendor key whose characters alternate with noise
/// characters (<c>gbhapa_bRfbe7…</c>: every other character spells <c>ghp_Rb7…</c>). The noise is itself token
/// characters, so the whole is one token run with no repeated separator, which the spelled-out collapse (<c>g-h-p-…</c>)
/// does not read; main 34639d5's engine finds none of the shapes below. The keys are made up in the vendors' shapes (a
/// GitHub classic token with its CRC-32, an AWS key id of <c>AKIA</c> + 16 of <c>[A-Z2-7]</c>); none is real.
/// </summary>
public sealed class RedTeamInterleavedTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 2424);

    private static readonly string Aws = "AKIA" + Tokens.Random(Tokens.UpperBase32, 16, 2424);

    /// <summary>The key's characters with one noise character after each (or before each: <paramref name="noiseFirst"/>).</summary>
    private static string Interleave(string key, string noise, bool noiseFirst = false) =>
        string.Concat(key.Select((c, i) => noiseFirst ? $"{noise[i % noise.Length]}{c}" : $"{c}{noise[i % noise.Length]}"));

    public static TheoryData<string, string, string> Shapes() => new()
    {
        // K24's shape: hex-letter noise after each character, as a JSON value.
        { "{\"v\": \"" + Interleave(GitHub, "bfaedcfbae") + "\"}", "application/json", "github-pat-classic" },
        // Noise before each character, mixed-case and digit noise, in a query-like body and a line of text.
        { "d=" + Interleave(GitHub, "x7Qz2", noiseFirst: true), "application/x-www-form-urlencoded", "github-pat-classic" },
        { "blob " + Interleave(Aws, "mKp3") + " end\n", "text/plain", "aws-access-key-id" },
        { "{\"k\": \"" + Interleave(Aws, "0123456789", noiseFirst: true) + "\"}", "application/json", "aws-access-key-id" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_key_interleaved_with_noise_is_found(string body, string contentType, string rule)
    {
        var findings = ScanBody(body, contentType);
        var f = findings.FirstOrDefault(f => f.RuleId == rule);
        Assert.True(f is not null && f.Validated, $"{body}: {Describe(findings)}");
        Assert.Contains(DlpEncodings.Separated, f!.Encoding, StringComparison.Ordinal);
    }

    /// <summary>
    /// Long token runs of the kinds agents send — base64 of random bytes and of text, hex digests, JWT-like segments, a
    /// run whose every other character spells a prefix but not a key after it, a plain token (found as itself, never as
    /// an interleaved one) — give no interleaved finding.
    /// </summary>
    public static TheoryData<string, string> LookAlikes() => new()
    {
        { "{\"content\": \"" + Convert.ToBase64String(Enumerable.Range(0, 96).Select(i => (byte)((i * 73) + 11)).ToArray()) + "\"}", "application/json" },
        { "{\"content\": \"" + Convert.ToBase64String("The quick brown fox jumps over the lazy dog, again and again."u8.ToArray()) + "\"}", "application/json" },
        { "sha256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 size=4096", "text/plain" },
        { "{\"v\": \"" + Interleave("ghp_shortvalue", "abcdef") + "\"}", "application/json" },
        { "{\"v\": \"" + Interleave("AKIA-not-a-key-at-all-here", "q") + "\"}", "application/json" },
        { "gahbpc_defghijklmnopqrstuvwxyzabcdefghijklmnopqrst", "text/plain" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_give_no_interleaved_finding(string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.DoesNotContain(findings, f => f.Encoding.Contains(DlpEncodings.Separated, StringComparison.Ordinal));
    }

    [Fact]
    public void A_plain_token_is_found_as_itself()
    {
        var findings = ScanBody("{\"t\": \"" + GitHub + "\"}", "application/json");
        Assert.Contains(findings, f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Plain);
        Assert.DoesNotContain(findings, f => f.Encoding.Contains(DlpEncodings.Separated, StringComparison.Ordinal));
    }
}
