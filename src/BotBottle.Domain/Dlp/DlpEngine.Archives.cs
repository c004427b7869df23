using System.Buffers;

namespace BotBottle.Dlp;

/// <summary>
/// Red team 12, families 3 and 4: compressed files sent as raw bytes, and quoted-printable text.
/// <list type="bullet">
/// <item><b>Raw archives</b> (<c>curl -F file=@secrets.tar.gz</c>, <c>curl --data-binary @x.zip</c>): a body sent
/// without <c>Content-Encoding</c>, or a multipart part, whose bytes start with the magic of a gzip member
/// (<c>1f 8b 08</c>, RFC 1952 §2.3.1), a zlib stream (CMF <c>78</c> with a valid FCHECK, RFC 1950 §2.2) or a ZIP local
/// file header (<c>50 4b 03 04</c>, PKWARE APPNOTE.TXT §4.3.7) is decompressed and scanned as a layer: gzip and zlib as
/// <see cref="DlpEncodings.Compressed"/> (a tar archive inside is scanned as it is: its members are plain bytes between
/// 512-byte headers), each ZIP member (stored or deflated, at most <see cref="MaxZipEntries"/>) as
/// <see cref="DlpEncodings.Zip"/>. Decompression shares the inflate budget of the base64+compressed decoder
/// (<see cref="MaxInflatedBytes"/> per stream or member, <see cref="MaxInflatedPerScan"/> per request): a bomb costs at
/// most that, and what the budget cuts off (or members past <see cref="MaxZipEntries"/>) is reported as
/// <see cref="CompressedUnscannedId"/> rather than let through. bzip2 and xz are not in the base class library: they
/// are reported as <see cref="CompressedUnscannedId"/> (DlpEngine.CompressedLayers.cs).</item>
/// <item><b>Quoted-printable</b> (RFC 2045 §6.7): a stretch of 8+ <c>=XX</c> escapes (<c>qprint -e</c>, Python
/// <c>quopri</c>, with soft line breaks <c>=</c>CRLF), found only in the classifier's
/// <see cref="Candidate.Spelled"/> blocks (every <c>=XX</c> of printable ASCII starts a digit run, one mark each, so a
/// dense stretch always makes one: no cost per character on the hot path); and a multipart part with
/// <c>Content-Transfer-Encoding: quoted-printable</c>, decoded whole.</item>
/// </list>
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>ZIP members scanned per archive, at most; later members are reported as <see cref="CompressedUnscannedId"/>.</summary>
    internal const int MaxZipEntries = 256;

    /// <summary>Escapes a quoted-printable stretch needs before it is decoded (fewer are ordinary <c>a=12</c> text).</summary>
    private const int QpMinEscapes = 8;

    /// <summary>The longest quoted-printable stretch decoded at once (characters).</summary>
    private const int QpMaxStretch = 1 << 20;

    /// <summary>Do these bytes start with gzip, zlib, ZIP or zstd magic (see the type's remarks; zstd: DlpEngine.CompressedLayers.cs)? A cheap test of 2–4 bytes.</summary>
    private static bool ArchiveMagic(ReadOnlySpan<byte> b) =>
        b.Length >= 18 && ((b[0] == 0x1f && b[1] == 0x8b && b[2] == 8) || (b[0] == 0x50 && b[1] == 0x4b && b[2] == 3 && b[3] == 4)
            || (b[0] == 0x78 && b[1] is 0x01 or 0x5e or 0x9c or 0xda) || ZstdMagic(b));

    /// <summary>The same test on text whose characters are the bytes (Latin-1 or ASCII), as a multipart part is held.</summary>
    private static bool ArchiveMagic(ReadOnlySpan<char> c) =>
        c.Length >= 18 && ((c[0] == '\u001f' && c[1] == '\u008b' && c[2] == '\u0008') || (c[0] == 'P' && c[1] == 'K' && c[2] == '\u0003' && c[3] == '\u0004')
            || (c[0] == 'x' && c[1] is '\u0001' or '\u005e' or '\u009c' or '\u00da') || (c[0] == '(' && c[1] == '\u00b5' && c[2] == '/' && c[3] == '\u00fd'));

    /// <summary>
    /// Decompresses raw gzip, zlib, ZIP or zstd bytes (<see cref="ArchiveMagic(ReadOnlySpan{byte})"/>) and scans what they hold;
    /// findings span [<paramref name="s"/>, <paramref name="s"/> + <paramref name="length"/>) of the current text.
    /// </summary>
    /// <param name="bytes">The archive's bytes.</param>
    /// <param name="s">Start of the span in the current text.</param>
    /// <param name="length">Length of the span.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The current layer.</param>
    /// <param name="outer">The encoding chain the bytes came out of (<c>hex</c>, <c>base64+compressed</c>…), or null for bytes as sent.</param>
    /// <returns>False when nothing was decompressed: gzip or zlib magic that starts no stream (text such as <c>x^2</c>
    /// has zlib's <c>78 5e</c>), which the caller then scans as it would other bytes.</returns>
    private bool ScanRawArchive(ReadOnlySpan<byte> bytes, int s, int length, ref ScanState st, in Layer layer, string? outer = null)
    {
        if (bytes.Length >= 4 && bytes[0] == 0x50)
        {
            ScanZip(bytes, s, length, ref st, layer, outer is null ? DlpEncodings.Zip : outer + "+" + DlpEncodings.Zip);
            return true;
        }

        if (ZstdMagic(bytes))
        {
            return TryZstdAndScan(bytes, s, length, outer, ref st, layer); // DlpEngine.CompressedLayers.cs
        }

        return TryInflateAndScan(bytes, s, length, outer, ref st, layer); // DlpEngine.Deep.cs: gzip or zlib
    }

    /// <summary>
    /// Walks the local file headers of a ZIP archive (PKWARE APPNOTE.TXT §4.3.7: signature <c>50 4b 03 04</c>, general
    /// purpose flags at +6, method at +8, compressed size at +18, name and extra lengths at +26/+28, data at +30+n+m)
    /// from the start, without the central directory (a truncated archive is read as far as it goes): stored (method
    /// 0) members are scanned as they are, deflated (8) ones inflated (RFC 1951; the stream ends itself, so a member
    /// written with a data descriptor, flag bit 3, needs no size); an encrypted member (bit 0) or one of another method
    /// with data is reported as <see cref="CompressedUnscannedId"/> and ends the walk (r33). The next header follows the data, or is searched for when the size is unknown (bit 3, ZIP64).
    /// </summary>
    /// <param name="zip">The archive's bytes.</param>
    /// <param name="s">Start of the span in the current text.</param>
    /// <param name="length">Length of the span.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The current layer.</param>
    /// <param name="chain">The findings' encoding: <c>zip</c>, or the chain ending in it (<c>base64+zip</c>).</param>
    private void ScanZip(ReadOnlySpan<byte> zip, int s, int length, ref ScanState st, in Layer layer, string chain)
    {
        ReadOnlySpan<byte> signature = "PK\u0003\u0004"u8;
        int pos = 0;
        for (int entries = 0; pos >= 0 && pos + 30 <= zip.Length && zip[pos..].StartsWith(signature) && !st.Full; entries++)
        {
            if (entries == MaxZipEntries || st.Inflated >= MaxInflatedPerScan)
            {
                ReportCompressedUnscanned(ref st, layer, s, length, chain, st.Inflated);
                return;
            }

            int flags = zip[pos + 6] | (zip[pos + 7] << 8);
            int method = zip[pos + 8] | (zip[pos + 9] << 8);
            uint size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip[(pos + 18)..]);
            int nameLength = zip[pos + 26] | (zip[pos + 27] << 8);
            int extraLength = zip[pos + 28] | (zip[pos + 29] << 8);
            int data = pos + 30 + nameLength + extraLength;
            if (data > zip.Length)
            {
                return;
            }

            bool sizeKnown = (flags & 8) == 0 && size != uint.MaxValue && size <= (uint)(zip.Length - data);
            int dataEnd = sizeKnown ? data + (int)size : NextZipHeader(zip, data);
            if ((flags & 1) == 0 && method is 0 or 8)
            {
                int limit = Math.Min(MaxInflatedBytes, MaxInflatedPerScan - st.Inflated);
                int count;
                bool truncated;
                byte[] buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
                try
                {
                    if (method == 0)
                    {
                        count = Math.Min(limit, dataEnd - data);
                        truncated = dataEnd - data > limit;
                        zip[data..(data + count)].CopyTo(buffer);
                    }
                    else
                    {
                        count = Inflate(zip[data..dataEnd], Compression.Deflate, buffer, limit, out truncated);
                    }

                    st.Inflated += count;
                    if (truncated)
                    {
                        ReportCompressedUnscanned(ref st, layer, s, length, chain, count);
                    }

                    ScanDecoded(buffer.AsSpan(0, count), s, length, chain, ref st, layer, anyBytes: true);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            else if (dataEnd > data)
            {
                // r33: an encrypted member (zip -P, ZipCrypto or WinZip AES, method 99) or one compressed with a method
                // the engine has no decoder for (bzip2 12, LZMA 14, xz 95, PPMd 98…) cannot be read: fail closed, as
                // bzip2 and xz streams do, rather than let the archive through unread.
                Report(ref st, layer, DlpFinding.TokenPatternsDetector, CompressedUnscannedId, s, length, chain,
                    (flags & 1) != 0 || method == 99
                        ? "A ZIP member that is encrypted (APPNOTE.TXT §4.4.4 bit 0), so it cannot be scanned"
                        : $"A ZIP member compressed with method {method} (APPNOTE.TXT §4.4.5), which the engine cannot decompress (it reads stored and deflated members), so it cannot be scanned");
                return;
            }

            pos = sizeKnown ? dataEnd : NextZipHeader(zip, data);
        }
    }

    /// <summary>The next ZIP local file header at or after <paramref name="from"/>, or the end of the data.</summary>
    private static int NextZipHeader(ReadOnlySpan<byte> zip, int from)
    {
        int k = zip[from..].IndexOf("PK\u0003\u0004"u8);
        return k < 0 ? zip.Length : from + k;
    }

    /// <summary>A multipart part at [<paramref name="start"/>, <paramref name="end"/>) of the body text whose bytes start with archive magic: scan what it holds.</summary>
    private void ScanArchivePart(ReadOnlySpan<byte> body, ReadOnlySpan<char> chars, bool multiByte, int start, int end, ref ScanState st)
    {
        int bs = multiByte ? System.Text.Encoding.UTF8.GetByteCount(chars[..start]) : start;
        int be = multiByte ? bs + System.Text.Encoding.UTF8.GetByteCount(chars[start..end]) : end;
        if (be <= body.Length && ArchiveMagic(body[bs..be]))
        {
            ScanRawArchive(body[bs..be], start, end - start, ref st, Layer.Root);
        }
    }

    // ---- quoted-printable -------------------------------------------------------------------------------------------

    private static bool IsQpEscape(ReadOnlySpan<char> t, int i) =>
        i + 2 < t.Length && t[i] == '=' && char.IsAsciiHexDigit(t[i + 1]) && char.IsAsciiHexDigit(t[i + 2]);

    /// <summary>Length of a soft line break at <paramref name="i"/> (<c>=</c>, optional blanks, then CRLF or LF: RFC 2045 §6.7 rules 3 and 5), or 0.</summary>
    private static int QpSoftBreak(ReadOnlySpan<char> t, int i)
    {
        if (i >= t.Length || t[i] != '=')
        {
            return 0;
        }

        int k = i + 1;
        while (k < t.Length && k - i < 8 && t[k] is ' ' or '\t')
        {
            k++;
        }

        return k < t.Length && t[k] == '\n' ? k + 1 - i : k + 1 < t.Length && t[k] == '\r' && t[k + 1] == '\n' ? k + 2 - i : 0;
    }

    /// <summary>A character of a quoted-printable stretch found by density (<see cref="QuotedPrintableAt"/>): printable ASCII but blanks and quotes.</summary>
    private static bool IsQpStretchChar(char c) => c is > ' ' and < (char)0x7f and not ('"' or '\'' or '<' or '>' or '`');

    /// <summary>
    /// Decodes quoted-printable text (RFC 2045 §6.7): <c>=XX</c> is a byte, a soft line break is dropped, any other
    /// character is itself (characters above U+00FF as <c>?</c>). <paramref name="dst"/> holds at least as many bytes as <paramref name="src"/> has characters.
    /// </summary>
    private static int QuotedPrintableDecode(ReadOnlySpan<char> src, Span<byte> dst, out int escapes)
    {
        int n = 0;
        escapes = 0;
        for (int i = 0; i < src.Length;)
        {
            if (IsQpEscape(src, i))
            {
                dst[n++] = (byte)((QHexValue(src[i + 1]) << 4) | QHexValue(src[i + 2]));
                escapes++;
                i += 3;
            }
            else if (QpSoftBreak(src, i) is int br and > 0)
            {
                i += br;
            }
            else
            {
                dst[n++] = src[i] <= '\u00ff' ? (byte)src[i] : (byte)'?';
                i++;
            }
        }

        return n;
    }

    /// <summary>
    /// A quoted-printable stretch through the escape at <paramref name="i"/> (in a <see cref="Candidate.Spelled"/>
    /// block): from the start of its segment (not before <paramref name="floor"/>, at most 256 characters back) on
    /// while the characters are escapes, soft line breaks or <see cref="IsQpStretchChar"/>; with
    /// <see cref="QpMinEscapes"/>+ escapes it is decoded and scanned as a layer (encoding <c>quoted-printable</c>).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="i">The escape's <c>=</c>.</param>
    /// <param name="floor">The stretch does not start before this position.</param>
    /// <param name="st">Scan state.</param>
    /// <param name="layer">The text's layer.</param>
    /// <param name="decoded">True when the stretch had <see cref="QpMinEscapes"/>+ escapes and was decoded; false when it
    /// was only walked (the caller's other decoders still look at it: <c>d=103,104,…</c> starts like an escape, <c>=10</c>).</param>
    /// <returns>The end of the stretch walked (the caller's block cursor moves past it when <paramref name="decoded"/>).</returns>
    private int QuotedPrintableAt(ReadOnlySpan<char> text, int i, int floor, ref ScanState st, in Layer layer, out bool decoded)
    {
        int ss = i;
        while (ss > floor && i - ss < 256 && IsQpStretchChar(text[ss - 1]))
        {
            ss--;
        }

        int k = ss, escapes = 0;
        while (k < text.Length && k - ss < QpMaxStretch)
        {
            if (IsQpEscape(text, k))
            {
                escapes++;
                k += 3;
            }
            else if (QpSoftBreak(text, k) is int br and > 0)
            {
                k += br;
            }
            else if (IsQpStretchChar(text[k]))
            {
                k++;
            }
            else
            {
                break;
            }
        }

        decoded = escapes >= QpMinEscapes;
        if (decoded)
        {
            ScanQuotedPrintable(text[ss..k], ss, ref st, layer);
        }

        return k;
    }

    /// <summary>Decodes <paramref name="encoded"/> (at <paramref name="start"/> of the current text) as quoted-printable and scans the bytes as a layer.</summary>
    private void ScanQuotedPrintable(ReadOnlySpan<char> encoded, int start, ref ScanState st, in Layer layer)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, encoded.Length));
        try
        {
            int n = QuotedPrintableDecode(encoded, bytes, out int escapes);
            if (escapes > 0)
            {
                ScanDecoded(bytes.AsSpan(0, n), start, encoded.Length, DlpEncodings.QuotedPrintable, ref st, layer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
