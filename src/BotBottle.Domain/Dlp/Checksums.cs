namespace BotBottle.Dlp;

/// <summary>Checksums used by token formats and card numbers.</summary>
internal static class Checksums
{
    private static readonly uint[] s_crcTable = BuildCrcTable();

    private const string Base62Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, as zlib's <c>crc32</c>) of the ASCII chars of <paramref name="text"/>.</summary>
    public static uint Crc32Ascii(ReadOnlySpan<char> text)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (char c in text)
        {
            crc = (crc >> 8) ^ s_crcTable[(crc ^ (byte)c) & 0xFF];
        }

        return ~crc;
    }

    /// <summary>
    /// Verifies the checksum of GitHub's 2021 token format and npm's: the last 6 characters are the CRC-32 of the
    /// random part (everything between the prefix and the checksum), base62-encoded (0-9A-Za-z) and left-padded with
    /// <c>0</c>. Sources: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/ and
    /// https://github.blog/2021-09-23-announcing-npms-new-access-token-format/.
    /// </summary>
    public static bool IsValidBase62Crc32(ReadOnlySpan<char> randomPart, ReadOnlySpan<char> checksum)
    {
        if (checksum.Length != 6)
        {
            return false;
        }

        ulong value = 0;
        foreach (char c in checksum)
        {
            int digit = Base62Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value * 62) + (ulong)digit;
        }

        return value == Crc32Ascii(randomPart);
    }

    /// <summary>Base62 (0-9A-Za-z) encoding of a CRC-32, left-padded to 6 characters; used to synthesise test tokens.</summary>
    public static string Base62Crc32(ReadOnlySpan<char> randomPart)
    {
        ulong value = Crc32Ascii(randomPart);
        Span<char> buffer = stackalloc char[6];
        for (int i = 5; i >= 0; i--)
        {
            buffer[i] = Base62Alphabet[(int)(value % 62)];
            value /= 62;
        }

        return new string(buffer);
    }

    /// <summary>The Luhn (mod 10) check of ISO/IEC 7812-1 Annex B over digit values (0–9, not ASCII characters).</summary>
    public static bool IsLuhnValid(ReadOnlySpan<byte> digits)
    {
        int sum = 0;
        bool doubleIt = false;
        for (int i = digits.Length - 1; i >= 0; i--)
        {
            int d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
