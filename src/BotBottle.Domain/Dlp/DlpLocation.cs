namespace BotBottle.Dlp;

/// <summary>Where in a request a finding was made.</summary>
public enum DlpLocationKind
{
    /// <summary>The host name the request goes to (DNS labels can carry data).</summary>
    Host,

    /// <summary>The path of the request target (before <c>?</c>).</summary>
    Path,

    /// <summary>The query string of the request target.</summary>
    Query,

    /// <summary>A header value.</summary>
    Header,

    /// <summary>The body.</summary>
    Body,

    /// <summary>A header name (a name can carry data too). <see cref="DlpEngine.Redact"/> drops such a header.</summary>
    HeaderName,
}

/// <summary>
/// A place in a request: a <see cref="DlpLocationKind"/> and, where one applies, a name: the header name, the query
/// parameter name, the JSON path of a body value (<c>$.a.b[2]</c>), a form field name (only one that reads as a name: 1–64 letters, digits and
/// <c>_ - . [ ] $ @ :</c>, since a body posted as a form that is not one would make body text its "name") or a
/// multipart part name. Name parts that themselves contain a finding are replaced by <c>[REDACTED]</c>, so a location never carries a secret.
/// </summary>
/// <param name="Kind">The part of the request.</param>
/// <param name="Name">Header name, query parameter, JSON path, form field or multipart part name; <see langword="null"/> when none applies.</param>
public readonly record struct DlpLocation(DlpLocationKind Kind, string? Name = null)
{
    /// <summary>
    /// For <see cref="DlpLocationKind.Header"/> and <see cref="DlpLocationKind.HeaderName"/>: the zero-based index of the
    /// header in <see cref="DlpRequest.Headers"/> (a name may repeat). Not meaningful for other kinds.
    /// </summary>
    public int Index { get; init; }

    /// <summary>Host location.</summary>
    public static DlpLocation Host => new(DlpLocationKind.Host);

    /// <summary>Path location.</summary>
    public static DlpLocation Path => new(DlpLocationKind.Path);

    /// <summary>Body location without a name (plain text, or a body whose structure could not be parsed).</summary>
    public static DlpLocation Body => new(DlpLocationKind.Body);

    /// <summary>
    /// Short text form: <c>host</c>, <c>path</c>, <c>query</c> / <c>query:token</c>, <c>header:Authorization</c>,
    /// <c>header-name</c>, <c>body</c> / <c>body:$.password</c>.
    /// </summary>
    /// <returns>The text form.</returns>
    public override string ToString() => Kind switch
    {
        DlpLocationKind.Host => "host",
        DlpLocationKind.Path => "path",
        DlpLocationKind.Query => Name is null ? "query" : "query:" + Name,
        DlpLocationKind.Header => Name is null ? "header" : "header:" + Name,
        DlpLocationKind.HeaderName => "header-name",
        DlpLocationKind.Body => Name is null ? "body" : "body:" + Name,
        _ => Kind.ToString(),
    };
}
