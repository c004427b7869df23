using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, red team 12 (<c>/work/notes/redteam12.md</c>, B33, J27): a credential under a single-byte XOR key (then hex,
/// or sent as raw bytes) and in EBCDIC (IBM code page 500). Main cfd7f8a's engine finds none of the malicious
/// shapes here. The XOR is written out here; the EBCDIC bytes come from .NET's own code page 500 encoder
/// (<c>CodePagesEncodingProvider</c>), not from the product's table. The tokens are made up in the vendors' shapes.
/// </summary>
public sealed class RedTeamByteCipherTests
{
    private static readonly string GitHub = Tokens.GitHub("ghp_", 1616);

    private static readonly string Aws = "AKIA" + Tokens.Random(Tokens.UpperBase32, 16, 1616);

    private static byte[] Xor(string s, byte key) => [.. Encoding.ASCII.GetBytes(s).Select(b => (byte)(b ^ key))];

    private static byte[] Ebcdic(string s)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(500).GetBytes(s);
    }

    private static List<DlpFinding> ScanBytes(byte[] body, string contentType = "application/octet-stream") =>
        [.. Engine.ScanRequest(new DlpRequest { Method = "POST", Host = "h.example.com", PathAndQuery = "/upload", Body = body, ContentType = contentType }, DlpDetectors.All).Findings];

    public static TheoryData<string, string, string> TextShapes() => new()
    {
        { Convert.ToHexString(Xor(GitHub, 0x2a)).ToLowerInvariant(), "hex+xor", "github-pat-classic" }, // B33
        { "{\"d\": \"" + Convert.ToHexString(Xor("AWS_ACCESS_KEY_ID=" + Aws + "\n", 0x55)) + "\"}", "hex+xor", "aws-access-key-id" },
        { "blob=" + Convert.ToHexString(Xor("[default]\naws_access_key_id = " + Aws + "\n", 0x7f)), "hex+xor", "aws-access-key-id" },
        { "{\"d\": \"" + Convert.ToHexString(Ebcdic("GITHUB_TOKEN=" + GitHub + "\n")).ToLowerInvariant() + "\"}", "hex+ebcdic", "github-pat-classic" },
    };

    [Theory]
    [MemberData(nameof(TextShapes))]
    public void A_token_under_a_byte_cipher_in_text_is_found(string body, string encoding, string rule)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == rule && f.Encoding == encoding), $"{body}: {Describe(findings)}");
    }

    [Fact]
    public void A_body_sent_in_EBCDIC_is_found()
    {
        var findings = ScanBytes(Ebcdic(GitHub)); // J27
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "ebcdic"), Describe(findings));
        findings = ScanBytes(Ebcdic("export AWS_ACCESS_KEY_ID=" + Aws + "\nexport REGION=eu-west-1\n"), "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && f.Encoding == "ebcdic"), Describe(findings));
    }

    /// <summary>The review of 6 December 2026: EBCDIC heads that start below 0x80, a layer over 64 KiB, key 0x20 on a head with an underscore.</summary>
    [Fact]
    public void Review_shapes_are_found()
    {
        var findings = ScanBytes(Ebcdic("[default]\naws_access_key_id = " + Aws + "\n"));
        Assert.True(findings.Any(f => f.RuleId == "aws-access-key-id" && f.Encoding == "ebcdic"), Describe(findings));
        findings = ScanBody(Convert.ToHexString(Ebcdic("-----BEGIN NOTE-----\nGITHUB_TOKEN=" + GitHub + "\n")), "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "hex+ebcdic"), Describe(findings));
        findings = ScanBytes(Xor(GitHub + "\n" + new string('x', 70_000), 0x2a));
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "xor"), Describe(findings));
        findings = ScanBody(Convert.ToHexString(Xor(GitHub, 0x20)), "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "hex+xor"), Describe(findings));
    }

    [Fact]
    public void A_body_sent_under_a_single_byte_XOR_is_found()
    {
        var findings = ScanBytes(Xor(GitHub + "\n", 0x13));
        Assert.True(findings.Any(f => f.RuleId == "github-pat-classic" && f.Encoding == "xor"), Describe(findings));
    }

    /// <summary>Binary and non-ASCII data agents really send: nothing starts with a head under a key or in EBCDIC.</summary>
    public static TheoryData<string> LookAlikes() => new()
    {
        "sha256=" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes("release-1.2.3.tar.gz"))).ToLowerInvariant(),
        "{\"sig\": \"" + Convert.ToBase64String(Tokens.Bytes(64, 1617)) + "\"}",
        "fiq^ is what ghp_ becomes under XOR 1, and that is all this note says",
        "{\"name\": \"Ça va, Łódź, Straße\", \"city\": \"Zürich\"}",
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Binary_and_accented_text_stays_clean(string body)
    {
        AssertClean(body, "text/plain");
    }

    [Fact]
    public void Raw_binary_and_latin1_bodies_stay_clean()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Tokens.Bytes(512, 1618)];
        Assert.Empty(ScanBytes(png, "image/png"));
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Assert.Empty(ScanBytes(Encoding.Latin1.GetBytes("Éléments de réponse: la réunion est déplacée à jeudi."), "text/plain; charset=iso-8859-1"));
        Assert.Empty(ScanBytes(Ebcdic("The quarterly report is attached; see section 4."), "text/plain"));
    }
}
