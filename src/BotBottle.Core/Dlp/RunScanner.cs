using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace BotBottle.Dlp;

/// <summary>A growable list of ints rented from <see cref="ArrayPool{T}.Shared"/>. Dispose returns the array.</summary>
internal struct IntBuffer : IDisposable
{
    private int[]? _items;
    private int _count;

    public readonly int Count => _count;

    public readonly ReadOnlySpan<int> Span => _items is null ? default : _items.AsSpan(0, _count);

    public void Add(int a, int b)
    {
        if (_items is null || _count + 2 > _items.Length)
        {
            Grow();
        }

        _items![_count] = a;
        _items[_count + 1] = b;
        _count += 2;
    }

    public void Clear() => _count = 0;

    public void Dispose()
    {
        if (_items is not null)
        {
            ArrayPool<int>.Shared.Return(_items);
            _items = null;
        }

        _count = 0;
    }

    private void Grow()
    {
        var next = ArrayPool<int>.Shared.Rent(_items is null ? 256 : _items.Length * 2);
        if (_items is not null)
        {
            _items.AsSpan(0, _count).CopyTo(next);
            ArrayPool<int>.Shared.Return(_items);
        }

        _items = next;
    }
}

/// <summary>
/// The first stage of the DLP hot path: one vectorised pass that classifies 64 characters at a time into bit masks and
/// reports (1) runs of at least N "token characters" (<c>[A-Za-z0-9+/_-]</c>, the base64 and base64url alphabets,
/// which also covers hex and every token body), and (2) runs of digits, optionally grouped by single spaces or dashes,
/// of at least 13 characters (card number candidates). Every credential format, every base64/hex encoded form and
/// every card number lies in such a run, so the literal search only has to look inside them. Ordinary prose and JSON
/// punctuation cost a few vector instructions per 64 characters.
/// </summary>
internal static class RunScanner
{
    public const int CardMinRun = 13;

    /// <summary>Appends (start, end) pairs of token runs of length ≥ <paramref name="minToken"/> and, when asked, digit runs.</summary>
    public static void FindRuns(ReadOnlySpan<char> text, int minToken, ref IntBuffer tokenRuns, bool wantDigits, ref IntBuffer digitRuns)
    {
        int n = text.Length;
        int pendingTok = -1, pendingDig = -1;
        ulong prevDigitTop = 0;
        int i = 0;
        ref char r = ref MemoryMarshal.GetReference(text);
        while (i + 64 <= n)
        {
            Classify64(ref Unsafe.Add(ref r, i), out ulong tok, out ulong dig, out ulong sep);
            Process(tok, i, minToken, ref pendingTok, ref tokenRuns);
            if (wantDigits)
            {
                ulong nextDigit = i + 64 < n && char.IsAsciiDigit(Unsafe.Add(ref r, i + 64)) ? 1UL : 0UL;
                ulong card = dig | (sep & ((dig << 1) | prevDigitTop) & ((dig >> 1) | (nextDigit << 63)));
                prevDigitTop = dig >> 63;
                Process(card, i, CardMinRun, ref pendingDig, ref digitRuns);
            }

            i += 64;
        }

        if (i < n)
        {
            ulong tok = 0, dig = 0, sep = 0;
            for (int k = 0; i + k < n; k++)
            {
                char c = Unsafe.Add(ref r, i + k);
                if (IsTokenChar(c))
                {
                    tok |= 1UL << k;
                }

                if (char.IsAsciiDigit(c))
                {
                    dig |= 1UL << k;
                }

                if (c is ' ' or '-')
                {
                    sep |= 1UL << k;
                }
            }

            Process(tok, i, minToken, ref pendingTok, ref tokenRuns);
            if (wantDigits)
            {
                ulong card = dig | (sep & ((dig << 1) | prevDigitTop) & (dig >> 1));
                Process(card, i, CardMinRun, ref pendingDig, ref digitRuns);
            }
        }
        else
        {
            // The text ended on a block boundary: close runs that reach the end.
            Flush(n, minToken, ref pendingTok, ref tokenRuns);
            Flush(n, CardMinRun, ref pendingDig, ref digitRuns);
        }
    }

    /// <summary>The token alphabet: base64 ∪ base64url.</summary>
    public static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-';

    private static void Flush(int end, int minLen, ref int pending, ref IntBuffer runs)
    {
        if (pending >= 0 && end - pending >= minLen)
        {
            runs.Add(pending, end);
        }

        pending = -1;
    }

    /// <summary>Turns one 64-bit class mask into run events; <paramref name="pending"/> is the start of a run that reached the previous block's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Process(ulong m, int basePos, int minLen, ref int pending, ref IntBuffer runs)
    {
        if (m == 0)
        {
            if (pending >= 0)
            {
                Flush(basePos, minLen, ref pending, ref runs);
            }

            return;
        }

        if (m == ulong.MaxValue)
        {
            if (pending < 0)
            {
                pending = basePos;
            }

            return;
        }

        ProcessMixed(m, basePos, minLen, ref pending, ref runs);
    }

