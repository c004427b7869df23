namespace BotBottle.Dlp;

/// <summary>
/// r33 round: data encrypted with a password by <c>openssl enc</c> (or CryptoJS), whose content no rule can read, and a
/// Twilio Account SID with its auth token, which a black-box red team sent past the engine. Run-start checks in
/// <c>DlpEngine.CheckRunShapes</c> (a token run of 15+ characters): two character compares reject every other run, so
/// neither adds a literal to the prefilter search.
/// </summary>
internal static partial class BuiltInRules
{
    public const string PasswordEncryptedDataId = "password-encrypted-data";
    public const string TwilioAccountCredentialsId = "twilio-account-credentials";

    private static TokenRule[] Services33Rules() =>
    [
        new(PasswordEncryptedDataId, "Data encrypted with a password by openssl enc (or CryptoJS AES, which writes the same format): it cannot be scanned, and encrypting before sending is how a filter is evaded",
            "openssl-enc(1): with a salt (the default) the output starts with the 8 bytes \"Salted__\" and the 8-byte salt (https://docs.openssl.org/master/man1/openssl-enc/, NOTES); base64 of \"Salted__\" is U2FsdGVkX1",
            "U2FsdGVkX1[A-Za-z0-9+/]{34,} (salt and at least one 16-byte cipher block)", [], "Salted__", RuleTrigger.RunShape, NoMatcher),
        new(TwilioAccountCredentialsId, "Twilio Account SID and auth token as a pair (SID:token, as curl -u and HTTP Basic send them): the account's master credential",
            "https://www.twilio.com/docs/iam/api/account (Account SID: AC and 32 hex digits) and https://www.twilio.com/docs/usage/requests-to-twilio (HTTP Basic: the Account SID as the user, the auth token, 32 hex digits, as the password)",
            "AC[0-9a-f]{32}:[0-9a-f]{32}", [], "AC…:", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// Does the run at <paramref name="rs"/> (<paramref name="len"/> characters) start base64 of openssl enc output
    /// (<c>U2FsdGVkX1</c>: "Salted__"), with the salt and at least one cipher block (44+ characters)? Not as the value of
    /// a pagination parameter (a word of <see cref="s_paginationWords"/> within 40 characters before it): AWS APIs
    /// hand out <c>NextToken</c> values in this very format (AWS Security Hub's, in the AWS CLI's examples), which the
    /// agent sends back to page through results.
    /// </summary>
    internal static bool PasswordEncryptedAt(ReadOnlySpan<char> t, int rs, int len)
    {
        if (len < 44 || t[rs] != 'U' || t[rs + 1] != '2' || t.Slice(rs, 10) is not "U2FsdGVkX1")
        {
            return false;
        }

        return !HasPaginationWord(t[Math.Max(0, rs - 40)..rs]);
    }

    /// <summary>
    /// Names of pagination values (<see cref="PasswordEncryptedAt"/>): <c>NextToken</c>, cursors, markers, pages, GraphQL's
    /// <c>after</c> / <c>before</c> (Relay cursor connections), continuation and scroll ids, DynamoDB's
    /// <c>ExclusiveStartKey</c> / <c>LastEvaluatedKey</c>, offsets (r34 red team: opaque cursors an API hands out in this format),
    /// and code that decrypts such a blob (<c>CryptoJS.AES.decrypt("U2Fsd…", key)</c> in a question about it).
    /// </summary>
    private static readonly string[] s_paginationWords = ["token", "cursor", "marker", "page", "next", "after", "before", "continu", "scroll", "startkey", "evaluatedkey", "offset", "decrypt", "cryptojs"];

    /// <summary>Is <paramref name="name"/> (a header's) a pagination value's (<see cref="s_paginationWords"/>: <c>X-Next-Cursor</c>, <c>X-Continuation-Token</c>)?</summary>
    internal static bool IsPaginationName(string? name) => name is not null && HasPaginationWord(name);

    private static bool HasPaginationWord(ReadOnlySpan<char> text)
    {
        foreach (var word in s_paginationWords)
        {
            if (text.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Does the run at <paramref name="rs"/> … <paramref name="re"/> (34 characters) hold a Twilio Account SID
    /// (<c>AC</c> and 32 lower-case hex digits) followed by <c>:</c> and a 32-hex auth token, the token not followed by
    /// another token character? The SID alone is an identifier every Twilio API path carries (<c>/Accounts/AC…/</c>):
    /// only the pair is reported. Returns the pair's length (67) or 0.
    /// </summary>
    internal static int TwilioAccountCredentialsAt(ReadOnlySpan<char> t, int rs, int re)
    {
        if (re - rs != 34 || t[rs] != 'A' || t[rs + 1] != 'C' || re + 33 > t.Length || t[re] != ':'
            || t.Slice(rs + 2, 32).ContainsAnyExcept(ContextRules.LowerHexChars) || t.Slice(re + 1, 32).ContainsAnyExcept(ContextRules.LowerHexChars)
            || (re + 33 < t.Length && RunScanner.IsTokenChar(t[re + 33])))
        {
            return 0;
        }

        return 67;
    }
}
