using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r33 round of issue 16 (the seventh black-box red team): a JSON key spelled with <c>\u</c> escapes of ASCII
/// letters, the password of a Terraform state's <c>random_password</c> resource, an Ethereum keystore pasted into a
/// JSON string or written as YAML, base64 right after a JSON-escaped line break, a legacy <c>.npmrc</c> <c>_auth</c>
/// line with another line after it, ZIP members that are encrypted or compressed with a method the engine cannot
/// read, <c>openssl enc</c> output, a DER key body under quoted-printable armor, names after <c>\n</c> and escaped XML
/// attribute pairs — and the look-alikes each must leave alone: a SigV4-signed request's key id, AWS <c>NextToken</c>s.
/// Values are made up in the shapes the formats carry.
/// </summary>
public sealed class ReachRound33Tests
{
    private const string Drawn = "q7VmK2xLp9Rt4wZn8Hb";

    [Theory]
    [InlineData("{\"\\u0070assword\": \"" + Drawn + "\"}")]
    [InlineData("{\"\\u0070assword\":\"" + Drawn + "\"}")]
    [InlineData("{\"\\u0070\\u0061\\u0073\\u0073\\u0077\\u006f\\u0072\\u0064\": \"" + Drawn + "\"}")]
    [InlineData("{\"db\": {\"\\u0073ecret\" : \"" + Drawn + "\", \"port\": 5432}}")]
    public void A_key_spelled_with_ascii_u_escapes_names_its_value(string json) =>
        Assert.Contains(Scan(json), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("{\"na\\u00efve\": \"yes\", \"\\u0063olour\": \"blue\"}")]
    [InlineData("{\"\\u0070assword_hint\": \"your pet's name\"}")]
    [InlineData("{\"\\u0074itle\": \"Reset your password\", \"body\": \"" + Drawn + "\"}")]
    public void Escaped_keys_that_name_no_secret_or_hold_no_value_are_not_findings(string json) =>
        Assert.DoesNotContain(Scan(json), f => f.RuleId == "credential-assignment");

    private const string State = """
        {"version": 4, "terraform_version": "1.6.2", "resources": [
          {"mode": "managed", "type": "random_id", "name": "suffix", "instances": [{"attributes": {"hex": "9f2c", "result": "ignored-id"}}]},
          {"mode": "managed", "type": "random_password", "name": "db", "provider": "provider[\"registry.terraform.io/hashicorp/random\"]",
           "instances": [{"schema_version": 3, "attributes": {"id": "none", "length": 24, "result": "q7V!mK2#xLp9@Rt4&wZn8$Hb", "special": true}, "sensitive_attributes": []}]}
        ]}
        """;

    [Fact]
    public void A_terraform_state_random_password_result_is_found()
    {
        var found = Scan(State).FindAll(f => f.RuleId == "credential-assignment");
        Assert.Single(found);
        Assert.Equal(State.IndexOf("q7V!", StringComparison.Ordinal), found[0].Start);
        Assert.Equal(24, found[0].Length);
    }

    [Fact]
    public void A_terraform_state_sent_inside_a_json_string_is_found()
    {
        string escaped = State.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
        string body = "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"here is my state:\\n" + escaped + "\"}]}";
        Assert.Contains(Scan(body), f => f.RuleId == "credential-assignment");
    }

    [Theory]
    [InlineData("{\"mode\": \"managed\", \"type\": \"random_password\", \"name\": \"db\"}\n{\"mode\": \"managed\", \"type\": \"random_id\", \"instances\": [{\"attributes\": {\"result\": \"a8f3c2d19e\"}}]}")]
    [InlineData("resource \"random_password\" \"db\" {\n  length = 24\n}\noutput \"result\" { value = \"x\" }")]
    [InlineData("{\"type\": \"random_password\", \"instances\": [{\"attributes\": {\"result\": \"\"}}]}")]
    public void A_random_password_without_its_own_result_is_not_a_finding(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "credential-assignment");

    private const string Keystore = """{"address": "008aeeda4d805471df9b2a5b0f38a0c3bcba786b", "crypto": {"cipher": "aes-128-ctr", "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46", "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"}, "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "p": 1, "r": 8, "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"}, "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"}, "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}""";

    [Fact]
    public void A_keystore_pasted_into_an_llm_request_or_written_as_yaml_is_found()
    {
        string escaped = Keystore.Replace("\"", "\\\"", StringComparison.Ordinal);
        Assert.Contains(Scan("{\"messages\": [{\"role\": \"user\", \"content\": \"decrypt this: " + escaped + "\"}]}"), f => f.RuleId == "ethereum-keystore");
        string yaml = "crypto:\n  cipher: aes-128-ctr\n  ciphertext: 5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\n  kdf: scrypt\n  kdfparams:\n    n: 262144\n";
        Assert.Contains(Scan(yaml), f => f.RuleId == "ethereum-keystore");
    }

