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
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Do <paramref name="b"/> start with bzip2 or xz magic (see the type's remarks)? Both need at least 10 bytes.</summary>
    internal static bool UnreadableCompressionMagic(ReadOnlySpan<byte> b) =>
        b.Length >= 10 && ((b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] is >= (byte)'1' and <= (byte)'9'
            && (b[4..10].SequenceEqual("\u0031\u0041\u0059\u0026\u0053\u0059"u8) || b[4..10].SequenceEqual((ReadOnlySpan<byte>)[0x17, 0x72, 0x45, 0x38, 0x50, 0x90])))
            || b[..6].SequenceEqual((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]));

    /// <summary>The same test on text whose characters are the bytes (a multipart part held as Latin-1).</summary>
    private static bool UnreadableCompressionMagic(ReadOnlySpan<char> c)
    {
        if (c.Length < 10)
        {
            return false;
        }

        Span<byte> b = stackalloc byte[10];
        for (int i = 0; i < 10; i++)
        {
            if (c[i] > '\u00ff')
            {
                return false;
            }

            b[i] = (byte)c[i];
        }

        return UnreadableCompressionMagic(b);
    }

    /// <summary>
    /// Do the first (up to 4) bytes start a gzip member (<c>1f 8b 08</c>), a zlib stream (<c>78 01/5e/9c/da</c>), a ZIP
    /// local file header (<c>50 4b 03 04</c>), bzip2 (<c>42 5a 68</c> + digit) or xz (<c>fd 37 7a 58</c>)? The cheap
    /// collection test on the first bytes a hex or base32 run decodes to; the decoder checks the whole magic.
    /// </summary>
    private static bool CompressedStart(ReadOnlySpan<byte> b) =>
        b.Length >= 4 && ((b[0] == 0x1f && b[1] == 0x8b && b[2] == 8) || (b[0] == 0x78 && b[1] is 0x01 or 0x5e or 0x9c or 0xda)
            || (b[0] == 0x50 && b[1] == 0x4b && b[2] == 3 && b[3] == 4) || (b[0] == 0x42 && b[1] == 0x5a && b[2] == 0x68 && b[3] is >= 0x31 and <= 0x39)
            || (b[0] == 0xfd && b[1] == 0x37 && b[2] == 0x7a && b[3] == 0x58));

    /// <summary>A hex run of compressed data: its first 8 digits decode to <see cref="CompressedStart(ReadOnlySpan{byte})"/> (a first-character test first).</summary>
    private static bool CompressedHexStart(ReadOnlySpan<char> s)
    {
        if (s.Length < DeepMinHex || s[0] is not ('1' or '7' or '5' or '4' or 'f' or 'F'))
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
        return s.Length >= DeepMinBase32 && s[0] is 'D' or 'P' or 'K' or 'I' or '7' or 'd' or 'p' or 'k' or 'i' && Base32Decode(s[..8], b) == 5 && CompressedStart(b);
    }

    /// <summary>
    /// Base64 of a ZIP local file header (<c>50 4b 03 04</c>: "UEsDB"), bzip2 (<c>BZh</c>: "Qlpo") or xz
    /// (<c>fd 37 7a 58 5a 00</c>: "/Td6WFo"): collected like gzip's "H4sI" (<see cref="CompressedBase64Start"/>).
    /// </summary>
    private static bool ArchiveBase64Start(ReadOnlySpan<char> s) =>
        s.Length >= 24 && (s.StartsWith("UEsDB", StringComparison.Ordinal) || s.StartsWith("Qlpo", StringComparison.Ordinal) || s.StartsWith("/Td6WFo", StringComparison.Ordinal));

    /// <summary>
    /// Bytes a decoder produced (hex, base32, base64, or a decompression) that are compressed data: gzip, zlib or ZIP
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
            "Compressed data in a format the engine cannot decompress (bzip2 or xz), so it cannot be scanned");
}
