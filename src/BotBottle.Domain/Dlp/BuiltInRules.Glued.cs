namespace BotBottle.Dlp;

/// <summary>
/// Tokens glued to letters or digits (twelfth red-team round, family 1). Every matcher demands a word boundary before
/// the anchor (and fixed-length ones after the token), so one character glued on hid the token: <c>xghp_…</c>,
/// <c>lsk-ant-api03-…</c> (a msgpack str8 or protobuf length byte 108 = <c>l</c> in front of a 108-character key:
/// this happens by accident in binary serialisations), <c>AKIA…</c> + <c>XYZ2</c>. The boundary stays the rule
/// (it keeps identifiers such as <c>task-ant-…</c>, <c>mask_live_…</c>, <c>my_npm_token</c> out); a rule with a
/// <see cref="GluedTokenPolicy"/> is retried without it, only where the anchor was already found and the matcher
/// refused it, and only where the format still decides the token on its own:
/// <list type="bullet">
/// <item>GitHub <c>ghp_ gho_ ghu_ ghs_ ghr_</c> and npm <c>npm_</c> (fixed 40): the CRC-32 in the last six characters
/// must verify (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/,
/// https://github.blog/2021-09-23-announcing-npms-new-access-token-format/); either side may be glued.</item>
/// <item>GitHub fine-grained <c>github_pat_</c> + 22 + <c>_</c> + 59 (fixed 93,
/// https://github.blog/changelog/2022-10-18-introducing-fine-grained-personal-access-tokens/): the 11-character
/// prefix and the exact structure; either side.</item>
/// <item>AWS access key ids <c>AKIA ASIA ABIA ACCA</c> + 16 of <c>[A-Z2-7]</c> (fixed 20,
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids): one side
/// only, the 16 characters hold a letter and a digit (upper-case words do not), and glued before, the run of token
/// characters must end right after the 20th character.</item>
/// <item>Google <c>AIza</c> + 35 (https://cloud.google.com/docs/authentication/api-keys): glued before only, the run
/// ends right after the 39th character and the body mixes upper case, lower case and digits.</item>
/// <item>Anthropic <c>sk-ant-api</c>/<c>sk-ant-admin</c> + version + <c>-</c> (https://docs.anthropic.com/en/api/overview#authentication),
/// Slack <c>xox?-</c> (https://api.slack.com/authentication/token-types), GitLab <c>glpat- gldt- glrt-</c>
/// (https://docs.gitlab.com/security/tokens/#token-prefixes), Docker Hub <c>dckr_pat_</c>/<c>dckr_oat_</c>
/// (https://docs.docker.com/security/for-developers/access-tokens/), PyPI <c>pypi-AgEIcHlwaS5vcmc</c>
/// (https://pypi.org/help/#apitoken): glued before, the prefix is long and distinctive enough.</item>
/// <item>Stripe <c>sk_live_ sk_test_ rk_live_ rk_test_</c> (https://docs.stripe.com/keys): glued before, an
/// alphanumeric body (no <c>_</c>) that mixes upper case, lower case and digits (<c>mask_live_session_id</c> has none).</item>
/// <item>OpenAI <c>sk-</c> (https://platform.openai.com/docs/api-reference/authentication): glued before, the key must
/// hold <c>T3BlbkFJ</c> (base64 of "OpenAI", in every key OpenAI issues); <c>disk-…</c>, <c>task-…</c> never do.</item>
/// </list>
/// Not glued (the boundary stays): <c>hf_</c>, <c>SK</c> (Twilio), <c>oy2</c> (NuGet), <c>SG.</c>, <c>eyJ</c>, the
/// vendor rules of BuiltInRules.Vendors.cs: short or common prefixes with no checksum.
/// </summary>
internal static partial class BuiltInRules
{
    /// <summary>Attaches the <see cref="GluedTokenPolicy"/> of each rule that has one (see the class remarks).</summary>
    /// <param name="rules">The rules.</param>
    /// <returns>The same rules, some with <see cref="TokenRule.Glued"/> set.</returns>
    private static TokenRule[] WithGluedPolicies(TokenRule[] rules)
    {
        for (int r = 0; r < rules.Length; r++)
        {
            var policy = rules[r].Id switch
            {
                "github-pat-classic" or "github-oauth-token" or "github-user-to-server-token" or "github-server-to-server-token"
                    or "github-refresh-token" or "npm-access-token" => new GluedTokenPolicy(40, GluedChecksum),
                "github-pat-fine-grained" => new GluedTokenPolicy(93, GluedAlways),
                "aws-access-key-id" => new GluedTokenPolicy(20, GluedAwsKeyId),
                "gcp-api-key" => new GluedTokenPolicy(0, GluedGoogleKey),
                "anthropic-api-key" => new GluedTokenPolicy(0, GluedAnthropicKey),
                "slack-bot-token" or "slack-user-token" or "slack-app-token" or "slack-token" or "gitlab-pat" or "gitlab-deploy-token"
                    or "gitlab-runner-token" or "dockerhub-pat" or "pypi-token" => new GluedTokenPolicy(0, GluedAlways),
                "stripe-secret-key" or "stripe-restricted-key" => new GluedTokenPolicy(0, GluedStripeKey),
                "openai-api-key" => new GluedTokenPolicy(0, GluedOpenAiKey),
                _ => null,
            };
            if (policy is not null)
            {
                rules[r] = rules[r] with { Glued = policy };
            }
        }

        return rules;
    }

