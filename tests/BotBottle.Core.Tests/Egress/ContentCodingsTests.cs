using System.IO.Compression;
using System.Text;
using BotBottle.Dlp;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace BotBottle.Tests.Egress;

/// <summary>
/// <see cref="ContentCodings"/> undoes zstd (RFC 8878) like gzip/deflate/br: same decoded-size limit, refusal of data
/// that does not decode with a message that names the coding and the fault. Frames are made by ZstdSharp's compressor
/// (a port of the reference zstd library), the same format codex-cli sends.
/// </summary>
public class ContentCodingsTests
{
    private static byte[] Zstd(byte[] data, int level = 3, int? windowLog = null)
    {
        using var ms = new MemoryStream();
        using (var z = new CompressionStream(ms, level, leaveOpen: true))
        {
            if (windowLog is { } w)
            {
                z.SetParameter(ZSTD_cParameter.ZSTD_c_windowLog, w);
            }

            z.Write(data);
        }

        return ms.ToArray();
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    [Fact]
    public void A_zstd_body_decodes_to_the_original_bytes_also_as_several_frames_and_under_gzip()
    {
        var plain = Encoding.UTF8.GetBytes("{\"model\":\"gpt-5\",\"input\":\"" + new string('x', 5000) + "\"}");
        Assert.Equal(ContentCodingProblem.None, ContentCodings.TryDecode(Zstd(plain), "zstd", 1 << 20, out var one, out var error));
        Assert.Null(error);
        Assert.Equal(plain, one);

        // RFC 8878 §3: a zstd stream is one or more frames; the decoder reads them all.
        byte[] twoFrames = [.. Zstd(plain[..100]), .. Zstd(plain[100..])];
        Assert.Equal(ContentCodingProblem.None, ContentCodings.TryDecode(twoFrames, "ZSTD", 1 << 20, out var two));
        Assert.Equal(plain, two);

        // Applied zstd then gzip: undone last to first (RFC 9110 §8.4).
        Assert.Equal(ContentCodingProblem.None, ContentCodings.TryDecode(Gzip(Zstd(plain)), "zstd, gzip", 1 << 20, out var layered));
        Assert.Equal(plain, layered);
    }

    [Fact]
    public void A_zstd_bomb_is_refused_at_the_limit()
    {
        var big = new byte[4 * 1024 * 1024];
        var bomb = Zstd(big, level: 19);
        Assert.True(bomb.Length < 1024, $"the bomb is {bomb.Length} bytes");
        Assert.Equal(ContentCodingProblem.TooLarge, ContentCodings.TryDecode(bomb, "zstd", 1024 * 1024, out var decoded, out var error));
        Assert.Empty(decoded);
        Assert.Equal("zstd: decodes to more than 1048576 bytes", error);

        // Control: the same frame under a limit it fits.
        Assert.Equal(ContentCodingProblem.None, ContentCodings.TryDecode(bomb, "zstd", big.Length, out var whole));
        Assert.Equal(big.Length, whole.Length);
    }

    [Fact]
    public void A_corrupt_or_truncated_zstd_frame_is_refused_with_the_fault()
    {
        var frame = Zstd(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog ", 200))));

        byte[] notZstd = [0x28, 0xB5, 0x2F, 0xFE, 1, 2, 3, 4, 5, 6, 7, 8]; // the magic number with its last byte wrong
        Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode(notZstd, "zstd", 1 << 20, out var d1, out var e1));
        Assert.Empty(d1);
        Assert.StartsWith("zstd: ", e1, StringComparison.Ordinal);
        Assert.Contains("frame", e1!, StringComparison.OrdinalIgnoreCase);

        var truncated = frame[..(frame.Length / 2)];
        Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode(truncated, "zstd", 1 << 20, out _, out var e2));
        Assert.Equal("zstd: the data ends inside a frame", e2);

        var flipped = (byte[])frame.Clone();
        for (var i = 8; i < flipped.Length; i += 3)
        {
            flipped[i] ^= 0x5A;
        }

        Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode(flipped, "zstd", 1 << 20, out _, out var e3));
        Assert.StartsWith("zstd: ", e3, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zstd_frame_that_needs_a_window_over_8_MiB_is_refused()
    {
        // Streaming without a pledged size keeps the window the encoder was told (2^24 = 16 MiB) in the frame header.
        var data = new byte[64 * 1024];
        new Random(16).NextBytes(data);
        var wide = Zstd(data, windowLog: 24);
        Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode(wide, "zstd", 1 << 30, out _, out var error));
        Assert.Equal("zstd: the frame needs a window over 8388608 bytes (RFC 9659 allows 8 MB)", error);

        // Control: 2^23 is accepted.
        Assert.Equal(ContentCodingProblem.None, ContentCodings.TryDecode(Zstd(data, windowLog: 23), "zstd", 1 << 30, out var ok));
        Assert.Equal(data, ok);
    }

    /// <summary>
    /// Bytes that are not what the header claims, for every coding: a precise refusal naming the coding, never an
    /// exception (red team 12: a gzip body sent as <c>Content-Encoding: br</c> made BrotliStream throw
    /// InvalidOperationException, which escaped TryDecode and crashed <c>bot-bottle egress check</c>).
    /// </summary>
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("zstd")]
    public void Bytes_that_are_not_the_claimed_coding_are_refused_naming_it(string coding)
    {
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(Encoding.UTF8.GetBytes("token=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 and more text to compress"));
        }

        byte[][] bodies = [gz.ToArray(), Encoding.UTF8.GetBytes("plain text, not compressed at all"), [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0x02, 0x03]];
        foreach (var body in bodies)
        {
            if (coding == "gzip" && body[0] == 0x1F)
            {
                continue; // that one is gzip
            }

            Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode(body, coding, 1 << 20, out var decoded, out var error));
            Assert.Empty(decoded);
            Assert.StartsWith(coding + ": ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_coding_is_named_in_the_error()
    {
        Assert.Equal(ContentCodingProblem.Unsupported, ContentCodings.TryDecode("x"u8.ToArray(), "compress", 1 << 20, out _, out var error));
        Assert.Equal("coding 'compress' is not supported (gzip, deflate, br, zstd)", error);
    }
}
