using System.IO.Compression;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace BotBottle.Dlp;

/// <summary>Why a request body's content codings could not be undone.</summary>
public enum ContentCodingProblem
{
    /// <summary>Every coding was undone.</summary>
    None,

    /// <summary>A coding other than <c>gzip</c>, <c>x-gzip</c>, <c>deflate</c>, <c>br</c>, <c>zstd</c> or <c>identity</c>, more than <see cref="ContentCodings.MaxLayers"/> codings, or data that does not decode: refused with 415.</summary>
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

    /// <summary>
    /// Largest zstd window accepted, as a power of two: 2^23 = 8 MiB. RFC 9659 §3 limits the <c>zstd</c> content coding
    /// to an 8 MB window (encoders must not need more, decoders may refuse more), which also bounds the decoder's memory
    /// whatever a frame header claims.
    /// </summary>
    public const int ZstdMaxWindowLog = 23;

    /// <summary>The codings this class undoes, for error messages.</summary>
    public const string Supported = "gzip, deflate, br, zstd";

    /// <summary>Undoes the codings named by <paramref name="contentEncoding"/> (every <c>Content-Encoding</c> field value, comma-joined).</summary>
    /// <param name="body">The body as sent.</param>
    /// <param name="contentEncoding">The codings, e.g. <c>gzip, gzip</c>.</param>
    /// <param name="maxDecodedBytes">Largest decoded size accepted, in bytes.</param>
    /// <param name="decoded">The decoded body when the result is <see cref="ContentCodingProblem.None"/>.</param>
    /// <returns>What went wrong, if anything.</returns>
    public static ContentCodingProblem TryDecode(ReadOnlyMemory<byte> body, string contentEncoding, long maxDecodedBytes, out byte[] decoded) =>
        TryDecode(body, contentEncoding, maxDecodedBytes, out decoded, out _);

    /// <summary>Undoes the codings named by <paramref name="contentEncoding"/> and says what failed.</summary>
    /// <param name="body">The body as sent.</param>
    /// <param name="contentEncoding">The codings, e.g. <c>gzip, zstd</c>.</param>
    /// <param name="maxDecodedBytes">Largest decoded size accepted, in bytes (each layer, like the whole).</param>
    /// <param name="decoded">The decoded body when the result is <see cref="ContentCodingProblem.None"/>, else empty.</param>
    /// <param name="error">
    /// When the result is not <see cref="ContentCodingProblem.None"/>: which coding failed and why, e.g.
    /// <c>zstd: Unknown frame descriptor</c>, <c>zstd: the data ends inside a frame</c>,
    /// <c>coding 'compress' is not supported (gzip, deflate, br, zstd)</c>; otherwise <see langword="null"/>.
    /// </param>
    /// <returns>What went wrong, if anything.</returns>
    public static ContentCodingProblem TryDecode(ReadOnlyMemory<byte> body, string contentEncoding, long maxDecodedBytes, out byte[] decoded, out string? error)
    {
        ArgumentNullException.ThrowIfNull(contentEncoding);
        error = null;
        decoded = body.ToArray();
        var codings = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => c.ToLowerInvariant()).Where(c => c != "identity").ToList();
        if (codings.Count > MaxLayers)
        {
            decoded = [];
            error = $"{codings.Count} codings, at most {MaxLayers} are undone";
            return ContentCodingProblem.Unsupported;
        }

        for (var i = codings.Count - 1; i >= 0; i--)
        {
            try
            {
                using var input = new MemoryStream(decoded, writable: false);
                using var stream = Decoder(codings[i], input);
                if (stream is null)
                {
                    decoded = [];
                    error = $"coding '{codings[i]}' is not supported ({Supported})";
                    return ContentCodingProblem.Unsupported;
                }

                using var output = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    if (output.Length + n > maxDecodedBytes)
                    {
                        decoded = [];
                        error = $"{codings[i]}: decodes to more than {maxDecodedBytes} bytes";
                        return ContentCodingProblem.TooLarge;
                    }

                    output.Write(buffer, 0, n);
                }

                decoded = output.ToArray();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or ZstdException or InvalidOperationException)
            {
                decoded = [];
                error = $"{codings[i]}: {Describe(ex)}";
                return ContentCodingProblem.Unsupported;
            }
        }

        return ContentCodingProblem.None;
    }

    /// <summary>
    /// A stream that undoes one content coding of <paramref name="input"/>, or <see langword="null"/> for a coding this
    /// class does not know. gzip (RFC 1952, also <c>x-gzip</c>), deflate (the zlib format, RFC 9110 §8.4.1.2), br
    /// (RFC 7932) and zstd (RFC 8878 frames, several allowed back to back; window at most 2^<see cref="ZstdMaxWindowLog"/>
    /// bytes, RFC 9659). Reading throws <see cref="InvalidDataException"/> (gzip, deflate), <see cref="InvalidOperationException"/>
    /// (br: "Decoder ran into invalid data", as .NET's <see cref="BrotliStream"/> reports it), <see cref="IOException"/> (zstd:
    /// the data ends inside a frame) or <see cref="ZstdException"/> (zstd: a corrupt frame) for data that does not decode.
    /// </summary>
    /// <param name="coding">One coding, lower case, e.g. <c>zstd</c>.</param>
    /// <param name="input">The coded bytes; left open.</param>
    /// <returns>The decoding stream, owned by the caller.</returns>
    public static Stream? Decoder(string coding, Stream input)
    {
        ArgumentNullException.ThrowIfNull(coding);
        ArgumentNullException.ThrowIfNull(input);
        switch (coding)
        {
            case "gzip" or "x-gzip":
                return new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
            case "deflate":
                return new ZLibStream(input, CompressionMode.Decompress, leaveOpen: true);
            case "br":
                return new BrotliStream(input, CompressionMode.Decompress, leaveOpen: true);
            case "zstd":
                var zstd = new DecompressionStream(input, leaveOpen: true);
                zstd.SetParameter(ZSTD_dParameter.ZSTD_d_windowLogMax, ZstdMaxWindowLog);
                return zstd;
            default:
                return null;
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        ZstdException z when z.Code == ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge =>
            $"the frame needs a window over {1 << ZstdMaxWindowLog} bytes (RFC 9659 allows 8 MB)",
        ZstdException z => z.Message,
        EndOfStreamException => "the data ends inside a frame",
        _ => ex.Message,
    };

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
