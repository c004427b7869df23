namespace BotBottle.Dlp;

/// <summary>
/// Confirms a candidate at <paramref name="anchor"/> (where one of the rule's anchors starts in <paramref name="text"/>)
/// and returns the token's span in <paramref name="text"/>.
/// </summary>
internal delegate bool TokenMatcher(ReadOnlySpan<char> text, int anchor, out int start, out int length);

/// <summary>
/// Decides whether a matched token (<paramref name="token"/>, exactly the matched span) passes the format's own check
/// (a checksum, a documented-example marker). A token that fails is still reported, with
/// <see cref="DlpFinding.Validated"/> false.
/// </summary>
internal delegate bool TokenValidator(ReadOnlySpan<char> token);

/// <summary>
/// Decides whether a token the matcher found with a letter or digit glued to it is still unambiguous: <paramref name="text"/>
/// is the whole text, [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) the token without
/// the glued characters, <paramref name="before"/> / <paramref name="after"/> which side is glued.
/// </summary>
internal delegate bool GluedTokenCheck(ReadOnlySpan<char> text, int start, int length, bool before, bool after);

/// <summary>
/// When a rule's token is still reported with a letter or digit glued directly before it (<c>xghp_…</c>, a msgpack or
/// protobuf length byte 108 = <c>l</c> before <c>sk-ant-…</c>) or, for a fixed-length token, after it
/// (<c>AKIA…XYZ2</c>). The matcher's word boundary keeps identifiers such as <c>task-ant-…</c> or <c>mask_live_…</c>
/// out; this policy lets a token through the boundary only where the format still decides it alone: a checksum, a
/// long distinctive prefix, or an exact length ending where the run ends (<see cref="BuiltInRules"/>, BuiltInRules.Glued.cs).
/// </summary>
/// <param name="FixedLength">The token's exact length when characters glued after it may be cut off; 0: only glued-before.</param>
/// <param name="Check">The rule's extra condition on the glued token.</param>
internal sealed record GluedTokenPolicy(int FixedLength, GluedTokenCheck Check);

/// <summary>How the engine finds candidates for a rule.</summary>
internal enum RuleTrigger
{
    /// <summary>One of <see cref="TokenRule.Anchors"/> occurs (plain, or base64/hex-encoded) inside a run of token characters.</summary>
    Anchor,

    /// <summary>A PEM header (<c>-----BEGIN </c>).</summary>
    PemHeader,

    /// <summary>A URL scheme separator (<c>://</c>).</summary>
    UrlAuthority,

    /// <summary>A run of at least 13 digits (optionally grouped by single spaces or dashes).</summary>
    DigitRun,

    /// <summary>A value-shaped run (40 token characters) named by one of the anchors just before it; the anchors are also searched in encoded forms.</summary>
    NamedValue,

    /// <summary>A literal value assigned to a credential-named key (<see cref="ContextRules"/>).</summary>
    Assignment,

    /// <summary>A token run of a fixed length checked as a whole (WIF private keys).</summary>
    RunShape,

    /// <summary>A sequence of BIP-39 words, found by the probe pass.</summary>
    SeedPhrase,

    /// <summary>An IBAN: a compact token run, or grouped digits after a country code.</summary>
    Iban,

    /// <summary>Encoded data in the labels of the host name.</summary>
    HostData,

    /// <summary>A credential in the agent's own <c>Authorization</c> header (<see cref="DlpEngine"/>, DlpEngine.Authorization.cs).</summary>
    AuthorizationHeader,

    /// <summary>A US Social Security number next to its label or in a table column whose header names it (<see cref="PersonalDataRules"/>).</summary>
    NationalId,

    /// <summary>A base64 blob (found by the layered decoding) that decodes to exactly <c>user:password</c>.</summary>
    EncodedUserPassword,

    /// <summary>An e-mail address starting a line, then a separator and a password (<see cref="ContextRules.ComboLineAt"/>), found from the text's <c>@</c> characters.</summary>
    ComboLine,
}

/// <summary>
/// One credential format of the <see cref="TokenRuleSet"/>: an id that appears in findings and in the redaction marker,
/// a description, an example of the shape (never a real key), the literal anchors the prefilter searches for, and the
/// source that documents the format. The confirming matcher is built in; rules are obtained from
/// <see cref="TokenRuleSet.Default"/>, not constructed.
/// </summary>
public sealed record TokenRule
{
    internal TokenRule(string id, string description, string source, string exampleShape, string[] anchors, string hint, RuleTrigger trigger, TokenMatcher matcher)
    {
        Id = id;
        Description = description;
        Source = source;
        ExampleShape = exampleShape;
        Anchors = anchors;
        Hint = hint;
        Trigger = trigger;
        Matcher = matcher;
    }

    /// <summary>Stable kebab-case id, e.g. <c>github-pat-classic</c>; used in findings and in <c>[REDACTED:&lt;id&gt;]</c>.</summary>
    public string Id { get; }

    /// <summary>What the rule finds, e.g. "GitHub personal access token (classic)".</summary>
    public string Description { get; }

    /// <summary>URL (or document name) of the vendor documentation or standard that defines the format.</summary>
    public string Source { get; }

    /// <summary>The shape in regex-like notation, e.g. <c>ghp_[A-Za-z0-9]{30}+CRC32(6)</c>. Never a real key.</summary>
    public string ExampleShape { get; }

    /// <summary>Literal strings whose presence (plain or encoded) makes the engine confirm this rule; empty for rules with another trigger.</summary>
    public IReadOnlyList<string> Anchors { get; }

    /// <summary>The public, non-secret part shown in finding messages (e.g. <c>ghp_</c>).</summary>
    internal string Hint { get; }

    internal RuleTrigger Trigger { get; }

    internal TokenMatcher Matcher { get; }

    /// <summary>The format's own check (checksum, documented example); null when the shape is all there is.</summary>
    internal TokenValidator? Validator { get; init; }

    /// <summary>
    /// Whether (and how) a token of this rule is reported when letters or digits are glued to it (twelfth red-team
    /// round): null, never — the matcher's word boundary stands. See <see cref="GluedTokenPolicy"/>.
    /// </summary>
    internal GluedTokenPolicy? Glued { get; init; }

    /// <summary>Whether <paramref name="token"/> (a matched span) passes the format's check and has no placeholder word.</summary>
    internal bool Validates(ReadOnlySpan<char> token) =>
        (Validator is null || Validator(token)) && BuiltInRules.HasNoPlaceholderWord(token);

    /// <summary>The id.</summary>
    /// <returns><see cref="Id"/>.</returns>
    public override string ToString() => Id;
}
