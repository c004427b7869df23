using BotBottle.Backends;
using BotBottle.Egress;
using BotBottle.Policy;
using BotBottle.Sidecar.Egress;

namespace BotBottle.Tests;

/// <summary>
/// The egress proxy's audit file (PRODUCT.md §8.1: <c>Get-BottleAuditLog</c> shows blocked requests): every refusal
/// and redaction is appended as one <see cref="EgressAuditRecord"/> line whatever <c>egress.log</c> says, allowed
/// requests never are, no query or secret is written, and the file stops at its size limit and says so once.
/// </summary>
public sealed class EgressAuditTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bb-egress-audit-").FullName;

    private string AuditFile => Path.Combine(_dir, SidecarContract.EgressAuditFile);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static EgressLogEntry Entry(string decision, string host = "api.example.com") => new()
    {
        Decision = decision, Method = "POST", Scheme = "https", Host = host, Port = 443, Path = "/v1/upload", HasQuery = true, Status = decision == "redact" ? 200 : 403,
        Reasons = decision == "allow" ? [] : [("token_patterns", "aws-access-key-id", "query:key", "AWS access key id AKIA…[16]")],
    };

    [Fact]
    public async Task Refusals_and_redactions_are_audited_whatever_the_log_level_and_allowed_requests_are_not()
    {
        var output = new StringWriter();
        await using (var log = new EgressLog(output, AuditFile) { Level = EgressLogLevel.Off })
        {
            log.Request(Entry("allow"));
            log.Request(Entry("block"));
            log.Request(Entry("supervise"));
            log.Request(Entry("redact"));
        }

        Assert.Equal(string.Empty, output.ToString());
        var lines = File.ReadAllLines(AuditFile);
        var records = lines.Select(EgressAuditRecord.TryParse).ToList();
        Assert.All(records, Assert.NotNull);
        Assert.Equal(["block", "supervise", "redact"], records.Select(r => r!.Decision));
        Assert.Equal(["egress-blocked", "egress-blocked", "egress-redacted"], records.Select(r => r!.AuditEvent));
        Assert.Equal(3, records.Select(r => r!.Id).Distinct().Count());
        Assert.Equal("block POST https://api.example.com/v1/upload?… → 403: token_patterns/aws-access-key-id at query:key", records[0]!.AuditDetail);
        Assert.DoesNotContain("AKIA", File.ReadAllText(AuditFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_audit_file_stops_at_its_limit_and_the_log_says_so_once()
    {
        var one = new EgressAuditRecord(new string('0', 32), DateTimeOffset.UtcNow, "block", "POST", "https", "api.example.com", 443, "/v1/upload", true, 403, ["token_patterns/aws-access-key-id at query:key"]).ToJsonLine().Length + 1;
        var output = new StringWriter();
        await using (var log = new EgressLog(output, AuditFile, auditLimit: (2 * one) + (one / 2)))
        {
            for (var i = 0; i < 5; i++)
            {
                log.Request(Entry("block"));
            }
        }

        Assert.Equal(2, File.ReadAllLines(AuditFile).Length);
        Assert.Single(output.ToString().Split('\n'), l => l.Contains("\"audit-full\"", StringComparison.Ordinal));
    }
}
