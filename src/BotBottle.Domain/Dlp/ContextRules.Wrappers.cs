namespace BotBottle.Dlp;

/// <summary>
/// Literals wrapped in a call or a string prefix, and Ethereum private keys passed to the libraries that take them
/// (r23 reach round of the DLP issue).
/// </summary>
internal static partial class ContextRules
{
    /// <summary>
    /// A literal wrapped in a call or a string prefix that marks it a secret or changes only its type, assigned to a
    /// credential name: pydantic's <c>SecretStr("…")</c> / <c>SecretBytes(b"…")</c>
    /// (https://docs.pydantic.dev/latest/api/types/#pydantic.types.SecretStr) and a field default
    /// <c>password: SecretStr = Field(default="…")</c>, Starlette's <c>Secret("…")</c>, Rust's <c>String::from("…")</c>
    /// and byte or raw strings (<c>b"…"</c>, <c>r"…"</c>, <c>br"…"</c>), Objective-C's <c>@"…"</c>, C's <c>L"…"</c> and
    /// <c>u8"…"</c>. The literal must look drawn (<see cref="LooksDrawn"/>) and be a quoted secret value.
    /// </summary>
    private static bool TryWrappedLiteral(ReadOnlySpan<char> t, int ns, int ne, out int vs, out int ve)
    {
        vs = ve = 0;
        int i = ne < t.Length && t[ne] == '\\' && ne + 1 < t.Length && t[ne + 1] == '"' ? ne + 2 : ne < t.Length && t[ne] is '"' or '\'' ? ne + 1 : ne;
        i = SkipBlanks(t, i);
        if (i >= t.Length || t[i] is not (':' or '='))
        {
            return false;
        }

        bool colon = t[i] == ':';
        i = SkipBlanks(t, i + (i + 1 < t.Length && t[i + 1] == '=' ? 2 : 1));
        if (colon && TypeAnnotationEnd(t, i) is int a and > 0)
        {
            i = SkipBlanks(t, a); // password: SecretStr = Field(default="…")
        }

        var rest = t[i..Math.Min(t.Length, i + 24)];
        if (rest.Length < 3 || rest[0] is not ('S' or 'p' or 'F' or 'b' or 'r' or 'L' or 'u' or '@'))
        {
            return false; // the first letters of s_literalWrappers and '@': one compare for most values
        }

        int skip = 0;
        foreach (var w in s_literalWrappers)
        {
            if (rest.StartsWith(w, StringComparison.Ordinal))
            {
                skip = w.Length;
                break;
            }
        }

        if (skip == 0 && !(rest.Length > 3 && rest[0] == '@' && (rest[1] == '"' || (rest[1] == '\\' && rest[2] == '"'))))
        {
            return false;
        }

        i += skip == 0 ? 1 : skip;
        int p = i;
        while (p < t.Length && p - i < 2 && t[p] is 'b' or 'r' or 'B' or 'R' or 'L' or 'u' or '8')
        {
            p++; // SecretBytes(b"…"), a raw string inside the call
        }

        bool escaped = p + 1 < t.Length && t[p] == '\\' && t[p + 1] == '"'; // \"…\": the code quoted in a JSON string
        p += escaped ? 1 : 0;
        if (p >= t.Length || t[p] is not ('"' or '\''))
        {
            return false;
        }

        char q = t[p];
        int s = p + 1;
        int e = t[s..Math.Min(t.Length, s + 258)].IndexOfAny(q, '\n');
        if (escaped && e > 0 && t[s + e] == q && t[s + e - 1] == '\\')
        {
            e--;
        }

        if (e < 8 || (t[s + e] != q && !(escaped && t[s + e] == '\\')) || t.Slice(s, e).Contains('\\'))
        {
            return false;
        }

        var v = t.Slice(s, e);
        if (!LooksDrawn(v) || !IsSecretValue(v, quoted: true))
        {
            return false;
        }

        (vs, ve) = (s, s + e);
        return true;
    }

    /// <summary>The calls and string prefixes <see cref="TryWrappedLiteral"/> reads through (ordinal, longest first where one starts another).</summary>
    private static readonly string[] s_literalWrappers =
    [
        "SecretStr(", "SecretBytes(", "pydantic.SecretStr(", "Secret(", "String::from(", "Field(default=", "Field(", "br", "rb", "b", "r", "L", "u8",
    ];

