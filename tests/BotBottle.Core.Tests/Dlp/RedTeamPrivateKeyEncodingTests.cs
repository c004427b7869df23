using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Thirteenth red-team round (<c>/work/notes/redteam12.md</c>, cases E20, L39, M03, L42, M05): PEM / OpenSSH private
/// keys in encodings the engine missed.
/// <list type="number">
/// <item>Form-encoded (HTML 4.01 §17.13.4.1, <c>application/x-www-form-urlencoded</c>: blanks as <c>+</c>, line breaks
/// as <c>%0A</c>; <c>curl --data-urlencode</c>, Python's <c>urllib.parse.quote_plus</c>) and sent without a form
/// Content-Type, so no layer turns <c>+</c> back into blanks: <c>-----BEGIN+RSA+PRIVATE+KEY-----%0A…</c>.</item>
/// <item>The same <c>+</c>-for-blank header with real line breaks (no percent-encoding at all).</item>
/// <item>JSON put in a JSON string (RFC 8259 §7 escapes the backslash of <c>\n</c> again: <c>\\n</c>).</item>
/// </list>
/// The key bodies are random base64 (the OpenSSH one behind the public <c>openssh-key-v1</c> magic of PROTOCOL.key);
/// none is a real key.
/// </summary>
public sealed class RedTeamPrivateKeyEncodingTests
{
    private static string Rsa(string nl = "\n") => "-----BEGIN RSA PRIVATE KEY-----" + nl + Tokens.PemBody(1301, 6).Replace("\n", nl, StringComparison.Ordinal) + "-----END RSA PRIVATE KEY-----" + nl;

    private static string OpenSsh(string nl = "\n") =>
        "-----BEGIN OPENSSH PRIVATE KEY-----" + nl + "b3BlbnNzaC1rZXktdjEAAAAA" + Tokens.PemBody(1302, 4).Replace("\n", nl, StringComparison.Ordinal) + "-----END OPENSSH PRIVATE KEY-----" + nl;

    /// <summary>A key whose base64 has <c>+</c> and <c>/</c> among its first characters, which System.Text.Json's default encoder writes as <c>\u002B</c>.</summary>
    private const string PlusFirst = "-----BEGIN RSA PRIVATE KEY-----\nMIIEogIBAAKCAQEA+/+/+8Zq2l0Hc7wYv1cR9pX4nTmKe5sJd3Ua6Bf0Lg2Wi8Ny+Ko1Dt7Ej4Mr9Aa5Qx\nS3vPu6Hy0Fk2Ic8Gb5Jn1Lw4Ot7Rq9Ve3Xz6Yd0Ah2Ck5Em8Gp1Is4Ku7Mx0Oz3Qb6Sd9Uf2Wh5Yj8\n-----END RSA PRIVATE KEY-----\n";

