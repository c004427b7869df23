using BotBottle.Dlp;
using static BotBottle.Tests.Dlp.DlpTestHelpers;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Issue 16, fourth reach round: platform tokens with documented prefixes (<c>BuiltInRules.Platforms.cs</c>; a probe of
/// 47 such formats through <c>bot-bottle egress check</c> on main bd5f723 allowed every one), Square's <c>EAAA</c>
/// production tokens, and a Docker/npm <c>auth</c> field whose password is lower-case letters only. Every generic theory
/// of <see cref="TokenRuleTests"/> runs over the new rules' samples too (<see cref="Tokens.Samples"/>); these add the
/// shapes agents send them in and the look-alikes that must stay quiet. All values are made up in the vendors' shapes.
/// </summary>
public sealed class PlatformTokenTests
{
    public static TheoryData<string, string, string> Shapes() => new()
    {
        // Square production access token (EAAA + 60) in a JSON config.
        { "{\"square\": {\"access_token\": \"EAAA" + Tokens.Mixed(Tokens.B64Url, 60, 3001) + "\"}}", "application/json", "square-access-token" },
        // Keys as an agent pastes them from a shell profile or a CI file.
        { "export PPLX=pplx-" + Tokens.Mixed(Tokens.Base62, 48, 3002) + "\n", "text/plain", "perplexity-api-key" },
        { "gem push --key rubygems_a1" + Tokens.Random(Tokens.LowerHex, 46, 3003) + " pkg.gem", "text/plain", "rubygems-api-key" },
        { "{\"accessKeyId\": \"LTAI" + Tokens.Mixed(Tokens.Base62, 20, 3004) + "\"}", "application/json", "alibaba-access-key-id" },
        { "token=HRKU-AA" + Tokens.Mixed(Tokens.B64Url, 58, 3005), "application/x-www-form-urlencoded", "heroku-api-key" },
        { "Cookie: _gitlab_session=a1" + Tokens.Random("abcdefghijklmnopqrstuvwxyz0123456789", 30, 3006) + "; path=/", "text/plain", "gitlab-other-token" },
        { "CI_JOB_TOKEN=glcbt-64_" + Tokens.Mixed(Tokens.B64Url, 20, 3007) + "\n", "text/plain", "gitlab-other-token" },
        { "q=EAAM" + Tokens.Mixed(Tokens.Base62, 180, 3008), "application/x-www-form-urlencoded", "facebook-access-token" },
        { "{\"k\": \"A3-ABC123-DEF456GHI78-J9K0L-MN1OP-QR2ST\"}", "application/json", "onepassword-secret" },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_platform_token_is_found(string body, string contentType, string rule)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Any(f => f.RuleId == rule), $"{body}: {Describe(findings)}");
    }

    /// <summary>
    /// The same prefixes in ordinary text and data: an API gateway name, CSS classes, a hex digest starting 4b1d, base64
    /// of random bytes with <c>EAAA</c> inside a run, <c>sha256~</c> in a version constraint, a New Relic key id of the
    /// wrong length, a PlanetScale branch name, and words after each prefix.
    /// </summary>
    public static TheoryData<string, string> LookAlikes() => new()
    {
        { "The API-GATEWAYSERVICEFORINTERNALUSE handles routing; see API-REFERENCE.", "text/plain" },
        { "<i class=\"ico-arrowleftarrowrightarrowupdown\"></i> <span class=\"ico-x\"></span>", "text/html" },
        { "sha256:4b1d9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "text/plain" },
        { "{\"data\": \"" + Convert.ToBase64String(Enumerable.Range(0, 120).Select(i => (byte)(i % 7 == 0 ? 0x10 : 0)).ToArray()) + "\"}", "application/json" },
        { "requires: pkg sha256~1.2.3 and NRAK-SHORT and pscale_tkn_main-branch and pplx-default and p8e-settings", "text/plain" },
        { "lib: LTAIcontrollerfactorybuilder, sm_pat_integrationtest, pnu_serverconfiguration", "text/plain" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_are_not_reported(string body, string contentType)
    {
        var findings = ScanBody(body, contentType);
        Assert.True(findings.Count == 0, $"{body}: {Describe(findings)}");
    }

    /// <summary>
    /// Docker's <c>config.json</c> and npm's <c>.npmrc</c> keep base64 of <c>user:password</c> in <c>auth</c> /
    /// <c>_auth</c> (https://docs.docker.com/reference/cli/docker/login/, https://docs.npmjs.com/cli/configuring-npm/npmrc):
    /// there a password of lower-case letters only is reported too. The same blob elsewhere is not (base64 of
    /// <c>word:word</c> is common), nor is a field that only ends in "auth" (<c>oauth</c>).
    /// </summary>
    [Fact]
    public void An_auth_field_reports_a_lower_case_password()
    {
        string blob = Convert.ToBase64String("myuser:mysupersecretpassword"u8.ToArray());
        Assert.Contains(ScanBody("{\"auths\": {\"registry.example.com\": {\"auth\": \"" + blob + "\"}}}", "application/json"), f => f.RuleId == BuiltInRules.EncodedUserPasswordId);
        Assert.Contains(ScanBody("//registry.npmjs.org/:_auth = " + blob + "\n", "text/plain"), f => f.RuleId == BuiltInRules.EncodedUserPasswordId);
        Assert.DoesNotContain(ScanBody("{\"data\": \"" + blob + "\"}", "application/json"), f => f.RuleId == BuiltInRules.EncodedUserPasswordId);
        Assert.DoesNotContain(ScanBody("{\"oauth\": \"" + blob + "\"}", "application/json"), f => f.RuleId == BuiltInRules.EncodedUserPasswordId);
    }

    /// <summary>
    /// An environment variable named <c>…_KEY</c> (a <c>.env</c> dump, an <c>export</c> line, YAML) whose value looks
    /// like a key is a <c>credential-assignment</c>; public values under such names (a GPG fingerprint, a publishable or
    /// site key, a Supabase anon key) and code's key names (<c>primary_key</c>, <c>CACHE_KEY</c>) are not, nor a value
    /// without a digit or shorter than 16 characters. Names the rule already knew (<c>SECRET_KEY</c>) keep their own,
    /// looser, value test.
    /// </summary>
    public static TheoryData<string, bool> EnvKeys() => new()
    {
        { "MAILGUN_KEY=" + Tokens.Mixed(Tokens.Base62, 32, 3101) + "\n", true },
        { "export OPENAI_KEY=\"" + Tokens.Mixed(Tokens.B64Url, 40, 3102) + "\"\n", true },
        { "APP_KEY=base64:" + Tokens.Mixed(Tokens.B64, 43, 3103) + "=\n", true },
        { "services:\n  api:\n    environment:\n      STRIPE_KEY: " + Tokens.Mixed(Tokens.Base62, 24, 3104) + "\n", true },
        { "SECRET_KEY=hunter2hunter\n", true },
        { "ENV GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305\n", false },
        { "STRIPE_PUBLISHABLE_KEY=" + Tokens.Mixed(Tokens.Base62, 32, 3105) + "\n", false },
        { "RECAPTCHA_SITE_KEY=" + Tokens.Mixed(Tokens.Base62, 40, 3106) + "\n", false },
        { "CACHE_KEY=user-profile-v2-20241201\n", false },
        { "primary_key = \"" + Tokens.Mixed(Tokens.Base62, 20, 3107) + "\"", false },
        { "SORT_KEY=createdAt\nLOOKUP_KEY=abc\nTHEME_KEY=dark-mode-enabled\n", false },
    };

    [Theory]
    [MemberData(nameof(EnvKeys))]
    public void An_environment_variable_named_KEY_holds_a_key_when_its_value_looks_like_one(string body, bool found)
    {
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "credential-assignment") == found, $"{body}: {Describe(findings)}");
    }

    [Theory]
    [InlineData("{\"auth\": \"X", 10, true)]
    [InlineData("{\"auth\":\"X", 9, true)]
    [InlineData("_auth=X", 6, true)]
    [InlineData("_auth = 'X", 9, true)]
    [InlineData("{\"oauth\": \"X", 11, false)]
    [InlineData("{\"author\": \"X", 12, false)]
    [InlineData("{\"auth\": [\"X", 11, false)]
    [InlineData("X", 0, false)]
    public void Auth_field_detection_reads_back_over_quotes_and_separators(string text, int s, bool expected) =>
        Assert.Equal(expected, DlpEngine.IsAuthFieldValue(text, s));
}
