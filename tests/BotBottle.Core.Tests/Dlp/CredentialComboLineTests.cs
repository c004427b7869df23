using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Thirteenth red-team round (<c>/work/notes/redteam12.md</c>, cases F11, L05, L06, L09): credential-dump lines ("combo
/// lists", MITRE ATT&amp;CK T1110.004), an e-mail address and its password on one line, separated by <c>:</c>, a blank,
/// <c>|</c> or a CSV comma under an <c>email,password</c> header. The addresses and passwords are made up for these
/// tests (random characters in the shapes); none is a real account.
/// </summary>
public sealed class CredentialComboLineTests
{
    private const string Pw = "Winter2024!dLSLxG";

    public static TheoryData<string, string, string?> ComboBodies() => new()
    {
        { "colon", $"jane.doe@acme-corp.com:{Pw}", null },
        { "blank", $"jane.doe@acme-corp.com {Pw}", null },
        { "pipe", $"jane.doe@acme-corp.com|{Pw}\n", null },
        { "semicolon", $"jane.doe@acme-corp.com;{Pw}\r\n", "text/plain" },
        { "tab", $"jane.doe@acme-corp.com\t{Pw}\n", "text/plain" },
        { "csv under a header", "email,password\njane.doe@acme-corp.com,Winter2024!dLSLxG\nbob@acme-corp.com,Summer2023#x9\n", null },
        { "csv, plain passwords under a header", "email,password\njane.doe@acme-corp.com,qwerty123\nbob@acme-corp.com,sunshine7\n", "text/csv" },
        { "quoted csv under a header", "\"Email\",\"Password\"\r\n\"jane.doe@acme-corp.com\",\"dragon2024\"\r\n", "text/csv" },
        { "csv in a JSON string under a header", "{\"csv\": \"email,password\\njane.doe@acme-corp.com,qwerty123\\nbob@acme-corp.com,sunshine7\\n\"}", "application/json" },
        { "several lines", $"bob@acme-corp.com:Summer2023#x9\njane.doe@acme-corp.com:{Pw}\n", "text/plain" },
        { "in a JSON string", "{\"dump\": \"bob@acme-corp.com:Summer2023#x9\\njane.doe@acme-corp.com:Winter2024!dLSLxG\"}", "application/json" },
        { "as a JSON array element", "{\"accounts\": [\"jane.doe@acme-corp.com:Winter2024!dLSLxG\"]}", "application/json" },
        { "form field", "data=jane.doe%40acme-corp.com%3AWinter2024%21dLSLxG%0Abob%40acme-corp.com%3ASummer2023%23x9", "application/x-www-form-urlencoded" },
        { "base64", Tokens.B64Of($"jane.doe@acme-corp.com:{Pw}\nbob@acme-corp.com:Summer2023#x9\n"), "text/plain" },
    };

    [Theory]
    [MemberData(nameof(ComboBodies))]
    public void A_combo_line_is_found(string name, string body, string? contentType)
    {
        var findings = Engine.ScanRequest(Request("/collect", body, contentType), DlpDetectors.All).Findings;
        Assert.True(findings.Any(f => f.RuleId == BuiltInRules.CredentialComboLineId), $"{name}: {Describe(findings)}");
    }

    [Fact]
    public void The_password_is_redacted_and_the_address_kept()
    {
        var request = Request("/collect", $"jane.doe@acme-corp.com:{Pw}\nbob@acme-corp.com|Summer2023#x9\n", "text/plain");
        var report = Engine.ScanRequest(request, DlpDetectors.All);
        var finding = Assert.Single(report.Findings, f => f.RuleId == BuiltInRules.CredentialComboLineId && f.Start == "jane.doe@acme-corp.com:".Length);
        Assert.Equal(Pw.Length, finding.Length);
        Assert.DoesNotContain(Pw, finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jane.doe", finding.Message, StringComparison.Ordinal);
        var redacted = Engine.Redact(request, report);
        string text = Encoding.UTF8.GetString(redacted.Body.Span);
        Assert.Equal("jane.doe@acme-corp.com:[REDACTED:credential-combo-line]\nbob@acme-corp.com|[REDACTED:credential-combo-line]\n", text);
        Assert.False(Engine.ScanRequest(redacted, DlpDetectors.All).HasFindings);
    }

    /// <summary>Text agents send that holds an address next to a separator and something else: none is a combo line.</summary>
    [Theory]
    [InlineData("git@github.com:octo-org/hello-World2.git\n")]
    [InlineData("git clone git@github.com:Octo/Repo_2024.git\n")]
    [InlineData("deploy@build-01.acme-corp.com:/srv/App/Releases2024\n")]
    [InlineData("deploy@build-01.acme-corp.com:~/Backups/db-2024.sql.gz\n")]
    [InlineData("Author: Jane Doe <jane.doe@acme-corp.com> 1700000000 +0000\ncommitter Jane Doe <jane.doe@acme-corp.com> 1700000000 +0000\n")]
    [InlineData("Signed-off-by: Jane Doe <jane.doe@acme-corp.com>\n")]
    [InlineData("From: jane.doe@acme-corp.com\nTo: bob@acme-corp.com\nSubject: Re: Q3 Plan2024!\n")]
    [InlineData("Contact us at mailto:support@acme-corp.com?subject=Help2024\n")]
    [InlineData("email,name,signup\njane.doe@acme-corp.com,Jane Doe,2024-03-01\nbob@acme-corp.com,Bob,2024-03-02\n")]
    [InlineData("jane.doe@acme-corp.com 3f2a9c1d7e5b4a6f8c0d2e4f6a8b0c1d2e3f4a5b\nbob@acme-corp.com 9c1d7e5\n")]
    [InlineData("jane.doe@acme-corp.com,6F9619FF-8B86-D011-B42D-00C04FC964FF\n")]
    [InlineData("jane.doe@acme-corp.com:2024-05-01T10:22:33Z\njane.doe@acme-corp.com:8443\n")]
    [InlineData("jane.doe@acme-corp.com v2.14.0-rc1\nbob@acme-corp.com 1.2.3\n")]
    [InlineData("jane.doe@acme-corp.com:smtp.acme-corp.com:587\n")]
    [InlineData("jane.doe@acme-corp.com:Quarterly_Report.pdf\n")]
    [InlineData("{\"name\": \"pkg\", \"author\": \"Jane Doe <jane.doe@acme-corp.com> (https://acme-corp.com)\", \"maintainers\": [\"bob@acme-corp.com\"]}")]
    [InlineData("maintainer:\n  email: alice@acme-corp.com\n  name: Alice Smith2\n")]
    [InlineData("{\"author\": {\"email\": \"jane.doe@acme-corp.com\"}, \"committer\": {\"email\": \"noreply@github.com\"}}")]
    [InlineData("jane.doe@acme-corp.com: Permission denied (publickey).\n")]
    [InlineData("jane.doe@acme-corp.com Engineering\nbob@acme-corp.com Marketing\n")]
    [InlineData("email,username\njane.doe@acme-corp.com,JaneDoe42\nbob@acme-corp.com,bob_smith\n")]
    [InlineData("jane.doe@acme-corp.com:password123\nbob@acme-corp.com:changeme1\nuser@acme-corp.com:${DB_PASSWORD}\nops@acme-corp.com:<your-password>\n")]
    [InlineData("jane.doe@acme-corp.com:qwerty123\n")]
    [InlineData("npm install @acme/widgets@2.1.0 && pip install acme@git+https://github.com/acme/acme.git\n")]
    [InlineData("FROM nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31\n")]
    [InlineData("ssh jane@bastion.acme-corp.com -p 2222\njane@bastion.acme-corp.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n")]
    [InlineData("@app.route(\"/login\")\ndef login(): pass\n# contact: ops@acme-corp.com\n")]
    public void Combo_look_alikes_stay_clean(string body)
    {
        foreach (var ct in new string?[] { null, "text/plain", "application/json" })
        {
            var findings = Engine.ScanRequest(Request("/q", body, ct), DlpDetectors.All).Findings;
            Assert.DoesNotContain(findings, f => f.RuleId == BuiltInRules.CredentialComboLineId);
        }
    }

    /// <summary>A body of nothing but <c>@</c> and address fragments: every <c>@</c> is looked at once, each check bounded by one line; reports stop at the cap.</summary>
    [Fact]
    public void Many_at_signs_stay_bounded()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            sb.Append("a@b.cd:Xy1!abcd@@@@ ");
        }

        var findings = Engine.ScanRequest(Request("/q", sb.ToString(), "text/plain"), DlpDetectors.All).Findings;
        Assert.DoesNotContain(findings, f => f.RuleId == BuiltInRules.CredentialComboLineId);

        sb.Clear();
        for (int i = 0; i < 5_000; i++)
        {
            sb.Append('u').Append(i).Append("@acme-corp.com:Winter2024!x").Append(i).Append('\n');
        }

        var many = Engine.ScanRequest(Request("/q", sb.ToString(), "text/plain"), DlpDetectors.All).Findings;
        Assert.InRange(many.Count(f => f.RuleId == BuiltInRules.CredentialComboLineId), 1, 64);
    }
}
