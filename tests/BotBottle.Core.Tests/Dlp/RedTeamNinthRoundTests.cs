using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, ninth round (<c>reach9</c>): shapes the eighth round documented as still passing — a key split across JSON
/// member values whose first piece is the vendor prefix alone (RFC 8259 §4), payment card numbers grouped with <c>_</c>
/// or <c>/</c> (ISO/IEC 7812-1), IBANs in lower case or grouped with <c>-</c> (ISO 13616-1, mod 97), the .NET
/// configuration file's <c>&lt;add key="ApiKey" value="…"/&gt;</c> and <c>&lt;setting name="…"&gt;&lt;value&gt;</c>
/// (XML 1.0 §3.1 attributes), a WIF private key as a URL path segment, an AWS key id split across two host labels
/// (RFC 1035 §2.3.4, compared in lower case per RFC 4343) — and the near-miss shapes that must stay quiet. Every
/// malicious case here passed main aa00d0a's engine (checked by running these tests against its
/// <c>BotBottle.Domain.dll</c>).
/// </summary>
public sealed class RedTeamNinthRoundTests
{
    private static string Key(string rule) => Tokens.Samples[rule];

    /// <summary>The vendor prefix alone as one member value, the rest as the next (compact, spaced, pretty-printed, nested after a number member).</summary>
    public static TheoryData<string, string> PrefixAloneMembers()
    {
        var data = new TheoryData<string, string>();
        foreach (var (rule, p) in new[]
        {
            ("github-pat-classic", 4), ("npm-access-token", 4), ("aws-access-key-id", 4), ("huggingface-token", 3),
            ("gcp-api-key", 4), ("github-pat-fine-grained", 11),
        })
        {
            string k = Key(rule);
            foreach (var body in PrefixAloneMemberBodies(k, p))
            {
                data.Add(rule, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PrefixAloneMembers))]
    public void A_key_split_after_its_prefix_across_json_member_values_is_found(string rule, string body)
    {
        var findings = ScanBody(body);
        Assert.Contains(findings, x => x.RuleId == rule && x.Encoding == DlpEncodings.Concat);
    }

    [Theory]
    [InlineData("{\"prefix\":\"ghp_\",\"description\":\"GitHub classic personal access token prefix\"}")]
    [InlineData("{\"prefix\":\"ghp_\",\"request_id\":\"4f1c2a3b-4d5e-4f60-8a1b-2c3d4e5f6a7b\"}")]
    [InlineData("{\"kind\":\"AKIA\",\"node_id\":\"I_kwDOABCDEF1234\"}")]
    [InlineData("{\"prefix\":\"AKIA\",\"name\":\"ABCDEFGHIJKLMNOP\"}")]
    [InlineData("{\"prefixes\": {\"github\": \"ghp_\", \"npm\": \"npm_\"}, \"commit\": \"0123456789abcdef0123456789abcdef01234567\"}")]
    [InlineData("{\"type\":\"sk_live_\",\"label\":\"payments_refund_worker_alpha_queue\"}")]
    public void Json_members_that_name_a_prefix_next_to_ids_or_words_are_not_findings(string body) =>
        Assert.Empty(ScanBody(body));

    /// <summary>A Luhn-valid card (the rule's sample, 16 digits) in groups of four joined by <c>_</c> or <c>/</c>.</summary>
    [Theory]
    [InlineData('_')]
    [InlineData('/')]
    public void A_card_number_grouped_with_underscores_or_slashes_is_found(char sep)
    {
        string card = Key("payment-card");
        string grouped = string.Join(sep, card[..4], card[4..8], card[8..12], card[12..]);
        Assert.Contains(ScanBody("card: " + grouped + "\nexp: 12/29\n", "text/plain"), x => x.RuleId == "payment-card");
        Assert.Contains(ScanBody("{\"pan\": \"" + grouped + "\"}"), x => x.RuleId == "payment-card");
    }

    [Theory]
    [InlineData("ids: 1234_5678_9012_3456 and 2024/1111/2222/3333")]
    [InlineData("route /2024/11/05/report and build 4111_1111_1111_1112")]
    [InlineData("release_2024_1105_0930_final")]
    public void Digit_groups_with_underscores_or_slashes_that_are_no_card_are_not_findings(string text) =>
        Assert.DoesNotContain(ScanBody(text, "text/plain"), x => x.RuleId == "payment-card");

    [Theory]
    [InlineData("iban: DE89-3704-0044-0532-0130-00\n")]
    [InlineData("iban: de89370400440532013000\n")]
    [InlineData("iban: de89 3704 0044 0532 0130 00\n")]
    [InlineData("{\"iban\": \"gb29nwbk60161331926819\"}")]
    [InlineData("{\"iban\": \"GB29-NWBK-6016-1331-9268-19\"}")]
    public void An_iban_in_lower_case_or_grouped_with_dashes_is_found(string body) =>
        Assert.Contains(ScanBody(body, "text/plain"), x => x.RuleId == "iban");

    [Theory]
    [InlineData("iban: de89370400440532013001\n")] // mod 97 fails
    [InlineData("iban: DE89-3704-0044-0532-0130-01\n")]
    [InlineData("build de12abcdefabcdefabcdef and ab12345678901234567890\n")]
    [InlineData("uuid: de890370-0440-4532-8130-000123456789\n")]
    public void Near_miss_ibans_are_not_findings(string body) =>
        Assert.DoesNotContain(ScanBody(body, "text/plain"), x => x.RuleId == "iban");

    [Theory]
    [InlineData("<appSettings>\n  <add key=\"ApiKey\" value=\"k0F5dhSJvXMAgwNgdfnq5mOL7\"/>\n</appSettings>")]
    [InlineData("<add key=\"SmtpPassword\" value='Xk9#mQ2vLp7zR4t' />")]
    [InlineData("<add name=\"StripeSecret\"   value=\"Zq7pLmN2vR8sT4wX\" />")]
    [InlineData("<setting name=\"ApiToken\" serializeAs=\"String\">\n        <value>k0F5dhSJvXMAgwNgdfnq5mOL7</value>\n      </setting>")]
    public void A_credential_in_a_dotnet_config_attribute_pair_is_found(string xml) =>
        Assert.Contains(ScanBody(xml, "application/xml"), x => x.RuleId == "credential-assignment");

    [Theory]
    [InlineData("<add key=\"ApiBaseUrl\" value=\"https://api.example.com/v1\"/>\n<add key=\"Environment\" value=\"Production\"/>")]
    [InlineData("<add key=\"ApiKey\" value=\"%API_KEY%\"/>\n<add key=\"Password\" value=\"\"/>")]
    [InlineData("<add key=\"ApiKey\" value=\"your-api-key-here\"/>")]
    [InlineData("<setting name=\"TokenCacheEnabled\" serializeAs=\"String\"><value>True</value></setting>")]
    [InlineData("<form><input type=\"hidden\" name=\"authenticity_token\" value=\"Zq7pLmN2vR8sT4wXk0F5\"></form>")]
    public void Config_attribute_pairs_without_a_secret_are_not_findings(string xml) =>
        Assert.DoesNotContain(ScanBody(xml, "application/xml"), x => x.RuleId == "credential-assignment");

    [Theory]
    [InlineData("/backup/{0}")]
    [InlineData("/k/{0}/x.json")]
    [InlineData("/{0}")]
    public void A_wif_key_as_a_path_segment_is_found(string pathFormat)
    {
        string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, pathFormat, Key("crypto-wif-private-key"));
        var findings = Engine.ScanRequest(Request(path), DlpDetectors.All).Findings;
        Assert.Contains(findings, x => x.RuleId == "crypto-wif-private-key" && x.Location == DlpLocation.Path);
    }

