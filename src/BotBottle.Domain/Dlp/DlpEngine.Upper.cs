namespace BotBottle.Dlp;

/// <summary>
/// Eleventh issue-16 round (<c>reach11</c>, second class): vendor tokens written upper-cased (<c>GHP_…</c>,
/// <c>SK_LIVE_…</c>, <c>XOXB-…</c>, <c>GLPAT-…</c>, <c>AIZA…</c>; <c>.upper()</c>, a shell's <c>${VAR^^}</c>, a
/// constant-case export). The prefixes of <see cref="ObfuscatedAnchors"/> that hold a lower-case letter are also
/// prefilter literals upper-cased (a literal costs nothing per position); at a hit the run is lower-cased on a window,
/// the rule's anchor put back in its own case, and the rule's matcher run there. A token whose case is gone cannot be
/// checked (GitHub's and npm's CRC-32 is over the case-sensitive body), so the finding is reported unvalidated, and only
/// when the token as sent holds no lower-case letter and its body (after the prefix) has at least two digits and two
/// letters: upper-case constant names (<c>GHP_TOKEN_FOR_CI</c>, <c>NPM_CONFIG_REGISTRY</c>) have <c>_</c> or <c>-</c>,
/// which most vendors' bodies lack (the rule's matcher then fails), or too few characters, or no digits.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>The upper-cased form of an obfuscation prefix that has a lower-case letter and 4+ characters (<c>hf_</c> is too short: <c>HF_HOME</c>), else null.</summary>
    private static string? UpperCasedPrefix(string prefix)
    {
        string upper = prefix.ToUpperInvariant();
        return upper != prefix && prefix.Length >= 4 ? upper : null;
    }

    /// <summary>An upper-cased prefix at <paramref name="i"/> in the run <paramref name="rs"/> … <paramref name="re"/>: see the type's summary.</summary>
    private void HandleUpperCased(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer)
    {
        string anchor = lit.Anchor!;
        int ws = Math.Max(rs, i - 1), we = Math.Min(re, i + ObfuscatedWindow);
        var chars = new char[we - ws];
        for (int k = 0; k < chars.Length; k++)
        {
            char c = text[ws + k];
            chars[k] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
        }

        int at = i - ws;
        anchor.AsSpan().CopyTo(chars.AsSpan(at)); // the rule's anchor in its own case ("AIza")
        var rule = _rules[lit.Owner];
        if (rule.Trigger != RuleTrigger.Anchor || !rule.Matcher(chars, at, out int s, out int len) || !UpperCasedBody(text.Slice(ws + s, len), lit.Text.Length))
        {
            TrySwappedCase(text, ws, we, at, rule, lit, ref st, layer); // DlpEngine.Ciphers.cs: GHP_rB7w…, str.swapcase()
            return;
        }

        ReportRule(ref st, layer, rule, ws + s, len, DlpEncodings.Plain, lit.Text, len, false);
    }

    /// <summary>Does the token as sent hold no lower-case letter, and its body after the prefix at least two digits and two letters?</summary>
    private static bool UpperCasedBody(ReadOnlySpan<char> token, int prefixLength)
    {
        if (token.IndexOfAnyInRange('a', 'z') >= 0 || prefixLength >= token.Length)
        {
            return false;
        }

        int digits = 0, letters = 0;
        foreach (char c in token[prefixLength..])
        {
            digits += char.IsAsciiDigit(c) ? 1 : 0;
            letters += char.IsAsciiLetterUpper(c) ? 1 : 0;
        }

        return digits >= 2 && letters >= 2;
    }

    /// <summary>
    /// Twelfth red-team round: the lower-cased prefilter literal of an AWS access key id prefix (<c>AKIA</c> → <c>akia</c>,
    /// <c>ASIA</c> → <c>asia</c>), else null. DNS names are case-insensitive (RFC 4343), so a key id exfiltrated as a host
    /// label (<c>akia….attacker.example</c>) arrives lower-cased. ABIA and ACCA are rare enough to stay upper-case only.
    /// Thirteenth round: Google's <c>AIza</c> → <c>aiza</c> too (<see cref="HandleLowerCasedGoogleKey"/>).
    /// </summary>
    private static string? LowerCasedAwsPrefix(string prefix) => prefix is "AKIA" or "ASIA" or "AIza" ? prefix.ToLowerInvariant() : null;

    /// <summary>
    /// The marker every OpenAI API key holds, <c>T3BlbkFJ</c> (base64 of "OpenAI"; BuiltInRules.Glued.cs), lower-cased:
    /// the prefilter literal of an OpenAI key sent lower-cased (a host label, a lower-cased log line).
    /// </summary>
    private const string OpenAiMarkerLower = "t3blbkfj";

    /// <summary>
    /// A lower-cased AWS access key id prefix at <paramref name="i"/> (<see cref="LiteralKind.RuleLower"/>): reported as
    /// the <c>aws-access-key-id</c> finding, not validated, when the id is a whole token — no letter or digit directly
    /// before it or after its 20th character — and its 16 characters after the prefix are the id alphabet lower-cased
    /// (<c>[a-z2-7]</c>; AWS IAM identifiers, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids)
    /// with at least one digit and two letters (<see cref="LowerCasedAwsBody"/>). Longer lower-case base32 (Nix store
    /// hashes: 32 characters, onion addresses: 56, git object names: hex of 40) is not exactly 20 characters between
    /// boundaries, so it fails the shape.
    /// </summary>
    private void HandleLowerCasedAwsKeyId(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer)
    {
        if (lit.Text == OpenAiMarkerLower)
        {
            HandleLowerCasedOpenAiKey(text, i, lit, rs, re, ref st, layer);
            return;
        }

        if (lit.Text == "aiza")
        {
            HandleLowerCasedGoogleKey(text, i, lit, ref st, layer);
            return;
        }

        const int Len = 20;
        if ((i > 0 && char.IsAsciiLetterOrDigit(text[i - 1])) || i + Len > text.Length || (i + Len < text.Length && char.IsAsciiLetterOrDigit(text[i + Len]))
            || !LowerCasedAwsBody(text.Slice(i + 4, Len - 4)))
        {
            return;
        }

        ReportRule(ref st, layer, _rules[lit.Owner], i, Len, DlpEncodings.Plain, lit.Text, Len, false);
    }

    /// <summary>Are the 16 characters after a lower-cased AWS prefix all <c>[a-z2-7]</c>, with at least one digit and two letters?</summary>
    private static bool LowerCasedAwsBody(ReadOnlySpan<char> body)
    {
        int digits = 0, letters = 0;
        foreach (char c in body)
        {
            if (c is >= 'a' and <= 'z')
            {
                letters++;
            }
            else if (c is >= '2' and <= '7')
            {
                digits++;
            }
            else
            {
                return false;
            }
        }

        return digits >= 1 && letters >= 2;
    }

    /// <summary>
    /// A lower-cased Google API key at <paramref name="i"/> (<c>aiza</c>, the literal of the rule's <c>AIza</c>):
    /// reported unvalidated when it is a whole token of exactly 39 characters — <c>AIza</c> and 35 of
    /// <c>[0-9A-Za-z_-]</c> (https://cloud.google.com/docs/authentication/api-keys), here lower-cased — with no
    /// base64url character on either side, and its 35 body characters hold at least two digits and two letters.
    /// </summary>
    private void HandleLowerCasedGoogleKey(ReadOnlySpan<char> text, int i, Literal lit, ref ScanState st, in Layer layer)
    {
        const int Len = 39;
        if ((i > 0 && IsLowerB64UrlChar(text[i - 1])) || i + Len > text.Length || (i + Len < text.Length && IsLowerB64UrlChar(text[i + Len]) )
            || !LowerCasedBody(text.Slice(i + 4, Len - 4)))
        {
            return;
        }

        ReportRule(ref st, layer, _rules[lit.Owner], i, Len, DlpEncodings.Plain, lit.Text, Len, false);
    }

    /// <summary>
    /// The lower-cased OpenAI marker at <paramref name="i"/> in the token run <paramref name="rs"/> …
    /// <paramref name="re"/>: reported as the <c>openai-api-key</c> finding, unvalidated, when the run is an OpenAI key
    /// lower-cased — it starts with <c>sk-</c> (https://platform.openai.com/docs/api-reference/authentication),
    /// holds 40 to 512 characters of <c>[a-z0-9_-]</c> and no upper-case letter, and its body has at least two digits and two letters.
    /// </summary>
    private void HandleLowerCasedOpenAiKey(ReadOnlySpan<char> text, int i, Literal lit, int rs, int re, ref ScanState st, in Layer layer)
    {
        var run = text[rs..re];
        if (run.Length is < 40 or > 512 || !run.StartsWith("sk-", StringComparison.Ordinal) || i - rs < 3 || run.ContainsAnyInRange('A', 'Z')
            || run.StartsWith("sk-ant-", StringComparison.Ordinal) || !LowerCasedBody(run[3..]))
        {
            return;
        }

        ReportRule(ref st, layer, _rules[lit.Owner], rs, run.Length, DlpEncodings.Plain, "sk-…" + lit.Text, run.Length, false);
    }

    /// <summary>Is <paramref name="c"/> a lower-case letter, a digit, <c>-</c> or <c>_</c> (the base64url alphabet lower-cased)?</summary>
    private static bool IsLowerB64UrlChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';

    /// <summary>Is <paramref name="body"/> only <c>[a-z0-9_-]</c>, with at least two digits and two letters?</summary>
    private static bool LowerCasedBody(ReadOnlySpan<char> body)
    {
        int digits = 0, letters = 0;
        foreach (char c in body)
        {
            if (c is >= 'a' and <= 'z')
            {
                letters++;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not ('-' or '_'))
            {
                return false;
            }
        }

        return digits >= 2 && letters >= 2;
    }
}
