using System.Text;
using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;
using static BotBottle.Tests.Dlp.PasswordForms;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r27 round of issue 16, driven by three red-team helpers (files an agent ships out, encodings and channels, and
/// a false-positive hunt in everyday agent traffic): short command-line passwords (found from the options themselves,
/// not from a 16-character token run), saved-password CSV exports, URL user information holding an unencoded
/// <c>@</c>, Microsoft Entra client secrets, private JSON Web Keys, Unicode tag characters carrying ASCII — and the
/// look-alikes the hunt found blocked, which must stay quiet: Go test output, GraphQL/Kotlin/Swift types, i18n words,
/// masks, Helm Secret names, test fixtures, documented default URLs, a PEM header beside a request's hex id.
/// </summary>
public sealed class ReachRound27Tests
{
    [Theory]
    [InlineData("mysql -u root -p'{0}' -h db.example.com prod\n")]
    [InlineData("mysql -uroot -p{0} prod\n")]
    [InlineData(": 1765000000:0;mysql -u root -p{0} -h db.example.com\n")]
    [InlineData("docker login -u ci -p {0} registry.example.com\n")]
    [InlineData("redis-cli -h cache.example.com -a '{0}' ping\n")]
    [InlineData("sqlcmd -S db01 -U sa -P '{0}' -Q 'select 1'\n")]
    [InlineData("ldapsearch -x -D 'cn=admin,dc=example,dc=com' -w {0} -b dc=example,dc=com\n")]
    [InlineData("psexec \\\\fs01 -u CORP\\admin -p {0} cmd\n")]
    [InlineData("ipmitool -I lanplus -H 10.0.0.9 -U admin -P '{0}' chassis status\n")]
    [InlineData("hydra -l admin -p '{0}' ssh://10.0.0.5\n")]
    [InlineData("xfreerdp /u:alice /p:{0} /v:10.0.0.7\n")]
    [InlineData("java -jar jenkins-cli.jar -s http://ci.example.com/ -auth admin:{0} build deploy\n")]
    [InlineData("$pw = ConvertTo-SecureString '{0}' -AsPlainText -Force\n")]
    [InlineData("$pw = ConvertTo-SecureString -AsPlainText -Force -String \"{0}\"\n")]
    [InlineData("net use Z: \\\\fs01\\share /user:CORP\\alice {0}\n")]
    [InlineData("net use \\\\fs01\\share {0} /user:CORP\\alice\n")]
    [InlineData("rabbitmqctl add_user admin '{0}'\n")]
    [InlineData("db.example.com:5432:*:app_rw:{0}\n")]
    [InlineData("*:*:*:postgres:{0}\n")]
    public void Short_command_line_passwords_are_found(string form) => AssertFormFound(form, afterPrompt: !form.Contains(":5432:", StringComparison.Ordinal) && !form.StartsWith('*'));

    [Theory]
    [InlineData("mkdir -p /tmp/build && ssh -p 2222 deploy@10.0.0.5\n")]
    [InlineData("docker login -u ci -p \"$REGISTRY_TOKEN\" registry.example.com\n")]
    [InlineData("mysql -u root -p mydb < dump.sql\n")]
    [InlineData("redis-cli -a foobared ping\n")]
    [InlineData("net user alice /add\nnet use Z: \\\\fs01\\share /persistent:yes\n")]
    [InlineData("$pw = ConvertTo-SecureString $env:DEPLOY_PW -AsPlainText -Force\n")]
    [InlineData("rabbitmqctl add_user admin \"$RABBIT_PASSWORD\"\n")]
    [InlineData("sqlplus / as sysdba\nsqlplus scott/tiger@orcl\n")]
    [InlineData("git commit -a -m 'fix: password prompt' && tar -xzf a.tgz -C /opt -p\n")]
    [InlineData("localhost:5432:*:postgres:*\n")]
    [InlineData("2024-05-01 10:11:12:5432: connection from 10.0.0.5:5432:accepted\n")]
    public void Command_look_alikes_stay_quiet(string text) => AssertQuiet(text);

    [Theory]
    [InlineData("name,url,username,password\ngithub.com,https://github.com/login,jdoe,{0}\naccounts.google.com,https://accounts.google.com/,jdoe@example.com,Winter#2023x\n")]
    [InlineData("\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\"\n\"https://github.com\",\"jdoe\",\"{0}\",\"\",\"https://github.com\",\"{{a1b2}}\"\n")]
    [InlineData("folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n,,login,GitHub,,,0,https://github.com,jdoe,{0},\n")]
    public void Saved_password_exports_are_found(string form)
    {
        string text = Fill(form).Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
        AssertFoundExactly(text, Short);
        AssertFoundExactly(InModelRequest(text), Short); // the export pasted into a JSON string: its lines end at \n escapes
    }

    [Theory]
    [InlineData("id,username,password_hash,created_at\n1,jdoe,$2b$12$abcdefghijklmnopqrstuv,2024-01-01\n")]
    [InlineData("field,label,placeholder\nusername,Username,Enter your username\npassword,Password,Enter your password\n")]
    [InlineData("name,url,username,password\ngithub.com,https://github.com/login,jdoe,\nexample.com,https://example.com,admin,********\n")]
    [InlineData("key,password,notes\n")]
    public void Password_table_look_alikes_stay_quiet(string text) => AssertQuiet(text);

    [Theory]
    [InlineData("DATABASE_URL=postgres://app_user:P@ssw0rd123@prod-db.example.com:5432/app\n", "app_user:P@ssw0rd123")]
    [InlineData("MONGO_URI=mongodb://root:P@ss!2024x@mongo.internal:27017/admin\n", "root:P@ss!2024x")]
    public void A_password_holding_an_unencoded_at_sign_is_read_to_the_last_one(string text, string credentials) =>
        AssertFoundExactly(text, credentials, "url-credentials");

    [Theory]
    [InlineData("postgres://postgres:postgres@localhost:5432/test")]
    [InlineData("amqp://guest:guest@localhost:5672/")]
    [InlineData("postgres://app:app@db:5432/app")]
    [InlineData("postgresql+psycopg2://scott:tiger@localhost/test")]
    public void Documented_default_credentials_in_urls_stay_quiet(string url) =>
        Assert.DoesNotContain(Scan("DATABASE_URL=" + url + "\n"), f => f.RuleId == "url-credentials");

    [Theory]
    [InlineData("az login --service-principal -u 1f2e3d4c-0000-1111-2222-333344445555 -p {s} --tenant example.onmicrosoft.com\n")]
    [InlineData("AZURE_CLIENT_SECRET={s}\n")]
    [InlineData("{{\"clientSecret\": \"{s}\"}}")]
    public void Entra_client_secrets_are_found(string form)
    {
        const string Secret = "Jg38Q~c.YTjK.U-E1BNJRHQ9T00xLRGI7lcp7AGw";
        string text = form.Replace("{s}", Secret, StringComparison.Ordinal).Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);
        Assert.Contains(Scan(text), f => f.RuleId == "azure-ad-client-secret" && f.Start == text.IndexOf(Secret, StringComparison.Ordinal) && f.Length == Secret.Length);
    }

    [Theory]
    [InlineData("cp ~/.config/app/settings.json ~/.config/app/settings.json.bak-2024-05-01T10.11.12")]
    [InlineData("version 1.2.3~beta.4+build.20240501.abcdef0123456789abcdef")]
    [InlineData("see https://example.com/~user/Q~archive.2024.01.release-notes.final.txt")]
    public void Entra_look_alikes_stay_quiet(string text) =>
        Assert.DoesNotContain(Scan(text), f => f.RuleId == "azure-ad-client-secret");

    [Fact]
    public void Private_json_web_keys_are_found_and_public_ones_are_not()
    {
        string d = "OYV0KC8MwDs7b6ZRMJnJnBdssU7O7X17HsGspwm6_mY";
        string okp = "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\",\"d\":\"" + d + "\"}";
        AssertFoundExactly(okp, d, "private-key-jwk");
        AssertFoundExactly(JsonSerializer.Serialize(new { file = "key.json", content = okp }), d, "private-key-jwk"); // \"d\":\"…\" inside a JSON string
        string k = "GawgguFyGrWKav7AX4VKUg";
        AssertFoundExactly("{\"kty\": \"oct\", \"k\": \"" + k + "\", \"alg\": \"A128KW\"}", k, "private-key-jwk");

        string jwks = "{\"keys\":[{\"kty\":\"RSA\",\"e\":\"AQAB\",\"kid\":\"k1\",\"n\":\"" + new string('x', 40) + "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\"}]}";
        Assert.DoesNotContain(Scan(jwks), f => f.RuleId == "private-key-jwk");
        Assert.DoesNotContain(Scan("{\"a\": 1, \"d\": \"" + d + "\"}"), f => f.RuleId == "private-key-jwk"); // a "d" member without "kty"
    }

    /// <summary>ASCII written as Unicode tag characters (U+E0000 + the character): invisible to a reader.</summary>
    private static string Tags(string ascii)
    {
        var sb = new StringBuilder();
        foreach (char c in ascii)
        {
            sb.Append(char.ConvertFromUtf32(0xE0000 + c));
        }

        return sb.ToString();
    }

    [Fact]
    public void Ascii_hidden_in_tag_characters_is_read()
    {
        string token = Tokens.Samples["github-pat-classic"];
        foreach (string text in new[] { "Thanks for the help!" + Tags(token), Tags("token " + token), "{\"note\": \"ok" + Tags(Tokens.B64Of(token)) + "\"}" })
        {
            Assert.Contains(Scan(text), f => f.RuleId == "github-pat-classic" && f.Encoding.Contains(DlpEncodings.UnicodeTags, StringComparison.Ordinal));
        }

        // a flag of England (black flag, the tag letters "gbeng", cancel tag) is not hidden text worth a finding
        Assert.Empty(Scan("Go team \U0001F3F4" + Tags("gbeng") + "\U000E007F!"));
    }

    [Fact]
    public void A_token_split_across_form_fields_is_joined()
    {
        string token = Tokens.Samples["github-pat-classic"];
        string body = "a=" + token[..20] + "&b=" + token[20..];
        Assert.Contains(ScanBody(body, "application/x-www-form-urlencoded"), f => f.RuleId == "github-pat-classic" && f.Encoding == DlpEncodings.Concat);
        AssertClean("user=jdoe&page=2&sort=created&q=release+notes+2024", "application/x-www-form-urlencoded");
    }

    [Theory]
    [InlineData("  ", "\n")]
    [InlineData("    ", "\n")]
    [InlineData("  ", "\r\n")]
    public void Wrapped_base64_with_indented_lines_is_decoded(string indent, string lineBreak)
    {
        string b64 = Tokens.B64Of("build log line for ci job 4411: token " + Tokens.Samples["github-pat-classic"] + " end");
        var lines = b64.Chunk(40).Select(c => indent + new string(c));
        string text = "data:\n  key: |" + lineBreak + string.Join(lineBreak, lines) + lineBreak;
        var found = Scan(text).FindAll(f => f.RuleId == "github-pat-classic");
        Assert.True(found.Count == 1 && found[0].Encoding == DlpEncodings.Base64, Describe(found)); // one finding: the continuation lines are not blobs of their own
        Assert.Single(Scan(InModelRequest(text)), f => f.RuleId == "github-pat-classic");
    }

    /// <summary>The review of the round: what it found quiet that must be reported, and reported that must stay quiet.</summary>
    [Theory]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"Zb8mK2pXq9Lr4tW7yN3cV6fJ1hG5dS0aE8uI2oP4kQc\"}", "Zb8mK2pXq9Lr4tW7yN3cV6fJ1hG5dS0aE8uI2oP4kQc", "private-key-jwk")]
    [InlineData("{\"d\":\"Zb8mK2pXq9Lr4tW7yN3cV6fJ1hG5dS0aE8uI2oP4kQc\",\n \"kty\":\"OKP\"}", "Zb8mK2pXq9Lr4tW7yN3cV6fJ1hG5dS0aE8uI2oP4kQc", "private-key-jwk")]
    [InlineData("$s = ConvertTo-SecureString \"Harbor9!qz\" -asplaintext -force\n", "Harbor9!qz", "credential-assignment")]
    [InlineData("NET USE Z: \\\\fs01\\share /USER:CORP\\jdoe Quartz#881\n", "Quartz#881", "credential-assignment")]
    [InlineData("username,password\njdoe,Summer2025!x\n", "Summer2025!x", "credential-assignment")]
    [InlineData("name,url,username,password,note\nBad,row\ngitlab.com,https://gitlab.com,jdoe,Winter#2024q,\n", "Winter#2024q", "credential-assignment")]
    [InlineData("{\"password\": \"Sunshine\"}", "Sunshine", "credential-assignment")]
    [InlineData("DB_PASSWORD=my-prod-db-pass-77\n", "my-prod-db-pass-77", "credential-assignment")]
    [InlineData("app secret is Ab18Q~aB3dEfGhIjKlMnOpQrStUvWxYz012345~ ok", "Ab18Q~aB3dEfGhIjKlMnOpQrStUvWxYz012345~", "azure-ad-client-secret")]
    public void Review_bypasses_are_found(string text, string value, string rule)
    {
        AssertFoundExactly(text, value, rule);
        AssertFoundExactly(InModelRequest(text), value, rule); // JSON-escaped quotes (\"d\":\"…\") as clients write them
    }

    [Fact]
    public void Secrets_after_a_password_table_are_still_read() =>
        AssertFoundExactly("user,password,role\nalice,Summer2025!x,admin\n\nDB_PASSWORD=Xk9mQ2vLp7zR4tW8\n", "Xk9mQ2vLp7zR4tW8");

    [Fact]
    public void Tag_characters_between_blanks_are_read_together()
    {
        string token = Tokens.Samples["github-pat-classic"];
        string spaced = "note: " + string.Join(" ", token.Select(c => Tags(c.ToString())));
        Assert.Contains(Scan(spaced), f => f.RuleId == "github-pat-classic" && f.Encoding.Contains(DlpEncodings.UnicodeTags, StringComparison.Ordinal));
        Assert.Contains(Scan(Tags(token[..20]) + "\n" + Tags(token[20..])), f => f.RuleId == "github-pat-classic");
    }

    [Theory]
    [InlineData("docker login -u ci -p hunter2 registry.example.com\n")]
    [InlineData("$Secure_String_Pwd = ConvertTo-SecureString \"P@ssW0rD!\" -AsPlainText -Force\n")]
    [InlineData("net use Z: \\\\srv\\share /user:CORP\\jdoe P@ssw0rd\n")]
    [InlineData("db.example.com:5432:app:app:test123\n")]
    [InlineData("email,password,first_name,last_name\njohn@example.com,password123,John,Doe\n")]
    [InlineData("test_case,username,password,expected\nwrong_pw,alice,wrong-password,401\nok,alice,test123,200\n")]
    [InlineData("id,password,last_login,is_superuser,username,email\n1,pbkdf2_sha256$720000$Jq3kZ9vXw2$4bQ9+Yc2vWm8Rz1kLp0sTq7uXn3aDf6gHj5kLm9nPq=,,t,admin,a@example.com\n")]
    [InlineData("username,password,role\nalice,\u2022\u2022\u2022\u2022\u2022\u2022,admin\n")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"d\":\"REPLACE_WITH_YOUR_PRIVATE_KEY_VALUE_12345\"}")]
    [InlineData("{\"kty\":\"oct\",\"k\":\"your-256-bit-secret-goes-here\"}")]
    [InlineData("{\"password\": \"Contraseña\", \"token\": \"Código\", \"secret\": \"Пароль\"}")]
    [InlineData("SVG: {\"d\": \"M10 10 L20 20\", \"kty\": \"none\", \"date\": \"October\"}")]
    public void Review_false_positives_stay_quiet(string text)
    {
        Assert.Empty(Scan(text).FindAll(f => f.RuleId is "credential-assignment" or "private-key-jwk" or "url-credentials"));
        Assert.Empty(Scan(InModelRequest(text)).FindAll(f => f.RuleId is "credential-assignment" or "private-key-jwk" or "url-credentials"));
    }

    /// <summary>The r27 false-positive hunt's minimal bodies (each the text of a model request's message).</summary>
    [Theory]
    [InlineData("=== RUN   TestParseConfig/override_port\n    --- PASS: TestParseConfig/override_port (0.00s)\n--- PASS: TestRequireToken/ok (0.01s)\nPASS: test-lexer\n")]
    [InlineData("type User {\n  id: ID!\n  password: String!\n  refreshToken: String!\n  tokens: [String!]!\n}\n")]
    [InlineData("data class Session(val refreshToken: String?, val token: String?)\nstruct Login { var token: String? }\n")]
    [InlineData("{\"login\": {\"password\": \"Passwort\", \"token\": \"Wachtwoord\", \"secret\": \"One-time\"}}\n")]
    [InlineData("login.token=One-time code\nlogin.password=Passwort\n")]
    [InlineData("existingSecret: redis-auth\nauth:\n  existingSecret: app-postgresql\nadminPasswordSecret: grafana-admin\nsecret: my-k8s-secret\n")]
    [InlineData("def test_login_fails():\n    r = client.post('/login', data={\"username\": \"jdoe\", \"password\": \"wrong-password\"})\n")]
    [InlineData("const token = \"not-a-real-token\";\nexpect(login({ password: \"P@ssw0rd\" })).toBe(true);\n")]
    [InlineData("fixtures = [{\"password\": \"test123\"}, {\"password\": \"hunter2\"}, {\"password\": \"Password1\"}]\n")]
    [InlineData("p = getpass(\"Password: \")\nkeyring.set_password(\"svc\", u, p)\nt = input(\"Token: \")\nclient.set_token(t)\n")]
    public void Everyday_agent_text_stays_quiet(string text)
    {
        AssertQuiet(text);
        Assert.Empty(Assignments(JsonSerializer.Serialize(new { content = text }))); // System.Text.Json's default escapes: \u0022, \u0027
    }

    [Theory]
    [InlineData("{\"password\": \"Contrase\\u00f1a\", \"token\": \"\\u30c8\\u30fc\\u30af\\u30f3\", \"pin_password\": \"Has\\u0142o\"}")]
    [InlineData("{\"password\": \"\\u2022\\u2022\\u2022\\u2022\\u2022\\u2022\\u2022\"}")]
    [InlineData("{\"text\": \"{\\\\\"password\\\\\": \\\\\"\\\\u2022\\\\u2022\\\\u2022\\\\u2022\\\\u2022\\\\u2022\\\\\"}\"}")]
    public void Words_of_other_scripts_and_masks_as_json_escapes_stay_quiet(string body) => Assert.Empty(Assignments(body));

    [Fact]
    public void A_pem_header_named_in_code_beside_a_hex_request_id_stays_quiet()
    {
        string body = "{\"model\": \"claude-sonnet-4-5\", \"messages\": [{\"role\": \"user\", \"content\": \"if pem.startswith(\\\"-----BEGIN OPENSSH PRIVATE KEY-----\\\"):\"}], "
            + "\"metadata\": {\"user_id\": \"user_0bfe935e70c321c7ca3afc75ce0d0ca2f98b5422e008bb31c00c6d7f1f1c0ad6_account__session_1b2c3d4e\"}}";
        Assert.DoesNotContain(Scan(body), f => f.RuleId == "private-key");
    }

    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            "mysql -u root -p'Wq7#mZ2!kR9x' x", "$p = ConvertTo-SecureString -AsPlainText -Force -String 'Wq7#mZ2!kR9x'", "net use Z: \\\\fs\\s /user:C\\a Wq7#mZ2!kR9x",
            "db:5432:*:app:Wq7#mZ2!kR9x", "name,url,username,password\na,b,c,Wq7#mZ2!kR9x\n", "-auth admin:Wq7#mZ2!kR9x", "a:P@ss@host",
            "{\"kty\":\"oct\",\"k\":\"GawgguFyGrWKav7AX4VKUg\"}", "Jg38Q~c.YTjK.U-E1BNJRHQ9T00xLRGI7lcp7AGw", "\"Contrase\\u00f1a\"",
            "\uFEFFusername,password\njdoe,Summer2025!x\nBad\n", "{\"d\":\n\"Zb8mK2pXq9Lr4tW7yN3cV6fJ1hG5dS0aE8uI2oP4kQc\",\"kty\":\"EC\"}", "NET USE Z: \\\\fs\\s /USER:C\\a Quartz#881",
            "data:\n  key: |\n    dG9rZW46IGdocF9vbWtr\n    N1VkUVNUUDJqR3lO\n", "a=b&c=d", "ConvertTo-SecureString -asplaintext 'x'",
        ];
        char[] splices = ['"', '\'', '\\', ' ', '\n', ':', ',', '~', '.', '-', '@'];
        ScanCutAndSpliced(shapes, splices);
        ScanCutAndSpliced(["ok" + Tags("ghp_" + new string('a', 36))], ['\uDB40', '\uDC41', 'x']);
    }
}