    private static void ProcessMixed(ulong m, int basePos, int minLen, ref int pending, ref IntBuffer runs)
    {
        int from = 0;
        if (pending >= 0)
        {
            int lead = BitOperations.TrailingZeroCount(~m);
            Flush(basePos + lead, minLen, ref pending, ref runs);
            from = lead;
        }

        ulong body = from == 0 ? m : m & (ulong.MaxValue << from);
        int trail = BitOperations.LeadingZeroCount(~m);
        if (trail > 0)
        {
            body &= ~(ulong.MaxValue << (64 - trail));
            pending = basePos + 64 - trail;
        }

        if (body != 0 && HasRun(body, minLen))
        {
            while (body != 0)
            {
                int s = BitOperations.TrailingZeroCount(body);
                ulong rest = ~body & (ulong.MaxValue << s);
                int e = rest == 0 ? 64 : BitOperations.TrailingZeroCount(rest);
                if (e - s >= minLen)
                {
                    runs.Add(basePos + s, basePos + e);
                }

                if (e >= 64)
                {
                    break;
                }

                body &= ulong.MaxValue << e;
            }
        }
    }

    /// <summary>True when <paramref name="x"/> has <paramref name="len"/> consecutive set bits (doubling AND-shift).</summary>
    private static bool HasRun(ulong x, int len)
    {
        int have = 1;
        while (have * 2 <= len)
        {
            x &= x >> have;
            have *= 2;
        }

        if (have < len)
        {
            x &= x >> (len - have);
        }

        return x != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify64(ref char p, out ulong tok, out ulong dig, out ulong sep)
    {
        ref ushort u = ref Unsafe.As<char, ushort>(ref p);
        if (Vector512.IsHardwareAccelerated)
        {
            var cap = Vector512.Create((ushort)0x80);
            var b = Vector512.Narrow(Vector512.Min(Vector512.LoadUnsafe(ref u), cap), Vector512.Min(Vector512.LoadUnsafe(ref u, 32), cap));
            var letters = Vector512.LessThan((b | Vector512.Create((byte)0x20)) - Vector512.Create((byte)'a'), Vector512.Create((byte)26));
            var digits = Vector512.LessThan(b - Vector512.Create((byte)'0'), Vector512.Create((byte)10));
            var dash = Vector512.Equals(b, Vector512.Create((byte)'-'));
            var specials = Vector512.Equals(b, Vector512.Create((byte)'+')) | Vector512.Equals(b, Vector512.Create((byte)'/'))
                | Vector512.Equals(b, Vector512.Create((byte)'_')) | dash;
            tok = (letters | digits | specials).ExtractMostSignificantBits();
            dig = digits.ExtractMostSignificantBits();
            sep = (dash | Vector512.Equals(b, Vector512.Create((byte)' '))).ExtractMostSignificantBits();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var cap = Vector256.Create((ushort)0x80);
            var b0 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref u), cap), Vector256.Min(Vector256.LoadUnsafe(ref u, 16), cap));
            var b1 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref u, 32), cap), Vector256.Min(Vector256.LoadUnsafe(ref u, 48), cap));
            Classify256(b0, out uint t0, out uint d0, out uint s0);
            Classify256(b1, out uint t1, out uint d1, out uint s1);
            tok = t0 | ((ulong)t1 << 32);
            dig = d0 | ((ulong)d1 << 32);
            sep = s0 | ((ulong)s1 << 32);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var cap = Vector128.Create((ushort)0x80);
            tok = dig = sep = 0;
            for (int k = 0; k < 4; k++)
            {
                var b = Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref u, (nuint)(k * 16)), cap), Vector128.Min(Vector128.LoadUnsafe(ref u, (nuint)((k * 16) + 8)), cap));
                Classify128(b, out uint t, out uint d, out uint s);
                tok |= (ulong)t << (k * 16);
                dig |= (ulong)d << (k * 16);
                sep |= (ulong)s << (k * 16);
            }
        }
        else
        {
            tok = dig = sep = 0;
            for (int k = 0; k < 64; k++)
            {
                char c = Unsafe.Add(ref p, k);
                tok |= IsTokenChar(c) ? 1UL << k : 0;
                dig |= char.IsAsciiDigit(c) ? 1UL << k : 0;
                sep |= c is ' ' or '-' ? 1UL << k : 0;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify256(Vector256<byte> b, out uint tok, out uint dig, out uint sep)
    {
        var letters = Vector256.LessThan((b | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26));
        var digits = Vector256.LessThan(b - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        var dash = Vector256.Equals(b, Vector256.Create((byte)'-'));
        var specials = Vector256.Equals(b, Vector256.Create((byte)'+')) | Vector256.Equals(b, Vector256.Create((byte)'/'))
            | Vector256.Equals(b, Vector256.Create((byte)'_')) | dash;
        tok = (letters | digits | specials).ExtractMostSignificantBits();
        dig = digits.ExtractMostSignificantBits();
        sep = (dash | Vector256.Equals(b, Vector256.Create((byte)' '))).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify128(Vector128<byte> b, out uint tok, out uint dig, out uint sep)
    {
        var letters = Vector128.LessThan((b | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)26));
        var digits = Vector128.LessThan(b - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var dash = Vector128.Equals(b, Vector128.Create((byte)'-'));
        var specials = Vector128.Equals(b, Vector128.Create((byte)'+')) | Vector128.Equals(b, Vector128.Create((byte)'/'))
            | Vector128.Equals(b, Vector128.Create((byte)'_')) | dash;
        tok = (letters | digits | specials).ExtractMostSignificantBits();
        dig = digits.ExtractMostSignificantBits();
        sep = (dash | Vector128.Equals(b, Vector128.Create((byte)' '))).ExtractMostSignificantBits();
    }
}