    /// <summary>
    /// Does an Ethereum private key literal (<c>0x</c> and 64 hex digits, quoted) at <paramref name="rs"/> stand where
    /// a library takes a private key: ethers' <c>new Wallet("0x…")</c> (https://docs.ethers.org/v6/api/wallet/),
    /// viem's <c>privateKeyToAccount("0x…")</c> (https://viem.sh/docs/accounts/local/privateKeyToAccount), web3.py's
    /// <c>Account.from_key("0x…")</c>, ethereumjs' <c>Wallet.fromPrivateKey(…)</c>, or Hardhat's network
    /// <c>accounts: ["0x…"]</c> within 512 characters after <c>networks</c>
    /// (https://hardhat.org/hardhat-runner/docs/config#json-rpc-based-networks)? The quote (also JSON-escaped)
    /// follows <c>(</c> or <c>[</c> (blanks allowed), and the call's name or the list's key is one of those. A bare
    /// 64-digit hex string is a hash far more often, and is not reported.
    /// </summary>
    internal static bool EthereumKeyContext(ReadOnlySpan<char> t, int rs)
    {
        int i = SkipBlanksBack(t, rs - (t[rs - 2] == '\\' ? 2 : 1));
        if (i < 1 || t[i - 1] is not ('(' or '['))
        {
            return false;
        }

        bool list = t[i - 1] == '[';
        i = SkipBlanksBack(t, i - 1);
        if (list)
        {
            // accounts: [ / accounts = [ / "accounts": [
            if (i < 1 || t[i - 1] is not (':' or '='))
            {
                return false;
            }

            i = SkipBlanksBack(t, i - 1);
            i -= i > 0 && t[i - 1] is '"' or '\'' ? 1 : 0;
            i -= i > 0 && t[i - 1] == '\\' ? 1 : 0;

            // Hardhat's accounts sit in a network of its config's "networks"; Sui, Aptos and Substrate list 32-byte
            // addresses as "accounts" too (the r23 review)
            return i >= 8 && t[(i - 8)..i].Equals("accounts", StringComparison.Ordinal) && (i == 8 || !IsNameChar(t[i - 9]))
                && t[Math.Max(0, i - 512)..i].Contains("networks", StringComparison.Ordinal);
        }

        int w = i;
        while (w > 0 && i - w < 40 && (char.IsAsciiLetterOrDigit(t[w - 1]) || t[w - 1] == '_'))
        {
            w--;
        }

        var name = t[w..i];
        return name is "Wallet" or "privateKeyToAccount" or "from_key" or "fromPrivateKey" or "privateKeyToAddress" or "SigningKey";
    }

    /// <summary>
    /// Is the Ethereum private key literal at <paramref name="rs"/> (<c>0x</c> and 64 hex digits, or, with
    /// <paramref name="prefixed"/> false, the 64 hex digits alone) the value of a key name
    /// that names a wallet's private key (r32 round; a red team's <c>{"pk": "0x…"}</c>, <c>PRIV_KEY=0x…</c>,
    /// <c>ETH_PK=</c>, <c>walletKey</c>, <c>DEPLOYER_KEY</c> were allowed)? The name comes before <c>=</c> or <c>:</c>
    /// (blanks, quotes and JSON-escaped quotes around either side); it is <c>pk</c> or <c>sk</c> or ends in such a
    /// segment (<c>ETH_PK</c>, <c>walletPk</c>; not <c>apk</c>; only with <c>0x</c>: 64 hex digits alone under
    /// <c>pk</c> are as often an Ed25519 public key, a Nostr one), or its letters and digits, lower case, end in
    /// <c>privkey</c>, <c>privatekey</c>, <c>secretkey</c>, <c>walletkey</c>, <c>signerkey</c>,
    /// <c>signingkey</c>, <c>deployerkey</c>, <c>ownerkey</c>, <c>adminkey</c>, <c>ethkey</c> or <c>evmkey</c>. A
    /// bare <c>key</c> is not enough (JSON-RPC storage slots and trie keys are 32-byte hex under <c>key</c>), and neither
    /// are <c>wallet</c>, <c>signer</c> or <c>deployer</c>: Sui and Aptos addresses are <c>0x</c> and 64 hex digits.
    /// </summary>
    internal static bool EthereumKeyName(ReadOnlySpan<char> t, int rs, bool prefixed = true)
    {
        int i = SkipQuoteBack(t, rs);
        i = SkipBlanksBack(t, i);
        if (i < 2 || t[i - 1] is not (':' or '='))
        {
            return false;
        }

        i = SkipQuoteBack(t, SkipBlanksBack(t, i - 1));
        int e = i;
        while (i > 0 && e - i < 48 && IsNameChar(t[i - 1]))
        {
            i--;
        }

        Span<char> norm = stackalloc char[48];
        var raw = t[i..e];
        var name = norm[..NormalizeName(raw, norm)];
        if (prefixed && (name is "pk" or "sk" || (raw.Length > 2 && (raw[^2..].Equals("pk", StringComparison.OrdinalIgnoreCase) || raw[^2..].Equals("sk", StringComparison.OrdinalIgnoreCase))
            && (raw[^3] is '_' or '-' or '.' || (char.IsAsciiLetterLower(raw[^3]) && char.IsAsciiLetterUpper(raw[^2]))))))
        {
            return true; // "pk", "ETH_PK", "walletPk": the name's last segment (not "apk", "txpk")
        }

        foreach (var ending in (ReadOnlySpan<string>)["privkey", "privatekey", "secretkey", "walletkey", "signerkey", "signingkey", "deployerkey", "ownerkey", "adminkey", "ethkey", "evmkey"])
        {
            if (name.EndsWith(ending, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Before <paramref name="i"/>: one quote (<c>"</c> or <c>'</c>), and the backslash of a JSON-escaped one, skipped.</summary>
    private static int SkipQuoteBack(ReadOnlySpan<char> t, int i)
    {
        if (i > 0 && t[i - 1] is '"' or '\'')
        {
            i--;
            i -= i > 0 && t[i - 1] == '\\' ? 1 : 0;
        }

        return i;
    }
}
