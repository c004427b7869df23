using System.Security.Cryptography;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r28 round of issue 16 (a red-team helper's obfuscation cases): whole texts sent reversed or in ROT13 — private
/// keys, <c>.env</c> files, single assignments, JWTs — found from reversed / ROT13 markers; a PEM block whose lines
/// are in reverse order; base64 and hex wrapped into lines that carry a quote, comment or number prefix; a JWT cut short
/// with an ellipsis in documentation, which must stay quiet.
/// </summary>
public sealed class ReachRound28Tests
{
    private const string Password = "Iw2eQFeD9caHZhfkm9qF";

    public static TheoryData<string, string> Transforms => new()
    {
        { "rev", "raw" }, { "rev", "json" }, { "rot13", "raw" }, { "rot13", "json" }, { "tac", "raw" }, { "tac", "json" }, { "revlines", "raw" },
    };

    [Theory]
    [MemberData(nameof(Transforms))]
    public void Whole_private_keys_reversed_rotated_or_in_reverse_line_order_are_found(string transform, string container)
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        foreach (string pem in new[] { rsa.ExportRSAPrivateKeyPem(), ec.ExportPkcs8PrivateKeyPem() })
        {
            string body = Transform(pem + "\n", transform);
            var findings = container == "json" ? ScanBody("{\"k\": " + System.Text.Json.JsonSerializer.Serialize(body) + "}") : ScanBody(body, "text/plain");
            Assert.True(findings.Exists(f => f.RuleId == "private-key"), $"{transform}/{container}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("rev")]
    [InlineData("rot13")]
    public void Env_files_and_single_assignments_reversed_or_in_rot13_are_found(string transform)
    {
        string env = $"APP_NAME=shop\nAPP_ENV=production\nDB_HOST=10.0.3.12\nDB_PASSWORD={Password}\nMAIL_HOST=smtp.example.com\n";
        foreach (string text in new[] { env, $"DB_PASSWORD={Password}", $"api_key: {Password}\n", $"{{\"secret_key\": \"{Password}\"}}" })
        {
            string sent = Transform(text, transform);
            var findings = ScanBody("{\"d\": " + System.Text.Json.JsonSerializer.Serialize(sent) + "}");
            Assert.True(findings.Exists(f => f.RuleId == "credential-assignment" && f.Encoding.Contains(transform == "rev" ? DlpEncodings.Reversed : DlpEncodings.Rot13, StringComparison.Ordinal)), $"{transform} {text}: {Describe(findings)}");
            Assert.True(ScanBody(sent, "text/plain").Exists(f => f.RuleId == "credential-assignment"), $"{transform} {text} as text/plain");
        }
    }

    [Theory]
    [InlineData("rev")]
    [InlineData("rot13")]
    public void An_aws_secret_line_reversed_or_in_rot13_is_found(string transform)
    {
        string secret = Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, seed: 28);
        string sent = Transform($"AWS_ACCESS_KEY_ID=AKIA{Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, seed: 29)}\nAWS_SECRET_ACCESS_KEY={secret}\n", transform);
        var findings = ScanBody("{\"d\": " + System.Text.Json.JsonSerializer.Serialize(sent) + "}");
        Assert.True(findings.Exists(f => f.RuleId is "aws-secret-access-key" or "credential-assignment" && f.Encoding.Contains(transform == "rev" ? DlpEncodings.Reversed : DlpEncodings.Rot13, StringComparison.Ordinal)), Describe(findings));
    }

    [Fact]
    public void A_rot13_finding_keeps_its_own_location()
    {
        string sent = "note: " + Transform($"DB_PASSWORD={Password}", "rot13");
        var f = Assert.Single(Scan(sent), x => x.RuleId == "credential-assignment");
        Assert.Equal(sent.IndexOf('=', StringComparison.Ordinal) + 1, f.Start);
        Assert.Equal(Password.Length, f.Length);
    }

    [Theory]
    [InlineData("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")]
    [InlineData("{\"typ\":\"JWT\",\"alg\":\"RS256\"}")]
    [InlineData("{\"kid\":\"k1\",\"alg\":\"RS256\"}")]
    public void Jwts_reversed_or_in_rot13_are_found(string header)
    {
        string payload = "{\"sub\":\"1234567890\",\"name\":\"deploy-bot\",\"iat\":1765000000,\"exp\":1765086400}";
        string jwt = Tokens.B64UrlOf(header) + "." + Tokens.B64UrlOf(payload) + "." + Tokens.B64UrlOf(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
        foreach (string transform in new[] { "rev", "rot13" })
        {
            string sent = Transform(jwt, transform);
            Assert.True(ScanBody("{\"t\": \"" + sent + "\"}").Exists(f => f.RuleId == "jwt"), $"{transform} {header}");
            Assert.True(ScanBody(sent, "text/plain").Exists(f => f.RuleId == "jwt"), $"{transform} {header} as text/plain");
        }
    }

    [Theory]
    [InlineData("> ")]
    [InlineData("# ")]
    [InlineData("// ")]
    [InlineData("-- ")]
    [InlineData("; ")]
    [InlineData(" * ")]
    [InlineData("| ")]
    [InlineData("{0:000} ")]
    [InlineData("{0}: ")]
    [InlineData(">")]
    public void Wrapped_base64_and_hex_with_decorated_lines_are_decoded_whole(string prefix)
    {
        string secret = "deploy log for job 4411: token " + Tokens.GitHub("ghp_", seed: 28) + " end";
        foreach (var (encoded, width) in new[] { (Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)), 40), (Convert.ToHexString(Encoding.UTF8.GetBytes(secret)).ToLowerInvariant(), 48) })
        {
            var lines = new List<string>();
            for (int o = 0, n = 0; o < encoded.Length; o += width, n++)
            {
                lines.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, prefix, n) + encoded[o..Math.Min(encoded.Length, o + width)]);
            }

            string text = "Here is the output:\n" + string.Join('\n', lines) + "\n";
            var findings = ScanBody(text, "text/plain");
            Assert.True(findings.Exists(f => f.RuleId == "github-pat-classic"), $"'{prefix}' width {width}: {Describe(findings)}");
        }
    }

    [Theory]
    [InlineData("> ")]
    [InlineData("# ")]
    [InlineData("001 ")]
    public void Decorated_lines_of_ordinary_base64_stay_quiet(string prefix)
    {
        string plain = string.Concat(Enumerable.Repeat("The build failed because the package version was pinned; the test returns the right value now. ", 6));
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(plain));
        var sb = new StringBuilder("On Monday, Alice wrote:\n");
        for (int o = 0; o < b64.Length; o += 76)
        {
            sb.Append(prefix).Append(b64.AsSpan(o, Math.Min(76, b64.Length - o))).Append('\n');
        }

        AssertClean(sb.ToString(), "text/plain");
    }

    [Theory]
    [InlineData("assert reverse(\"password\") == \"drowssap\"\nassert reverse(\"secret\") == \"terces\"\n")]
    [InlineData("Gur cnffjbeq erfrg yvax rkcverf va 24 ubhef. Pyvpx 'Sbetbg cnffjbeq' gb trg n arj gbxra.\n")]
    [InlineData("The intercession of the council was noted; nekot is a biscuit brand.\n")]
    [InlineData("Tokens look like eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOi... (truncated)\n")]
    [InlineData("rot13('token') == 'gbxra' and rot13('api_key') == 'ncv_xrl'\n")]
    [InlineData("-----YEK CILBUP DNE-----\n-----YEK CILBUP NIGEB-----\n")]
    public void Reversed_and_rot13_look_alikes_stay_quiet(string text)
    {
        AssertClean(text, "text/plain");
        AssertClean(InModelRequest(text));
    }

    [Theory]
    [InlineData("rev", "drowssap")]
    [InlineData("rot13", "cnffjbeq")]
    public void A_decoy_marker_cannot_cut_a_key_out_of_the_next_window(string transform, string decoy)
    {
        using var rsa = RSA.Create(2048);
        string key = Transform(rsa.ExportRSAPrivateKeyPem() + "\n", transform);

        // The decoy's window ends 8,192 characters after it: in the middle of the key (review of r28).
        string text = decoy + " " + new string('x', 8192 - (key.Length / 2) - decoy.Length - 1) + key;
        var findings = ScanBody(text, "text/plain");
        Assert.True(findings.Exists(f => f.RuleId == "private-key"), Describe(findings));
    }

    [Theory]
    [InlineData("rev", "plus")]
    [InlineData("rev", "percent")]
    [InlineData("rot13", "plus")]
    [InlineData("rot13", "percent")]
    public void Reversed_or_rot13_keys_in_a_form_body_are_found(string transform, string blanks)
    {
        using var rsa = RSA.Create(2048);
        string sent = Transform(rsa.ExportRSAPrivateKeyPem() + "\n", transform);

        // WebUtility.UrlEncode writes a blank as '+', Uri.EscapeDataString as %20 (RFC 3986 §2.1; HTML form encoding).
        string body = "data=" + (blanks == "plus" ? System.Net.WebUtility.UrlEncode(sent) : Uri.EscapeDataString(sent));
        var findings = ScanBody(body, "application/x-www-form-urlencoded");
        Assert.True(findings.Exists(f => f.RuleId == "private-key"), $"{transform}/{blanks}: {Describe(findings)}");
    }

    [Fact]
    public void A_jwt_whose_last_dot_is_written_as_three_is_still_found()
    {
        string jwt = Tokens.B64UrlOf("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + Tokens.B64UrlOf("{\"sub\":\"u1\",\"iat\":1765000000}") + "..." + Tokens.B64UrlOf(SHA256.HashData("x"u8));
        Assert.Contains(Scan("t=" + jwt), f => f.RuleId == "jwt");
    }

    [Theory]
    [InlineData("-----END PRIVATE KEY-----\nand in between we explain that the key must never be committed to the repository at all\n-----BEGIN PRIVATE KEY-----\n")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nREPLACE WITH YOUR KEY\n-----END RSA PRIVATE KEY-----\nthen paste the second one below this line and keep the two files apart always\n-----BEGIN RSA PRIVATE KEY-----\nREPLACE WITH YOUR KEY\n-----END RSA PRIVATE KEY-----\n")]
    public void Prose_between_an_end_and_a_begin_line_is_not_a_reversed_key(string text) => AssertClean(text, "text/plain");

    [Fact]
    public void A_reversed_window_reads_no_card_numbers_and_a_marker_inside_random_base64_opens_none()
    {
        // 1111111111111114 reversed is the test Visa 4111111111111111.
        var near = ScanBody("order 1111111111111114 shipped; Fq9mkfhZHac9DeFQe2wI=DROWSSAP_BD\n", "text/plain");
        Assert.DoesNotContain(near, f => f.RuleId == "payment-card");
        Assert.Contains(near, f => f.RuleId == "credential-assignment" && f.Encoding.Contains(DlpEncodings.Reversed, StringComparison.Ordinal));

        string blob = Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, seed: 5) + "wssap" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40, seed: 6);
        Assert.DoesNotContain(ScanBody("id 1111111111111114 data " + blob + "\n", "text/plain"), f => f.Encoding.Contains(DlpEncodings.Reversed, StringComparison.Ordinal));
    }

    [Fact]
    public void A_jwt_with_an_empty_signature_is_still_found()
    {
        string jwt = Tokens.B64UrlOf("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + Tokens.B64UrlOf("{\"sub\":\"admin\",\"role\":\"root\",\"iat\":1765000000}") + ".";
        Assert.Contains(Scan("Authorization token: " + jwt + " end"), f => f.RuleId == "jwt");
        Assert.Contains(Scan("The unsigned token is " + jwt + "."), f => f.RuleId == "jwt"); // at a sentence's end: "…fQ.."
    }

    /// <summary>rev: the characters reversed; rot13; tac: the line order reversed; revlines: each line reversed in place.</summary>
    private static string Transform(string s, string how) => how switch
    {
        "rev" => new string(s.Reverse().ToArray()),
        "rot13" => new string(s.Select(c => c is >= 'a' and <= 'z' ? (char)('a' + ((c - 'a' + 13) % 26)) : c is >= 'A' and <= 'Z' ? (char)('A' + ((c - 'A' + 13) % 26)) : c).ToArray()),
        "tac" => string.Join('\n', s.TrimEnd('\n').Split('\n').Reverse()) + "\n",
        "revlines" => string.Join('\n', s.TrimEnd('\n').Split('\n').Select(l => new string(l.Reverse().ToArray()))) + "\n",
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };
}
