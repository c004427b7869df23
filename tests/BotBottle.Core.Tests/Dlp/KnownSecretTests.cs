using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

public class KnownSecretTests
{
    private const string Long = "Tr0ub4dor&3-horse";
    private const string Short = "Pw1!";

    [Fact]
    public void ToString_and_debugger_display_never_show_the_value()
    {
        var s = new KnownSecret("API_TOKEN", Long);
        Assert.DoesNotContain(Long, s.ToString(), StringComparison.Ordinal);
        Assert.Contains("API_TOKEN", s.ToString(), StringComparison.Ordinal);
        var attr = typeof(KnownSecret).GetCustomAttributes(typeof(System.Diagnostics.DebuggerDisplayAttribute), false).Cast<System.Diagnostics.DebuggerDisplayAttribute>().Single();
        Assert.DoesNotContain("Value", attr.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Findings_messages_and_locations_never_contain_the_value()
    {
        var engine = DlpEngine.Create([new KnownSecret("LONG", Long), new KnownSecret("SHORT", Short)]);
        var encodings = new Func<string, string>[] { s => s, Tokens.B64Of, s => Tokens.Hex(s), Tokens.PercentAll, Tokens.FullWidth, Tokens.JsonEscapeAll };
        foreach (var encode in encodings)
        {
            var req = Request("/p/" + encode(Long) + "?" + Long + "=" + encode(Long) + "&s=" + Short, "{\"" + Long + "\":\"" + encode(Long) + "\"}", "application/json",
                headers: [("X-" + Long, encode(Long)), ("Authorization", "Basic " + Tokens.B64Of("u:" + Short))]);
            var report = engine.ScanRequest(req, DlpDetectors.All);
            Assert.True(report.HasFindings);
            foreach (var f in report.Findings)
            {
                foreach (var text in new[] { f.Message, f.ToString(), f.Location.ToString(), f.RuleId, f.Encoding, report.ToString() })
                {
                    Assert.DoesNotContain(Long, text, StringComparison.Ordinal);
                    Assert.DoesNotContain(Short, text, StringComparison.Ordinal);
                }
            }

            var redacted = engine.Redact(req, report);
            Assert.False(engine.ScanRequest(redacted, DlpDetectors.All).HasFindings);
        }
    }

    [Fact]
    public void Exceptions_do_not_contain_the_value()
    {
        var ex = Assert.Throws<ArgumentException>(() => DlpEngine.Create([new KnownSecret(null!, Long)]));
        Assert.DoesNotContain(Long, ex.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => DlpEngine.Create(null!));
    }

    [Fact]
    public void Short_secrets_match_whole_values_only()
    {
        var engine = DlpEngine.Create([new KnownSecret("PIN", Short)]);
        Assert.Empty(Scan("the value " + Short + " inside text", engine));
        Assert.False(engine.ScanRequest(Request("/?q=a" + Short + "b"), DlpDetectors.All).HasFindings);

        var cases = new[]
        {
            Request("/?pin=" + Uri.EscapeDataString(Short)),
            Request(headers: ("X-Pin", " " + Short + " ")),
            Request(headers: ("Authorization", "Bearer " + Short)),
            Request(headers: ("Authorization", "Basic " + Tokens.B64Of("user:" + Short))),
            Request(headers: ("Cookie", "a=1; pin=" + Short)),
            Request("/", "a=1&pin=" + Uri.EscapeDataString(Short), "application/x-www-form-urlencoded"),
        };
        foreach (var req in cases)
        {
            var f = Assert.Single(engine.ScanRequest(req, DlpDetectors.All).Findings);
            Assert.Equal(("PIN", DlpFinding.KnownSecretsDetector), (f.RuleId, f.Detector));
        }
    }

    [Fact]
    public void Minimum_substring_length_boundary()
    {
        Assert.Equal(8, KnownSecret.MinimumSubstringLength);
        var engine = DlpEngine.Create([new KnownSecret("EIGHT", "abcd1234"), new KnownSecret("SEVEN", "abc1234")]);
        var findings = Scan("xx abcd1234 abc1234 yy", engine);
        Assert.Equal("EIGHT", Assert.Single(findings).RuleId);
    }

    [Fact]
    public void Secrets_with_any_characters_and_duplicates()
    {
        var engine = DlpEngine.Create([new KnownSecret("A", "pass word: 'ü€'"), new KnownSecret("B", "pass word: 'ü€'"), new KnownSecret("EMPTY", string.Empty)]);
        var f = Assert.Single(Scan("x pass word: 'ü€' y", engine));
        Assert.Equal("A", f.RuleId);
        var b64 = Assert.Single(Scan("x " + Tokens.B64Of("pass word: 'ü€'") + " y", engine));
        Assert.Equal(DlpEncodings.Base64, b64.Encoding);
    }

    [Fact]
    public void Long_secret_such_as_a_private_key_is_found_in_every_form()
    {
        string pem = Tokens.Pem("EC PRIVATE KEY", 800);
        var engine = DlpEngine.Create([new KnownSecret("SSH_KEY", pem)], TokenRuleSet.Default.Without("private-key"));
        Assert.Equal("SSH_KEY", Assert.Single(Scan("k=" + pem, engine)).RuleId);
        Assert.Equal("SSH_KEY", Assert.Single(Scan("k=" + Tokens.B64Of(pem), engine)).RuleId);
        Assert.Equal("SSH_KEY", Assert.Single(Scan(JsonEncodedString(pem), engine)).RuleId);
    }

    private static string JsonEncodedString(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    [Fact]
    public void Secret_found_once_even_when_several_layers_see_it()
    {
        var engine = DlpEngine.Create([new KnownSecret("S", "secret-value-123")]);
        var findings = Scan("a=secret-value-123&b=%41", engine, new DlpLocation(DlpLocationKind.Query));
        Assert.Single(findings);
    }

    [Fact]
    public void Findings_are_capped()
    {
        var engine = DlpEngine.Create([new KnownSecret("S", "aaaaaaaa")]);
        var findings = Scan(new string('a', 100_000), engine);
        Assert.Equal(DlpEngine.MaxFindings, findings.Count);
    }

    [Fact]
    public void Utf8_bytes_of_non_ascii_secrets_are_encoded_forms()
    {
        const string value = "mot-de-passe-été";
        var engine = DlpEngine.Create([new KnownSecret("FR", value)]);
        string hex = Convert.ToHexString(Encoding.UTF8.GetBytes(value));
        Assert.Single(Scan("h=" + hex, engine));
        Assert.Single(Scan("p=" + Uri.EscapeDataString(value), engine));
    }
}
