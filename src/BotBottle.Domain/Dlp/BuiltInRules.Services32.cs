namespace BotBottle.Dlp;

/// <summary>
/// r32 round: key files and webhook URLs a black-box red team sent without any rule firing — an Ethereum keystore
/// (Web3 Secret Storage v3), a minisign secret key, a Kerberos keytab in base64 and a Microsoft Teams incoming-webhook
/// URL. Each is a run-start check in <c>DlpEngine.CheckRunShapes</c> (a token run of 15+ characters): two or three
/// character compares reject every other run, so none adds a literal to the prefilter search.
/// </summary>
internal static partial class BuiltInRules
{
    public const string EthereumKeystoreId = "ethereum-keystore";
    public const string MinisignSecretKeyId = "minisign-secret-key";
    public const string KerberosKeytabId = "kerberos-keytab";
    public const string TeamsWebhookId = "teams-webhook-url";

    private static TokenRule[] Services32Rules() =>
    [
        new(EthereumKeystoreId, "Ethereum keystore (Web3 Secret Storage v3: the encrypted private key, crackable offline with its KDF parameters)",
            "https://ethereum.org/en/developers/docs/data-structures-and-encoding/web3-secret-storage/ (crypto.ciphertext, kdfparams, mac)",
            "ciphertext: [0-9a-f]{64} (JSON, JSON inside a JSON string, YAML) with kdfparams within 1,024 characters", [], "keystore v3", RuleTrigger.RunShape, NoMatcher),
        new(MinisignSecretKeyId, "minisign secret key (encrypted or not)",
            "minisign's secret key file: base64 of the signature algorithm \"Ed\", the KDF \"Sc\" (scrypt) or two zero bytes, the checksum algorithm \"B2\", salt, limits, key number, key and checksum, 158 bytes (https://jedisct1.github.io/minisign/, src/minisign.h SeckeyStruct)",
            "(RWRTY0Iy|RWQAAEIy)[A-Za-z0-9+/]{200,} (212 characters with padding)", [], "minisign", RuleTrigger.RunShape, NoMatcher),
        new(KerberosKeytabId, "Kerberos keytab in base64 (service keys: whoever holds it authenticates as the principal)",
            "MIT Kerberos keytab file format, https://web.mit.edu/kerberos/krb5-latest/doc/formats/keytab_file_format.html (doc/formats/keytab_file_format.rst in the krb5 sources: 0x05 and the version 0x01 or 0x02, then entries of a 32-bit size, the component count, the realm and components as counted strings)",
            "base64 of 05 0[12], a 32-bit entry size, a 16-bit component count 1–16 and a printable realm", [], "keytab", RuleTrigger.RunShape, NoMatcher),
        new(TeamsWebhookId, "Microsoft Teams incoming-webhook URL (posts to the channel without any other credential)",
            "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook (the URL Teams shows on creation)",
            "https://<tenant>.webhook.office.com/webhookb2/<GUID>@<GUID>/IncomingWebhook/[0-9a-f]{32}/<GUID>", [], "IncomingWebhook", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// Is the token run [<paramref name="rs"/>, <paramref name="re"/>) a keystore's <c>ciphertext</c>: 64 lower-case hex
    /// digits as the value of the key <c>ciphertext</c>, with <c>kdfparams</c> within 1,024 characters either side (a v3
    /// keystore's key order varies between wallets)? The file as JSON (<c>"ciphertext": "…"</c>), inside another JSON
    /// string with its quotes escaped (<c>\"ciphertext\": \"…\"</c>: a keystore pasted into an LLM request, r33) or
    /// converted to YAML (<c>ciphertext: …</c>, r33). The first tests are the length and the character before the run.
    /// </summary>
    internal static bool EthereumKeystoreAt(ReadOnlySpan<char> t, int rs, int re)
    {
        if (re - rs != 64 || rs < 12 || t[rs - 1] is not ('"' or ' '))
        {
            return false;
        }

        // The value's opening quote (escaped or not), blanks, ':', blanks, the name's closing quote (escaped or not) or none.
        var before = t[..rs].TrimEnd('"').TrimEnd('\\').TrimEnd(' ');
        if (before is not [.. var named, ':'])
        {
            return false;
        }

        var name = named.TrimEnd(' ').TrimEnd('"').TrimEnd('\\');
        if (!name.EndsWith("ciphertext", StringComparison.Ordinal) || (name.Length > 10 && ContextRules.IsNameChar(name[^11])) || t.Slice(rs, 64).ContainsAnyExcept(ContextRules.LowerHexChars))
        {
            return false;
        }

        var around = t[Math.Max(0, rs - 1024)..Math.Min(t.Length, re + 1024)];
        return around.Contains("kdfparams", StringComparison.Ordinal);
    }

    /// <summary>Does the run at <paramref name="rs"/> of <paramref name="len"/> characters start a minisign secret key's base64 (<c>RWRTY0Iy</c>: "EdScB2"; <c>RWQAAEIy</c>: "Ed", no KDF, "B2")?</summary>
    internal static bool MinisignSecretKeyAt(ReadOnlySpan<char> t, int rs, int len) =>
        len is >= 208 and <= 212 && t[rs] == 'R' && t[rs + 1] == 'W' && (t.Slice(rs, 8) is "RWRTY0Iy" or "RWQAAEIy");

    /// <summary>
    /// Does the base64 run at <paramref name="rs"/> (<paramref name="len"/> characters, 60+) decode to a keytab's start:
    /// 05 01 or 05 02, a positive 32-bit entry size under 64 KiB, a component count of 1–16 and a realm of 1–255
    /// printable ASCII characters (letters, digits, '.', '-', '_') followed by a first component of the same kind?
    /// Two compares ("BQ") reject every other run. Big-endian, as version 2 writes (version 1 is host order and is
    /// checked the same way, which covers the big-endian hosts that wrote it).
    /// </summary>
    internal static bool KerberosKeytabAt(ReadOnlySpan<char> t, int rs, int len)
    {
        if (len < 60 || t[rs] != 'B' || t[rs + 1] != 'Q' || t[rs + 2] is not ('E' or 'I'))
        {
            return false;
        }

        Span<byte> b = stackalloc byte[45];
        int n = Base64Helpers.DecodeLenient(t.Slice(rs, Math.Min(len, 60)), b);
        if (n < 20 || b[0] != 5 || b[1] is not (1 or 2))
        {
            return false;
        }

        int size = (b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5];
        int components = (b[6] << 8) | b[7];
        int realm = (b[8] << 8) | b[9];
        if (size is <= 0 or > 65535 || components is < 1 or > 16 || realm is < 1 or > 255 || 10 + realm + 2 > n)
        {
            return false;
        }

        int c = 10 + realm, first = (b[c] << 8) | b[c + 1];
        return IsKerberosName(b.Slice(10, realm)) && first >= 1 && IsKerberosName(b.Slice(c + 2, Math.Min(first, n - c - 2)));
    }

    private static bool IsKerberosName(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (byte x in s)
        {
            if (!(char.IsAsciiLetterOrDigit((char)x) || x is (byte)'.' or (byte)'-' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Is the token run [<paramref name="rs"/>, <paramref name="re"/>) the part of a Teams incoming-webhook URL after
    /// its <c>@</c>: the tenant GUID, <c>/IncomingWebhook/</c>, 32 hex digits, <c>/</c> and a GUID, with
    /// <c>webhookb2/</c> or <c>webhook/</c> and a GUID before the <c>@</c>? The first test is the <c>@</c> before the
    /// run and the <c>/I</c> at offset 36.
    /// </summary>
    internal static bool TeamsWebhookAt(ReadOnlySpan<char> t, int rs, int re)
    {
        const string Incoming = "/IncomingWebhook/";
        if (re - rs < 36 + Incoming.Length + 32 + 1 + 36 || rs < 46 || t[rs - 1] != '@' || t[rs + 36] != '/' || t[rs + 37] != 'I'
            || !t.Slice(rs + 36, Incoming.Length).SequenceEqual(Incoming) || !IsGuid(t.Slice(rs, 36)) || !IsGuid(t.Slice(rs - 37, 36)))
        {
            return false;
        }

        int h = rs + 36 + Incoming.Length;
        var before = t[Math.Max(0, rs - 48)..(rs - 37)];
        return !t.Slice(h, 32).ContainsAnyExcept(ContextRules.LowerHexChars) && t[h + 32] == '/'
            && (before.EndsWith("webhookb2/", StringComparison.Ordinal) || before.EndsWith("webhook/", StringComparison.Ordinal));
    }

    /// <summary>A GUID in its 8-4-4-4-12 hex form (RFC 9562 §4), either case.</summary>
    private static bool IsGuid(ReadOnlySpan<char> s) => s.Length == 36 && Guid.TryParseExact(s, "D", out _);
}
