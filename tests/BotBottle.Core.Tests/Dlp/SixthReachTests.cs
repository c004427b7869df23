using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Sixth issue-16 reach round: the bypasses the fifth round's review found, each with look-alikes that must stay
/// quiet: an IBAN in lower case in a URL path, after a <c>-</c>, <c>_</c>, <c>.</c> or <c>=</c> inside a path segment,
/// or after more than 8 slashes; a list of character codes separated by <c>;</c>.
/// </summary>
public sealed class SixthReachTests
{
    private static readonly string Token = Tokens.Samples["github-pat-classic"];

    private static List<DlpFinding> ScanTarget(string pathAndQuery) => [.. Engine.ScanRequest(Request(pathAndQuery), DlpDetectors.All).Findings];

    [Theory]
    [InlineData("/u/gb82west12345698765432")]
    [InlineData("/v1/accounts/de89370400440532013000/balance")]
    [InlineData("/export/iban-GB82WEST12345698765432.csv")]
    [InlineData("/export/account_DE89370400440532013000")]
    [InlineData("/x/report.GB82WEST12345698765432.pdf")]
    [InlineData("/q/acct=de89370400440532013000")]
    [InlineData("/a/b/c/d/e/f/g/h/i/j/k/GB82WEST12345698765432")]
    [InlineData("/1/2/3/4/5/6/7/8/9/10/11/12/de89370400440532013000/x")]
    public void An_iban_inside_a_path_is_found(string path)
    {
        Assert.Contains(ScanTarget(path), f => f.RuleId == "iban");
        Assert.Contains(ScanBody("{\"url\": \"https://files.example" + path + "\"}"), f => f.RuleId == "iban");
    }

    [Theory]
    [InlineData("/export/iban-GB82WEST12345698765433.csv")] // check digits off by one: mod 97 fails
    [InlineData("/u/gb82west1234569876543")] // one character short for GB
    [InlineData("/assets/app-de12345678901234567890.js")] // a build hash that starts like a country code
    [InlineData("/blob/main/src/fr76-notes/readme.md")]
    [InlineData("/npm/@scope/pkg-be68539007547035.tgz")] // 16 characters like a BE IBAN, mod 97 fails
    [InlineData("/v2/library/debian/manifests/sha256-ad1234567890abcdef1234567890")]

    // The review's reproducers: hex ids that start like a country code, have its length and pass mod 97.
    [InlineData("/_next/static/chunks/pages/_app-be4725c7e67f95d5.js")]
    [InlineData("/static/js/main-ba331025fb552471603b.js")]
    [InlineData("/static/js/vendors_ba34a7ff23132383d868.js")]
    [InlineData("/api/traces/4bf92f3577b34da6a3ce929d0e0e4736/spans/be4725c7e67f95d5")]
    [InlineData("/objects/ee96a02b62766c90f3f8")]
    [InlineData("/objects/de27c8990f077b49e1d634")]
    [InlineData("/objects/ad14d792ab08b38f33a1670b")]
    [InlineData("/bucket/logs/2021/02/19/322a9b12/88acd86a-cccc-45b3-872b-ef686387dbf9-be17b9e47511e461.json.gz")]
    [InlineData("/proj/item-AD65FD0EBACDCAA338072F2E")]
    public void Path_segments_that_only_look_like_an_iban_stay_quiet(string path)
    {
        Assert.DoesNotContain(ScanTarget(path), f => f.RuleId == "iban");
    }

    [Theory]
    [InlineData("{\"spanId\":\"be4725c7e67f95d5\"}")]
    [InlineData("<script src=\"/static/js/main.ba508e9caf8e0321321a.js\"></script>")]
    public void A_hex_id_alone_that_passes_the_iban_check_stays_quiet(string body)
    {
        // The ninth round's lower-case check read these as IBANs before (the review of the sixth reach round).
        AssertClean(body, "text/plain");
    }

    [Fact]
    public void A_code_list_separated_by_semicolons_is_decoded()
    {
        string codes = string.Join(";", Token.Select(c => ((int)c).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(ScanTarget("/c?d=" + codes), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanTarget("/c?d=" + codes.Replace(";", "%3B", StringComparison.Ordinal)), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBody("id;data\n1;" + codes + "\n", "text/csv"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(Scan(codes.Replace(";", "; ", StringComparison.Ordinal)), f => f.RuleId == "github-pat-classic");
    }

    [Fact]
    public void Semicolon_separated_numbers_that_are_not_a_secret_stay_quiet()
    {
        // A European CSV row of readings, the codes of an ordinary sentence, a CSS declaration list.
        AssertClean("12;45;78;33;90;101;64;72;88;95;40;51;66;77;99;120;48;57;105;110", "text/plain");
        AssertClean(string.Join(";", "the quick brown fox jumps over the lazy dog".Select(c => ((int)c).ToString(System.Globalization.CultureInfo.InvariantCulture))), "text/plain");
        AssertClean("margin:0;padding:0;z-index:100;opacity:1;line-height:120;font-weight:700", "text/css");
    }
}