    /// <summary>Form encoding as <c>quote_plus</c> does it: unreserved characters kept, blank → <c>+</c>, the rest <c>%XX</c>.</summary>
    private static string QuotePlus(string s)
    {
        var sb = new StringBuilder();
        foreach (byte b in Encoding.UTF8.GetBytes(s))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append(b == ' ' ? "+" : $"%{b:X2}");
            }
        }

        return sb.ToString();
    }

    private static string JsonString(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    public static TheoryData<string, string, string?> EncodedKeys() => new()
    {
        { "openssh, form field, no content type", "key=" + QuotePlus(OpenSsh()), null },
        { "rsa, form field, no content type", "key=" + QuotePlus(Rsa()), null },
        { "rsa, form field, text/plain", "note=x&key=" + QuotePlus(Rsa()), "text/plain" },
        { "rsa, plus for blank, real line breaks", Rsa().Replace(' ', '+'), null },
        { "openssh, plus for blank, CRLF", OpenSsh("\r\n").Replace(' ', '+'), "text/plain" },
        { "rsa, JSON in a JSON string", "{\"payload\": " + JsonString("{\"key\": " + JsonString(Rsa()) + "}") + "}", "application/json" },
        { "openssh, JSON in a JSON string", "{\"payload\": " + JsonString("{\"key\": " + JsonString(OpenSsh()) + "}") + "}", null },
        { "rsa, three JSON levels", JsonString(JsonString(JsonString(Rsa()))), "application/json" },
        { "rsa, System.Text.Json (+ as \\u002B)", "{\"key\": " + JsonString(PlusFirst) + "}", "application/json" },
        { "rsa, System.Text.Json twice", "{\"p\": " + JsonString("{\"key\": " + JsonString(PlusFirst) + "}") + "}", "application/json" },
        { "openssh, JSON in JSON, CRLF", "{\"p\": " + JsonString("{\"k\": " + JsonString(OpenSsh("\r\n")) + "}") + "}", "application/json" },
    };

    [Theory]
    [MemberData(nameof(EncodedKeys))]
    public void An_encoded_private_key_is_found(string name, string body, string? contentType)
    {
        var findings = Engine.ScanRequest(Request("/collect", body, contentType), DlpDetectors.All).Findings;
        Assert.True(findings.Any(f => f.RuleId == BuiltInRules.PrivateKeyId), $"{name}: {Describe(findings)}");
    }

    [Fact]
    public void The_form_encoded_key_is_redacted_whole()
    {
        var request = Request("/collect", "key=" + QuotePlus(Rsa()) + "&user=alice", null);
        var report = Engine.ScanRequest(request, DlpDetectors.All);
        var redacted = Encoding.UTF8.GetString(Engine.Redact(request, report).Body.Span);
        Assert.DoesNotContain("BEGIN", redacted, StringComparison.Ordinal);
        Assert.DoesNotContain(Tokens.PemBody(1301, 6)[..40], redacted, StringComparison.Ordinal);
        Assert.EndsWith("&user=alice", redacted, StringComparison.Ordinal);
        Assert.False(Engine.ScanRequest(Engine.Redact(request, report), DlpDetectors.All).HasFindings);
    }

    /// <summary>Headers mentioned in prose, code and docs, also with <c>+</c> for blanks and doubly escaped JSON, are followed by no key material.</summary>
    [Theory]
    [InlineData("q=how+to+parse+-----BEGIN+RSA+PRIVATE+KEY-----+headers+in+go&page=2")]
    [InlineData("q=-----BEGIN+RSA+PRIVATE+KEY-----%0A...%0A-----END+RSA+PRIVATE+KEY-----")]
    [InlineData("if line.startswith(\"-----BEGIN+PRIVATE+KEY-----\"):\n    raise ValueError(\"form-encoded key\")\n")]
    [InlineData("{\"body\": \"{\\\"text\\\": \\\"paste your -----BEGIN RSA PRIVATE KEY-----\\\\n...\\\\n-----END RSA PRIVATE KEY----- here\\\"}\"}")]
    [InlineData("{\"p\": \"{\\\"cert\\\": \\\"-----BEGIN CERTIFICATE-----\\\\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ\\\\n-----END CERTIFICATE-----\\\"}\"}")]
    [InlineData("-----BEGIN+PUBLIC+KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END+PUBLIC+KEY-----\n")]
    [InlineData("-----BEGIN+RSA+PRIVATE+KEY-----+is+the+PKCS%231+header;+-----BEGIN+PRIVATE+KEY-----+is+PKCS%238")]
    public void Private_key_look_alikes_stay_clean(string body)
    {
        foreach (var ct in new string?[] { null, "text/plain", "application/x-www-form-urlencoded" })
        {
            var findings = Engine.ScanRequest(Request("/q", body, ct), DlpDetectors.All).Findings;
            Assert.DoesNotContain(findings, f => f.RuleId is BuiltInRules.PrivateKeyId or BuiltInRules.PrivateKeyDerId);
        }
    }

    /// <summary>A long run of backslashes before <c>n</c> is walked at most <c>MaxEscapeBackslashes</c> at a time: no key, no finding.</summary>
    [Fact]
    public void Many_backslashes_after_a_header_are_not_a_key()
    {
        string body = "-----BEGIN RSA PRIVATE KEY-----" + new string('\\', 100_000) + "n" + Tokens.PemBody(1303, 2);
        var findings = Engine.ScanRequest(Request("/q", body, "text/plain"), DlpDetectors.All).Findings;
        Assert.DoesNotContain(findings, f => f.RuleId == BuiltInRules.PrivateKeyId);
    }
}
