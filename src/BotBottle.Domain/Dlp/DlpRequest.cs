namespace BotBottle.Dlp;

/// <summary>
/// One outbound HTTP request as the egress proxy sees it after TLS interception (PRODUCT.md §6.1), in wire form.
/// Immutable; <see cref="DlpEngine.Redact"/> returns a new instance.
/// </summary>
public sealed class DlpRequest
{
    /// <summary>Request method, e.g. <c>POST</c>.</summary>
    public required string Method { get; init; }

    /// <summary>Destination host name (no port).</summary>
    public required string Host { get; init; }

    /// <summary>The request target in origin form, raw as sent (still percent-encoded): <c>/path?query</c>.</summary>
    public required string PathAndQuery { get; init; }

    /// <summary>Header fields in wire order; names may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = Array.Empty<KeyValuePair<string, string>>();

    /// <summary>The body bytes as sent (after de-chunking). Empty when there is none.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>
    /// The body's media type (the <c>Content-Type</c> field value). When <see langword="null"/>, the
    /// <c>Content-Type</c> header in <see cref="Headers"/> is used.
    /// </summary>
    public string? ContentType { get; init; }

    /// <summary>The method and host; never the path, headers or body (they may hold secrets).</summary>
    /// <returns>e.g. <c>POST api.example.com</c>.</returns>
    public override string ToString() => $"{Method} {Host}";
}
