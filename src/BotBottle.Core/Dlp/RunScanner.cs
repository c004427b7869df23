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

/// <summary>Kinds of single-position candidates the classifier reports.</summary>
internal static class Candidate
{
    public const int UrlAuthority = 0; // "://"
    public const int PemHeader = 1; // "-----BEGIN "
}

/// <summary>
/// The first stage of the DLP hot path: one vectorised pass that classifies 64 characters at a time into bit masks
/// (AVX-512, AVX2 or 128-bit SIMD, whichever the CPU has) and reports, in the same pass:
/// <list type="bullet">
/// <item>runs of at least N token characters (<c>[A-Za-z0-9+/_-]</c>: the base64 and base64url alphabets, which also
/// cover hex and every token body) — every credential anchor, every base64/hex encoded form and every token-shaped
/// secret lies in such a run, so the literal search only looks inside them;</item>
/// <item>digit runs, optionally grouped by single spaces or dashes, of at least 13 characters (card candidates);</item>
/// <item>positions of <c>://</c> and <c>-----BEGIN </c>;</item>
/// <item>the first character that may need a normalisation layer (<c>%</c>, a backslash escape, non-ASCII, and
/// <c>+</c> in form data).</item>
/// </list>
/// Text is processed in cache-sized chunks by the caller so that the follow-up work reads data that is still in L1.
/// </summary>
internal struct RunScanner
{
    public const int CardMinRun = 13;

    private readonly int _minToken;
    private readonly bool _digits;
    private readonly bool _form;
    private readonly bool _anyBackslash;
    private int _pendingTok;
    private int _pendingDig;
    private ulong _prevDigitTop;
    private int _firstTrigger;

    public RunScanner(int minToken, bool digits, bool form, bool anyBackslash = false)
    {
        _minToken = minToken > 64 ? 0 : minToken;
        _digits = digits;
        _form = form;
        _anyBackslash = anyBackslash;
        _pendingTok = -1;
        _pendingDig = -1;
        _firstTrigger = -1;
    }

    /// <summary>Position of the first character that may need a normalisation layer, or -1.</summary>
    public readonly int FirstTrigger => _firstTrigger;

    /// <summary>The token alphabet: base64 ∪ base64url.</summary>
    public static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-';

    /// <summary>
    /// Classifies [<paramref name="from"/>, <paramref name="to"/>) (from a multiple of 64; to a multiple of 64 or the
    /// end of the text) and appends completed runs and candidates. Call in order; the last call must end at the end of
    /// <paramref name="text"/> so that runs reaching the end are closed.
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, int from, int to, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        var st = new BlockState
        {
            MinToken = _minToken,
            Digits = _digits,
            PlusMask = _form ? ulong.MaxValue : 0,
            BackslashMask = _anyBackslash ? ulong.MaxValue : 0,
            PendingTok = _pendingTok,
            PendingDig = _pendingDig,
            PrevDigitTop = _prevDigitTop,
            FirstTrigger = _firstTrigger,
        };
        int b = from;
        int full = from + ((to - from) & ~63);
        if (b < full)
        {
            ScanFull(text, b, full, ref st, ref tokenRuns, ref digitRuns, ref candidates);
            b = full;
        }

        if (b < to)
        {
            // Final partial block: classify a zero-padded copy (NUL is in no class).
            Span<char> pad = stackalloc char[128];
            pad.Clear();
            text[b..to].CopyTo(pad);
            int nextIsDigit = to < text.Length && char.IsAsciiDigit(text[to]) ? 1 : 0;
            Classify(pad, 0, out var m);
            Block(b, in m, nextIsDigit, ref st, ref tokenRuns, ref digitRuns, ref candidates);
        }

        if (to == text.Length)
        {
            Flush(to, st.MinToken, ref st.PendingTok, ref tokenRuns);
            Flush(to, CardMinRun, ref st.PendingDig, ref digitRuns);
        }

