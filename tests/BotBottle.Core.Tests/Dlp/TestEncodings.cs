using System.IO.Compression;
using System.Text;

namespace BotBottle.Tests.Dlp;

/// <summary>
/// Encoders the DLP tests build their bodies with, written from the formats (or with the .NET base class library's own
/// streams), never with the product's decoders: gzip (RFC 1952), zlib (RFC 1950), ZIP (PKWARE APPNOTE) and base32
/// (RFC 4648 §6).
/// </summary>
internal static class TestEncodings
{
    /// <summary>A gzip member of <paramref name="data"/> (<see cref="GZipStream"/>).</summary>
    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>A zlib stream of <paramref name="data"/> (<see cref="ZLibStream"/>).</summary>
    public static byte[] Zlib(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal))
        {
            z.Write(data);
        }

        return ms.ToArray();
    }

    /// <summary>A ZIP archive with one deflated member per entry (<see cref="ZipArchive"/>).</summary>
    public static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(data);
            }
        }

        return ms.ToArray();
    }

    /// <summary>RFC 4648 §6 base32 padded with <c>=</c> to a multiple of 8, as coreutils <c>base32</c> writes it; lower-cased when asked.</summary>
    public static string Base32(byte[] data, bool lower = false)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var sb = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            sb.Append(alphabet[(buffer << (5 - bits)) & 31]);
        }

        while (sb.Length % 8 != 0)
        {
            sb.Append('=');
        }

        return lower ? sb.ToString().ToLowerInvariant() : sb.ToString();
    }

    /// <summary>The RFC 1924 §4 base85 alphabet in value order (as Python's <c>base64.b85encode</c> uses it).</summary>
    private const string Rfc1924Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";

    /// <summary>
    /// Base85 of <paramref name="data"/>: groups of 4 bytes as a 32-bit big-endian number written as 5 base-85 digits,
    /// most significant first; a final group of k bytes is zero-padded and written as k + 1 digits. RFC 1924 §4's
    /// alphabet (Python <c>base64.b85encode</c>) when <paramref name="rfc1924"/>, else Ascii85's <c>!</c>–<c>u</c>
    /// without <c>z</c> or delimiters (PostScript Language Reference 3rd ed. §3.13.3; Python <c>base64.a85encode</c>),
    /// wrapped every <paramref name="wrap"/> characters when it is positive.
    /// </summary>
    public static string Base85(byte[] data, bool rfc1924 = true, int wrap = 0)
    {
        var sb = new StringBuilder();
        Span<char> digits = stackalloc char[5];
        for (int i = 0; i < data.Length; i += 4)
        {
            int k = Math.Min(4, data.Length - i);
            uint v = 0;
            for (int j = 0; j < 4; j++)
            {
                v = (v << 8) | (j < k ? data[i + j] : 0u);
            }

            for (int d = 4; d >= 0; d--)
            {
                int x = (int)(v % 85);
                digits[d] = rfc1924 ? Rfc1924Alphabet[x] : (char)('!' + x);
                v /= 85;
            }

            sb.Append(digits[..(k + 1)]);
        }

        string s = sb.ToString();
        return wrap > 0 ? string.Join('\n', s.Chunk(wrap).Select(c => new string(c))) : s;
    }

    /// <summary>
    /// uuencode lines of <paramref name="data"/> (POSIX.1-2017 <c>uuencode</c>, historical algorithm): lines of up to 45
    /// bytes, each a length character (0x20 + n) and 4 characters per 3 bytes, each 0x20 + a 6-bit value; a zero value
    /// is written as <c>`</c> when <paramref name="backtick"/> (GNU sharutils), else as a space. Only the data lines:
    /// no <c>begin</c> header, no terminating line.
    /// </summary>
    public static string UuLines(byte[] data, bool backtick = false)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < data.Length; i += 45)
        {
            int n = Math.Min(45, data.Length - i);
            sb.Append((char)(' ' + n));
            for (int j = 0; j < n; j += 3)
            {
                int v = 0;
                for (int b = 0; b < 3; b++)
                {
                    v = (v << 8) | (j + b < n ? data[i + j + b] : 0);
                }

                for (int q = 3; q >= 0; q--)
                {
                    int x = (v >> (6 * q)) & 63;
                    sb.Append(x == 0 && backtick ? '`' : (char)(' ' + x));
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }
}
