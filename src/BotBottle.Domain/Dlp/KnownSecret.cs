using System.Diagnostics;

namespace BotBottle.Dlp;

/// <summary>
/// One of the bottle's own secrets (an <c>env</c> value asked for at start, a <c>token_ref</c> the sidecar injects, a
/// git-gate credential) that must never leave in a request (PRODUCT.md §1 point 4, §9 invariant 2).
/// <para>
/// Matching: values of at least <see cref="MinimumSubstringLength"/> characters are found anywhere, in plain,
/// base64 (every byte alignment), base64url, hex (lower and upper case), percent-encoded, JSON-escaped and
/// Unicode-compatibility forms. Shorter values would match ordinary text, so they are only compared for equality with
/// whole values: a header value (and the credential inside <c>Authorization</c>), a query parameter value and a form
/// field value.
/// </para>
/// <para><see cref="ToString"/> never prints <see cref="Value"/>; neither does any finding, message or exception.</para>
/// </summary>
/// <param name="Name">The secret's name as the operator knows it (for example the env variable name). Shown in findings.</param>
/// <param name="Value">The secret value. Never shown.</param>
[DebuggerDisplay("KnownSecret {Name,nq} (value hidden)")]
public sealed record KnownSecret(string Name, string Value)
{
    /// <summary>Values shorter than this (in UTF-16 code units) are matched by whole-value equality only: 8.</summary>
    public const int MinimumSubstringLength = 8;

    /// <summary>Returns the name and a placeholder; never the value.</summary>
    /// <returns><c>KnownSecret { Name = …, Value = *** }</c>.</returns>
    public override string ToString() => $"KnownSecret {{ Name = {Name}, Value = *** }}";
}
