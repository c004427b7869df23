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
        // Inside base64 of binaries and fonts (review of this round: EAAA + 60 in 82 % of shared libraries base64-encoded
        // at 64 columns, EAAC/EAAM + 100 in data-URI fonts): after '/' or '+', before '+', '/' or '=', or at the start of
        // a wrapped line after a line of base64.
        { "{\"content\": \"AAAAAAAA/EAAA" + Tokens.Mixed(Tokens.Base62, 60, 3301) + "+AAAAAAAAAAAAAA==\"}", "application/json" },
        { "url(data:font/ttf;base64,AAEAAAASAQAABAAgR0RFRg+EAAC" + Tokens.Mixed(Tokens.Base62, 120, 3302) + "/wAAAA==)", "text/css" },
        { "f0VMRgIBAQAAAAAAAAAAAAMAPgABAAAAAAAAAAAAAABAAAAAAAAAAOjXAAAAAAAAAAAAAEAAOAAL\nEAAA" + Tokens.Mixed(Tokens.Base62, 60, 3303) + "\n", "text/plain" },
        { "x+LTAI" + Tokens.Mixed(Tokens.Base62, 20, 3304) + "/y 4b1d" + Tokens.Mixed(Tokens.Base62, 38, 3305) + "==", "text/plain" },
        // A hashed asset name after "ico-" (lower-case hex, no upper case).
        { "url(/static/media/ico-5d41402abc4b2a76b9719d911017c592.svg)", "text/css" },
    };

    [Theory]
    [MemberData(nameof(LookAlikes))]
    public void Look_alikes_are_not_reported(string body, string contentType)
    {
        AssertClean(body, contentType);
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
    /// A secret key's value in single quotes (<c>APP_KEY='…'</c>, as a <c>.env</c> or shell line may quote it) is found as
    /// the double-quoted one is; the review of this round found <c>'</c> let it through (main bd5f723 too).
    /// </summary>
    [Theory]
    [InlineData("APP_KEY='{0}'\n")]
    [InlineData("export ENCRYPTION_KEY='{0}'\n")]
    [InlineData("APP_KEY=\"{0}\"\n")]
    public void A_secret_key_in_single_or_double_quotes_is_found(string format)
    {
        string body = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Tokens.Mixed(Tokens.Base62, 32, 3401));
        var findings = ScanBody(body, "text/plain");
        Assert.True(findings.Any(f => f.RuleId == "credential-assignment"), $"{body}: {Describe(findings)}");
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
