using BotBottle.Dlp;

namespace BotBottle.Tests.Dlp;

public class SmokeTests
{
    [Fact]
    public void Every_rule_sample_is_found_in_context()
    {
        var engine = DlpEngine.Create([]);
        var failures = new List<string>();
        foreach (var rule in engine.Rules.Rules)
        {
            string text = Tokens.InContext(rule.Id);
            var findings = new List<DlpFinding>();
            engine.Scan(text, DlpLocation.Body, DlpDetectors.All, findings);
            if (!findings.Any(f => f.RuleId == rule.Id))
            {
                failures.Add($"{rule.Id}: {string.Join("; ", findings.Select(f => f.RuleId))}");
            }
        }

        Assert.Empty(failures);
    }
}
