using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

public class RedactionTests
{
    private static readonly string Token = Tokens.GitHub("ghp_", 700);
    private static readonly DlpEngine Engine = DlpEngine.Create([new KnownSecret("DB_PASSWORD", "hunter2-but-longer"), new KnownSecret("PIN", "4821")]);

    private static DlpRequest RedactAndRescanClean(DlpRequest request)
    {
        var report = Engine.ScanRequest(request, DlpDetectors.All);
        Assert.True(report.HasFindings);
        var redacted = Engine.Redact(request, report);
        var again = Engine.ScanRequest(redacted, DlpDetectors.All);
        Assert.False(again.HasFindings, Describe(again.Findings));
        return redacted;
    }

    [Fact]
    public void Every_location_is_redacted_and_the_rescan_is_clean()
    {
        string card = Tokens.Card("4", 16, 701);
        var request = new DlpRequest
        {
            Method = "POST",
            Host = "api.example.com",
            PathAndQuery = "/v1/" + Token + "/x?key=" + Uri.EscapeDataString(Tokens.B64Of("pw:hunter2-but-longer")) + "&pin=4821&q=ok",
            Headers =
            [
                new("Authorization", "Basic " + Tokens.B64Of("x-access-token:" + Token)),
                new("X-Trace", "abc"),
                new("X-" + Tokens.Samples["npm-access-token"], "1"),
            ],
            ContentType = "application/json",
            Body = Encoding.UTF8.GetBytes("{\"card\":" + card + ",\"pw\":\"" + Tokens.JsonEscapeAll("hunter2-but-longer") + "\",\"jwt\":\"" + Tokens.Jwt(702) + "\"}"),
        };
        var redacted = RedactAndRescanClean(request);
        Assert.Equal(request.Host, redacted.Host);
        Assert.Contains("%5BREDACTED%3Agithub-pat-classic%5D", redacted.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("pin=%5BREDACTED%3APIN%5D", redacted.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains("&q=ok", redacted.PathAndQuery, StringComparison.Ordinal);
        Assert.Equal("Basic [REDACTED:github-pat-classic]", redacted.Headers[0].Value);
        Assert.Equal(2, redacted.Headers.Count); // the header whose name held a token is dropped
        using var json = JsonDocument.Parse(redacted.Body);
        Assert.Equal("[REDACTED:payment-card]", json.RootElement.GetProperty("card").GetString());
        Assert.Equal("[REDACTED:DB_PASSWORD]", json.RootElement.GetProperty("pw").GetString());
        Assert.Equal("[REDACTED:jwt]", json.RootElement.GetProperty("jwt").GetString());
    }

    [Fact]
    public void Overlapping_findings_are_merged()
    {
        var engine = DlpEngine.Create([new KnownSecret("INNER", Token[4..24])]);
        var req = Request("/", "t=" + Token, "text/plain");
        var report = engine.ScanRequest(req, DlpDetectors.All);
        Assert.Equal(2, report.Findings.Count);
        var redacted = engine.Redact(req, report);
        Assert.Equal("t=[REDACTED:github-pat-classic]", Encoding.UTF8.GetString(redacted.Body.Span));
    }

    [Fact]
    public void Form_and_multipart_bodies()
    {
        RedactAndRescanClean(Request("/", "a=1&token=" + Token + "&b=2", "application/x-www-form-urlencoded"));
        string part = Convert.ToBase64String(Encoding.UTF8.GetBytes("secret " + Token));
        RedactAndRescanClean(Request("/", "--q\r\nContent-Disposition: form-data; name=\"f\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + part + "\r\n--q--\r\n", "multipart/form-data; boundary=q"));
    }

    [Fact]
    public void Clean_report_returns_the_same_request_and_foreign_reports_are_rejected()
    {
        var req = Request("/ok");
        Assert.Same(req, Engine.Redact(req, DlpReport.Clean));
        var other = Engine.ScanRequest(Request("/" + Token + "/" + Token), DlpDetectors.All);
        Assert.Throws<ArgumentException>(() => Engine.Redact(req, other));
    }

    [Fact]
    public void Host_findings_are_left_for_the_caller_to_block()
    {
        var req = Request(host: Tokens.Hex("hunter2-but-longer") + ".evil.example");
        var report = Engine.ScanRequest(req, DlpDetectors.All);
        var redacted = Engine.Redact(req, report);
        Assert.Equal(req.Host, redacted.Host);
        Assert.True(Engine.ScanRequest(redacted, DlpDetectors.All).HasFindings);
    }
}
