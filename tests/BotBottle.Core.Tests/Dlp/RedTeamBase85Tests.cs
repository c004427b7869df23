using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.TestEncodings;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 12, base85 and uuencode blobs sent as the whole body (B23: Python <c>base64.b85encode</c> of a GitHub token;
/// B24: <c>base64.a85encode</c> without <c>&lt;~ ~&gt;</c>; J03: b85encode of an AWS credentials file; B42: uuencode
/// data lines of a <c>.env</c> without the <c>begin</c> header; J05: one uuencoded line of a token). The engine decides
/// from the first line of each scanned layer whether the layer is such a blob (DlpEngine.Base85.cs). The encoders are
/// <see cref="TestEncodings.Base85"/> and <see cref="TestEncodings.UuLines"/>, written from RFC 1924 §4, the PostScript
/// Language Reference §3.13.3 and POSIX uuencode. Tokens are random characters in the vendors' formats. Every malicious
/// case here passed main 419e2f9's engine; the look-alikes (benign text of the same shapes) stay clean.
/// </summary>
public sealed class RedTeamBase85Tests
{
    private static readonly string Ghp = Tokens.GitHub("ghp_", 1501);
    private static readonly string Aws = "AKIA" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 1502);
    private static readonly string AwsSecret = Tokens.Random(Tokens.B64, 40, 1503);
    private static readonly string DotEnv = $"NODE_ENV=production\nDATABASE_URL=postgres://localhost/app\nGITHUB_TOKEN={Ghp}\nLOG_LEVEL=debug\n";
    private static readonly string AwsCredentials = $"[default]\naws_access_key_id = {Aws}\naws_secret_access_key = {AwsSecret}\nregion = eu-west-1\n";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    [Fact]
    public void The_test_encoders_give_what_python_gives()
    {
        // base64.b85encode(b"hello world!!") and base64.a85encode(b"hello world!!") in CPython 3.12.
        Assert.Equal("Xk~0{Zy<MXa%^NFAp", Base85(Utf8("hello world!!")));
        Assert.Equal("BOu!rD]j7BEbo80+T", Base85(Utf8("hello world!!"), rfc1924: false));
    }

    public static TheoryData<string, string, string> Blobs() => new()
    {
        { "b85-token (B23)", "github-pat-classic", "base85" },
        { "b85-dotenv", "github-pat-classic", "base85" },
        { "b85-aws-credentials (J03)", "aws-access-key-id", "base85" },
        { "b85-gzip-dotenv", "github-pat-classic", "base85+compressed" },
        { "a85-token (B24)", "github-pat-classic", "ascii85" },
        { "a85-dotenv-wrapped", "github-pat-classic", "ascii85" },
        { "uu-dotenv (B42)", "github-pat-classic", "uuencode" },
        { "uu-dotenv-backtick", "github-pat-classic", "uuencode" },
        { "uu-dotenv-crlf", "github-pat-classic", "uuencode" },
        { "uu-token (J05)", "github-pat-classic", "uuencode" },
        { "uu-token-trimmed", "github-pat-classic", "uuencode" },
        { "uu-begin-header", "github-pat-classic", "uuencode" },
        { "base64-of-b85", "github-pat-classic", "base64+base85" },
    };

    private static string Body(string kind) => kind switch
    {
        "b85-token (B23)" => Base85(Utf8(Ghp)),
        "b85-dotenv" => Base85(Utf8(DotEnv)),
        "b85-aws-credentials (J03)" => Base85(Utf8(AwsCredentials)),
        "b85-gzip-dotenv" => Base85(Gzip(Utf8(DotEnv))),
        "a85-token (B24)" => Base85(Utf8(Ghp), rfc1924: false),
        "a85-dotenv-wrapped" => Base85(Utf8(DotEnv), rfc1924: false, wrap: 76),
        "uu-dotenv (B42)" => UuLines(Utf8(DotEnv)),
        "uu-dotenv-backtick" => UuLines(Utf8(DotEnv), backtick: true),
        "uu-dotenv-crlf" => UuLines(Utf8(DotEnv)).Replace("\n", "\r\n", StringComparison.Ordinal),
        "uu-token (J05)" => UuLines(Utf8(Ghp)),
        "uu-token-trimmed" => UuLines(Utf8(Ghp + "\n")).TrimEnd() + "\n", // an editor dropped the line's trailing blanks
        "uu-begin-header" => "begin 644 .env\n" + UuLines(Utf8(DotEnv), backtick: true) + "`\nend\n",
        _ => Convert.ToBase64String(Utf8(Base85(Utf8(DotEnv)))),
    };

    [Theory]
    [MemberData(nameof(Blobs))]
    public void A_blob_sent_as_the_whole_body_is_decoded(string kind, string rule, string encoding)
    {
        string body = Body(kind);
        foreach (var (text, type) in new[] { (body, "text/plain"), (body + "\n", "application/octet-stream"), ("  \n" + body, "text/plain") })
        {
            var findings = ScanBody(text, type);
            var f = findings.FirstOrDefault(x => x.RuleId == rule);
            Assert.True(f is not null, $"{kind}: {Describe(findings)}\n{text}");
            Assert.Equal(encoding, f!.Encoding);
        }
    }

    [Fact]
    public void The_red_team_bodies_as_sent_are_blocked()
    {
        // The five bodies of /tmp/redteam12/cases with the tokens replaced by this file's (same encoders, same shapes).
        Assert.Contains(ScanBody(Base85(Utf8(Ghp)), "text/plain"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBody(Base85(Utf8(Ghp), rfc1924: false), "text/plain"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBody(Base85(Utf8(AwsCredentials)), "text/plain"), f => f.RuleId == "aws-access-key-id");
        Assert.Contains(ScanBody(UuLines(Utf8(DotEnv)) + "\n", "text/plain"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBody(UuLines(Utf8(Ghp)), "text/plain"), f => f.RuleId == "github-pat-classic");
    }

    public static TheoryData<string> LookAlikes() =>
    [
        "!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e[r].call(o.exports,o,o.exports,n),o.l=!0,o.exports}n.m=e,n.c=t}([]);",
        "{\"model\":\"claude-sonnet\",\"messages\":[{\"role\":\"user\",\"content\":\"list the files\"}],\"max_tokens\":1024}",
        "[\"README.md\",\"src/index.ts\",\"package.json\",\"tsconfig.json\",\"src/lib/util.ts\"]",
        "-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEEq4Vb2bWkHn8Q1c0cE6xkW0JfE3UFAmVh1RwACgkQE6xkW0Jf\nE3Vq2Qf/Yd9xM8x1eCEq3lWJ0m3pB6lqHcA1fF0K1qkY7J2B8c4QWf9rGz8e2Xk2\n=Qm3x\n-----END PGP SIGNATURE-----\n",
        "https://github.com/example-org/example-repo/compare/main...feature/add-retry-logic?expand=1&title=Add+retry+logic&body=Closes+%2312",
        "python3 -c \"import json,sys;print(json.load(sys.stdin)['items'][0]['metadata']['name'])\"",
        "find . -name '*.py' -exec grep -l 'TODO' {} \\; | xargs -I{} sh -c 'wc -l {}' && echo done",
        "diff --git a/README.md b/README.md\nindex 3b18e51..a9c2f0e 100644\n--- a/README.md\n+++ b/README.md\n@@ -1,3 +1,4 @@\n # app\n+A small service that answers health checks.\n",
        Convert.ToBase64String(Tokens.Bytes(300, 1504)),
        Convert.ToHexStringLower(Tokens.Bytes(120, 1505)),
        "MAKE SURE THE BUILD PASSES BEFORE YOU MERGE THIS BRANCH TODAY\nTHEN TAG THE RELEASE.\n",
        "==================================================================\n",
        "<<<<<<< HEAD\nconst retries = 3;\n=======\nconst retries = 5;\n>>>>>>> feature\n",
        "$(($(date +%s)-$(stat -c %Y build.log)))>3600&&echo stale||echo fresh;exit 0",
        Base85(Tokens.Bytes(200, 1506)),
        Base85(Utf8("The quick brown fox jumps over the lazy dog while the build runs."), rfc1924: false),
        UuLines(Utf8("just a plain readme line that anyone may read, nothing secret\n")),
    ];

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_stay_clean(string body)
    {
        Assert.Empty(ScanBody(body, "text/plain"));
        Assert.Empty(ScanBody(body));
    }

    public static TheoryData<string, string> KeyedBlobs() => new()
    {
        { "json-b85", "base85" },
        { "json-a85-escaped", "ascii85" },
        { "json-uu-lines", "uuencode" },
        { "form-b85", "base85" },
        { "form-b85-percent", "base85" },
    };

    private static (string Body, string Type) KeyedBody(string kind) => kind switch
    {
        "json-b85" => ("{\"data\": \"" + Base85(Utf8(DotEnv)) + "\"}", "application/json"),
        "json-a85-escaped" => ("{\"payload\":" + System.Text.Json.JsonSerializer.Serialize(Base85(Utf8(DotEnv), rfc1924: false)) + ",\"n\":1}", "application/json"),
        "json-uu-lines" => ("{\"file\": " + System.Text.Json.JsonSerializer.Serialize(UuLines(Utf8(DotEnv))) + "}", "application/json"),
        "form-b85" => ("d=" + Base85(Utf8(DotEnv)), "text/plain"),
        _ => ("d=" + Uri.EscapeDataString(Base85(Utf8(DotEnv))), "application/x-www-form-urlencoded"),
    };

    [Theory]
    [MemberData(nameof(KeyedBlobs))]
    public void A_blob_as_the_first_value_of_a_json_object_or_form_is_decoded(string kind, string encoding)
    {
        var (body, type) = KeyedBody(kind);
        var findings = ScanBody(body, type);
        var f = findings.FirstOrDefault(x => x.RuleId == "github-pat-classic");
        Assert.True(f is not null, $"{kind}: {Describe(findings)}\n{body}");
        Assert.EndsWith(encoding, f!.Encoding, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blob_as_a_query_value_is_decoded()
    {
        var findings = Engine.ScanRequest(Request("/collect?d=" + Uri.EscapeDataString(Base85(Utf8(Ghp)))), DlpDetectors.All).Findings;
        Assert.Contains(findings, f => f.RuleId == "github-pat-classic");
    }

    public static TheoryData<string> KeyedLookAlikes() =>
    [
        "{\"model\": \"claude-sonnet-4\", \"max_tokens\": 1024, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}",
        "{\"content\":\"!function(e){var t={};function n(r){if(t[r])return t[r].exports;var o=t[r]={i:r,l:!1,exports:{}};return e}\"}",
        "{\"url\":\"https://github.com/example-org/example-repo/compare/main...feature/add-retry-logic?expand=1\"}",
        "{\"image\":\"" + Convert.ToBase64String(Tokens.Bytes(300, 1507)) + "\"}",
        "{\"text\":\"MAKE SURE THE BUILD PASSES BEFORE YOU MERGE THIS BRANCH TODAY\\nTHEN TAG THE RELEASE.\"}",
        "{\"notes\":\"" + Base85(Utf8("Release 2.4.1: fixed retry handling when the upstream closes early.")) + "\"}",
        "q=how+to+configure+retry+logic+in+the+http+client&page=2&per_page=50",
        "code=" + Uri.EscapeDataString("$(($(date +%s)-$(stat -c %Y build.log)))>3600&&echo stale||echo fresh;exit 0"),
    ];

    [Theory]
    [MemberData(nameof(KeyedLookAlikes))]
    public void Keyed_look_alikes_stay_clean(string body)
    {
        Assert.Empty(ScanBody(body));
        Assert.Empty(ScanBody(body, "application/x-www-form-urlencoded"));
    }

    [Fact]
    public void A_token_in_the_decoded_blob_is_reported_on_the_whole_blob()
    {
        string body = Base85(Utf8(DotEnv));
        var f = ScanBody(body, "text/plain").Single(x => x.RuleId == "github-pat-classic");
        Assert.Equal(0, f.Start);
        Assert.Equal(body.Length, f.Length);
    }

    [Fact]
    public void A_blob_after_other_text_is_not_the_first_line()
    {
        // The check reads each layer's first line only (cost O(1) per layer): a blob after prose is not decoded here.
        // Documented as a limit in docs/dlp-rules.md; this pins the behaviour, not a wish.
        string body = "here is the data you asked for:\n" + Base85(Utf8(Ghp)) + "\n";
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.Encoding == "base85");
    }
}
