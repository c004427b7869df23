namespace BotBottle.Dlp;

/// <summary>
/// r33 round: data encrypted with a password by <c>openssl enc</c> (or CryptoJS), whose content no rule can read, which
/// a black-box red team sent past the engine ("encrypt it, then upload it"). A run-start check in
/// <c>DlpEngine.CheckRunShapes</c> (a token run of 15+ characters): two character compares reject every other run, so
/// it adds no literal to the prefilter search.
/// </summary>
internal static partial class BuiltInRules
{
    public const string PasswordEncryptedDataId = "password-encrypted-data";

    private static TokenRule[] Services33Rules() =>
    [
        new(PasswordEncryptedDataId, "Data encrypted with a password by openssl enc (or CryptoJS AES, which writes the same format): it cannot be scanned, and encrypting before sending is how a filter is evaded",
            "openssl-enc(1): with a salt (the default) the output starts with the 8 bytes \"Salted__\" and the 8-byte salt (https://docs.openssl.org/master/man1/openssl-enc/, NOTES); base64 of \"Salted__\" is U2FsdGVkX1",
            "U2FsdGVkX1[A-Za-z0-9+/]{34,} (salt and at least one 16-byte cipher block)", [], "Salted__", RuleTrigger.RunShape, NoMatcher),
    ];

    /// <summary>
    /// Does the run at <paramref name="rs"/> (<paramref name="len"/> characters) start base64 of openssl enc output
    /// (<c>U2FsdGVkX1</c>: "Salted__"), with the salt and at least one cipher block (44+ characters)? Not as the value of
    /// a pagination parameter (a <c>…token</c>, cursor, marker or page name within 40 characters before it): AWS APIs
    /// hand out <c>NextToken</c> values in this very format (AWS Security Hub's, in the AWS CLI's examples), which the
    /// agent sends back to page through results.
    /// </summary>
    internal static bool PasswordEncryptedAt(ReadOnlySpan<char> t, int rs, int len)
    {
        if (len < 44 || t[rs] != 'U' || t[rs + 1] != '2' || t.Slice(rs, 10) is not "U2FsdGVkX1")
        {
            return false;
        }

        var before = t[Math.Max(0, rs - 40)..rs];
        return !(before.Contains("token", StringComparison.OrdinalIgnoreCase) || before.Contains("cursor", StringComparison.OrdinalIgnoreCase)
            || before.Contains("marker", StringComparison.OrdinalIgnoreCase) || before.Contains("page", StringComparison.OrdinalIgnoreCase));
    }
}
