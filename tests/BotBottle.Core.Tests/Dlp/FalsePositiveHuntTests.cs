using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The second false-positive hunt (docs/dlp-rules.md "False-positive hunt"): each benign shape the engine reported, and
/// beside it the malicious shape the narrowed rule must still report. The benign shapes are built from the formats
/// (System.Text.Json's default escaping, RFC 5234 ABNF, wheel <c>RECORD</c> lines, GitHub contents JSON), never
/// copied from the files that showed them.
/// </summary>
public sealed class FalsePositiveHuntTests
{
    /// <summary>Code quoted in a JSON string by System.Text.Json: quotes and HTML-sensitive characters as <c>\u00XX</c>.</summary>
    private static string AnthropicBody(string escapedCode) =>
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[{\"role\":\"user\",\"content\":\"review:\\n" + escapedCode + "\\n\"}]}";

    private static List<DlpFinding> ScanJson(string body) =>
        Engine.ScanRequest(Request("/v1/messages", body, "application/json"), DlpDetectors.All).Findings.ToList();

    [Theory]
    [InlineData(@"        self.token = \u0027\u0027\n        self.pwd = \u0022\u0022")]
    [InlineData(@"    my $pwd = \u0060cmd /c cd\u0060;\n    chomp $pwd;")]
    [InlineData(@"        pass =\u003E $password,\n        user =\u003E $user,")]
    [InlineData(@"#   javax.net.ssl.keyStorePassword=\u003Ckeystore-password\u003E")]
    [InlineData(@"  _CLIENT_SECRET = \u0027CLIENT_SECRET\u0027\n  token = \u0022token\u0022")]
    [InlineData(@"print(\u0022shlex: token=\u0022 \u002B repr(raw))")]
    [InlineData(@"The docs example \u0060DB_PASSWORD=Xk9#mQ2v\u2026\u0060 is truncated.")]
    public void Json_escaped_quotes_are_quotes(string code)
    {
        var findings = ScanJson(AnthropicBody(code));
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData(@"password = \u0027hunter2-real-secret\u0027", "hunter2-real-secret")]
    [InlineData(@"DB_PASSWORD = \u0022Xk9mQ2vLp7Rt\u0022", "Xk9mQ2vLp7Rt")]
    [InlineData(@"cfg = {\u0027password\u0027: \u0027Xk9mQ2vLp7Rt\u0027}", "Xk9mQ2vLp7Rt")]
    [InlineData(@"{\u0022api_key\u0022: \u0022Qm8vT2xLp9Zr4Wn6\u0022}", "Qm8vT2xLp9Zr4Wn6")]
    [InlineData(@"DB_PASSWORD=\u0027Xk9\u002BmQ2vLp\u0027", @"Xk9\u002BmQ2vLp")]
    public void A_literal_between_json_escaped_quotes_is_still_found(string code, string value)
    {
        string body = AnthropicBody(code);
        var findings = ScanJson(body);
        var finding = Assert.Single(findings, f => f.RuleId == "credential-assignment");
        Assert.Equal(value, body.Substring(finding.Start, finding.Length));
    }

    [Theory]
    [InlineData("# token          = 1*tchar\n# tchar          = \"!\" / \"#\" / DIGIT / ALPHA\n")]
    [InlineData("# passwd    = 1*SAFE ; MUST accept up to 255 octets\n")]
    [InlineData("                self.token = self.token.astOperand2\n        token = token.astOperand1\n")]
    [InlineData("  IMAGE_REL_ARM64_TOKEN = 0x000C,\n  IMAGE_REL_ARM64_SECTION = 0x000D,\n")]
    [InlineData("{\"value\":\"Unexpected token: Expected: null, true, false\"}")]
    public void Grammar_and_code_are_not_literals(string text)
    {
        var findings = Scan(text);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData("password = 1*Xk9mQ2vLp\n")]
    [InlineData("DB_PASSWORD=Summer.Fun2024\n")]
    [InlineData("DB_PASSWORD=Xk9.mQ2vLp\n")]
    [InlineData("token: Xk9mQ2vLp7:Rt\n")]
    public void Literals_beside_the_grammar_and_code_shapes_are_still_found(string text)
    {
        Assert.Contains(Scan(text), f => f.RuleId == "credential-assignment");
    }

    [Fact]
    public void A_long_hex_private_key_is_still_found()
    {
        string key = "0x" + Tokens.Random(Tokens.LowerHex, 64, 1205);
        Assert.Contains(Scan("PRIVATE_KEY=" + key + "\n"), f => f.RuleId == "credential-assignment");
    }

    [Theory]
    [InlineData("    p = 14633730048000000*t**14 + 4828147466240000*t**12 + 598976863027200*t**10\n")]
    [InlineData("    assert [hyperfac(n) for n in range(7)] == [1, 1, 4, 108, 27648, 86400000, 4031078400000]\n")]
    [InlineData("x = 2*4828147466240000\n")]
    public void Luhn_valid_numbers_in_math_code_are_not_cards(string text)
    {
        var findings = Scan(text);
        Assert.True(findings.Count == 0, Describe(findings));
    }

    [Theory]
    [InlineData("card: 4828147466240000\n")]
    [InlineData("**4111111111111111** was declined\n")]
    [InlineData("https://collect.example.com/p/4566045511918750/exp\n")]
    [InlineData("card 4111 1111 1111 1111 1229\n")]
    public void Cards_beside_the_math_shapes_are_still_found(string text)
    {
        Assert.Contains(Scan(text), f => f.RuleId == "payment-card");
    }

    [Fact]
    public void A_sorted_table_of_four_digit_numbers_is_not_cards()
    {
        // 4002 … with one window Luhn-valid (a Visa 16), as a code-point or distribution table prints it
        string row = SortedRowWithCardWindow();
        Assert.True(Scan(row).Count == 0, Describe(Scan(row)));
    }

    [Fact]
    public void Cards_written_one_after_another_in_groups_are_still_found()
    {
        var findings = Scan("cards: 4111 1111 1111 1111 5500 0000 0000 0004\n");
        Assert.Equal(2, findings.Count(f => f.RuleId == "payment-card"));
    }

    [Fact]
    public void A_wheel_record_digest_is_not_a_token()
    {
        string glc = "glc_" + Tokens.Random(Tokens.B64Url, 39, 1206);
        string sk = "sk-" + Tokens.Random(Tokens.B64Url, 40, 1207);
        string record = $"pkg/_proto/error_codes_pb2.pyi,sha256={glc},1208\npkg/utils/misc.py,sha256={sk},23220\npkg-1.0.dist-info/RECORD,,\n";
        Assert.True(Scan(record).Count == 0, Describe(Scan(record)));
    }

    [Theory]
    [InlineData("GRAFANA_TOKEN=glc_", 40)] // a token, not after a digest name
    [InlineData("pkg/mod.py,sha256=glc_", 60)] // after a digest name, but longer than a SHA-256
    public void A_grafana_token_beside_the_digest_shape_is_still_found(string before, int length)
    {
        string token = before + Tokens.Random(Tokens.B64Url, length, 1208);
        Assert.Contains(Scan(token + ",1\n"), f => f.RuleId == "grafana-token");
    }

    [Theory]
    [InlineData('r', false)] // "…lX22zJrsk-Q00…": a digest that contains sk- after a letter
    [InlineData(',', true)] // "…,sk-proj-…": a key at a line start
    public void A_prefix_at_the_start_of_a_wrapped_base64_line_needs_a_boundary_in_the_line_before(char before, bool found)
    {
        string head = "pkg/__init__.py,sha256=" + Tokens.Random(Tokens.B64Url, 43, 1209) + ",312\npkg/utils/misc.py,x=";
        head += new string('q', 45 - ((head.Length + 1) % 45)) + before;
        string text = head + "sk-" + Tokens.Random(Tokens.Base62, 40, 1210) + ",23220\npkg/mod.py,sha256=" + Tokens.Random(Tokens.B64Url, 43, 1211) + ",90\n";
        Assert.Equal(0, text.IndexOf("sk-", StringComparison.Ordinal) % 45);
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var sb = new StringBuilder();
        for (int i = 0; i < b64.Length; i += 60)
        {
            sb.Append(b64.AsSpan(i, Math.Min(60, b64.Length - i))).Append("\\n");
        }

        var findings = Engine.ScanRequest(Request("/ingest", "{\"type\":\"file\",\"encoding\":\"base64\",\"content\":\"" + sb + "\"}", "application/json"), DlpDetectors.All).Findings;
        Assert.Equal(found, findings.Any(f => f.RuleId == "openai-api-key"));
    }

    /// <summary>A sorted row of eight four-digit groups whose groups 2–5 are a Luhn-valid Visa number.</summary>
    private static string SortedRowWithCardWindow()
    {
        for (int last = 4060; last < 4070; last++)
        {
            int[] g = [4002, 4013, 4024, 4035, last, 4071, 4082, 4093];
            if (Luhn($"{g[1]}{g[2]}{g[3]}{g[4]}"))
            {
                return " " + string.Join(' ', g) + "\n";
            }
        }

        throw new InvalidOperationException("no Luhn-valid window");
    }

    private static bool Luhn(string digits) => Checksums.IsLuhnValid([.. digits.Select(c => (byte)(c - '0'))]);
}