    /// <summary>
    /// The rule's token at anchor <paramref name="a"/> when a letter or digit is glued to it: retries
    /// <see cref="TokenRule.Matcher"/> on the text cut at the anchor (glued before) and/or right after the token's fixed
    /// length (glued after), and keeps the result when the rule's <see cref="GluedTokenPolicy.Check"/> holds. The span
    /// returned is the token alone. Called only where the matcher refused an anchor the search already found.
    /// </summary>
    /// <param name="rule">The rule (with or without a policy).</param>
    /// <param name="t">The text.</param>
    /// <param name="a">Where the anchor starts.</param>
    /// <param name="start">The token's start.</param>
    /// <param name="length">The token's length.</param>
    /// <returns>Whether a glued token was found.</returns>
    internal static bool GluedMatch(TokenRule rule, ReadOnlySpan<char> t, int a, out int start, out int length)
    {
        var policy = rule.Glued;
        if (policy is null || a < 0 || a >= t.Length)
        {
            return Fail(out start, out length);
        }

        bool before = a > 0 && IsAlnum(t[a - 1]);
        if (before && a >= 3 && t[a - 3] == '%' && char.IsAsciiHexDigit(t[a - 2]) && char.IsAsciiHexDigit(t[a - 1]))
        {
            // "%23ghp_…": the glued digit ends a percent escape; the percent-decoding layer finds the token (and names it).
            return Fail(out start, out length);
        }

        int end = a + policy.FixedLength;
        bool after = policy.FixedLength > 0 && end < t.Length && IsAlnum(t[end]);
        if (before && rule.Matcher(t[a..], 0, out int s, out int len) && policy.Check(t, a + s, len, true, false))
        {
            return Ok(a + s, a + s + len, out start, out length);
        }

        if (after)
        {
            int offset = before ? a : 0;
            if (rule.Matcher(t[offset..end], a - offset, out s, out len) && policy.Check(t, offset + s, len, before, true))
            {
                return Ok(offset + s, offset + s + len, out start, out length);
            }
        }

        return Fail(out start, out length);
    }

    private static bool GluedAlways(ReadOnlySpan<char> t, int s, int len, bool before, bool after) => true;

    private static bool GluedChecksum(ReadOnlySpan<char> t, int s, int len, bool before, bool after) => ChecksumValidator(t.Slice(s, len));

    private static bool RunEndsAt(ReadOnlySpan<char> t, int i) => i >= t.Length || !RunScanner.IsTokenChar(t[i]);

    /// <summary>AWS key ids: one side glued; before, the run ends at the id; after, at most <see cref="AwsGluedAfterMax"/> letters or digits follow (an upper-case base32 blob that merely starts with <c>AKIA</c> runs on).</summary>
    private static bool GluedAwsKeyId(ReadOnlySpan<char> t, int s, int len, bool before, bool after)
    {
        var body = t.Slice(s + 4, len - 4);
        if ((before && after) || !body.ContainsAnyInRange('2', '7') || !body.ContainsAnyInRange('A', 'Z'))
        {
            return false;
        }

        return before ? RunEndsAt(t, s + len) : Span(t, s + len, AwsGluedAfterMax + 1, IsAlnum) <= AwsGluedAfterMax;
    }

    /// <summary>The most letters and digits glued after an AWS access key id that are cut off.</summary>
    private const int AwsGluedAfterMax = 8;

    private static bool GluedGoogleKey(ReadOnlySpan<char> t, int s, int len, bool before, bool after) =>
        RunEndsAt(t, s + len) && HasUpperLowerDigit(t.Slice(s + 4, len - 4));

    private static bool GluedAnthropicKey(ReadOnlySpan<char> t, int s, int len, bool before, bool after)
    {
        var kind = t[(s + "sk-ant-".Length)..];
        return kind.StartsWith("api", StringComparison.Ordinal) || kind.StartsWith("admin", StringComparison.Ordinal);
    }

    private static bool GluedStripeKey(ReadOnlySpan<char> t, int s, int len, bool before, bool after)
    {
        var token = t.Slice(s, len);
        return StripeValidator(token) && HasUpperLowerDigit(token[8..]);
    }

    private static bool GluedOpenAiKey(ReadOnlySpan<char> t, int s, int len, bool before, bool after) =>
        t.Slice(s, len).Contains("T3BlbkFJ", StringComparison.Ordinal);
}
