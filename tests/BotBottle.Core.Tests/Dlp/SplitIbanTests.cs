using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Red team 12, L26: an IBAN split across two fields — the country code and check digits in one, the account digits in
/// the next (a JSON object's members, array elements, a form). Joined, the two must pass the IBAN's own checks
/// (registered country, exact length, ISO 7064 mod 97), so unrelated short codes before long numbers stay quiet. The
/// IBANs are the published examples (<see cref="Tokens.Published"/>).
/// </summary>
public sealed class SplitIbanTests
{
    private const string Country = "DE89";
    private const string Account = "370400440532013000"; // Tokens.Published.IbanDe without its first four characters

    public static TheoryData<string, string> Shapes() => new()
    {
        { "{\"country\": \"" + Country + "\", \"account\": \"" + Account + "\"}", "application/json" },
        { "{\"c\":\"" + Country + "\",\"n\":\"" + Account + "\"}", "application/json" },
        { "[\"" + Country + "\", \"" + Account + "\"]", "application/json" },
        { "cc=" + Country + "&acct=" + Account, "application/x-www-form-urlencoded" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void An_iban_split_across_two_fields_is_found(string body, string contentType)
    {
        Assert.Equal(Tokens.Published.IbanDe, Country + Account);
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Any(f => f.RuleId == "iban"), $"{body}: {Describe(findings)}");
    }

    /// <summary>A wrong check (one digit changed), a country without IBANs, a code of another shape, and digits that are not a whole value.</summary>
    public static TheoryData<string, string> LookAlikes() => new()
    {
        { "{\"country\": \"" + Country + "\", \"account\": \"370400440532013001\"}", "application/json" },
        { "{\"code\": \"US89\", \"phone\": \"" + Account + "\"}", "application/json" },
        { "{\"ref\": \"de89\", \"n\": \"" + Account + "\"}", "application/json" },
        { "{\"v\": \"" + Country + "\", \"n\": \"" + Account + "7\"}", "application/json" },
        { "{\"sku\": \"AB12\", \"ean\": \"4006381333931\", \"order\": \"2024120600123456\"}", "application/json" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_are_not_reported(string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.DoesNotContain(findings, f => f.RuleId == "iban");
    }
}