        _pendingTok = st.PendingTok;
        _pendingDig = st.PendingDig;
        _prevDigitTop = st.PrevDigitTop;
        _firstTrigger = st.FirstTrigger;
    }

    private static void ScanFull(ReadOnlySpan<char> text, int from, int to, ref BlockState st, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        for (int b = from; b < to; b += 64)
        {
            int nextIsDigit = b + 64 < text.Length && char.IsAsciiDigit(text[b + 64]) ? 1 : 0;
            Classify(text, b, out var m);
            Block(b, in m, nextIsDigit, ref st, ref tokenRuns, ref digitRuns, ref candidates);
        }
    }

    private struct BlockState
    {
        public int MinToken;
        public bool Digits;
        public ulong PlusMask;
        public ulong BackslashMask;
        public int PendingTok;
        public int PendingDig;
        public ulong PrevDigitTop;
        public int FirstTrigger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block(int b, in Masks m, int nextIsDigit, ref BlockState st, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        if (st.MinToken != 0)
        {
            Process(m.Token, b, st.MinToken, ref st.PendingTok, ref tokenRuns);
        }

        if (st.Digits)
        {
            ulong dig = m.Digit;
            ulong card = dig | (m.Sep & ((dig << 1) | st.PrevDigitTop) & ((dig >> 1) | ((ulong)nextIsDigit << 63)));
            st.PrevDigitTop = dig >> 63;
            if (card != 0 || st.PendingDig >= 0)
            {
                Process(card, b, CardMinRun, ref st.PendingDig, ref digitRuns);
            }
        }

        // "://": a colon followed by two slashes; "-----B": five dashes then 'B'. Block edges are over-approximated
        // (the caller verifies every candidate).
        ulong url = m.Colon & ((m.Slash >> 1) | (1UL << 63));
        ulong d = m.Dash & ((m.Dash >> 1) | (1UL << 63));
        if ((url | d) != 0)
        {
            Rare(b, in m, url, d, ref candidates);
        }

        if (st.FirstTrigger < 0)
        {
            ulong trig = m.PercentOrNonAscii | (m.Plus & st.PlusMask) | (m.Backslash & ((m.EscapeNext >> 1) | (1UL << 63) | st.BackslashMask));
            if (trig != 0)
            {
                st.FirstTrigger = b + BitOperations.TrailingZeroCount(trig);
            }
        }
    }

    private static void Rare(int b, in Masks m, ulong url, ulong d, ref IntBuffer candidates)
    {
        url &= (m.Slash >> 2) | (3UL << 62);
        ulong dash = m.Dash;
        ulong pem = d & ((dash >> 2) | (3UL << 62)) & ((dash >> 3) | (7UL << 61)) & ((dash >> 4) | (15UL << 60)) & ((m.UpperB >> 5) | (31UL << 59));
        AddCandidates(url, Candidate.UrlAuthority, b, ref candidates);
        AddCandidates(pem, Candidate.PemHeader, b, ref candidates);
    }

    private static void AddCandidates(ulong mask, int kind, int b, ref IntBuffer candidates)
    {
        while (mask != 0)
        {
            candidates.Add(kind, b + BitOperations.TrailingZeroCount(mask));
            mask &= mask - 1;
        }
    }

    private static void Flush(int end, int minLen, ref int pending, ref IntBuffer runs)
    {
        if (pending >= 0 && end - pending >= minLen && minLen > 0)
        {
            runs.Add(pending, end);
        }

        pending = -1;
    }

    /// <summary>Bit i is set iff bits i..i+len-1 of <paramref name="m"/> are all set (8 ≤ len ≤ 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong RunBits(ulong m, int len)
    {
        ulong x = m & (m >> 1);
        x &= x >> 2;
        x &= x >> 4;
        return len > 8 ? x & (x >> (len - 8)) : x;
    }

    /// <summary>Turns one 64-bit class mask into run events; <paramref name="pending"/> is the start of a run that reached the previous block's end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Process(ulong m, int basePos, int minLen, ref int pending, ref IntBuffer runs)
    {
        if (pending >= 0)
        {
            if (m == ulong.MaxValue)
            {
                return;
            }

            int lead = BitOperations.TrailingZeroCount(~m);
            Flush(basePos + lead, minLen, ref pending, ref runs);
            m &= ulong.MaxValue << lead;
        }

        int trail = BitOperations.LeadingZeroCount(~m);
        if (RunBits(m, minLen) == 0)
        {
            pending = trail > 0 ? basePos + 64 - trail : -1;
            return;
        }

        ProcessSlow(m, basePos, minLen, trail, ref pending, ref runs);
    }

    private static void ProcessSlow(ulong m, int basePos, int minLen, int trail, ref int pending, ref IntBuffer runs)
    {
        ulong body = m;
        if (trail > 0)
        {
            pending = basePos + 64 - trail;
            body &= trail == 64 ? 0 : ~(ulong.MaxValue << (64 - trail));
        }

        // Visit only the long runs: a run of length R ≥ minLen sets R - minLen + 1 adjacent bits of RunBits; the
        // lowest of them is its start, and its end is the next clear bit of the mask.
        ulong x = RunBits(body, minLen);
        ulong starts = x & ~(x << 1);
        while (starts != 0)
        {
            int s = BitOperations.TrailingZeroCount(starts);
            int e = BitOperations.TrailingZeroCount(~body & (ulong.MaxValue << s)); // non-zero: the trailing run was removed
            runs.Add(basePos + s, basePos + e);
            starts &= starts - 1;
        }
    }

    /// <summary>Class masks of one 64-character block; bit i is character i.</summary>
    private struct Masks
    {
        public ulong Token;
        public ulong Digit;
        public ulong Sep;
        public ulong Dash;
        public ulong Colon;
        public ulong Slash;
        public ulong UpperB;
        public ulong PercentOrNonAscii;
        public ulong Backslash;
        public ulong EscapeNext;
        public ulong Plus;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(ReadOnlySpan<char> text, int at, out Masks m)
    {
        ref ushort u = ref Unsafe.As<char, ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(text), at));
        if (Vector512.IsHardwareAccelerated)
        {
            var cap = Vector512.Create((ushort)0x80);
            var b = Vector512.Narrow(Vector512.Min(Vector512.LoadUnsafe(ref u), cap), Vector512.Min(Vector512.LoadUnsafe(ref u, 32), cap));
            var letters = Vector512.LessThan((b | Vector512.Create((byte)0x20)) - Vector512.Create((byte)'a'), Vector512.Create((byte)26));
            var digits = Vector512.LessThan(b - Vector512.Create((byte)'0'), Vector512.Create((byte)10));
            var dash = Vector512.Equals(b, Vector512.Create((byte)'-'));
            var slash = Vector512.Equals(b, Vector512.Create((byte)'/'));
            var plus = Vector512.Equals(b, Vector512.Create((byte)'+'));
            var underscore = Vector512.Equals(b, Vector512.Create((byte)'_'));
            m.Token = (letters | digits | dash | slash | plus | underscore).ExtractMostSignificantBits();
            m.Digit = digits.ExtractMostSignificantBits();
            m.Dash = dash.ExtractMostSignificantBits();
            m.Sep = (dash | Vector512.Equals(b, Vector512.Create((byte)' '))).ExtractMostSignificantBits();
            m.Slash = slash.ExtractMostSignificantBits();
            m.Plus = plus.ExtractMostSignificantBits();
            m.Colon = Vector512.Equals(b, Vector512.Create((byte)':')).ExtractMostSignificantBits();
            m.UpperB = Vector512.Equals(b, Vector512.Create((byte)'B')).ExtractMostSignificantBits();
            m.PercentOrNonAscii = (Vector512.Equals(b, Vector512.Create((byte)'%')) | Vector512.Equals(b, Vector512.Create((byte)0x80))).ExtractMostSignificantBits();
            m.Backslash = Vector512.Equals(b, Vector512.Create((byte)'\\')).ExtractMostSignificantBits();
            m.EscapeNext = m.Backslash == 0 ? 0 : (Vector512.Equals(b, Vector512.Create((byte)'u')) | Vector512.Equals(b, Vector512.Create((byte)'x')) | slash).ExtractMostSignificantBits();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var cap = Vector256.Create((ushort)0x80);
            var b0 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref u), cap), Vector256.Min(Vector256.LoadUnsafe(ref u, 16), cap));
            var b1 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref u, 32), cap), Vector256.Min(Vector256.LoadUnsafe(ref u, 48), cap));
            Classify256(b0, out var lo);
            Classify256(b1, out var hi);
            m = Combine(in lo, in hi, 32);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var cap = Vector128.Create((ushort)0x80);
            m = default;
            for (int k = 0; k < 4; k++)
            {
                var b = Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref u, (nuint)(k * 16)), cap), Vector128.Min(Vector128.LoadUnsafe(ref u, (nuint)((k * 16) + 8)), cap));
                Classify128(b, out var part);
                m = Combine(in m, in part, k * 16);
            }
        }
        else
        {
            m = default;
            for (int k = 0; k < 64; k++)
            {
                char c = text[at + k];
                ulong bit = 1UL << k;
                m.Token |= IsTokenChar(c) ? bit : 0;
                m.Digit |= char.IsAsciiDigit(c) ? bit : 0;
                m.Dash |= c == '-' ? bit : 0;
                m.Sep |= c is ' ' or '-' ? bit : 0;
                m.Slash |= c == '/' ? bit : 0;
                m.Plus |= c == '+' ? bit : 0;
                m.Colon |= c == ':' ? bit : 0;
                m.UpperB |= c == 'B' ? bit : 0;
                m.PercentOrNonAscii |= c == '%' || c >= 0x80 ? bit : 0;
                m.Backslash |= c == '\\' ? bit : 0;
                m.EscapeNext |= c is 'u' or 'x' or '/' ? bit : 0;
            }
        }
    }

    private static Masks Combine(in Masks low, in Masks high, int shift) => new()
    {
        Token = low.Token | (high.Token << shift),
        Digit = low.Digit | (high.Digit << shift),
        Sep = low.Sep | (high.Sep << shift),
        Dash = low.Dash | (high.Dash << shift),
        Colon = low.Colon | (high.Colon << shift),
        Slash = low.Slash | (high.Slash << shift),
        UpperB = low.UpperB | (high.UpperB << shift),
        PercentOrNonAscii = low.PercentOrNonAscii | (high.PercentOrNonAscii << shift),
        Backslash = low.Backslash | (high.Backslash << shift),
        EscapeNext = low.EscapeNext | (high.EscapeNext << shift),
        Plus = low.Plus | (high.Plus << shift),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify256(Vector256<byte> b, out Masks m)
    {
        var letters = Vector256.LessThan((b | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26));
        var digits = Vector256.LessThan(b - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
        var dash = Vector256.Equals(b, Vector256.Create((byte)'-'));
        var slash = Vector256.Equals(b, Vector256.Create((byte)'/'));
        var plus = Vector256.Equals(b, Vector256.Create((byte)'+'));
        var underscore = Vector256.Equals(b, Vector256.Create((byte)'_'));
        m.Token = (letters | digits | dash | slash | plus | underscore).ExtractMostSignificantBits();
        m.Digit = digits.ExtractMostSignificantBits();
        m.Dash = dash.ExtractMostSignificantBits();
        m.Sep = (dash | Vector256.Equals(b, Vector256.Create((byte)' '))).ExtractMostSignificantBits();
        m.Slash = slash.ExtractMostSignificantBits();
        m.Plus = plus.ExtractMostSignificantBits();
        m.Colon = Vector256.Equals(b, Vector256.Create((byte)':')).ExtractMostSignificantBits();
        m.UpperB = Vector256.Equals(b, Vector256.Create((byte)'B')).ExtractMostSignificantBits();
        m.PercentOrNonAscii = (Vector256.Equals(b, Vector256.Create((byte)'%')) | Vector256.Equals(b, Vector256.Create((byte)0x80))).ExtractMostSignificantBits();
        m.Backslash = Vector256.Equals(b, Vector256.Create((byte)'\\')).ExtractMostSignificantBits();
        m.EscapeNext = m.Backslash == 0 ? 0 : (Vector256.Equals(b, Vector256.Create((byte)'u')) | Vector256.Equals(b, Vector256.Create((byte)'x')) | slash).ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify128(Vector128<byte> b, out Masks m)
    {
        var letters = Vector128.LessThan((b | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)26));
        var digits = Vector128.LessThan(b - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
        var dash = Vector128.Equals(b, Vector128.Create((byte)'-'));
        var slash = Vector128.Equals(b, Vector128.Create((byte)'/'));
        var plus = Vector128.Equals(b, Vector128.Create((byte)'+'));
        var underscore = Vector128.Equals(b, Vector128.Create((byte)'_'));
        m.Token = (letters | digits | dash | slash | plus | underscore).ExtractMostSignificantBits();
        m.Digit = digits.ExtractMostSignificantBits();
        m.Dash = dash.ExtractMostSignificantBits();
        m.Sep = (dash | Vector128.Equals(b, Vector128.Create((byte)' '))).ExtractMostSignificantBits();
        m.Slash = slash.ExtractMostSignificantBits();
        m.Plus = plus.ExtractMostSignificantBits();
        m.Colon = Vector128.Equals(b, Vector128.Create((byte)':')).ExtractMostSignificantBits();
        m.UpperB = Vector128.Equals(b, Vector128.Create((byte)'B')).ExtractMostSignificantBits();
        m.PercentOrNonAscii = (Vector128.Equals(b, Vector128.Create((byte)'%')) | Vector128.Equals(b, Vector128.Create((byte)0x80))).ExtractMostSignificantBits();
        m.Backslash = Vector128.Equals(b, Vector128.Create((byte)'\\')).ExtractMostSignificantBits();
        m.EscapeNext = m.Backslash == 0 ? 0 : (Vector128.Equals(b, Vector128.Create((byte)'u')) | Vector128.Equals(b, Vector128.Create((byte)'x')) | slash).ExtractMostSignificantBits();
    }
}
