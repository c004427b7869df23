using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, fifth round (<c>dlp-redteam4</c>): shapes an agent told to "avoid detection" uses and files it sends
/// whole, found missing by a probe through the offline check — reversed OpenAI project keys and Hugging Face tokens,
/// an AWS access key id named by its key even when it is not a valid id, Azure account keys under other names, keys
/// split over path segments or headers, keys written with a separator between every character, ECMAScript
/// <c>\u{…}</c> escapes — and the benign look-alikes that must stay quiet.
/// </summary>
public sealed class RedTeamFifthRoundTests
{
    private static string Reverse(string s)
    {
        var c = s.ToCharArray();
        Array.Reverse(c);
        return new string(c);
    }

    [Theory]
    [InlineData("openai-api-key")]
    [InlineData("huggingface-token")]
    public void A_reversed_openai_project_key_and_a_reversed_hugging_face_token_are_found(string rule)
    {
        string text = "{\"d\": \"" + Reverse(Tokens.Samples[rule]) + "\"}";
        var f = Assert.Single(Scan(text), x => x.RuleId == rule);
        Assert.Equal(DlpEncodings.Reversed, f.Encoding);
        Assert.Equal(Reverse(Tokens.Samples[rule]), text.Substring(f.Start, f.Length));
    }

    [Theory]
    [InlineData("[default]\naws_access_key_id = AKIA4K7QZ2M9XQ1abcdefg\nregion = us-east-1\n")]
    [InlineData("AWS_ACCESS_KEY_ID=AKIA4K7QZ2M9XQ1abcdefg\nAWS_REGION=us-east-1\n")]
    [InlineData("{\"AccessKeyId\": \"ASIA4K7QZ2M9XQ1abcdefg\", \"Expiration\": \"2026-12-04T18:00:00Z\"}")]
    [InlineData("{\"storageAccountKey\": \"ufD2kdV05ALRhHlxBZeaq0ieC3CBCk4O7emXcp65hNcssv3YWJYWkCoDv3j6T56bouvoIVT2BuP7B/M+6Cj/Cw==\"}")]
    [InlineData("aws_access_key_id=akia4k7qz2m9xq1abcdefg\n")]
    public void An_access_key_id_or_account_key_is_a_credential_by_its_name_even_when_malformed(string text)
    {
        Assert.Contains(Scan(text), x => x.RuleId == "credential-assignment");
    }

    [Fact]
    public void A_valid_access_key_id_under_its_name_is_one_finding_of_its_own_rule()
    {
        string id = Tokens.Samples["aws-access-key-id"];
        var f = Assert.Single(Scan("[default]\naws_access_key_id = " + id + "\nregion = us-east-1\n"));
        Assert.Equal("aws-access-key-id", f.RuleId);
        string secret = "nHgJOKsh81fL/nU4z5BXHqxlc9XAyaeW4pNFV92y";
        Assert.Equal(["aws-secret-access-key"], Scan("AWS_SECRET_ACCESS_KEY=" + secret + "\n").Select(x => x.RuleId));
    }

    [Fact]
    public void A_malformed_access_key_id_base64_encoded_in_a_query_is_found()
    {
        var report = Engine.ScanRequest(Request("/c?c=" + Uri.EscapeDataString(Tokens.B64Of("aws_access_key_id=AKIA4K7QZ2M9XQ1abcdefg"))), DlpDetectors.All);
        Assert.Contains(report.Findings, x => x.RuleId == "credential-assignment" && x.Encoding == DlpEncodings.Base64);
    }

    [Theory]
    [InlineData("[default]\naws_access_key_id = <your-access-key-id>\n")]
    [InlineData("aws_access_key_id = ${AWS_ACCESS_KEY_ID}\nAWS_ACCESS_KEY_ID=os.environ['AWS_ACCESS_KEY_ID']\n")]
    [InlineData("?user_id=1234567890abcdef&session_id=abcdef1234567890&key_id=7")]
    [InlineData("{\"request_id\": \"a1b2c3d4e5f6a7b8c9d0\", \"keyId\": \"rsa-key-1\"}")]
    [InlineData("Set aws_access_key_id and aws_secret_access_key in ~/.aws/credentials.")]
    public void Key_id_placeholders_references_and_other_ids_are_not_credentials(string text)
    {
        Assert.Empty(Scan(text));
    }

    [Theory]
    [InlineData("{\"storageKey\": \"uploads_2024_01_15_3f2a9c1e0b7d4a6f\"}")] // an object-store key
    [InlineData("{\"persist\": {\"storageKey\": \"persist_root_v2_20240115\"}}")] // redux-persist's local-storage key
    [InlineData("{\"userAccountKey\": \"acct_1234567890abcdef\"}")] // a record id
    [InlineData("{\"accessKeyId\": \"UserAccessKey2Output\"}")] // a CloudFormation output name
    [InlineData("{\"unsplash\": {\"accessKey\": \"Xr7Qf2pLk9TzWm4VbN8sYc3Hd6Ju1Ea5Go0Ri2Kt7Mw\"}}")] // Unsplash's access key is its public client id
    public void Values_named_like_access_or_account_keys_that_do_not_have_their_shape_are_not_credentials(string text)
    {
        // Review of the fifth round: the names alone blocked these. An access key id needs its prefix (AKIA, ASIA, LTAI,
        // GOOG…), an Azure account key its 88-character base64 shape.
        Assert.Empty(Scan(text));
    }