    [Theory]
    [InlineData("{\"ciphertext\": \"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\", \"nonce\": \"6087dab2f9fdbbfa\"}")]
    [InlineData("old_ciphertext: 5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\nkdfparams: see docs\n")]
    public void A_ciphertext_without_a_keystore_around_it_is_not_a_keystore(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "ethereum-keystore");

    private static readonly string UserPassword = Convert.ToBase64String(Encoding.ASCII.GetBytes("deploy:pQG2SmjTMubZ!mge4"));

    [Theory]
    [InlineData("{\"text\": \"//npm.corp.example/:_auth={0}\\nemail=dev@corp.example\\n\"}")]
    [InlineData("//npm.corp.example/:_auth={0}\nalways-auth=true\n")]
    [InlineData("{\"f\": \"start\\n{0}\"}")]
    [InlineData("{\"f\": \"hello world\\n{0}\"}")]
    public void Base64_user_password_after_or_before_another_line_is_found(string template)
    {
        string text = template.Replace("{0}", UserPassword, StringComparison.Ordinal);
        AssertFoundExactly(text, UserPassword, "encoded-user-password");
    }

    [Fact]
    public void A_wrapped_blob_still_runs_over_its_lines_and_padding()
    {
        // a 96-byte blob wrapped at 64 columns in a JSON string, its last line padded: one finding, the whole blob
        string blob = Convert.ToBase64String(Encoding.ASCII.GetBytes("DB_PASSWORD=" + "q7VmK2xLp9Rt4wZn8Hb" + "\nGITHUB_TOKEN=" + Tokens.GitHub("ghp_", 3302) + "\n"));
        string wrapped = string.Join("\\n", blob.Chunk(64).Select(c => new string(c)));
        Assert.Contains(Scan("{\"content\": \"" + wrapped + "\"}"), f => f.RuleId == "github-pat-classic" && f.Encoding.StartsWith("base64", StringComparison.Ordinal));
    }

    /// <summary>A ZIP archive of one member with the given general-purpose flags and method and these bytes as its data (PKWARE APPNOTE.TXT §4.3.7: the local file header's fields).</summary>
    private static byte[] ZipMember(ushort flags, ushort method, byte[] data)
    {
        var name = Encoding.ASCII.GetBytes(".aws/credentials");
        var b = new List<byte>();
        b.AddRange([0x50, 0x4b, 0x03, 0x04, 20, 0]);
        b.AddRange(BitConverter.GetBytes(flags));
        b.AddRange(BitConverter.GetBytes(method));
        b.AddRange(new byte[8]); // time, date, CRC-32
        b.AddRange(BitConverter.GetBytes((uint)data.Length));
        b.AddRange(BitConverter.GetBytes((uint)data.Length));
        b.AddRange(BitConverter.GetBytes((ushort)name.Length));
        b.AddRange(BitConverter.GetBytes((ushort)0));
        b.AddRange(name);
        b.AddRange(data);
        return [.. b];
    }

    private static List<DlpFinding> ScanBody(byte[] body, string contentType) =>
        [.. Engine.ScanRequest(new DlpRequest { Method = "PUT", Host = "transfer.example.com", PathAndQuery = "/loot.zip", Body = body, ContentType = contentType }, DlpDetectors.All).Findings];

    [Theory]
    [InlineData(1, 8)] // ZipCrypto (zip -P)
    [InlineData(0, 12)] // bzip2 (zip -Z bzip2)
    [InlineData(0, 14)] // LZMA
    [InlineData(0, 99)] // WinZip AES
    public void A_zip_member_the_engine_cannot_read_fails_closed(int flags, int method)
    {
        byte[] zip = ZipMember((ushort)flags, (ushort)method, Tokens.Bytes(200, 3303));
        Assert.Contains(ScanBody(zip, "application/zip"), f => f.RuleId == "compressed-data-unscanned");
        string json = "{\"name\": \"backup.zip\", \"data\": \"" + Convert.ToBase64String(zip) + "\"}";
        Assert.Contains(ScanBody(Encoding.ASCII.GetBytes(json), "application/json"), f => f.RuleId == "compressed-data-unscanned");
    }

