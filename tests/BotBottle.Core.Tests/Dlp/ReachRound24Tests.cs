using System.Text.Json;
using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// The r24 reach round of issue 16: what f3e7d74 read past in the commands an agent runs to store a secret and in the
/// session cookies it prints — a CLI's positional <c>set NAME VALUE</c> (<c>npm config set …:_authToken …</c>,
/// <c>aws configure set</c>, <c>dotnet user-secrets set</c>), a literal piped or fed as a here-string into a command
/// that reads the secret from standard input (<c>wrangler secret put</c>, <c>gh secret set</c>,
/// <c>--password-stdin &lt;&lt;&lt;</c>), macOS <c>security add-generic-password -w</c>, session cookies written out in
/// text (<c>Cookie:</c>, <c>curl -b</c>, Flask's <c>.eJw…</c>, express-session's <c>s%3A…</c>), Mailchimp and Braintree
/// keys and Solana keypairs — with the look-alikes that must stay quiet.
/// </summary>
public sealed class ReachRound24Tests
{
    private const string Password = "Xk9mQ2vLp7zR4tW8yB3n#e5!";
    private const string Token = "q8Zr3kLm2NvX7pWt9YbC4dFgHj6sTu1e";
    private const string NpmUuid = "85952d6a-8021-4c3e-9b1a-7f2e4d5c6b8a";

    private static string Fill(string form) => form.Replace("{0}", Password, StringComparison.Ordinal).Replace("{1}", Token, StringComparison.Ordinal);

    [Theory]
    [InlineData("aws configure set aws_secret_access_key {1} --profile prod\n")]
    [InlineData("dotnet user-secrets set \"Stripe:SecretKey\" \"{0}\"\n")]
    [InlineData("doppler secrets set API_KEY '{0}'\n")]
    [InlineData("doppler secrets set OPENAI_KEY \"{0}\" --project web\n")] // a name without a credential word: the verb says it
    [InlineData("netlify env:set API_SECRET {1}\n")]
    [InlineData("git config --global github.token {1}\n")]
    [InlineData("pnpm config set //npm.pkg.github.com/:_authToken {1}\n")]
    [InlineData("$ npm config set --global //registry.npmjs.org/:_authToken {1} && npm publish\n")]
    [InlineData("npm config --global set //registry.npmjs.org/:_authToken {1}\n")] // options before the verb
    [InlineData("dotnet user-secrets --project src/Api set \"Stripe:SecretKey\" \"{0}\"\n")]
    [InlineData("git -C ~/src/app config github.token {1}\n")]
    public void Positional_set_commands_are_found(string form)
    {
        string text = Fill(form);
        string value = form.Contains("{0}", StringComparison.Ordinal) ? Password : Token;
        AssertFoundExactly(text, value);
        AssertFoundExactly(InModelRequest(text), value.Replace("\"", "\\\"", StringComparison.Ordinal)); // the command in a model request
    }

    [Theory]
    [InlineData("yarn config set npmAuthToken {u}\n")]
    [InlineData("npm config set //registry.npmjs.org/:_authToken {u}\n")]
    public void Npm_legacy_uuid_tokens_set_by_the_cli_are_found(string form) => AssertFoundExactly(form.Replace("{u}", NpmUuid, StringComparison.Ordinal), NpmUuid);

