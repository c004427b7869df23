using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using BotBottle.Egress;
using BotBottle.Manifest;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, the classes the last probe missed: a credential in the agent's own Authorization header, byte-array
/// literals, base32, Ascii85 and raw deflate layers, US SSNs by label, lower-case passphrases. Spans, layer chains and
/// the lines not crossed (placeholders, invalid SSN ranges, routes whose auth replaces the header).
/// </summary>
public sealed class ReachTests
{
    private const string AwsKey = "AKIAXISSKUJUX5WM5Y6K";
    private const string Hex40 = "3f9a6c0e5d2b8a71c4e09f3d6b5a2c8e1f7d4b90";

    private static List<DlpFinding> ScanHeaders(params (string Name, string Value)[] headers) =>
        [.. Engine.ScanRequest(Request(headers: headers), DlpDetectors.All).Findings];

    private static EgressVerdict Inspect(string authYaml, params (string Name, string Value)[] headers)
    {
        var policy = RoutesFile.Parse("routes:\n  - host: api.example.com\n    dlp: {outbound_on_match: block}\n" + authYaml, "test");
        return new EgressInspector(Engine).InspectRequest(Request(headers: headers), policy.Routes[0]);
    }

    [Theory]
    [InlineData("Bearer " + Hex40, 7)]
    [InlineData("token " + Hex40, 6)]
    [InlineData("Bearer dGhpc2lzYXZlcnlsb25nc2VjcmV0dG9rZW4xMjM0NTY3", 7)]
    [InlineData(Hex40, 0)]
    public void An_opaque_credential_in_Authorization_is_reported_over_the_credentials(string value, int start)
    {
        var f = Assert.Single(ScanHeaders(("Authorization", value)));
        Assert.Equal("authorization-credential", f.RuleId);
        Assert.Equal(new DlpLocation(DlpLocationKind.Header, "Authorization"), f.Location with { Index = 0 });
        Assert.Equal(value[start..], value.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Basic_with_a_password_or_a_token_as_user_is_reported_and_anonymous_is_not()
    {
        string B(string s) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        var f = Assert.Single(ScanHeaders(("Authorization", B("deploy:Tr0ub4dor&3"))));
        Assert.Equal(("authorization-credential", DlpEncodings.Base64, 6), (f.RuleId, f.Encoding, f.Start));
        Assert.Single(ScanHeaders(("Authorization", B("k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu:x-oauth-basic"))));
        Assert.Empty(ScanHeaders(("Authorization", B("anonymous:"))));
        Assert.Empty(ScanHeaders(("Authorization", B("user:bot-bottle-placeholder"))));
        Assert.Empty(ScanHeaders(("Authorization", B("no colon at all"))));
    }

    [Theory]
    [InlineData("Bearer bot-bottle-placeholder")]
    [InlineData("Bearer ${GITHUB_TOKEN}")]
    [InlineData("Bearer <your-token-here-1234567890>")]
    [InlineData("Bearer xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    [InlineData("Bearer undefined")]
    [InlineData("Bearer 1234567890123456789012345")]
    [InlineData("Negotiate abcdefghijklmnopqrstuvwxyz")]
    public void Placeholders_words_and_numbers_in_Authorization_are_not_credentials(string value) =>
        Assert.Empty(ScanHeaders(("Authorization", value)));

    [Fact]
    public void A_token_format_in_Authorization_is_reported_once_by_its_own_rule()
    {
        var f = Assert.Single(ScanHeaders(("Authorization", "Bearer " + Tokens.Samples["github-pat-classic"])));
        Assert.Equal("github-pat-classic", f.RuleId);
    }

    [Fact]
    public void A_route_whose_auth_replaces_Authorization_lets_the_agents_value_go_and_another_auth_header_does_not()
    {
        var header = ("Authorization", "Bearer " + Hex40);
        Assert.Equal(EgressVerdictKind.Block, Inspect(string.Empty, header).Verdict);
        Assert.Equal(EgressVerdictKind.Allow, Inspect("    auth: {scheme: Bearer, token_ref: T}\n", header).Verdict);
        Assert.Equal(EgressVerdictKind.Allow, Inspect("    auth: {scheme: basic, user: ci, token_ref: T}\n", header).Verdict);
        var v = Inspect("    auth: {scheme: header, name: x-api-key, token_ref: T}\n", header);
        Assert.Equal(EgressVerdictKind.Block, v.Verdict);
        Assert.Equal("authorization-credential", Assert.Single(v.Reasons).Rule);

        // A known format in the replaced header still counts: the rule is dropped, not the header.
        Assert.Equal(EgressVerdictKind.Block, Inspect("    auth: {scheme: Bearer, token_ref: T}\n", ("Authorization", "Bearer " + Tokens.Samples["github-pat-classic"])).Verdict);
    }

    [Theory]
    [InlineData("k = {", ", ", "};")]
    [InlineData("k = [", ",", "]")]
    [InlineData("K: .byte ", ", ", "\n")]
    public void A_byte_array_literal_of_a_key_is_decoded(string before, string separator, string after)
    {
        string array = string.Join(separator, Encoding.ASCII.GetBytes("id=" + AwsKey).Select(b => "0x" + b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
        string text = before + array + after;
        var f = Assert.Single(Scan(text), x => x.RuleId == "aws-access-key-id");
        Assert.Equal(DlpEncodings.HexArray, f.Encoding);
        Assert.Equal(array, text.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Short_or_binary_byte_arrays_are_not_layers()
    {
        Assert.Empty(Scan("crc = {" + string.Join(", ", Enumerable.Range(0, 64).Select(i => $"0x{(i * 37) & 0xff:x2}")) + "};"));
        Assert.Empty(Scan("magic = [0x41, 0x4b, 0x49, 0x41, 0x00, 0x01, 0x02]"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Base32_of_a_key_in_a_body_is_decoded(bool lower)
    {
        string b32 = Base32("key=" + AwsKey);
        b32 = lower ? b32.ToLowerInvariant() : b32;
        string text = "{\"d\": \"" + b32 + "\"}";
        var f = Assert.Single(Scan(text), x => x.RuleId == "aws-access-key-id");
        Assert.Equal(DlpEncodings.Base32, f.Encoding);
        Assert.Equal(b32.TrimEnd('='), text.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Adobe_ascii85_of_a_key_is_decoded()
    {
        string text = "data: " + Ascii85("AWS_ACCESS_KEY_ID=" + AwsKey) + "\n";
        var f = Assert.Single(Scan(text), x => x.RuleId == "aws-access-key-id");
        Assert.Equal(DlpEncodings.Ascii85, f.Encoding);
        Assert.StartsWith("<~", text.Substring(f.Start, f.Length), StringComparison.Ordinal);
        Assert.EndsWith("~>", text.Substring(f.Start, f.Length), StringComparison.Ordinal);
    }

    /// <summary>
    /// The marker search (<c>&lt;~</c>, <c>&amp;#</c>) looks for <c>&lt;</c> and <c>&amp;</c> first and goes on with a
    /// two-string search after one that starts no marker (seventh speed round): a block after markup, or right after a
    /// lone <c>&lt;</c>, is still found where it is.
    /// </summary>
    [Theory]
    [InlineData("<p>a &lt; b &amp; c</p> ")]
    [InlineData("<")]
    [InlineData("a && b<")]
    public void Adobe_ascii85_of_a_key_after_markup_is_decoded(string before)
    {
        string block = Ascii85("AWS_ACCESS_KEY_ID=" + AwsKey);
        string text = "data: " + before + block + "\n";
        var f = Assert.Single(Scan(text), x => x.RuleId == "aws-access-key-id");
        Assert.Equal(DlpEncodings.Ascii85, f.Encoding);
        Assert.Equal(block, text.Substring(f.Start, f.Length));
    }

    [Fact]
    public void Base64_of_raw_deflate_is_inflated_and_an_ordinary_text_is_not_a_finding()
    {
        using var ms = new MemoryStream();
        using (var d = new DeflateStream(ms, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            d.Write(Encoding.ASCII.GetBytes("AWS_ACCESS_KEY_ID=" + AwsKey + "\n"));
        }

        string b64 = Convert.ToBase64String(ms.ToArray());
        var f = Assert.Single(Scan("{\"blob\": \"" + b64 + "\"}"), x => x.RuleId == "aws-access-key-id");
        Assert.Equal(DlpEncodings.Base64 + "+" + DlpEncodings.Compressed, f.Encoding);
        Assert.Empty(Scan("{\"integrity\": \"sha512-" + Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(ms.ToArray())) + "\"}"));
    }

    [Theory]
    [InlineData("{\"ssn\": \"078-05-1120\"}", "078-05-1120")]
    [InlineData("SSN 219099999 on file", "219099999")]
    [InlineData("Social Security Number: 457-55-5462\n", "457-55-5462")]
    [InlineData("applicant.social_security_number=665 12 3456&x=1", "665 12 3456")]
    [InlineData("name,ssn\nA,001-01-0001\n", "001-01-0001")]
    [InlineData("ssn-649982009.x.example.com", "649982009")] // red team 12 R08: glued to its label in a DNS label
    [InlineData("/collect/ssn_078-05-1120", "078-05-1120")]
    public void An_ssn_next_to_its_label_is_reported(string text, string ssn)
    {
        var f = Assert.Single(Scan(text), x => x.RuleId == "us-ssn");
        Assert.Equal(ssn, text.Substring(f.Start, f.Length));
    }

    [Theory]
    [InlineData("{\"ssn\": \"000-12-3456\"}")] // area 000
    [InlineData("{\"ssn\": \"666-12-3456\"}")] // area 666
    [InlineData("{\"ssn\": \"912-70-1234\"}")] // 9xx: ITINs, never an SSN
    [InlineData("{\"ssn\": \"123-00-4567\"}")] // group 00
    [InlineData("{\"ssn\": \"123-45-0000\"}")] // serial 0000
    [InlineData("{\"ssn\": \"123-45-67890\"}")] // too long
    [InlineData("{\"ssn_last4\": \"1120\", \"id\": 123456789}")]
    [InlineData("{\"id\": \"078-05-1120\"}")] // no label
    [InlineData("released 2024-05-11, call 555-123-4567, order 123456789")]
    [InlineData("{\"className\": \"row-123-45-6789\"}")]
    [InlineData("ssn-666123456.x.example.com")] // glued, but area 666
    [InlineData("lesson-649982009.x.example.com")] // glued to a word that is not a label
    [InlineData("ssn2-649982009")] // the label's words hold a digit
    public void Invalid_or_unlabelled_nine_digit_numbers_are_not_ssns(string text) =>
        Assert.DoesNotContain(Scan(text), x => x.RuleId == "us-ssn");

    [Theory]
    [InlineData("{\"password\": \"correcthorsebatterystaple\"}", true)]
    [InlineData("password: mountainriverlanternplum\n", true)]
    [InlineData("DB_PASSPHRASE=tigerwindowmarblecoffee\n", true)]
    [InlineData("{\"password\": \"yourpasswordhere\"}", false)]
    [InlineData("{\"password_field\": \"password\"}", false)]
    [InlineData("{\"password\": \"hashedpassword\"}", false)]
    [InlineData("{\"password\": \"shortword\"}", false)]
    [InlineData("{\"api_token\": \"correcthorsebatterystaple\"}", false)]
    [InlineData("{\"password\": \"aaaaaaaaaaaaaaaa\"}", false)]
    public void Lower_case_passphrases_under_password_keys_are_credentials(string text, bool found) =>
        Assert.Equal(found, Scan(text).Any(x => x.RuleId == "credential-assignment"));

    private static string Base32(string s)
    {
        const string A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int acc = 0, bits = 0;
        foreach (byte b in Encoding.ASCII.GetBytes(s))
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                sb.Append(A[(acc >> bits) & 31]);
            }
        }

        if (bits > 0)
        {
            sb.Append(A[(acc << (5 - bits)) & 31]);
        }

        while (sb.Length % 8 != 0)
        {
            sb.Append('=');
        }

        return sb.ToString();
    }

    private static string Ascii85(string s)
    {
        byte[] b = Encoding.ASCII.GetBytes(s);
        var sb = new StringBuilder("<~");
        for (int i = 0; i < b.Length; i += 4)
        {
            int n = Math.Min(4, b.Length - i);
            uint v = 0;
            for (int k = 0; k < 4; k++)
            {
                v = (v << 8) | (k < n ? b[i + k] : 0u);
            }

            var group = new char[5];
            for (int k = 4; k >= 0; k--)
            {
                group[k] = (char)('!' + (v % 85));
                v /= 85;
            }

            sb.Append(group, 0, n + 1);
        }

        return sb.Append("~>").ToString();
    }
}