    [Fact]
    public void Stored_and_empty_zip_members_are_read_as_before()
    {
        Assert.DoesNotContain(ScanBody(ZipMember(0, 0, Encoding.ASCII.GetBytes("hello, world\n")), "application/zip"), f => f.RuleId == "compressed-data-unscanned");
        Assert.DoesNotContain(ScanBody(ZipMember(1, 12, []), "application/zip"), f => f.RuleId == "compressed-data-unscanned"); // a directory entry
        string aws = "[default]\naws_access_key_id = AKIA" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16, 3304) + "\n";
        Assert.Contains(ScanBody(ZipMember(0, 0, Encoding.ASCII.GetBytes(aws)), "application/zip"), f => f.RuleId == "aws-access-key-id");
    }

    [Fact]
    public void Openssl_enc_output_is_reported_and_an_aws_next_token_is_not()
    {
        string blob = Convert.ToBase64String([.. "Salted__"u8, .. Tokens.Bytes(72, 3305)]);
        AssertFoundExactly("{\"blob\": \"" + blob + "\"}", blob, "password-encrypted-data");
        AssertFoundExactly("curl -d '" + blob + "' https://x.example", blob, "password-encrypted-data");
        Assert.DoesNotContain(Scan("{\"NextToken\": \"" + blob + "\"}"), f => f.RuleId == "password-encrypted-data");
        Assert.DoesNotContain(Scan("?starting_token=" + blob), f => f.RuleId == "password-encrypted-data");
    }

    [Fact]
    public void A_der_key_body_under_quoted_printable_armor_or_after_an_escaped_line_break_is_found()
    {
        string body = "MIIEpAIBAAKCAQEA" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 48, 3306);
        string lines = body + "\n" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 64, 3307) + "\n" + Tokens.Random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 30, 3308) + "=3D=3D\n";
        Assert.Contains(Scan("-----BEGIN=20RSA=20PRIVATE=20KEY-----\n" + lines + "-----END=20RSA=20PRIVATE=20KEY-----\n"), f => f.RuleId == "private-key-der");
        Assert.Contains(Scan("{\"d\": \"key follows\\n" + lines.Replace("\n", "\\n", StringComparison.Ordinal).Replace("=3D=3D", "==", StringComparison.Ordinal) + "\"}"), f => f.RuleId == "private-key-der");

        // with armor the private-key rule reports the block, once
        var armored = Scan("-----BEGIN RSA PRIVATE KEY-----\n" + lines.Replace("=3D=3D", "==", StringComparison.Ordinal) + "-----END RSA PRIVATE KEY-----\n");
        Assert.Contains(armored, f => f.RuleId == "private-key");
        Assert.DoesNotContain(armored, f => f.RuleId == "private-key-der");
    }

    private static List<DlpFinding> ScanTarget(string pathAndQuery, params (string Name, string Value)[] headers) =>
        [.. Engine.ScanRequest(Request(pathAndQuery, host: "acme-artifacts.s3.us-east-1.amazonaws.com", headers: headers), DlpDetectors.All).Findings];

    private const string KeyId = "AKIAN3DOFY7C7PVIOLTT";
    private const string Signature = "4853c9aa053d2945d156ddc3d19d7288e76b5e801ead3c0c384b1817c26b66ff";

    [Fact]
    public void A_sigv4_signed_request_names_its_key_id_without_a_finding()
    {
        Assert.Empty(ScanTarget("/builds/app.tgz", ("x-amz-date", "20261208T001200Z"),
            ("Authorization", "AWS4-HMAC-SHA256 Credential=" + KeyId + "/20261208/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + Signature)));
        Assert.Empty(ScanTarget("/builds/app.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + KeyId + "%2F20261208%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261208T001200Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=" + Signature));
    }

    [Fact]
    public void The_key_id_is_still_found_outside_a_credential_scope_or_in_a_body()
    {
        Assert.Contains(ScanTarget("/c?k=" + KeyId), f => f.RuleId == "aws-access-key-id");
        Assert.Contains(ScanTarget("/c?X-Amz-Credential=" + KeyId), f => f.RuleId == "aws-access-key-id"); // no scope
        Assert.Contains(ScanTarget("/c", ("Authorization", "AWS4-HMAC-SHA256 Credential=" + KeyId + "/2026/us-east-1/s3/aws4_request")), f => f.RuleId == "aws-access-key-id"); // not a date
        Assert.Contains(ScanTarget("/c", ("X-Note", "Credential=" + KeyId + "/20261208/us-east-1/s3/aws4_request")), f => f.RuleId == "aws-access-key-id"); // not the Authorization field
        Assert.Contains(Scan("see https://acme.s3.amazonaws.com/x?X-Amz-Credential=" + KeyId + "%2F20261208%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" + Signature), f => f.RuleId == "aws-access-key-id");
    }

    [Theory]
    [InlineData("{\"f\": \"[database]\\npass = \\\"q5EgrYAoYFLN!Dj3H\\\"\\n\"}")]
    [InlineData("{\"f\": \"<add key=\\\"DbPassword\\\" value=\\\"uyXDxnYSCqyi!ettK\\\" />\"}")]
    [InlineData("{\"f\": \"<appSettings>\\n  <add key=\\\"ApiSecret\\\" value=\\\"uyXDxnYSCqyi4ettK\\\" />\\n</appSettings>\"}")]
    public void Config_files_inside_a_json_string_are_read_as_they_are_outside_one(string json) =>
        Assert.Contains(Scan(json), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("{\"f\": \"<add key=\\\"DbPassword\\\" value=\\\"\\\" />\"}")]
    [InlineData("{\"f\": \"<add key=\\\"DbPassword\\\" value=\\\"%DB_PASSWORD%\\\" />\"}")]
    [InlineData("{\"f\": \"<input name=\\\"api_token\\\" value=\\\"uyXDxnYSCqyi4ettK\\\" />\"}")]
    [InlineData("{\"f\": \"[ui]\\npassword_hint = \\\"see the wiki\\\"\\n\"}")]
    public void Their_look_alikes_inside_a_json_string_stay_quiet(string json) =>
        Assert.DoesNotContain(Scan(json), f => f.RuleId == "credential-assignment");

    [Theory]
    [InlineData("db.internal:5432:prod:admin:yrmoOSnZGWmt!IVgh\n", "yrmoOSnZGWmt!IVgh")] // no digit: a symbol and both cases
    [InlineData("{\"text\": \"db.internal:5432:prod:admin:rgSN8KbYE0Lq!SmBZ\\n\"}", "rgSN8KbYE0Lq!SmBZ")]
    public void A_pgpass_line_is_found(string text, string password) => AssertFoundExactly(text, password);

    [Fact]
    public void A_pgpass_line_sent_as_a_query_value_is_found()
    {
        var found = ScanTarget("/log?x=db.internal%3A5432%3Aprod%3Aadmin%3ArgSN8KbYE0Lq%21SmBZ%0A");
        Assert.Contains(found, f => f.RuleId == "credential-assignment");
    }

    [Theory]
    [InlineData("cache:3600:product:detail:ProductCatalog")] // words
    [InlineData("?x=web01:8080:app:deploy:finished")]
    [InlineData("db.internal:5432:prod:admin:readonly\n")]
    public void Pgpass_look_alikes_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "credential-assignment");

    [Fact]
    public void A_twilio_sid_with_its_auth_token_is_found_and_the_sid_alone_is_not()
    {
        string sid = "AC" + Tokens.Random("0123456789abcdef", 32, 3311), token = Tokens.Random("0123456789abcdef", 32, 3312);
        AssertFoundExactly("curl -u " + sid + ":" + token + " https://api.twilio.com/2010-04-01/Accounts.json", sid + ":" + token, "twilio-account-credentials");
        AssertFoundExactly("{\"text\": \"" + sid + ":" + token + "\"}", sid + ":" + token, "twilio-account-credentials");
        Assert.Empty(Scan("GET https://api.twilio.com/2010-04-01/Accounts/" + sid + "/Messages.json"));
        Assert.DoesNotContain(Scan(sid + ":" + token + "ff"), f => f.RuleId == "twilio-account-credentials"); // 34 hex: not a token
    }

    [Fact]
    public void A_key_split_over_members_with_words_between_the_halves_is_found()
    {
        string key = Tokens.GitHub("ghp_", 3313);
        Assert.Contains(Scan("{\"a\": \"" + key[..20] + "\", \"note\": \"hello world\", \"b\": \"" + key[20..] + "\"}"), f => f.RuleId == "github-pat-classic");
        Assert.Contains(Scan("[\"" + key[..20] + "\", \"see below\", \"" + key[20..] + "\"]"), f => f.RuleId == "github-pat-classic");

        // three values of words are more than the join passes over; a value of words alone joins nothing
        Assert.DoesNotContain(Scan("{\"a\": \"" + key[..20] + "\", \"n1\": \"one two\", \"n2\": \"three four\", \"n3\": \"five six\", \"b\": \"" + key[20..] + "\"}"), f => f.RuleId == "github-pat-classic");
        Assert.Empty(Scan("{\"a\": \"ghp_\", \"note\": \"hello world\", \"b\": \"alpha beta\"}"));
    }

    // ---- the r34 false-positive hunt on this round's changes -----------------------------------------------------

    [Fact]
    public void Lz4_frames_and_lzma_alone_streams_fail_closed_like_bzip2_and_xz()
    {
        byte[] lz4 = [0x04, 0x22, 0x4D, 0x18, 0x64, 0x40, 0xA7, .. Tokens.Bytes(64, 3315)]; // LZ4 frame: magic, FLG (version 01), BD, HC
        byte[] lzma = [0x5D, 0x00, 0x00, 0x80, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, .. Tokens.Bytes(64, 3316)]; // props, 8 MiB dictionary, size unknown
        Assert.Contains(ScanBody(lz4, "application/octet-stream"), f => f.RuleId == "compressed-data-unscanned");
        Assert.Contains(ScanBody(lzma, "application/octet-stream"), f => f.RuleId == "compressed-data-unscanned");
        Assert.Contains(ScanBody(Encoding.ASCII.GetBytes("{\"data\": \"" + Convert.ToBase64String(lzma) + "\"}"), "application/json"), f => f.RuleId == "compressed-data-unscanned");
        Assert.Empty(ScanBody(Encoding.ASCII.GetBytes("]\n[section]\nname = value\n"), "text/plain"));
    }

    [Fact]
    public void Pagination_values_public_client_keys_and_template_tokens_stay_quiet()
    {
        Assert.Empty(ScanTarget("/v1.0/users?$skiptoken=RFNwdAIAAQAAAD8xOjAwMDAwMDAwLTAwMDAtMDAwMC1jMDAwLTAwMDAwMDAwMDAwMEBtaWNyb3NvZnQuY29tKQ"));
        Assert.Empty(ScanTarget("/v1.0/users/delta?$deltatoken=4Kp9QzT7rW2mXv8nB3cY6hJdLs5aEf1gUo0iZk"));
        Assert.Empty(ScanTarget("/rgstr", ("STATSIG-API-KEY", "client-jaLIUKGWAJlL5YTGCQpaIDPC9yGk2ybjKm5RTE06RMD")));
        Assert.NotEmpty(ScanTarget("/rgstr", ("STATSIG-API-KEY", "secret-jaLIUKGWAJlL5YTGCQpaIDPC9yGk2ybjKm5RTE06RMD")));
        Assert.Empty(Assignments("<add key=\"Password\" value=\"__PASSWORD__\" />"));
        Assert.Empty(Assignments("db.password=@DB_PASSWORD@\n"));
        Assert.NotEmpty(Assignments("db.password=@Xk9mQ2vLp7RtY4wZ\n")); // a drawn value after the symbol

        string salted = Convert.ToBase64String([.. "Salted__"u8, .. Tokens.Bytes(56, 3317)]);
        Assert.Empty(Scan("{\"variables\": {\"after\": \"" + salted + "\"}}"));
        Assert.Empty(ScanTarget("/items", ("X-Next-Cursor", salted)));
        Assert.Empty(Scan("const bytes = CryptoJS.AES.decrypt(\"" + salted + "\", key);"));
    }

    [Fact]
    public void A_signature_version_2_presigned_url_names_its_key_id_without_a_finding()
    {
        Assert.Empty(ScanTarget("/b/app.tgz?AWSAccessKeyId=" + KeyId + "&Expires=1767225600&Signature=vjbyPxybdZaNmGa%2ByT272YEAiv4%3D"));
        Assert.Contains(ScanTarget("/b/app.tgz?AWSAccessKeyId=" + KeyId), f => f.RuleId == "aws-access-key-id");
    }

    // ---- the r35 red team ------------------------------------------------------------------------------------------

    [Fact]
    public void Aws_s_second_documented_key_id_is_reported_unvalidated()
    {
        var f = Assert.Single(Scan("{\"text\": \"AKIAI44QH8DHBEXAMPLE\"}"), x => x.RuleId == "aws-access-key-id");
        Assert.False(f.Validated);
        Assert.DoesNotContain(Scan("id AKIA0189HDOYVNL6DUAH end"), x => x.RuleId == "aws-access-key-id"); // other 0/1/8/9 ids stay near misses
    }

    [Fact]
    public void Jcb_s_test_card_is_found_though_it_ends_in_five_zeros()
    {
        AssertFoundExactly("{\"text\": \"3530111333300000\"}", "3530111333300000", "payment-card");
        Assert.DoesNotContain(Scan("total = 4031078400000 * n"), x => x.RuleId == "payment-card");
    }
}
