using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r23 reach round of issue 16: what secret stores, CLIs and credential files print that 75cb63a read past —
/// name/value pairs of secret stores and CI variables (<c>{"key": "DB_PASSWORD", "value": "…"}</c>, an SSM parameter
/// path), table rows (<c>vault kv get</c>, Markdown and box tables), Java's properties XML, <c>SET PASSWORD</c>,
/// <c>echo '…' | docker login --password-stdin</c>, <c>htpasswd -b</c>, wrapped literals (<c>SecretStr("…")</c>,
/// <c>@"…"</c>), Netscape cookie files, PKCS#12 key stores, OpenVPN static keys, SASL PLAIN and Ethereum keys given to
/// wallet libraries — with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound23Tests
{
    private const string Password = "Xk9mQ2vLp7zR4tW8yB3n#e5!";
    private const string Token = "q8Zr3kLm2NvX7pWt9YbC4dFgHj6sTu1e";

    private static string Fill(string form) => form.Replace("{0}", Password, StringComparison.Ordinal).Replace("{1}", Token, StringComparison.Ordinal);

    [Theory]
    [InlineData("{\"Parameter\": {\"Name\": \"/prod/db/password\", \"Type\": \"SecureString\", \"Value\": \"{0}\", \"Version\": 3}}")] // aws ssm get-parameter
    [InlineData("{\n    \"Parameters\": [\n        {\n            \"Name\": \"/prod/api/token\",\n            \"Type\": \"SecureString\",\n            \"Value\": \"{0}\"\n        }\n    ]\n}")]
    [InlineData("{\"key\": \"DB_PASSWORD\", \"value\": \"{0}\", \"target\": [\"production\"], \"type\": \"encrypted\"}")] // Vercel
    [InlineData("[{\"variable_type\": \"env_var\", \"key\": \"CI_DEPLOY_PASSWORD\", \"value\": \"{0}\", \"protected\": true}]")] // GitLab
    [InlineData("[{\"Key\":\"DbPassword\",\"Value\":\"{0}\"}]")]
    [InlineData("ParameterKey=DbPassword,ParameterValue={0}")] // CloudFormation
    [InlineData("{\"name\": \"API_TOKEN\", \"description\": \"the token, for CI\", \"value\": \"{0}\"}")]
    public void Secret_store_name_value_pairs_are_found(string form) => AssertFoundExactly(Fill(form), Password);

    [Theory]
    [InlineData("{\"name\": \"DB_PASSWORD\", \"valueFrom\": \"arn:aws:ssm:us-east-1:123456789012:parameter/prod/db/password\"}")]
    [InlineData("{\"key\": \"DB_PASSWORD\", \"value\": \"\"}")]
    [InlineData("{\"Name\": \"/prod/db/password\", \"Type\": \"SecureString\", \"Value\": \"{{resolve:ssm-secure:/prod/db/password}}\"}")]
    [InlineData("{\"key\": \"password\", \"type\": \"string\", \"value\": \"Enter password\"}")]
    [InlineData("{\"Name\": \"/prod/db/password\", \"Tags\": [{\"Key\": \"env\", \"Value\": \"prod-2024-Xk9#\"}]}")] // the value belongs to a tag
    [InlineData("{\"name\": \"token\", \"in\": \"header\", \"schema\": {\"type\": \"string\"}, \"value\": \"Xk9mQ2vLp7zR4tW8yB3n\"}")] // an object field between
    public void Name_value_pairs_without_a_literal_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("====== Data ======\nKey         Value\n---         -----\npassword    {0}\nusername    app\n")] // vault kv get
    [InlineData("DB_PASSWORD   {0}\nAPI_TOKEN     {1}\n")]
    [InlineData("DB_PASSWORD\t{0}\n")]
    [InlineData("| Key | Value |\n|---|---|\n| DB_PASSWORD | {0} |\n")]
    [InlineData("| `DB_PASSWORD` | `{0}` |\n")]
    [InlineData("\u2502 DB_PASSWORD \u2502 {0}  \u2502\n")] // Doppler-style box table
    [InlineData("\u2551 DB_PASSWORD \u2502 {0} \u2551\n")] // Railway
    public void Table_rows_are_found(string form) => AssertFoundExactly(Fill(form), Password);

    [Theory]
    [InlineData("Options:\n  token      The API token to use\n  password   Password for the user\n")]
    [InlineData("| Name | Type | Description |\n|---|---|---|\n| password | string | The user's password |\n| api_key | string | Key2 of the account |\n")]
    [InlineData("password    ********\ntoken       <redacted>\n")]
    [InlineData("| DB_PASSWORD | (set in Vault) |\n| API_TOKEN | `${{ secrets.API_TOKEN }}` |\n")]
    [InlineData("token_type     Bearer\nexpires_in     3600\naccess_token   n/a\n")]
    [InlineData("NAME          TYPE     DATA   AGE\ndb-password   Opaque   1      5d\n")]
    [InlineData("the password    Xk9mQ2vLp7zR4tW8yB3n#e5! is in the middle of a sentence\n")]
    [InlineData("secret_version    v2.14.0-rc1\n")]
    public void Table_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void Java_properties_xml_entries_are_found()
    {
        AssertFoundExactly(Fill("<properties>\n<entry key=\"db.password\">{0}</entry>\n<entry key=\"db.user\">app</entry>\n</properties>"), Password);
        Assert.Empty(Assignments("<entry key=\"db.password.file\">/etc/secrets/db-password</entry>\n<entry key=\"api.token\"></entry>"));
    }

    [Theory]
    [InlineData("SET PASSWORD FOR 'app'@'%' = '{0}';")]
    [InlineData("set password for app@localhost = PASSWORD('{0}');")]
    [InlineData("echo '{0}' | docker login -u deploy --password-stdin registry.example.com")]
    [InlineData("$ echo -n \"{0}\" | helm registry login ghcr.io -u me --password-stdin")]
    [InlineData("printf '{0}' | oras login -u me --password-stdin r.example.com")]
    [InlineData("printf '%s' '{0}' | docker login -u me --password-stdin")]
    [InlineData("printf \"%s\\n\" {1} | docker login -u me --password-stdin")]
    [InlineData("htpasswd -b -c /etc/nginx/.htpasswd admin '{0}'")]
    [InlineData("htpasswd -bc /etc/nginx/.htpasswd admin {1}")]
    [InlineData("htpasswd -nbB -C 12 admin \"{0}\"")]
    [InlineData("az keyvault secret set --vault-name kv1 --name db-password --value \"{0}\"")]
    [InlineData("aws ssm put-parameter --name /prod/db/password --type SecureString --value '{0}' --overwrite")]
    [InlineData("gh secret set API_TOKEN --body \"{1}\"")]
    public void Command_passwords_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, form.Contains("{1}", StringComparison.Ordinal) ? Token : Password);
    }

    [Theory]
    [InlineData("SET PASSWORD FOR 'app'@'%' = '';")]
    [InlineData("echo \"$CR_PAT\" | docker login ghcr.io -u me --password-stdin")]
    [InlineData("cat ~/token.txt | docker login -u me --password-stdin")]
    [InlineData("echo hello-world-example | docker login --password-stdin")]
    [InlineData("htpasswd -c /etc/nginx/.htpasswd admin")]
    [InlineData("htpasswd -b /etc/nginx/.htpasswd admin \"$ADMIN_PASSWORD\"")]
    [InlineData("htpasswd -D /etc/nginx/.htpasswd Xk9mQ2vLp7zR4tW8yB3n")]
    [InlineData("az keyvault secret set --vault-name kv1 --name db-password --value \"$DB_PASSWORD\"")]
    [InlineData("aws ssm put-parameter --name /prod/db/password --type SecureString --value file://password.txt")]
    [InlineData("gh secret set API_TOKEN < token.txt\ngh secret set API_TOKEN --body \"$TOKEN\"")]
    [InlineData("az keyvault secret show --name db-password --vault-name kv1 --query value -o tsv")]
    public void Command_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("api_key = SecretStr(\"{1}\")")]
    [InlineData("token = SecretBytes(b\"{1}\")")]
    [InlineData("class Settings(BaseSettings):\n    password: SecretStr = Field(default=\"{0}\")\n")]
    [InlineData("let api_key = String::from(\"{1}\");")]
    [InlineData("NSString *apiSecret = @\"{1}\";")]
    [InlineData("const API_TOKEN: &[u8] = b\"{1}\";")]
    public void Wrapped_literals_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, form.Contains("{1}", StringComparison.Ordinal) ? Token : Password);
    }

    [Theory]
    [InlineData("api_key = SecretStr(\"\")")]
    [InlineData("api_key = SecretStr(os.environ[\"API_KEY\"])")]
    [InlineData("password: SecretStr = Field(default=None, description=\"The password\")")]
    [InlineData("token: str = Field(\"bearer-token-header\", alias=\"tokenHeader\")")]
    [InlineData("NSString *tokenKey = @\"com.example.auth.token\";")]
    public void Wrapped_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Fact]
    public void Session_cookies_in_a_cookie_file_are_found_raw_and_json_escaped()
    {
        string file = "# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n\n"
            + "#HttpOnly_.github.com\tTRUE\t/\tTRUE\t1767225600\tuser_session\t" + Token + "\n"
            + ".example.com\tTRUE\t/\tFALSE\t1767225600\t_ga\tGA1.2.1234567890.1234567890\n"
            + ".example.com\tTRUE\t/\tFALSE\t1767225600\tcsrftoken\t" + Token + "\n";
        var found = Scan(file).FindAll(f => f.RuleId == "cookie-file-session");
        Assert.Single(found);
        Assert.Equal(file.IndexOf(Token, StringComparison.Ordinal), found[0].Start);

        string json = JsonSerializer.Serialize(new { path = "cookies.txt", content = file });
        Assert.Contains(Scan(json), f => f.RuleId == "cookie-file-session" && json.Substring(f.Start, f.Length) == Token);
    }

    [Theory]
    [InlineData("id\tname\tcount\n1\tsession_token\t" + Token + "\n")] // a TSV, not a cookie line
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1767225600\t_gid\tGA1.2.98765432109876543\n")]
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1767225600\tsessionid\tshort\n")]
    [InlineData(".example.com\tMAYBE\t/\tFALSE\t1767225600\tsessionid\t" + Token + "\n")]
    public void Cookie_file_look_alikes_stay_quiet(string text) => Assert.DoesNotContain(Scan(text), f => f.RuleId == "cookie-file-session");

    [Fact]
    public void A_pkcs12_key_store_in_base64_is_found_and_a_certificate_is_not()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=bottle-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(1));
        string pfx = Convert.ToBase64String(cert.Export(X509ContentType.Pfx, "pw"));
        string body = JsonSerializer.Serialize(new { name = "signing.p12", data = pfx }, RelaxedJson);
        Assert.Contains(Scan(body), f => f.RuleId == "pkcs12-key-store" && f.Start == body.IndexOf(pfx, StringComparison.Ordinal));
        Assert.Contains(Scan(JsonSerializer.Serialize(new { data = pfx })), f => f.RuleId == "pkcs12-key-store"); // '+' written \u002B

        string wrapped = string.Join('\n', pfx.Chunk(64).Select(c => new string(c)));
        Assert.Contains(Scan(wrapped), f => f.RuleId == "pkcs12-key-store" && f.Start == 0);

        string der = Convert.ToBase64String(cert.Export(X509ContentType.Cert));
        Assert.DoesNotContain(Scan(der), f => f.RuleId == "pkcs12-key-store");
    }

    [Fact]
    public void An_openvpn_static_key_is_a_private_key()
    {
        var hex = new StringBuilder();
        for (int line = 0; line < 16; line++)
        {
            hex.Append(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(line)))[..32]).Append('\n');
        }

        string file = "#\n# 2048 bit OpenVPN static key\n#\n-----BEGIN OpenVPN Static key V1-----\n" + hex + "-----END OpenVPN Static key V1-----\n";
        Assert.Contains(Scan(file), f => f.RuleId == "private-key");
        Assert.Contains(Scan(JsonSerializer.Serialize(new { content = file })), f => f.RuleId == "private-key");
        Assert.DoesNotContain(Scan("The file starts with -----BEGIN OpenVPN Static key V1----- and holds 2048 bits."), f => f.RuleId == "private-key");
    }

    [Theory]
    [InlineData("\0alice@example.org\0" + Password)]
    [InlineData("admin\0admin\0" + Password)]
    public void Sasl_plain_credentials_are_found(string plain)
    {
        string blob = Convert.ToBase64String(Encoding.UTF8.GetBytes(plain));
        string text = "C: AUTH PLAIN " + blob + "\r\nS: 235 2.7.0 Authentication successful\r\n";
        AssertFoundExactly(text, blob, "encoded-user-password");
    }

    [Theory]
    [InlineData("\0\0")]
    [InlineData("\0alice\0short")]
    [InlineData("a\0b\0c\0" + Password)]
    public void Sasl_look_alikes_stay_quiet(string plain)
    {
        string text = "AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes(plain));
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "encoded-user-password");
    }

    private const string EthKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    [Theory]
    [InlineData("const wallet = new ethers.Wallet(\"{k}\", provider);")]
    [InlineData("module.exports = { networks: { sepolia: { url: RPC, accounts: [\"{k}\"] } } };")]
    [InlineData("const account = privateKeyToAccount('{k}')")]
    [InlineData("acct = Account.from_key(\"{k}\")")]
    [InlineData("{\"networks\": {\"sepolia\": {\"url\": \"https://rpc.example\", \"accounts\": [ \"{k}\" ]}}}")]
    public void Ethereum_keys_given_to_wallet_libraries_are_found(string form) => AssertFoundExactly(form.Replace("{k}", EthKey, StringComparison.Ordinal), EthKey);

    [Theory]
    [InlineData("tx_hash = \"{k}\"")]
    [InlineData("const h = keccak256(\"{k}\");")]
    [InlineData("accounts: [process.env.PRIVATE_KEY]\nblockHash: [\"{k}\"]")]
    [InlineData("const w = new Wallet(\"{k}0\");")]
    public void Hashes_stay_quiet(string form) => Assert.Empty(Assignments(form.Replace("{k}", EthKey, StringComparison.Ordinal)));

    [Theory]
    [InlineData("{\"key\": \"DB_PASSWORD\", \"value\": \"{0}\"}")]
    [InlineData("DB_PASSWORD   {0}\n")]
    [InlineData("| DB_PASSWORD | {0} |\n")]
    [InlineData("echo '{0}' | docker login -u me --password-stdin")]
    [InlineData("api_key = SecretStr(\"{0}\")")]
    public void Shapes_quoted_in_an_llm_request_are_found(string form)
    {
        string code = Fill(form);
        string body = InModelRequest(code);
        Assert.Contains(Assignments(body), f => body.Substring(f.Start, f.Length) == Password);
    }

    // The adversarial review of the round (its look-alikes and the bypasses it found that are fixed).

    [Theory]
    [InlineData("htpasswd -nb user \"$PASSWORD\" >> .htpasswd")]
    [InlineData("htpasswd -b .htpasswd bob \"$(cat /run/secrets/bob)\"")]
    [InlineData("htpasswd -b passwordfile username password")]
    [InlineData("htpasswd -b .htpasswd admin password123")]
    [InlineData("| password | `bcrypt` |\n| token | `sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b` |\n")]
    [InlineData("| token | 3f2b9c7e1a4d5b6c7d8e9f0a1b2c3d4e5f6a7b8c |\n| password | 9f86d081884c7d659a2feaa0c55ad015 |\n")]
    [InlineData("| api_key | v2.3.1-rc.4+build.5678 |\n| token | sha512-3f2b9c7e1a4d5b6c7d8e9f0a1b2c3d4e |\n")]
    [InlineData("NAME                  UID\ndb-password           3f9a8b7c-6d5e-4f3a-9b1c-0d9e8f7a6b5c\n")]
    [InlineData("db_password\tqhf0ie5ul2xtkdp1ps1m6g3i8\napi_token\tm3k7v9z2x5c8b1n4q6w0e2r4t\n")]
    [InlineData("{\"name\":\"_token\",\"type\":\"hidden\",\"value\":\"u3Jk9mQ2vLp7zR4tW8yB3nE5aFgHj6sTu1eKp0rL\"}")]
    [InlineData("{\"name\":\"authenticity_token\",\"value\":\"u3Jk9mQ2vLp7zR4tW8yB3nE5aFgHj6sTu1eKp0rL==\"}")]
    [InlineData("{\"Name\":\"token\",\"Type\":\"String\",\"Description\":\"Auth token name\",\"Value\":\"X-Auth-Token-v2\"}")]
    [InlineData("accounts: [\"0x6c35a78d2c4f2e0bba9f8d0e3c5c9b58b1f0e2d7a1c3b5d7f9e1a3c5b7d9f1e2\"] // Sui addresses to airdrop")]
    [InlineData("\"accounts\": [\"0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d\"]")]
    public void Review_look_alikes_stay_quiet(string text)
    {
        Assert.Empty(Assignments(text));
        string json = InModelRequest(text);
        Assert.Empty(Assignments(json));
    }

    [Theory]
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1735689600\t_uetsid\t5d7a8c10f5c111ee8a1b3b5e3d6f7a1b\n")]
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1735689600\t__stripe_sid\t8c1f2b3a-4d5e-6f70-8192-a3b4c5d6e7f8a1b2c3\n")]
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1735689600\tAMP_TOKEN\tAMP-k8Jd2mQ7xR4vT9wZ1bC3dF5gH6jK0nP2s\n")]
    [InlineData(".example.com\tTRUE\t/\tFALSE\t1735689600\ttheme_key\tdark-high-contrast-v2\n")]
    [InlineData("1\tTRUE\t/api\tFALSE\t42\tsession_length\tLongSessionsEnabled2024\n")]
    [InlineData("us-east\tTRUE\tus-east-1a\tFALSE\t12\tauth_iam\tprod-cluster-east-2024a\n")]
    [InlineData("feature\tTRUE\t/\tTRUE\t1700000000\tsession_replay\tenabled-for-beta-cohort-42\n")]
    public void Review_cookie_look_alikes_stay_quiet(string text) => Assert.DoesNotContain(Scan(text), f => f.RuleId == "cookie-file-session");

    [Theory]
    [InlineData("hello\0world\0this-is-a-test-string")]
    [InlineData("model\0gpt\0temperature=0.7;top_p=0.9")]
    [InlineData("node\0server.js\0--port=3000")]
    public void Nul_separated_words_outside_sasl_stay_quiet(string plain)
    {
        string blob = Convert.ToBase64String(Encoding.UTF8.GetBytes(plain));
        Assert.DoesNotContain(Scan("data: " + blob), f => f.RuleId == "encoded-user-password");
        Assert.DoesNotContain(Scan("{\"blob\":\"" + blob + "\"}"), f => f.RuleId == "encoded-user-password");
    }

    [Theory]
    [InlineData("const wallet = new Wallet(\"{k}\", provider);")]
    [InlineData("module.exports = { networks: { sepolia: { url: RPC, accounts: [\"{k}\"] } } };")]
    [InlineData("Key         Value\n---         -----\npassword    {0}\n")]
    [InlineData("Key\tValue\npassword\t{0}\n")]
    [InlineData("NSString *apiSecret = @\"{0}\";")]
    [InlineData("az keyvault secret set --vault-name kv --name db-password --value \"{0}\"")]
    [InlineData("[\n  {\n    \"ParameterKey\": \"DbPassword\",\n    \"ParameterValue\": \"{0}\"\n  }\n]")]
    [InlineData("htpasswd -b .htpasswd admin \"{0}\"")]
    public void Review_bypasses_in_an_llm_request_are_found(string form)
    {
        string code = Fill(form).Replace("{k}", EthKey, StringComparison.Ordinal);
        string secret = form.Contains("{k}", StringComparison.Ordinal) ? EthKey : Password;
        string body = InModelRequest(code);
        Assert.Contains(Assignments(body), f => body.Substring(f.Start, f.Length) == secret);
    }

    [Fact]
    public void Review_cookie_and_sasl_bypasses_are_found()
    {
        const string phpSession = "ry3h6zouwas7grkffgbw4ulgbu";
        string indented = "  .example.com\tTRUE\t/\tFALSE\t1767225600\tPHPSESSID\t" + phpSession + "\n";
        Assert.Contains(Scan(indented), f => f.RuleId == "cookie-file-session" && indented.Substring(f.Start, f.Length) == phpSession);

        string json = JsonSerializer.Serialize(new { content = ".example.com\tTRUE\t/\tTRUE\t1767225600\tsessionid\t" + Token + "\n" });
        Assert.Contains(Scan(json), f => f.RuleId == "cookie-file-session");

        string blob = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0root\0" + Password)); // two NULs among the first six bytes
        Assert.Contains(Scan("A1 AUTHENTICATE PLAIN\r\n+\r\n" + blob + "\r\n"), f => f.RuleId == "encoded-user-password");
    }

    [Fact]
    public void A_large_pkcs12_key_store_is_covered_whole()
    {
        // a 2-byte DER length of 16 KiB or more makes the third character J, K or L
        string body = "MIL5XwIBAzCC+RUGCSqGSIb3DQEHAaCC+QYE" + string.Concat(Enumerable.Repeat("gvkCMIL4/jCC83IGCSqGSIb3DQEH", 3000));
        var found = Scan(body).FindAll(f => f.RuleId == "pkcs12-key-store");
        Assert.Single(found);
        Assert.Equal(body.Length, found[0].Length);

        string crlf = string.Join("\r\n", body[..4096].Chunk(76).Select(c => new string(c)));
        Assert.Contains(Scan(crlf), f => f.RuleId == "pkcs12-key-store" && f.Length == crlf.Length);
    }

    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            "{\"Name\": \"/prod/db/password\", \"Type\": \"S\", \"Value\": \"" + Password + "\"}", "ParameterKey=DbPassword,ParameterValue=" + Password,
            "password    " + Password + "\n", "| DB_PASSWORD | `" + Password + "` |", "<entry key=\"db.password\">" + Password + "</entry>",
            "SET PASSWORD FOR 'a'@'%' = PASSWORD('" + Password + "');", "echo -n '" + Password + "' | docker login --password-stdin",
            "htpasswd -nbB -C 12 admin \"" + Password + "\"", "password: SecretStr = Field(default=\"" + Password + "\")", "k = @\"" + Token + "\"",
            ".x.com\tTRUE\t/\tTRUE\t1767225600\tsessionid\t" + Token + "\n", "w = new Wallet(\"" + EthKey + "\")", "accounts: [\"" + EthKey + "\"]",
            "-----BEGIN OpenVPN Static key V1-----\n0123456789abcdef0123456789abcdef\n-----END OpenVPN Static key V1-----",
            "MIIKPAIBAzCCCgYGCSqGSIb3DQEHAaCCCfcEggnzMIIJ7zCCBGcGCSqGSIb3DQEHBqCCBFgwggRUAgEAMIIETQYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQYwDgQI" + new string('A', 120),
        ];
        char[] splices = ['"', '\'', '\\', ' ', '\t', '\n', '|', '(', '[', ':', '=', '/', '\0'];
        ScanCutAndSpliced(shapes, splices);
    }
}
