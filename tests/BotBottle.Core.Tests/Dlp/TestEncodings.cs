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
}
