using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Fifth issue-16 reach round: shapes a generated probe (a secret, one to three encodings, one carrier of the request)
/// found allowed on 1e69373, each with a look-alike that must stay quiet:
/// a list of character codes right after <c>=</c> (a query or form field: <c>d=103,104,…</c> starts like the
/// quoted-printable escape <c>=10</c>, whose walk skipped the list); delimited hex that ends within a few characters of
/// the probe that lands in it (a card number's 16 pairs sent alone); an IBAN after a <c>/</c> inside a token run (a URL
/// path); gzip in base64 in a URL path, whose own <c>/</c> cut the blob; a 15-digit card number in octal escapes. Two
/// tried shapes were dropped after review (an unquoted password of letters alone, a card number with a separator
/// between its digits): their look-alikes are kept here as tests that must stay quiet.
/// </summary>
public sealed class FifthReachTests
{
    private static readonly string Token = Tokens.Samples["github-pat-classic"];
    private const string Amex = "378282246310005"; // Tokens.Published.TestCards

    private static string Codes(string s) => string.Join(",", s.Select(c => ((int)c).ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string SpacedHex(string s, char delimiter) => string.Join(delimiter, Encoding.ASCII.GetBytes(s).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    private static List<DlpFinding> ScanTarget(string pathAndQuery, params (string Name, string Value)[] headers) =>
        [.. Engine.ScanRequest(Request(pathAndQuery, headers: headers), DlpDetectors.All).Findings];

    [Fact]
    public void A_code_list_after_an_equals_sign_is_decoded_in_a_query_a_form_and_a_cookie()
    {
        string codes = Codes(Token);
        Assert.Contains(ScanTarget("/c?d=" + codes), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanTarget("/c?d=" + codes.Replace(",", "%2C", StringComparison.Ordinal)), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanBody("a=1&d=" + codes.Replace(",", "%2C", StringComparison.Ordinal), "application/x-www-form-urlencoded"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanTarget("/c", ("Cookie", "sid=abc; d=" + codes)), f => f.RuleId == "github-pat-classic");
        Assert.Contains(Scan("d=" + codes), f => f.RuleId == "github-pat-classic");
    }

    [Fact]
    public void Quoted_printable_is_still_decoded_after_the_change()
    {
        // "=67=68=70=5F" … : every character of the token as an escape (RFC 2045 §6.7).
        string qp = string.Concat(Token.Select(c => "=" + ((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(Scan("body=" + qp), f => f.RuleId == "github-pat-classic");
    }

    [Theory]
    [InlineData(' ')]
    [InlineData(':')]
    [InlineData('-')]
    public void A_card_number_in_delimited_hex_sent_alone_is_found(char delimiter)
    {
        string hex = SpacedHex(Tokens.Published.TestCards[0], delimiter);
        Assert.Equal(47, hex.Length);
        Assert.Contains(ScanBody(hex, "text/plain"), f => f.RuleId == "payment-card");
        Assert.Contains(ScanBody(hex + "\r\n", "text/plain"), f => f.RuleId == "payment-card");
        Assert.Contains(ScanTarget("/c", ("X-Data", hex)), f => f.RuleId == "payment-card");
    }

    [Fact]
    public void Delimited_hex_that_is_not_a_secret_stays_quiet()
    {
        // A MAC address list, a SHA-1 fingerprint, and the hex of an ordinary sentence.
        Assert.Empty(ScanBody("00:1a:2b:3c:4d:5e 00:1a:2b:3c:4d:5f", "text/plain"));
        Assert.Empty(ScanBody("SHA1 Fingerprint=9A:3B:5C:7D:1E:2F:4A:6B:8C:0D:9E:1F:2A:3B:4C:5D:6E:7F:80:91", "text/plain"));
        Assert.Empty(ScanBody(SpacedHex("the quick brown fox", ' '), "text/plain"));
    }

    [Theory]
    [InlineData("/u/GB82WEST12345698765432")]
    [InlineData("/v1/accounts/DE89370400440532013000/balance")]
    public void An_iban_after_a_slash_in_a_path_is_found(string path)
    {
        Assert.Contains(ScanTarget(path), f => f.RuleId == "iban");
        Assert.Contains(ScanBody("{\"url\": \"https://files.example/" + path.TrimStart('/') + "\"}"), f => f.RuleId == "iban");
    }

    [Theory]
    [InlineData("/u/GB82WEST12345698765431")] // a wrong check digit
    [InlineData("/assets/AB12CDEF3456789012345.js")]
    [InlineData("/api/v2/US12345678901234567890")] // no IBAN country
    public void Path_pieces_that_are_not_ibans_stay_quiet(string path)
    {
        Assert.DoesNotContain(ScanTarget(path), f => f.RuleId == "iban");
    }

    [Fact]
    public void Gzip_in_base64_with_slashes_in_a_url_path_is_found()
    {
        // A body whose gzip's base64 holds a '/' (the note's number is chosen so; the bytes are deterministic).
        string b64 = "";
        for (int n = 0; !b64.Contains('/', StringComparison.Ordinal); n++)
        {
            using var ms = new MemoryStream();
            using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true))
            {
                gz.Write(Encoding.ASCII.GetBytes("note " + n + ": " + Token));
            }

            b64 = Convert.ToBase64String(ms.ToArray());
        }

        string escaped = Uri.EscapeDataString(b64);
        Assert.Contains("%2F", escaped, StringComparison.Ordinal);
        Assert.Contains(ScanTarget("/u/" + escaped), f => f.RuleId == "github-pat-classic");
        Assert.Contains(ScanTarget("/u/" + b64), f => f.RuleId == "github-pat-classic");
    }

    /// <summary>
    /// An unquoted value of letters alone after a credential name stays unreported: the round tried to report random
    /// ones (<c>DB_PASSWORD=SNPIepzXDhKPdy</c>) and its review found names that pass any such test (these), so it was dropped.
    /// </summary>
    [Theory]
    [InlineData("password=XMLHttpRequest")]
    [InlineData("token=JSONWebKeySet")]
    [InlineData("secret=getHTTPSProxyAgent")]
    [InlineData("api_key=YOUR_API_KEY")]
    [InlineData("password=PasswordHasher")]
    [InlineData("auth_token=OAuthTokenProvider")]
    [InlineData("api_key=OpenAI_API_Key")]
    [InlineData("password=MySQL_Root_PWD")]
    [InlineData("password=SSLSetPeerID")]
    [InlineData("SECRET_KEY=DjangoDEVKeyNotForPROD")]
    [InlineData("private_key = EVP_PKEY_get_raw_private_key;")]
    public void Names_of_letters_alone_stay_quiet(string line)
    {
        Assert.DoesNotContain(ScanBody(line + "\n", "text/plain"), f => f.RuleId == "credential-assignment");
    }

    /// <summary>
    /// Digits with a separator between each are not read as a card number: the round tried it and its review found
    /// Luhn-valid rows of single digits in everyday output (a numpy print, a judge's input line, a Markdown table) at
    /// about 1.5 % of random rows, so it was dropped.
    /// </summary>
    [Theory]
    [InlineData("y_pred = [4 1 1 1 5 2 5 1 3 5 1 1 2 5 4 2]")]
    [InlineData("16\n5 4 5 5 5 8 9 7 1 2 9 6 3 5 9 5\n")]
    [InlineData("| 4 | 1 | 1 | 1 | 5 | 2 | 5 | 1 | 3 | 5 | 1 | 1 | 2 | 5 | 4 | 2 |")]
    [InlineData("4.1.1.1.5.2.5.1.3.5.1.1.2.5.4.2")]
    [InlineData("0 1 1 0 1 0 0 1 1 1 0 1 0 0 1 0")]
    public void Rows_of_single_digits_stay_quiet(string body)
    {
        Assert.DoesNotContain(ScanBody(body, "text/plain"), f => f.RuleId == "payment-card");
    }

    [Fact]
    public void A_fifteen_digit_card_number_in_octal_escapes_is_found()
    {
        string octal = string.Concat(Amex.Select(c => "\\" + Convert.ToString(c, 8).PadLeft(3, '0')));
        Assert.Contains(ScanBody(octal, "text/plain"), f => f.RuleId == "payment-card");
    }
}