    [Fact]
    public void A_path_segment_of_base58_that_fails_the_wif_checksum_is_not_a_finding()
    {
        string wif = Key("crypto-wif-private-key");
        string broken = wif[..^1] + (wif[^1] == '7' ? '8' : '7');
        Assert.DoesNotContain(Engine.ScanRequest(Request("/backup/" + broken), DlpDetectors.All).Findings, x => x.RuleId == "crypto-wif-private-key");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_aws_key_id_split_across_two_host_labels_is_found(bool upper)
    {
        string k = Key("aws-access-key-id");
        string host = k[..10] + "." + k[10..] + ".tunnel.example.com";
        host = upper ? host : host.ToLowerInvariant();
        var findings = Engine.ScanRequest(Request("/", host: host), DlpDetectors.All).Findings;
        Assert.Contains(findings, x => x.RuleId == "aws-access-key-id" && x.Location == DlpLocation.Host);
    }

    [Theory]
    [InlineData("api.v2.staging.eu-west-1.example.com")]
    [InlineData("asia-east1.runtime.functions.example.com")]
    [InlineData("akamai-edge.assets.cdn.example.com")]
    [InlineData("abcdefgh.ijklmnop.qrstuvwx.example.com")]
    public void Ordinary_multi_label_host_names_are_not_findings(string host) =>
        Assert.Empty(Engine.ScanRequest(Request("/", host: host), DlpDetectors.All).Findings);
}
