using System.IO.Compression;

namespace BotBottle.Egress;

/// <summary>Why a request body's content codings could not be undone.</summary>
public enum ContentCodingProblem
{
    /// <summary>Every coding was undone.</summary>
    None,

    /// <summary>A coding other than <c>gzip</c>, <c>x-gzip</c>, <c>deflate</c>, <c>br</c> or <c>identity</c>, more than <see cref="ContentCodings.MaxLayers"/> codings, or data that does not decode: refused with 415.</summary>
    Unsupported,

    /// <summary>The decoded body would exceed the limit: refused with 413, never forwarded unscanned.</summary>
    TooLarge,
}

/// <summary>
/// Undoes every content coding of a request body (RFC 9110 §8.4: <c>Content-Encoding</c> lists the codings in the
/// order they were applied, so they are undone last to first), so DLP scans what the server will read. Past the
/// limit, or for a coding it cannot undo, the request is refused rather than forwarded unscanned. The proxy and the
/// offline check both use it.
/// </summary>
public static class ContentCodings
{
    /// <summary>Most codings one body may carry.</summary>
    public const int MaxLayers = 4;

    /// <summary>Undoes the codings named by <paramref name="contentEncoding"/> (every <c>Content-Encoding</c> field value, comma-joined).</summary>
    /// <param name="body">The body as sent.</param>
    /// <param name="contentEncoding">The codings, e.g. <c>gzip, gzip</c>.</param>
    /// <param name="maxDecodedBytes">Largest decoded size accepted, in bytes.</param>
    /// <param name="decoded">The decoded body when the result is <see cref="ContentCodingProblem.None"/>.</param>
    /// <returns>What went wrong, if anything.</returns>
    public static ContentCodingProblem TryDecode(ReadOnlyMemory<byte> body, string contentEncoding, long maxDecodedBytes, out byte[] decoded)
    {
        ArgumentNullException.ThrowIfNull(contentEncoding);
        decoded = body.ToArray();
        var codings = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).Where(c => c != "identity").ToList();
        if (codings.Count > MaxLayers)
        {
            return ContentCodingProblem.Unsupported;
        }

        for (var i = codings.Count - 1; i >= 0; i--)
        {
            try
            {
                using var input = new MemoryStream(decoded, writable: false);
                using Stream stream = codings[i] switch
                {
                    "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
                    "deflate" => new ZLibStream(input, CompressionMode.Decompress), // RFC 9110 §8.4.1.2: the zlib format
                    "br" => new BrotliStream(input, CompressionMode.Decompress),
                    _ => throw new NotSupportedException(codings[i]),
                };
                using var output = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (output.Length + n > maxDecodedBytes)
                    {
                        decoded = [];
                        return ContentCodingProblem.TooLarge;
                    }

                    output.Write(buffer, 0, n);
                }

                decoded = output.ToArray();
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidDataException or IOException)
            {
                decoded = [];
                return ContentCodingProblem.Unsupported;
            }
        }

        return ContentCodingProblem.None;
    }

    /// <summary>Every <c>Content-Encoding</c> value among <paramref name="headers"/>, comma-joined; <see langword="null"/> when there is none.</summary>
    public static string? Of(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var values = headers.Where(h => h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    /// <summary><paramref name="headers"/> without <c>Content-Encoding</c> (for the decoded body).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Without(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return [.. headers.Where(h => !h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase))];
    }
}
