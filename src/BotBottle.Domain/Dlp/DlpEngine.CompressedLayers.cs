using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Compressed data under any byte-yielding layer (red team 12, families B, D and I; written in the thirteenth round on
/// branch enc13, merged without its base85 part in the fourteenth):
/// <list type="bullet">
/// <item><b>After hex and base32</b> (<c>gzip | xxd -p</c>, <c>zlib.compress(x).hex()</c>, <c>base32(gzip(x))</c>): a hex
/// or base32 run whose first bytes are gzip, zlib or ZIP magic (<see cref="CompressedStart(ReadOnlySpan{byte})"/>) is
/// collected although its bytes are not text, and decompressed like a raw archive (<see cref="ScanRawArchive"/>); the
/// chain is <c>hex+compressed</c>, <c>base32+compressed</c>, <c>hex+zip</c>.</item>
/// <item><b>ZIP after base64</b> (<c>zip -r - dir | base64</c>: "UEsDB…"): decoded and walked as a ZIP
/// (<c>base64+zip</c>).</item>
/// <item><b>A second decompression layer</b> (<c>gzip(gzip(x))</c>, a <c>.tar.gz</c> inside a ZIP): decompressed bytes
/// that start with archive magic are decompressed once more (<see cref="ScanDecoded"/>), one decoding layer deeper,
/// within the same budgets (<see cref="MaxInflatedBytes"/> per stream, <see cref="MaxInflatedPerScan"/> per request)
/// and <see cref="MaxDeepLayers"/>.</item>
/// <item><b>bzip2 and xz</b> (no decoder in the .NET base class library): a body, multipart part or decoded layer whose
/// bytes start with bzip2 magic (<c>BZh</c>, a block size digit <c>1</c>–<c>9</c>, then the block magic
/// <c>31 41 59 26 53 59</c> or the end-of-stream magic <c>17 72 45 38 50 90</c>: Julian Seward, bzip2 file format as
/// documented in the bzip2 1.0.x sources' <c>compress.c</c>/<c>decompress.c</c>, and Joe Tsai's "bzip2 format
/// specification") or xz magic (<c>FD 37 7A 58 5A 00</c>: The .xz File Format 1.2.1, §2.1.1.1) cannot be read, so it is
/// reported as <see cref="CompressedUnscannedId"/> (fail closed, as compressed data past the inflate budget is).</item>
/// <item><b>zstd</b> (r32 round: <c>zstd -c .env | base64</c>, <c>| xxd -p</c>, <c>| base32</c>, a raw body or multipart
/// part): bytes that start with a Zstandard frame's magic number <c>28 B5 2F FD</c> (RFC 8878 §3.1.1, little-endian
/// 0xFD2FB528; base64 "KLUv/", hex "28b52ffd", base32 "FC2S7") are decompressed by <see cref="TryZstdAndScan"/> within the
/// inflate budgets and scanned as <c>compressed</c> (<c>base64+compressed</c>, <c>hex+compressed</c>…).</item>
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>
    /// Do <paramref name="b"/> start with bzip2 or xz magic (see the type's remarks), an LZ4 frame's (<c>04 22 4D 18</c>,
    /// the little-endian 0x184D2204 of the LZ4 Frame Format Description §General Structure, then a version-01 FLG byte)
    /// or an LZMA-alone header (<c>.lzma</c>, <c>xz --format=lzma</c>: the properties byte 0x5D that every encoder writes
    /// by default, a dictionary size that is a power of two from 64 KiB to 1 GiB, and an uncompressed size that is
    /// unknown, all <c>FF</c>, or under 2^40: the LZMA SDK's lzma-file-format.txt §1.1; r34 red team)? At least 10 bytes
    /// (13 for LZMA-alone).
    /// </summary>
    internal static bool UnreadableCompressionMagic(ReadOnlySpan<byte> b) =>
        b.Length >= 10 && ((b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] is >= (byte)'1' and <= (byte)'9'
            && (b[4..10].SequenceEqual("\u0031\u0041\u0059\u0026\u0053\u0059"u8) || b[4..10].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90])))
            || b[..6].SequenceEqual((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])
            || (b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4D && b[3] == 0x18 && (b[4] & 0xC0) == 0x40)
            || LzmaAloneHeader(b));

    private static bool LzmaAloneHeader(ReadOnlySpan<byte> b)
    {
        if (b.Length < 13 || b[0] != 0x5D)
        {
            return false;
        }

        uint dictionary = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b[1..]);
        ulong size = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b[5..]);
        return dictionary is >= 1u << 16 and <= 1u << 30 && System.Numerics.BitOperations.IsPow2(dictionary) && (size == ulong.MaxValue || size < 1UL << 40);
    }

    /// <summary>The same test on text whose characters are the bytes (a multipart part held as Latin-1).</summary>
    private static bool UnreadableCompressionMagic(ReadOnlySpan<char> c)
    {
        if (c.Length < 10)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[13];
        int n = Math.Min(13, c.Length);
        for (int i = 0; i < n; i++)
        {
            if (c[i] > '\u00ff')
            {
                return false;
            }

            b[i] = (byte)c[i];
        }

        return UnreadableCompressionMagic(b[..n]);
    }

    /// <summary>
    /// Do the first (up to 4) bytes start a gzip member (<c>1f 8b 08</c>), a zlib stream (<c>78 01/5e/9c/da</c>), a ZIP
    /// local file header (<c>50 4b 03 04</c>), a zstd frame (<c>28 b5 2f fd</c>, RFC 8878 §3.1.1), bzip2 (<c>42 5a 68</c> +
    /// digit) or xz (<c>fd 37 7a 58</c>)? The cheap
    /// collection test on the first bytes a hex or base32 run decodes to; the decoder checks the whole magic.
    /// </summary>
    private static bool CompressedStart(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && ((b[0] == 0x1f && b[1] == 0x8b && b[2] == 8) || (b[0] == 0x78 && b[1] is 0x01 or 0x5e or 0x9c or 0xda)
            || (b[0] == 0x50 && b[1] == 0x4b && b[2] == 3 && b[3] == 4) || (b[0] == 0x42 && b[1] == 0x5a && b[2] == 0x68 && b[3] is >= 0x31 and <= 0x39)
            || (b[0] == 0xfd && b[1] == 0x37 && b[2] == 0x7a && b[3] == 0x58) || ZstdMagic(b));

    /// <summary>A hex run of compressed data: its first 8 digits decode to <see cref="CompressedStart(ReadOnlySpan{byte})"/> (a first-character test first; zstd's <c>28</c> by its first two, as runs starting with <c>2</c> are common: dates, ids).</summary>
    private static bool CompressedHexStart(ReadOnlySpan<char> s)
    {
        if (s.Length < DeepMinHex || s[0] is not ('1' or '7' or '5' or '4' or 'f' or 'F' or '2') || (s[0] == '2' && s[1] != '8'))
        {
            return false;
        }

        Span<byte> b = stackalloc byte[4];
        return DecodeHexBytes(s[..8], 1, b) == 4 && CompressedStart(b);
    }

    /// <summary>A base32 run (one case, RFC 4648 §6) of compressed data: its first 8 characters decode to <see cref="CompressedStart(ReadOnlySpan{byte})"/>.</summary>
    private static bool CompressedBase32Start(ReadOnlySpan<char> s)
    {
        Span<byte> b = stackalloc byte[5];
        return s.Length >= DeepMinBase32 && s[0] is 'D' or 'P' or 'K' or 'I' or '7' or 'F' or 'd' or 'p' or 'k' or 'i' or 'f' && Base32Decode(s[..8], b) == 5 && CompressedStart(b);
    }

    /// <summary>
    /// Base64 of a ZIP local file header (<c>50 4b 03 04</c>: "UEsDB"), bzip2 (<c>BZh</c>: "Qlpo") or xz
    /// (<c>fd 37 7a 58 5a 00</c>: "/Td6WFo"): collected like gzip's "H4sI" (<see cref="CompressedBase64Start"/>).
    /// </summary>
    private static bool ArchiveBase64Start(ReadOnlySpan<char> s) =>
        s.Length >= 24 && (s.StartsWith("UEsDB", StringComparison.Ordinal) || s.StartsWith("Qlpo", StringComparison.Ordinal) || s.StartsWith("/Td6WFo", StringComparison.Ordinal)
            || s.StartsWith("BCJNG", StringComparison.Ordinal) || s.StartsWith("XQAA", StringComparison.Ordinal)); // LZ4 frame, LZMA-alone (r34)

    /// <summary>
    /// Bytes a decoder produced (hex, base32, base64, or a decompression) that are compressed data: gzip, zlib, zstd or ZIP
    /// are decompressed and scanned one layer deeper (encoding <paramref name="outer"/>+<c>compressed</c> or
    /// +<c>zip</c>), bzip2 and xz reported as <see cref="CompressedUnscannedId"/>. Findings span
    /// [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>) of the current text.
    /// </summary>
    /// <param name="bytes">The decoded bytes.</param>
    /// <param name="s">Start of the span in the current text.</param>
    /// <param name="length">Length of the span.</param>
    /// <param name="outer">The encoding chain that produced the bytes (<c>hex</c>, <c>base64+compressed</c>…).</param>
    /// <param name="deeper">Count the decompression as one more layer (bytes that were already a layer: decompressed or decoded by a decoder of its own).</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The current layer.</param>
    /// <returns>False when nothing was done: the bytes carry none of the magic, the magic starts no stream that inflates
    /// (text that begins <c>x^</c>, zlib's <c>78 5e</c>), or the layer limit is reached; the caller scans them as other bytes.</returns>
    private bool TryScanCompressedLayer(ReadOnlySpan<byte> bytes, int s, int length, string outer, bool deeper, ref ScanState st, in Layer layer)
    {
        int add = deeper ? 1 : 0;
        if (ArchiveMagic(bytes) && st.Depth + add < MaxDeepLayers && !st.Full)
        {
            st.Depth += add;
            bool scanned = ScanRawArchive(bytes, s, length, ref st, layer, outer);
            st.Depth -= add;
            if (scanned)
            {
                return true;
            }
        }

        if (UnreadableCompressionMagic(bytes))
        {
            ReportUnreadableCompression(ref st, layer, s, length, outer + "+" + DlpEncodings.Compressed);
            return true;
        }

        return false;
    }

    /// <summary>Reports <see cref="CompressedUnscannedId"/> for bzip2 or xz data at [s, s + length): no decoder, so nothing of it can be scanned.</summary>
    private static void ReportUnreadableCompression(ref ScanState st, in Layer layer, int s, int length, string chain) =>
        Report(ref st, layer, DlpFinding.TokenPatternsDetector, CompressedUnscannedId, s, length, chain,
            "Compressed data in a format the engine cannot decompress (bzip2, xz, LZ4 or LZMA), so it cannot be scanned");

    /// <summary>
    /// Do <paramref name="b"/> start with a Zstandard frame's magic number, <c>28 B5 2F FD</c> (RFC 8878 §3.1.1: the
    /// little-endian 0xFD2FB528)? Four compares; the frame header and blocks are checked by the decoder.
    /// </summary>
    private static bool ZstdMagic(ReadOnlySpan<byte> b) => b.Length >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd;

    /// <summary>
    /// Decompresses a zstd frame (or frames back to back, RFC 8878 §3.1) in <paramref name="bytes"/> and scans what it
    /// holds whatever it is, as <see cref="TryInflateAndScan"/> does for gzip and zlib: at most
    /// <see cref="MaxInflatedBytes"/> per blob and what is left of <see cref="MaxInflatedPerScan"/> are read (the rest is
    /// reported as <see cref="CompressedUnscannedId"/>), with the decoder's window limited to
    /// 2^<see cref="ContentCodings.ZstdMaxWindowLog"/> bytes (RFC 9659 §3), so a bomb costs at most the window and the
    /// budget. A corrupt frame yields what decoded before the fault, as a corrupt gzip stream does; one that decodes to
    /// nothing is left to the caller (scanned as other bytes). A first frame whose window is larger than the limit
    /// cannot be read without that memory, and one that names a dictionary (RFC 8878 §3.1.1.1.3, Dictionary_ID; the
    /// engine has none) cannot be read at all: both are reported as <see cref="CompressedUnscannedId"/> (fail closed,
    /// as the <c>Content-Encoding: zstd</c> path refuses them). Findings span [<paramref name="s"/>, <paramref name="s"/> +
    /// <paramref name="length"/>) of the current text; their encoding is <paramref name="outer"/>+<c>compressed</c>
    /// (<c>compressed</c> when null).
    /// </summary>
    /// <returns>False when nothing was decompressed and nothing reported.</returns>
    private bool TryZstdAndScan(ReadOnlySpan<byte> bytes, int s, int length, string? outer, ref ScanState st, in Layer layer)
    {
        int limit = Math.Max(0, Math.Min(MaxInflatedBytes, MaxInflatedPerScan - st.Inflated));
        string chain = outer is null ? DlpEncodings.Compressed : outer + "+" + DlpEncodings.Compressed;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            int count = Unzstd(bytes, buffer, limit, out bool truncated, out bool unreadable);
            if (unreadable)
            {
                Report(ref st, layer, DlpFinding.TokenPatternsDetector, CompressedUnscannedId, s, length, chain,
                    $"zstd data whose frame needs a window over {(1 << ContentCodings.ZstdMaxWindowLog) / (1024 * 1024)} MiB (RFC 9659 allows 8 MB) or a dictionary the engine does not have, so it cannot be scanned");
                return true;
            }

            if (count == 0 && !truncated)
            {
                return false;
            }

            st.Inflated += count;
            if (truncated)
            {
                ReportCompressedUnscanned(ref st, layer, s, length, chain, count);
            }

            ScanDecoded(buffer.AsSpan(0, count), s, length, chain, ref st, layer, anyBytes: true);
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Decompresses zstd <paramref name="src"/> into <paramref name="dst"/>, at most <paramref name="limit"/> bytes, with
    /// <see cref="ContentCodings.Decoder"/> (ZstdSharp, window at most 2^<see cref="ContentCodings.ZstdMaxWindowLog"/>);
    /// <paramref name="truncated"/> says more data followed. Never throws for bad data: a corrupt frame, or data that ends
    /// inside one, yields what decoded before the fault; <paramref name="unreadable"/> says nothing decoded because the
    /// frame was refused for its window or needs a dictionary.
    /// </summary>
    private static int Unzstd(ReadOnlySpan<byte> src, byte[] dst, int limit, out bool truncated, out bool unreadable)
    {
        truncated = false;
        unreadable = false;
        int n = 0;
        try
        {
            using var input = new MemoryStream(src.ToArray(), writable: false);
            using var zstd = ContentCodings.Decoder("zstd", input)!;
            int read;
            while (n < limit && (read = zstd.Read(dst, n, limit - n)) > 0)
            {
                n += read;
            }

            truncated = n >= limit && zstd.Read(dst, n, 1) > 0;
        }
        catch (ZstdSharp.ZstdException ex) when (ex.Code is ZstdSharp.Unsafe.ZSTD_ErrorCode.ZSTD_error_frameParameter_windowTooLarge or ZstdSharp.Unsafe.ZSTD_ErrorCode.ZSTD_error_dictionary_wrong)
        {
            unreadable = n == 0;
        }
        catch (Exception ex) when (ex is ZstdSharp.ZstdException or IOException or InvalidDataException or InvalidOperationException)
        {
            // keep what decoded before the fault
        }

        return n;
    }
}