    [Fact]
    public void Numeric_headers_and_path_segments_are_not_joined_into_card_numbers()
    {
        // Review of the fifth round: a request id and a Content-Length, or three numeric path segments, joined into a
        // Luhn-valid number and were reported as a payment card.
        Assert.Empty(Engine.ScanRequest(Request(headers: [("X-Request-Id", "4532015112"), ("Content-Length", "830366")]), DlpDetectors.All).Findings);
        Assert.Empty(Engine.ScanRequest(Request(headers: [("X-Client-Id", "545454"), ("X-Timestamp", "5454545454")]), DlpDetectors.All).Findings);
        Assert.Empty(Engine.ScanRequest(Request("/stats/411111/1111/111111.json"), DlpDetectors.All).Findings);
    }

    [Fact]
    public void A_key_split_over_path_segments_is_joined()
    {
        string key = Tokens.Samples["github-pat-classic"];
        string b64 = Tokens.B64UrlOf(key);
        string path = "/u/" + string.Join("/", b64.Chunk(10).Select(c => new string(c))) + ".png";
        var f = Assert.Single(Engine.ScanRequest(Request(path), DlpDetectors.All).Findings);
        Assert.Equal(("github-pat-classic", DlpLocationKind.Path), (f.RuleId, f.Location.Kind));
        Assert.Contains(DlpEncodings.Concat, f.Encoding, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_split_over_two_headers_is_joined()
    {
        string key = Tokens.Samples["github-pat-classic"];
        var findings = Engine.ScanRequest(Request(headers: [("Accept", "*/*"), ("X-Part-1", key[..20]), ("X-Part-2", key[20..])]), DlpDetectors.All).Findings;
        var f = Assert.Single(findings);
        Assert.Equal(("github-pat-classic", "X-Part-1"), (f.RuleId, f.Location.Name));
    }

    [Fact]
    public void Ordinary_paths_and_headers_are_not_joined_into_findings()
    {
        var request = Request("/repos/octo/app/commits/4f9a1c2e7b3d5a6f8e0c1b2a3d4e5f6a7b8c9d0e/files/src/index.ts",
            headers: [("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28"), ("X-Request-Id", "8f14e45fceea167a5a36dedd4bea2543"), ("If-None-Match", "W/\"abc\"")]);
        Assert.Empty(Engine.ScanRequest(request, DlpDetectors.All).Findings);
    }

    [Theory]
    [InlineData('-')]
    [InlineData('_')]
    [InlineData('/')]
    public void A_key_with_a_separator_between_every_character_is_found(char sep)
    {
        foreach (var rule in new[] { "github-pat-classic", "aws-access-key-id", "anthropic-api-key" })
        {
            string spread = string.Join(sep, Tokens.Samples[rule].ToCharArray());
            string text = "note: " + spread + " end";
            var f = Assert.Single(Scan(text), x => x.RuleId == rule);
            Assert.Equal((spread, DlpEncodings.Separated), (text.Substring(f.Start, f.Length), f.Encoding));
        }
    }

    [Theory]
    [InlineData("a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z")]
    [InlineData("1-2-3-4-5-6-7-8-9-0-1-2-3-4-5-6-7-8-9-0-4-2-4-2-4-2-4-2-4-2-4-2")]
    [InlineData("--------------------------------------------------------")]
    [InlineData("x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x-x")]
    public void Ordinary_separated_stretches_are_not_findings(string text)
    {
        Assert.Empty(Scan("rule: " + text + " end"));
    }

    [Theory]
    [InlineData("x")] // \u{67}
    [InlineData("x6")] // \u{000067}: Rust's longest form
    [InlineData("x7")] // \u{0000067}: ECMAScript allows any number of leading zeros (review of this round: 4 digits at most were read)
    public void Ecmascript_braced_unicode_escapes_are_decoded(string format)
    {
        string key = Tokens.Samples["github-pat-classic"];
        string text = "const t = \"" + string.Concat(key.Select(c => "\\u{" + ((int)c).ToString(format, System.Globalization.CultureInfo.InvariantCulture) + "}")) + "\";";
        var f = Assert.Single(Scan(text), x => x.RuleId == "github-pat-classic");
        Assert.Equal(DlpEncodings.Escape, f.Encoding);
    }

    [Fact]
    public void Csrf_cookies_are_not_credentials_but_session_cookies_are()
    {
        Assert.Empty(Engine.ScanRequest(Request(headers: [("Cookie", "csrftoken=k8Rz2LmQ7vXw4NpT9bYcD3fG6hJ1aEu5; XSRF-TOKEN=k8Rz2LmQ7vXw4NpT9bYcD3fG6hJ1aEu5")]), DlpDetectors.All).Findings);
        Assert.Contains(Engine.ScanRequest(Request(headers: [("Cookie", "auth_token=k8Rz2LmQ7vXw4NpT9bYcD3fG6hJ1aEu5")]), DlpDetectors.All).Findings, x => x.RuleId == "credential-assignment");
    }
}