    [Theory]
    [InlineData("npm config set //registry.npmjs.org/:_authToken ${NPM_TOKEN}\n")]
    [InlineData("yarn config set npmAuthToken \"${NPM_TOKEN}\"\n")]
    [InlineData("aws configure set aws_secret_access_key $AWS_SECRET_ACCESS_KEY --profile ci\n")]
    [InlineData("dotnet user-secrets set \"Movies:ServiceApiKey\" \"12345\"\n")] // the documentation's example
    [InlineData("Use `npm config set //registry.npmjs.org/:_authToken <token>` to log in.\n")]
    [InlineData("netlify env:set API_KEY production\n")]
    [InlineData("yarn config set npmAuthToken 00000000-0000-0000-0000-000000000000\n")]
    [InlineData("git config --global credential.helper 'store --file ~/.git-credentials'\n")]
    [InlineData("The secret is set with `doppler secrets set API_KEY`, which prompts for the value.\n")]
    [InlineData("git config --global user.signingkey 3AA5C34371567BD2\n")]
    [InlineData("kubectl config set-credentials admin --token-file=/var/run/secrets/token\n")]
    [InlineData("git -C ~/src/app config --get github.token\n")] // a read
    [InlineData("npm --loglevel silent config get //registry.npmjs.org/:_authToken\n")]
    public void Set_command_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("wrangler secret put API_KEY <<< '{0}'\n")]
    [InlineData("npx wrangler secret put OPENAI_KEY <<< '{0}'\n")]
    [InlineData("echo -n '{0}' | npx wrangler secret put STRIPE --env production\n")]
    [InlineData("echo -n '{0}' | wrangler secret put API_KEY\n")]
    [InlineData("printf '%s' \"{0}\" | gh secret set DEPLOY_TOKEN --repo acme/app\n")]
    [InlineData("vercel env add DB_PASSWORD production <<< '{0}'\n")]
    [InlineData("docker login -u deploy --password-stdin registry.example.com <<< '{0}'\n")]
    [InlineData("docker login -u deploy --password-stdin registry.example.com <<EOF\n{0}\nEOF\n")]
    [InlineData("cat <<'EOF' | true\nx\nEOF\nwrangler secret put API_KEY <<-END\n{0}\nEND\n")]
    public void Literals_fed_to_commands_that_read_a_secret_from_stdin_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, Password);
        AssertFoundExactly(InModelRequest(text), Password);
    }

    [Theory]
    [InlineData("wrangler secret put API_KEY\nEnter a secret value: ****\n")]
    [InlineData("cat key.txt | wrangler secret put API_KEY\n")]
    [InlineData("echo \"$API_KEY\" | wrangler secret put API_KEY\n")]
    [InlineData("docker login --password-stdin <<< \"$PASSWORD\"\n")]
    [InlineData("gh secret set API_TOKEN < token.txt\n")]
    [InlineData("docker login --password-stdin <<EOF\n$CI_REGISTRY_PASSWORD\nEOF\n")]
    [InlineData("docker login --password-stdin <<EOF\nXk9mQ2vLp7zR4tW8yB3n#e5!\nmore text\n")] // no delimiter after one line: not a here-document read
    public void Stdin_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("security add-generic-password -a deploy -s registry -w '{0}'\n")]
    [InlineData("security add-internet-password -a me -s github.com -w {1} -U\n")]
    public void Keychain_passwords_on_the_command_line_are_found(string form) =>
        AssertFoundExactly(Fill(form), form.Contains("{0}", StringComparison.Ordinal) ? Password : Token);

    [Theory]
    [InlineData("security add-generic-password -a \"$USER\" -s svc -w\n")] // prompts
    [InlineData("security find-generic-password -s svc -w\n")]
    public void Keychain_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("Cookie: sessionid={1}\n")]
    [InlineData("curl -H \"Cookie: theme=dark; session={1}\" https://app.example.com/api\n")]
    [InlineData("curl -b 'sid={1}' https://app.example.com/\n")]
    [InlineData("curl --cookie \"_gh_sess={1}\" https://github.com/\n")]
    [InlineData("Set-Cookie: laravel_session={1}; path=/; httponly\n")]
    [InlineData("{\"cookie\": \"__Secure-next-auth.session-token={1}\"}\n")]
    public void Session_cookies_written_in_text_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, Token);
        Assert.Contains(Scan(InModelRequest(text)), f => f.RuleId == "credential-assignment");
    }

    [Fact]
    public void Signed_flask_and_express_session_cookies_are_found_in_text_and_in_the_header()
    {
        const string flask = ".eJwlzjEOwzAIAMC_sHqwAQPJZyrAYLNmdaaqf2-lzjfcB567hvt2zrSaKsDlg0nuXRx0wlSj0qE1.ZYq3Kw.a8fTqL2wZ7xN9kR4sV1bC3dE5gH";
        const string express = "s%3AkzP4hQ2vLp7zR4tW8yB3nXk9mQ2vL.Lcz8mP2vQxR7tW9yB3nK5jH1gF4dS6aZ0cV8bN2mQ";
        AssertFoundExactly("curl -H \"Cookie: session=" + flask + "\" https://app.example.com/\n", flask);
        AssertFoundExactly("Cookie: connect.sid=" + express + "\n", express);
        AssertFoundExactly("Cookie: connect.sid=s:kzP4hQ2vLp7zR4tW8yB3nXk9mQ2vL.Lcz8mP2vQxR7tW9yB3nK5jH1gF4dS6aZ0cV8bN2mQ\n", "s:kzP4hQ2vLp7zR4tW8yB3nXk9mQ2vL.Lcz8mP2vQxR7tW9yB3nK5jH1gF4dS6aZ0cV8bN2mQ");
        var header = Engine.ScanRequest(Request("/", headers: ("Cookie", "session=" + flask)), DlpDetectors.All).Findings;
        Assert.Contains(header, f => f.RuleId == "credential-assignment" && f.Location.Kind == DlpLocationKind.Header);
    }

    [Theory]
    [InlineData("Cookie: SID=31d4d96e407aad42; lang=en-US\n")] // RFC 6265's example
    [InlineData("Set-Cookie: sessionId=38afes7a8; HttpOnly\n")] // MDN's: short
    [InlineData("Cookie: _ga=GA1.2.1234567890.1234567890; _gid=GA1.2.987654321.1234567890\n")]
    [InlineData("Cookie: XSRF-TOKEN=Xk9mQ2vLp7zR4tW8yB3nXk9m; theme=dark\n")] // a CSRF cookie is public
    [InlineData("document.cookie = \"token=\" + token;\n")]
    [InlineData("session=.eJwlzjEOwzAIAMC_sHqwAQPJZyrAYLNmdaaqf2-lzjfcB567hvt2zrSaKsDl\n")] // no cookie context
    [InlineData("https://app.example.com/callback?state=Xk9mQ2vLp7zR4tW8yB3nXk9m&session=q8Zr3kLm2NvX7pWt9YbC4dFgHj6sTu1e\n")]
    [InlineData("Cookie: {\"session\": 1}, sid=Xk9mQ2vLp7zR4tW8yB3nXk9m\n")] // not cookie pairs
    public void Cookie_look_alikes_stay_quiet(string text) => Assert.Empty(Assignments(text));

    [Theory]
    [InlineData("MAILCHIMP_API_KEY=af0ccf8f034b22f9f651cf2f73f23d48-us6", "af0ccf8f034b22f9f651cf2f73f23d48-us6")]
    [InlineData("{\"provider\": \"mailchimp\", \"key\": \"af0ccf8f034b22f9f651cf2f73f23d48-us21\"}", "af0ccf8f034b22f9f651cf2f73f23d48-us21")]
    [InlineData("client.setConfig({ apiKey: \"af0ccf8f034b22f9f651cf2f73f23d48-us6\", server: \"us6\" }); // @mailchimp/mailchimp_marketing", "af0ccf8f034b22f9f651cf2f73f23d48-us6")]
    public void Mailchimp_keys_are_found(string text, string key) => AssertFoundExactly(text, key, "mailchimp-api-key");

    [Theory]
    [InlineData("af0ccf8f034b22f9f651cf2f73f23d48-use")]
    [InlineData("af0ccf8f034b22f9f651cf2f73f23d48-us6-extra")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e-us-east-1")]
    [InlineData("AF0CCF8F034B22F9F651CF2F73F23D48-us6")]
    [InlineData("cache-key: 38961e029683a291cdf481ac94c12028-us1")] // an MD5 with a region suffix (r24 review)
    [InlineData("etag 9e063c8e0a2b4d6f8e1c3a5b7d9f0e2c-us3 replicated")]
    public void Mailchimp_look_alikes_stay_quiet(string text) => Assert.DoesNotContain(Scan(text), f => f.RuleId == "mailchimp-api-key");

    [Fact]
    public void Braintree_access_tokens_are_found()
    {
        const string production = "access_token$production$2om1bou5lx3yzhwh$90786c899a0b1c2d3e4f5a6b7c8d9e0f";
        const string sandbox = "access_token$sandbox$abcd1234efgh5678$0123456789abcdef0123456789abcdef";
        AssertFoundExactly("BRAINTREE_ACCESS_TOKEN=" + production + "\n", production, "braintree-access-token");
        AssertFoundExactly("{\"t\":\"" + sandbox + "\"}", sandbox, "braintree-access-token");
        Assert.DoesNotContain(Scan("access_token$production$2OM1BOU5LX3YZHWH$90786c899a0b1c2d3e4f5a6b7c8d9e0f"), f => f.RuleId == "braintree-access-token");
        Assert.DoesNotContain(Scan("access_token$production$2om1bou5lx3yzhwh$90786c899a0b1c2d3e4f5a6b7c8d9e0"), f => f.RuleId == "braintree-access-token");
    }

    private static readonly string Keypair = "[" + string.Join(",", Tokens.Bytes(64, 424)) + "]";

    [Theory]
    [InlineData("{k}")] // ~/.config/solana/id.json itself
    [InlineData("const payer = Keypair.fromSecretKey(Uint8Array.from({k}));")]
    [InlineData("SOLANA_PRIVATE_KEY={k}\n")]
    [InlineData("{\"secretKey\": {k}}")]
    public void Solana_keypairs_are_found(string form)
    {
        string text = form.Replace("{k}", Keypair, StringComparison.Ordinal);
        AssertFoundExactly(text, Keypair, "solana-keypair");
        Assert.Contains(Scan(JsonSerializer.Serialize(new { content = text })), f => f.RuleId == "solana-keypair"); // the file read into a JSON string
    }

    [Theory]
    [InlineData("digest = {k}")]
    [InlineData("pixels: {k}")]
    [InlineData("[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]")]
    public void Other_64_byte_lists_stay_quiet(string form) =>
        Assert.DoesNotContain(Scan(form.Replace("{k}", Keypair, StringComparison.Ordinal)), f => f.RuleId == "solana-keypair");

    [Fact]
    public void A_list_of_63_or_65_bytes_is_not_a_keypair()
    {
        var bytes = Tokens.Bytes(65, 424);
        Assert.DoesNotContain(Scan("[" + string.Join(",", bytes[..63]) + "]"), f => f.RuleId == "solana-keypair");
        Assert.DoesNotContain(Scan("[" + string.Join(",", bytes) + "]"), f => f.RuleId == "solana-keypair");
    }

    [Theory]
    [InlineData("Cookie: tt_sessionId=d8a7b6c5e4f3a2b1c0d9e8f7a6b5c4d3e2f1\n")] // TikTok's pixel
    [InlineData("Cookie: ai_session=DCqLm8Nq2Rs4Tu6Vw8Xy0Za|1709288553123|1709288560000\n")] // Application Insights
    [InlineData("Cookie: __ssid=5b6e0f7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b\n")]
    [InlineData("Cookie: optimizelySession=1709288553123-Xq3Lm9Np4Rs6Tv8W\n")]
    [InlineData("Set-Cookie: .AspNetCore.Antiforgery.9TtSrW0hzOs=CfDJ8Xq3Lm9Np4Rs6Tv8Wz1Ab3Cd5Ef7Gh; path=/; samesite=strict\n")]
    [InlineData("{\"c\": \"Cookie: sessionid=abc; tok=1\\nSee https://example.com/?auth_token_hint=Xq3Lm9Np4Rs6Tv8Wz1Ab\"}")] // the next line is no cookie
    [InlineData("doppler secrets set POSTHOG_PUBLIC_KEY phc_Xq3Lm9Np4Rs6Tv8Wz1Ab3Cd5Ef7GhKp9Lm8Nq2\n")] // a public key stored as a variable
    [InlineData("gh secret set API_TOKEN < token.txt && python3 - <<EOF\nbuild_7f3a9c2e1b4d\nEOF\n")] // the here-document feeds python
    public void Review_look_alikes_stay_quiet(string text) => PasswordForms.AssertQuiet(text);

    [Theory]
    [InlineData("req.Header.Set(\"Cookie\", \"session={1}\")\n")] // Go
    [InlineData(".header(\"Cookie\", \"JSESSIONID={1}\")\n")] // Java's HttpRequest builder
    [InlineData("curl_setopt($ch, CURLOPT_COOKIE, \"PHPSESSID={1}\");\n")]
    [InlineData("COOKIE: sessionid={1}\n")]
    [InlineData("curl -sS -b 'theme=dark; sessionid={1}' https://app.example.com/\n")]
    [InlineData("npm set //registry.npmjs.org/:_authToken {1}\n")]
    [InlineData("npm config set //registry.npmjs.org/:_authToken {1} 2>/dev/null\n")]
    [InlineData("wrangler secret put API_TOKEN <<END_OF_SECRET\n{0}\nEND_OF_SECRET\n")]
    [InlineData("security add-generic-password -a me -s svc -w'{0}'\n")]
    [InlineData("wrangler secret put API_TOKEN <<-EOF\n\t{0}\n\tEOF\n")] // <<- strips leading tabs
    public void Review_bypasses_are_found(string form)
    {
        string text = Fill(form);
        string value = form.Contains("{0}", StringComparison.Ordinal) ? Password : Token;
        AssertFoundExactly(text, value);
        Assert.Contains(Scan(InModelRequest(text)), f => f.RuleId == "credential-assignment");
    }

    [Fact]
    public void A_keychain_password_a_person_chose_is_found() =>
        AssertFoundExactly("security add-generic-password -a me -s wifi -w Summer2024!\n", "Summer2024!");

    [Fact]
    public void A_keypair_file_printed_by_cat_is_found_and_digests_and_signatures_are_not()
    {
        AssertFoundExactly("$ cat ~/.config/solana/id.json\n" + Keypair + "\n", Keypair, "solana-keypair");
        string spaced = "[" + string.Join(", ", Tokens.Bytes(64, 425)) + "]";
        foreach (string text in new[]
        {
            spaced, // node printing a SHA-512 digest: not the compact file (the r32 red team's false positive when r32 read it)
            JsonSerializer.Serialize(new { content = spaced + "\nThat's the SHA-512 of the file." }),
            "private readonly sha512Abc = " + Keypair + ";",
            "{\"wallet\":\"7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU\",\"signature\":" + Keypair + "}",
            "let sig = solana_sdk::signature::Signature::from(" + Keypair + ");",
            "const privateKeyLength = 64;\nconst vec = " + Keypair + ";",
            "[" + string.Join(",", Enumerable.Range(0, 64).Select(i => i * 4)) + "]", // a sequence
        })
        {
            Assert.DoesNotContain(Scan(text), f => f.RuleId == "solana-keypair");
        }
    }

    [Theory]
    [InlineData("{\"cookies\": [{\"name\": \"sessionid\", \"value\": \"{1}\", \"domain\": \".app.example.com\", \"path\": \"/\", \"expires\": 1796083200, \"httpOnly\": true, \"secure\": true, \"sameSite\": \"Lax\"}], \"origins\": []}")] // Playwright storageState
    [InlineData("{\"log\": {\"entries\": [{\"request\": {\"cookies\": [{\"name\": \"_session_id\", \"value\": \"{1}\"}]}}]}}")] // HAR
    [InlineData("[{\"domain\": \".github.com\", \"hostOnly\": false, \"httpOnly\": true, \"name\": \"user_session\", \"path\": \"/\", \"value\": \"{1}\"}]")] // a cookie-export extension
    public void Session_cookies_in_cookie_objects_are_found(string form)
    {
        string text = Fill(form);
        AssertFoundExactly(text, Token);
        AssertFoundExactly(InModelRequest(text), Token);
    }

    [Theory]
    [InlineData("{\"options\": [{\"name\": \"session\", \"value\": \"{1}\"}]}")] // no cookie
    [InlineData("{\"cookies\": [{\"name\": \"theme\", \"value\": \"{1}\", \"domain\": \"x\"}]}")]
    [InlineData("{\"cookies\": [{\"name\": \"csrftoken\", \"value\": \"{1}\", \"domain\": \"x\"}]}")]
    [InlineData("{\"cookies\": [{\"name\": \"_ga\", \"value\": \"GA1.2.1234567890.1234567890\", \"domain\": \".example.com\"}]}")]
    [InlineData("{\"headers\": [{\"name\": \"x-request-id\", \"value\": \"{1}\"}]}")]
    public void Cookie_object_look_alikes_stay_quiet(string form) => Assert.Empty(Assignments(Fill(form)));

    [Fact]
    public void The_new_shapes_cut_and_spliced_never_throw()
    {
        string[] shapes =
        [
            Fill("npm config set //registry.npmjs.org/:_authToken {1}\n"),
            Fill("wrangler secret put API_KEY <<EOF\n{0}\nEOF\n"),
            Fill("echo '{0}' | gh secret set X\n"),
            Fill("security add-generic-password -a a -s s -w '{0}'\n"),
            Fill("curl -b 'sid={1}' -H \"Cookie: a=b; session={1}\" x\n"),
            "Cookie: connect.sid=s%3AkzP4hQ2vLp7zR4tW8yB3nXk9mQ2vL.Lcz8mP; session=.eJwlzjEOwzAIAMC_sHqwAQPJZyrAYLNmd\n",
            "access_token$production$2om1bou5lx3yzhwh$90786c899a0b1c2d3e4f5a6b7c8d9e0f af0ccf8f034b22f9f651cf2f73f23d48-us6\n",
            "payer " + Keypair,
            Fill("{\"cookies\": [{\"name\": \"sessionid\", \"value\": \"{1}\", \"domain\": \"x\"}]}"),
        ];
        ScanCutAndSpliced(shapes, ['\n', '"', '\\', '[', '$', '=', ';', ' ']);
    }
}
