using System.Buffers;
using System.Numerics;

namespace BotBottle.Dlp;

/// <summary>
/// Bytes written as numbers (fifteenth issue-16 round, red team 12's B43, J16 and J17): the bits of each byte
/// (<c>01000001 01001011 …</c>, Python <c>' '.join(format(b, '08b') for b in data)</c>, <c>xxd -b</c>'s digits), the
/// whole data read as one big-endian integer written in decimal (Python <c>int.from_bytes(data, 'big')</c>), and
/// base58 (the Bitcoin alphabet, draft-msporny-base58-03 §2: <c>123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz</c>,
/// the data as one big-endian number in radix 58, each leading zero byte a leading <c>1</c>).
/// <list type="bullet">
/// <item>Binary and decimal ride on the digit runs the run scanner already collects for card numbers (11+ characters,
/// single blanks, dashes or dots allowed between them: <see cref="RunScanner.CardMinRun"/>): a run is tried as bits when
/// its first eight characters are <c>0</c> and <c>1</c>, and as an integer when it is <see cref="DecimalMinDigits"/>+
/// digits and nothing else. Card numbers, phone numbers, timestamps and ids fail at once.</item>
/// <item>Base58 rides on the token runs collected for base64 and base32 (<see cref="CollectOtherEncodings"/>): a run of
/// <see cref="Base58MinChars"/>–<see cref="Base58MaxChars"/> characters, all of the base58 alphabet and not all hex
/// digits.</item>
/// </list>
/// The bytes are then scanned as a layer one level deeper (<see cref="ScanDecoded"/>: only when they are 90 % text), so
/// a number that is only a number (an RSA modulus in decimal, a bitmask, a Bitcoin address) adds no finding. Each
/// decoder is linear or, for the radix conversions, quadratic in a run bounded by <see cref="RadixMaxChars"/>.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>A base58 blob collected by <see cref="CollectOtherEncodings"/>.</summary>
    private const int KindBase58 = 4;

    /// <summary>The fewest bytes written as bits that are decoded (8 binary digits each).</summary>
    private const int BinaryMinBytes = 10;

    /// <summary>The fewest decimal digits read as one integer: 10 bytes and more (2^80 has 25 digits).</summary>
    private const int DecimalMinDigits = 24;

    /// <summary>The shortest base58 run decoded (characters; about 22 bytes).</summary>
    private const int Base58MinChars = 30;

    /// <summary>The longest base58 run decoded (characters).</summary>
    private const int Base58MaxChars = 512;

    /// <summary>The longest decimal run read as one integer (characters): the radix conversion is quadratic.</summary>
    private const int RadixMaxChars = 4096;

    /// <summary>The base58 alphabet (draft-msporny-base58-03 §2; Bitcoin's).</summary>
    private const string Base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    private static readonly SearchValues<char> Base58Chars = SearchValues.Create(Base58Alphabet);

    /// <summary>
    /// A digit run [<paramref name="s"/>, <paramref name="e"/>) of the run scanner's card candidates: decoded as bits
    /// or as a decimal integer when it has their shape (see the type's remarks).
    /// </summary>
    private void ScanNumberRun(ReadOnlySpan<char> text, int s, int e, ref ScanState st, in Layer layer)
    {
        var run = text[s..e];
        if (run.Length >= 8 * BinaryMinBytes && run[0] is '0' or '1' && !run[..8].ContainsAnyExcept('0', '1'))
        {
            ScanBinaryOctets(run, s, ref st, layer);
        }

        // Also when it started like bits (a zero-padded integer starts with eight 0s): one integer, its leading zeros skipped.
        if (run.Length >= DecimalMinDigits && run.Length <= RadixMaxChars && !run.ContainsAnyExceptInRange('0', '9') && run.Length - run.IndexOfAnyExcept('0') >= DecimalMinDigits)
        {
            var n = BigInteger.Parse(run, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
            ScanDecoded(n.ToByteArray(isUnsigned: true, isBigEndian: true), s, run.Length, DlpEncodings.DecimalInteger, ref st, layer);
        }
    }

    /// <summary>
    /// Groups of eight binary digits, the most significant bit first, each followed by the same separator (a blank,
    /// dash or dot) or by none: decoded while the shape holds, and scanned when <see cref="BinaryMinBytes"/>+ bytes.
    /// </summary>
    private void ScanBinaryOctets(ReadOnlySpan<char> run, int s, ref ScanState st, in Layer layer)
    {
        int step = run.Length > 8 && run[8] is ' ' or '-' or '.' ? 9 : 8;
        char sep = step == 9 ? run[8] : '\0';
        byte[] bytes = ArrayPool<byte>.Shared.Rent((run.Length / 8) + 1);
        try
        {
            int n = 0;
            for (int i = 0; i + 8 <= run.Length; i += step)
            {
                int b = 0;
                for (int k = 0; k < 8; k++)
                {
                    char c = run[i + k];
                    if (c is not ('0' or '1'))
                    {
                        goto done;
                    }

                    b = (b << 1) | (c - '0');
                }

                bytes[n++] = (byte)b;
                if (step == 9 && i + 8 < run.Length && run[i + 8] != sep)
                {
                    break; // another separator: the groups end here
                }
            }

        done:
            if (n >= BinaryMinBytes)
            {
                ScanDecoded(bytes.AsSpan(0, n), s, Math.Min(run.Length, n * step), DlpEncodings.Binary, ref st, layer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Are the first three bytes of the base58 number <paramref name="digits"/> (no leading <c>1</c>) printable? The
    /// value is v·58^(n−8), v its first 8 digits (exact in a double: 58^8 &lt; 2^53); with x = log2 of it, the top 24
    /// bits are 2^(16 + (x mod 8)). A double's error in x (about 10^-12 for n ≤ 512) is far below one part in 2^24.
    /// </summary>
    private static bool Base58PrintableStart(ReadOnlySpan<char> digits)
    {
        if (digits.Length < 8)
        {
            return true; // short: converted as is
        }

        double v = 0;
        for (int k = 0; k < 8; k++)
        {
            v = (v * 58) + Base58Alphabet.IndexOf(digits[k], StringComparison.Ordinal);
        }

        double x = Math.Log2(v) + ((digits.Length - 8) * Math.Log2(58));
        double f = x - (8 * Math.Floor(x / 8));
        int top = (int)Math.Pow(2, 16 + f); // the number's top 24 bits, its first byte in the highest 8
        return IsPrintable((top >> 16) & 0xFF) && IsPrintable((top >> 8) & 0xFF) && IsPrintable(top & 0xFF);
    }

    /// <summary>A token run that may be base58 (see the type's remarks): its length, alphabet, and not all hex digits.</summary>
    private static bool MayBeBase58(ReadOnlySpan<char> piece) =>
        piece.Length is >= Base58MinChars and <= Base58MaxChars && !piece.ContainsAnyExcept(Base58Chars) && piece.ContainsAnyExcept(HexDigits);

    /// <summary>
    /// Decodes a base58 blob collected by <see cref="CollectOtherEncodings"/> and scans the text it holds — when the first
    /// three bytes of the number, estimated from its first 8 digits and its length, are printable
    /// (<see cref="Base58PrintableStart"/>): random runs, most of which fail there, are not converted.
    /// </summary>
    private void ScanBase58(ReadOnlySpan<char> piece, int s, ref ScanState st, in Layer layer)
    {
        var n = BigInteger.Zero;
        int zeros = 0;
        while (zeros < piece.Length && piece[zeros] == '1')
        {
            zeros++;
        }

        if (!Base58PrintableStart(piece[zeros..]))
        {
            return;
        }

        foreach (char c in piece)
        {
            n = (n * 58) + Base58Alphabet.IndexOf(c, StringComparison.Ordinal);
        }

        byte[] value = n.IsZero ? [] : n.ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] bytes = new byte[zeros + value.Length];
        value.CopyTo(bytes, zeros);
        ScanDecoded(bytes, s, piece.Length, DlpEncodings.Base58, ref st, layer);
    }
}
