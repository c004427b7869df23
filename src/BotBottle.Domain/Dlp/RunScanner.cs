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
    public const int Spelled = 2; // a 64-character block dense in isolated token characters or digit runs (RunScanner.SpelledMarks)
}

/// <summary>
/// The first stage of the DLP hot path: one vectorised pass that classifies 64 characters at a time into bit masks
/// (AVX-512, AVX2 or 128-bit SIMD, whichever the CPU has) and reports, in the same pass:
/// <list type="bullet">
/// <item>runs of at least N token characters (<c>[A-Za-z0-9+/_-]</c>: the base64 and base64url alphabets, which also
/// cover hex and every token body) — every credential anchor, every base64/hex encoded form and every token-shaped
/// secret lies in such a run, so the literal search only looks inside them;</item>
/// <item>digit runs, optionally grouped by single spaces, dashes or dots, of at least <see cref="CardMinRun"/> characters
/// (card candidates, 13+ digits; <see cref="BuiltInRules.FindCards"/> takes dots only in the groupings 4-4-4-4 and 4-6-5;
/// the digits of a grouped IBAN, read back from the run's start; grouped SSNs);</item>
/// <item>positions of <c>://</c> and <c>-----BEGIN </c>;</item>
/// <item>the first character that may need a normalisation layer (<c>%</c>, a backslash escape, non-ASCII, and
/// <c>+</c> in form data).</item>
/// </list>
/// Text is processed in cache-sized chunks by the caller so that the follow-up work reads data that is still in L1.
/// </summary>
internal struct RunScanner
{
    /// <summary>
    /// Shortest digit run reported, in characters with its separators: 11 (r32 round; 13 before). A card has 13+
    /// digits; a Dutch IBAN printed in groups (<c>NL91 ABNA 0417 1643 00</c>, ISO 13616-1 print form; the BBAN is a
    /// 4-letter bank code and 10 digits) ends in a run of exactly 12, which <c>DlpEngine.CheckGroupedIban</c> reads back
    /// to the country code; a grouped US SSN (<c>491-90-6819</c>) is a run of exactly 11 (<c>DlpEngine.CheckDashedSsn</c>).
    /// </summary>
    public const int CardMinRun = 11;

    private readonly int _minToken;
    private readonly bool _digits;
    private readonly bool _form;
    private readonly bool _anyBackslash;
    private int _pendingTok;
    private int _pendingDig;
    private ulong _prevDigitTop;
    private int _firstTrigger;
    private ulong[]? _slashBits;

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

    /// <summary>
    /// A position bitmap filled by the same pass (bit <c>i &amp; 63</c> of word <c>i &gt;&gt; 6</c> stands for text position
    /// <c>i</c>; the array holds at least <see cref="BitmapWords"/> words for the text): <paramref name="slashBits"/> gets
    /// every <c>/</c>. Null: not collected.
    /// </summary>
    public void CollectBitmaps(ulong[]? slashBits) => _slashBits = slashBits;

    /// <summary>
    /// The seed-phrase break mask of one 64-character block: a phrase of BIP-39 words (3–8 letters <c>a</c>–<c>z</c>
    /// each, separated by <c>,</c>/<c>\r</c> and a space, tab or newline) holds none of these positions, so the probe
    /// pass walks words only inside a break-free stretch long enough for 12 words. Set: every character other than
    /// <c>a</c>–<c>z</c> and the five separator characters, the first letter of a word of one or two letters, and each
    /// letter that starts nine letters in a row. Words that cross the block's end are never marked (the next block is
    /// unknown here), so the mask can only under-mark: it never hides a phrase.
    /// </summary>
    /// <param name="lower">Bits of the block's <c>a</c>–<c>z</c>.</param>
    /// <param name="separators">Bits of its commas and of its characters up to the space (the separators' space, tab, newline and carriage return, and the other control characters: more than needed, which only under-marks).</param>
    /// <param name="prevLowerTop">In: 1 when the previous block's last character is a letter <c>a</c>–<c>z</c>; out: the same for this block.</param>
    /// <returns>The break bits.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SeedBreaks(ulong lower, ulong separators, ref ulong prevLowerTop)
    {
        ulong starts = lower & ~((lower << 1) | prevLowerTop);
        prevLowerTop = lower >> 63;
        ulong shortWords = starts & ~(((lower >> 1) | (1UL << 63)) & ((lower >> 2) | (3UL << 62)));
        ulong nine = lower & (lower >> 1);
        nine &= nine >> 2;
        nine &= nine >> 4;
        nine &= lower >> 8;
        return ~(lower | separators) | shortWords | nine;
    }

    /// <summary>
    /// Fills <paramref name="breaks"/> with the seed-phrase break mask (<see cref="SeedBreaks"/>) of
    /// [<paramref name="from"/>, <paramref name="to"/>): <paramref name="from"/> a multiple of 64, <paramref name="to"/>
    /// a multiple of 64 or the end of the text. Call chunk by chunk in order, right after <see cref="Scan"/> on the same
    /// chunk (the characters are still in L1), carrying <paramref name="prevLowerTop"/> from call to call (0 at first).
    /// A pass of its own rather than more masks in the classifier's loop, whose state already fills the registers.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="from">First position.</param>
    /// <param name="to">End position.</param>
    /// <param name="breaks">The bitmap (at least <see cref="BitmapWords"/> words for the text).</param>
    /// <param name="prevLowerTop">The carry between blocks.</param>
    /// <param name="capitals">
    /// Empty, or a second bitmap (as long as <paramref name="breaks"/>) that gets the positions of <c>A</c>–<c>Z</c>: the
    /// gate of the case-folded seed probe (r29 round, <c>DlpEngine.FoldedSeeds.cs</c>), whose own break mask
    /// (<see cref="FoldedBreaksAt"/>) is computed only for the blocks it reads.
    /// </param>
    public static void FillSeedBreaks(ReadOnlySpan<char> text, int from, int to, Span<ulong> breaks, ref ulong prevLowerTop, Span<ulong> capitals)
    {
        int full = from + ((to - from) & ~63);
        bool caps = !capitals.IsEmpty;
        ulong lowerTop = prevLowerTop; // a local: kept in a register across the loop
        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        for (int i = from; i < full; i += 64)
        {
            SeedBlock(ref r, i, out ulong lower, out ulong letters, out ulong seps);
            breaks[i >> 6] = SeedBreaks(lower, seps, ref lowerTop);
            if (caps)
            {
                capitals[i >> 6] = letters & ~lower;
            }
        }

        if (full < to)
        {
            // Final partial block: a zero-padded copy (NUL counts as a separator; the caller bounds stretches by the length).
            Span<char> pad = stackalloc char[64];
            pad.Clear();
            text[full..to].CopyTo(pad);
            SeedBlock(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(pad)), 0, out ulong lower, out ulong letters, out ulong seps);
            breaks[full >> 6] = SeedBreaks(lower, seps, ref lowerTop);
            if (caps)
            {
                capitals[full >> 6] = letters & ~lower;
            }
        }

        prevLowerTop = lowerTop;
    }

    /// <summary>
    /// The seed-break mask (<see cref="SeedBreaks"/>) of the 64-character block <paramref name="word"/> of
    /// <paramref name="text"/> with the letters' case folded (<c>A</c>–<c>Z</c> read as <c>a</c>–<c>z</c>): a phrase
    /// written in capitals, title case or mixed case holds none of its positions (r29 round). Computed on demand, one
    /// block at a time (the carry is whether the character before the block is an ASCII letter).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="word">The block: positions 64 × <paramref name="word"/> … + 63 (the last block may be partial).</param>
    /// <returns>The folded break bits.</returns>
    public static ulong FoldedBreaksAt(ReadOnlySpan<char> text, int word)
    {
        int i = word << 6;
        ulong carry = i > 0 && char.IsAsciiLetter(text[i - 1]) ? 1UL : 0;
        ulong letters, seps;
        if (i + 64 <= text.Length)
        {
            SeedBlock(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text)), i, out _, out letters, out seps);
        }
        else
        {
            Span<char> pad = stackalloc char[64];
            pad.Clear();
            text[i..].CopyTo(pad);
            SeedBlock(ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(pad)), 0, out _, out letters, out seps);
        }

        return SeedBreaks(letters, seps, ref carry);
    }

    /// <summary>One 64-character block's bits: <paramref name="lower"/> <c>a</c>–<c>z</c>, <paramref name="letters"/> <c>a</c>–<c>z</c> and <c>A</c>–<c>Z</c>, <paramref name="seps"/> commas and characters up to the space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SeedBlock(ref ushort r, int i, out ulong lower, out ulong letters, out ulong seps)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var cap = Vector512.Create((ushort)0x80);
            var v = Vector512.Narrow(Vector512.Min(Vector512.LoadUnsafe(ref r, (nuint)i), cap), Vector512.Min(Vector512.LoadUnsafe(ref r, (nuint)(i + 32)), cap));
            lower = Vector512.LessThan(v - Vector512.Create((byte)'a'), Vector512.Create((byte)26)).ExtractMostSignificantBits();
            letters = Vector512.LessThan((v | Vector512.Create((byte)0x20)) - Vector512.Create((byte)'a'), Vector512.Create((byte)26)).ExtractMostSignificantBits();
            seps = (Vector512.LessThan(v, Vector512.Create((byte)0x21)) | Vector512.Equals(v, Vector512.Create((byte)','))).ExtractMostSignificantBits();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            // AVX2 (seventh speed round: this pass ran the 128-bit loop below on machines without AVX-512).
            var cap = Vector256.Create((ushort)0x80);
            var v0 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)i), cap), Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 16)), cap));
            var v1 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 32)), cap), Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 48)), cap));
            lower = Vector256.LessThan(v0 - Vector256.Create((byte)'a'), Vector256.Create((byte)26)).ExtractMostSignificantBits()
                | ((ulong)Vector256.LessThan(v1 - Vector256.Create((byte)'a'), Vector256.Create((byte)26)).ExtractMostSignificantBits() << 32);
            letters = Vector256.LessThan((v0 | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26)).ExtractMostSignificantBits()
                | ((ulong)Vector256.LessThan((v1 | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26)).ExtractMostSignificantBits() << 32);
            seps = (Vector256.LessThan(v0, Vector256.Create((byte)0x21)) | Vector256.Equals(v0, Vector256.Create((byte)','))).ExtractMostSignificantBits()
                | ((ulong)(Vector256.LessThan(v1, Vector256.Create((byte)0x21)) | Vector256.Equals(v1, Vector256.Create((byte)','))).ExtractMostSignificantBits() << 32);
        }
        else
        {
            lower = seps = letters = 0;
            var cap = Vector128.Create((ushort)0x80);
            for (int k = 0; k < 4; k++)
            {
                int at = i + (k * 16);
                var v = Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref r, (nuint)at), cap), Vector128.Min(Vector128.LoadUnsafe(ref r, (nuint)(at + 8)), cap));
                lower |= (ulong)Vector128.LessThan(v - Vector128.Create((byte)'a'), Vector128.Create((byte)26)).ExtractMostSignificantBits() << (k * 16);
                letters |= (ulong)Vector128.LessThan((v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)26)).ExtractMostSignificantBits() << (k * 16);
                seps |= (ulong)(Vector128.LessThan(v, Vector128.Create((byte)0x21)) | Vector128.Equals(v, Vector128.Create((byte)','))).ExtractMostSignificantBits() << (k * 16);
            }
        }
    }

    /// <summary>Words of a position bitmap for a text of <paramref name="length"/> characters.</summary>
    public static int BitmapWords(int length) => (length + 63) >> 6;

    /// <summary>
    /// The first set bit of <paramref name="bits"/> in [<paramref name="from"/>, <paramref name="to"/>), or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NextBit(ReadOnlySpan<ulong> bits, int from, int to)
    {
        if (from >= to)
        {
            return -1;
        }

        int w = from >> 6;
        ulong m = bits[w] & (ulong.MaxValue << (from & 63));
        int lastWord = (to - 1) >> 6;
        while (true)
        {
            if (m != 0)
            {
                int at = (w << 6) + BitOperations.TrailingZeroCount(m);
                return at < to ? at : -1;
            }

            if (++w > lastWord)
            {
                return -1;
            }

            m = bits[w];
        }
    }

    /// <summary>
    /// A block with this many (10) <see cref="SpelledMarks"/> is a <see cref="Candidate.Spelled"/> candidate: a key written
    /// one character at a time (<c>g.h.p._.A…</c>, <c>g h p _ A …</c>: 32 isolated characters per block), a list of
    /// character codes (<c>103,104,112,…</c>: 16 digit runs per block; 13 with a blank after each comma) or octal
    /// escapes (<c>\147\150…</c>: 16). Prose has a few (one-letter words, single digits).
    /// </summary>
    internal const int SpelledMinMarks = 10;

    /// <summary>
    /// The marks <see cref="SpelledMinMarks"/> counts (sixth issue-16 round): token characters with no token character
    /// on either side (within the block), and digits that start a token run (after a comma, blank, bracket or
    /// backslash: not the digits inside hex, ids or timestamps). Four shifts and four bit operations per block, on
    /// masks the classifier has anyway.
    /// </summary>
    /// <param name="tok">Token-character bits of the block.</param>
    /// <param name="digit">Digit bits of the block.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SpelledMarks(ulong tok, ulong digit) => (tok & ~((tok << 1) | (tok >> 1))) | (digit & ~(tok << 1));

    /// <summary>The token alphabet: base64 ∪ base64url.</summary>
    public static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '_' or '-';

    /// <summary>
    /// Classifies [<paramref name="from"/>, <paramref name="to"/>) (from a multiple of 64; to a multiple of 64 or the
    /// end of the text) and appends completed runs and candidates. Call in order; the last call must end at the end of
    /// <paramref name="text"/> so that runs reaching the end are closed.
    /// </summary>
    public void Scan(ReadOnlySpan<char> text, int from, int to, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        int full = from + ((to - from) & ~63);
        if (from < full)
        {
            ScanBlocks(ref this, text, from, full, 0, ref tokenRuns, ref digitRuns, ref candidates);
        }

        if (full < to)
        {
            // Final partial block (only at the end of the text): scan a zero-padded copy; NUL is in no class.
            Span<char> pad = stackalloc char[64];
            pad.Clear();
            text[full..to].CopyTo(pad);
            ScanBlocks(ref this, pad, 0, 64, full, ref tokenRuns, ref digitRuns, ref candidates);
        }

        if (to == text.Length)
        {
            Flush(to, _minToken, ref _pendingTok, ref tokenRuns);
            Flush(to, CardMinRun, ref _pendingDig, ref digitRuns);
        }
    }

    private static void ScanBlocks(ref RunScanner self, ReadOnlySpan<char> text, int from, int to, int offset, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            ScanBlocks512(ref self, text, from, to, offset, ref tokenRuns, ref digitRuns, ref candidates);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            ScanBlocks256(ref self, text, from, to, offset, ref tokenRuns, ref digitRuns, ref candidates);
        }
        else
        {
            ScanBlocks128(ref self, text, from, to, offset, ref tokenRuns, ref digitRuns, ref candidates);
        }
    }

    // The three loops below are the same algorithm at three vector widths, written out so that the JIT keeps every
    // mask and all scanner state in registers (a shared helper with many out parameters is not inlined).
    // Per block: token mask → runs; card mask (digits, and a space, dash or dot between digits) → digit runs; "://" and
    // "-----B" candidates (edges over-approximated, verified by the caller); the first layer trigger.

    private static void ScanBlocks512(ref RunScanner self, ReadOnlySpan<char> text, int from, int to, int offset, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        int minToken = self._minToken;
        bool digits = self._digits;
        ulong plusMask = self._form ? ulong.MaxValue : 0;
        ulong backslashMask = self._anyBackslash ? ulong.MaxValue : 0;
        int pendingTok = self._pendingTok, pendingDig = self._pendingDig, firstTrigger = self._firstTrigger;
        ulong prevDigitTop = self._prevDigitTop;
        ulong[]? slashBits = self._slashBits;
        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int n = text.Length;
        var cap = Vector512.Create((ushort)0x80);
        for (int i = from; i < to; i += 64)
        {
            int b = i + offset;
            var v = Vector512.Narrow(Vector512.Min(Vector512.LoadUnsafe(ref r, (nuint)i), cap), Vector512.Min(Vector512.LoadUnsafe(ref r, (nuint)(i + 32)), cap));
            var letters = Vector512.LessThan((v | Vector512.Create((byte)0x20)) - Vector512.Create((byte)'a'), Vector512.Create((byte)26));
            var vDigit = Vector512.LessThan(v - Vector512.Create((byte)'0'), Vector512.Create((byte)10));
            var vDash = Vector512.Equals(v, Vector512.Create((byte)'-'));
            var vSlash = Vector512.Equals(v, Vector512.Create((byte)'/'));
            var vPlus = Vector512.Equals(v, Vector512.Create((byte)'+'));
            ulong tok = (letters | vDigit | vDash | vSlash | vPlus | Vector512.Equals(v, Vector512.Create((byte)'_'))).ExtractMostSignificantBits();
            if (minToken != 0)
            {
                pendingTok = Process(tok, b, minToken, pendingTok, ref tokenRuns);
            }

            ulong dash = vDash.ExtractMostSignificantBits();
            if (digits)
            {
                ulong digit = vDigit.ExtractMostSignificantBits();
                if (BitOperations.PopCount(SpelledMarks(tok, digit)) >= SpelledMinMarks)
                {
                    candidates.Add(Candidate.Spelled, b);
                }

                ulong sep = dash | (Vector512.Equals(v, Vector512.Create((byte)' ')) | Vector512.Equals(v, Vector512.Create((byte)'.'))).ExtractMostSignificantBits();
                ulong nextIsDigit = i + 64 < n && (ushort)(Unsafe.Add(ref r, i + 64) - '0') <= 9 ? 1UL : 0UL;
                ulong card = digit | (sep & ((digit << 1) | prevDigitTop) & ((digit >> 1) | (nextIsDigit << 63)));
                prevDigitTop = digit >> 63;
                if (card != 0 || pendingDig >= 0)
                {
                    pendingDig = Process(card, b, CardMinRun, pendingDig, ref digitRuns);
                }
            }

            ulong slash = vSlash.ExtractMostSignificantBits();
            if (slashBits is not null)
            {
                slashBits[b >> 6] = slash;
            }

            ulong colon = Vector512.Equals(v, Vector512.Create((byte)':')).ExtractMostSignificantBits();
            ulong url = colon & ((slash >> 1) | (1UL << 63));
            ulong dd = dash & ((dash >> 1) | (1UL << 63));
            if ((url | dd) != 0)
            {
                Rare(b, url, slash, dash, Vector512.Equals(v, Vector512.Create((byte)'B')).ExtractMostSignificantBits(), ref candidates);
            }

            if (firstTrigger < 0)
            {
                ulong backslash = Vector512.Equals(v, Vector512.Create((byte)'\\')).ExtractMostSignificantBits();
                ulong esc = backslash == 0 ? 0 : (Vector512.Equals(v | Vector512.Create((byte)0x20), Vector512.Create((byte)'u')) | Vector512.Equals(v, Vector512.Create((byte)'x')) | vSlash).ExtractMostSignificantBits();
                ulong trig = (Vector512.Equals(v, Vector512.Create((byte)'%')) | Vector512.Equals(v, Vector512.Create((byte)0x80))).ExtractMostSignificantBits()
                    | (vPlus.ExtractMostSignificantBits() & plusMask) | (backslash & ((esc >> 1) | NextIsEscape(ref r, i, n, backslash) | backslashMask));
                if (trig != 0)
                {
                    firstTrigger = b + BitOperations.TrailingZeroCount(trig);
                }
            }
        }

        self._pendingTok = pendingTok;
        self._pendingDig = pendingDig;
        self._prevDigitTop = prevDigitTop;
        self._firstTrigger = firstTrigger;
    }

    private static void ScanBlocks256(ref RunScanner self, ReadOnlySpan<char> text, int from, int to, int offset, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        int minToken = self._minToken;
        bool digits = self._digits;
        ulong plusMask = self._form ? ulong.MaxValue : 0;
        ulong backslashMask = self._anyBackslash ? ulong.MaxValue : 0;
        int pendingTok = self._pendingTok, pendingDig = self._pendingDig, firstTrigger = self._firstTrigger;
        ulong prevDigitTop = self._prevDigitTop;
        ulong[]? slashBits = self._slashBits;
        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int n = text.Length;
        var cap = Vector256.Create((ushort)0x80);
        for (int i = from; i < to; i += 64)
        {
            int b = i + offset;

            // Every mask of the block is extracted first, before the calls below (Process, the buffers' Add, Rare): all
            // vector registers are caller-saved, so vectors still live across those calls were spilled to the stack and
            // reloaded in every block (seventh speed round: ten 32-byte spills per block in the JIT's code).
            var v0 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)i), cap), Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 16)), cap));
            var v1 = Vector256.Narrow(Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 32)), cap), Vector256.Min(Vector256.LoadUnsafe(ref r, (nuint)(i + 48)), cap));
            var d0 = Vector256.LessThan(v0 - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
            var d1 = Vector256.LessThan(v1 - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
            var dash0 = Vector256.Equals(v0, Vector256.Create((byte)'-'));
            var dash1 = Vector256.Equals(v1, Vector256.Create((byte)'-'));
            var sl0 = Vector256.Equals(v0, Vector256.Create((byte)'/'));
            var sl1 = Vector256.Equals(v1, Vector256.Create((byte)'/'));
            var pl0 = Vector256.Equals(v0, Vector256.Create((byte)'+'));
            var pl1 = Vector256.Equals(v1, Vector256.Create((byte)'+'));
            var t0 = Vector256.LessThan((v0 | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26)) | d0 | dash0 | sl0 | pl0 | Vector256.Equals(v0, Vector256.Create((byte)'_'));
            var t1 = Vector256.LessThan((v1 | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26)) | d1 | dash1 | sl1 | pl1 | Vector256.Equals(v1, Vector256.Create((byte)'_'));
            ulong tok = t0.ExtractMostSignificantBits() | ((ulong)t1.ExtractMostSignificantBits() << 32);
            ulong digit = d0.ExtractMostSignificantBits() | ((ulong)d1.ExtractMostSignificantBits() << 32);
            ulong dash = dash0.ExtractMostSignificantBits() | ((ulong)dash1.ExtractMostSignificantBits() << 32);
            ulong sep = dash | (Vector256.Equals(v0, Vector256.Create((byte)' ')) | Vector256.Equals(v0, Vector256.Create((byte)'.'))).ExtractMostSignificantBits()
                | ((ulong)(Vector256.Equals(v1, Vector256.Create((byte)' ')) | Vector256.Equals(v1, Vector256.Create((byte)'.'))).ExtractMostSignificantBits() << 32);
            ulong slash = sl0.ExtractMostSignificantBits() | ((ulong)sl1.ExtractMostSignificantBits() << 32);
            ulong colon = Vector256.Equals(v0, Vector256.Create((byte)':')).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(v1, Vector256.Create((byte)':')).ExtractMostSignificantBits() << 32);
            ulong url = colon & ((slash >> 1) | (1UL << 63));
            ulong dd = dash & ((dash >> 1) | (1UL << 63));
            ulong upperB = (url | dd) == 0 ? 0
                : Vector256.Equals(v0, Vector256.Create((byte)'B')).ExtractMostSignificantBits() | ((ulong)Vector256.Equals(v1, Vector256.Create((byte)'B')).ExtractMostSignificantBits() << 32);
            if (firstTrigger < 0)
            {
                var bs0 = Vector256.Equals(v0, Vector256.Create((byte)'\\'));
                var bs1 = Vector256.Equals(v1, Vector256.Create((byte)'\\'));
                ulong backslash = bs0.ExtractMostSignificantBits() | ((ulong)bs1.ExtractMostSignificantBits() << 32);
                ulong esc = backslash == 0 ? 0
                    : (Vector256.Equals(v0 | Vector256.Create((byte)0x20), Vector256.Create((byte)'u')) | Vector256.Equals(v0, Vector256.Create((byte)'x')) | sl0).ExtractMostSignificantBits()
                      | ((ulong)(Vector256.Equals(v1 | Vector256.Create((byte)0x20), Vector256.Create((byte)'u')) | Vector256.Equals(v1, Vector256.Create((byte)'x')) | sl1).ExtractMostSignificantBits() << 32);
                ulong pn = (Vector256.Equals(v0, Vector256.Create((byte)'%')) | Vector256.Equals(v0, Vector256.Create((byte)0x80))).ExtractMostSignificantBits()
                    | ((ulong)(Vector256.Equals(v1, Vector256.Create((byte)'%')) | Vector256.Equals(v1, Vector256.Create((byte)0x80))).ExtractMostSignificantBits() << 32);
                ulong plus = pl0.ExtractMostSignificantBits() | ((ulong)pl1.ExtractMostSignificantBits() << 32);
                ulong trig = pn | (plus & plusMask) | (backslash & ((esc >> 1) | NextIsEscape(ref r, i, n, backslash) | backslashMask));
                if (trig != 0)
                {
                    firstTrigger = b + BitOperations.TrailingZeroCount(trig);
                }
            }

            if (minToken != 0)
            {
                pendingTok = Process(tok, b, minToken, pendingTok, ref tokenRuns);
            }

            if (digits)
            {
                if (BitOperations.PopCount(SpelledMarks(tok, digit)) >= SpelledMinMarks)
                {
                    candidates.Add(Candidate.Spelled, b);
                }

                ulong nextIsDigit = i + 64 < n && (ushort)(Unsafe.Add(ref r, i + 64) - '0') <= 9 ? 1UL : 0UL;
                ulong card = digit | (sep & ((digit << 1) | prevDigitTop) & ((digit >> 1) | (nextIsDigit << 63)));
                prevDigitTop = digit >> 63;
                if (card != 0 || pendingDig >= 0)
                {
                    pendingDig = Process(card, b, CardMinRun, pendingDig, ref digitRuns);
                }
            }

            if (slashBits is not null)
            {
                slashBits[b >> 6] = slash;
            }

            if ((url | dd) != 0)
            {
                Rare(b, url, slash, dash, upperB, ref candidates);
            }
        }

        self._pendingTok = pendingTok;
        self._pendingDig = pendingDig;
        self._prevDigitTop = prevDigitTop;
        self._firstTrigger = firstTrigger;
    }

    /// <summary>128-bit SIMD (Arm64 AdvSimd, SSE2) or, where there is none, the software fallback of <see cref="Vector128"/>.</summary>
    private static void ScanBlocks128(ref RunScanner self, ReadOnlySpan<char> text, int from, int to, int offset, ref IntBuffer tokenRuns, ref IntBuffer digitRuns, ref IntBuffer candidates)
    {
        int minToken = self._minToken;
        bool digits = self._digits;
        ulong plusMask = self._form ? ulong.MaxValue : 0;
        ulong backslashMask = self._anyBackslash ? ulong.MaxValue : 0;
        int pendingTok = self._pendingTok, pendingDig = self._pendingDig, firstTrigger = self._firstTrigger;
        ulong prevDigitTop = self._prevDigitTop;
        ulong[]? slashBits = self._slashBits;
        ref ushort r = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        int n = text.Length;
        var cap = Vector128.Create((ushort)0x80);
        for (int i = from; i < to; i += 64)
        {
            int b = i + offset;
            ulong tok = 0, digit = 0, sep = 0, dash = 0, slash = 0, colon = 0, upperB = 0, pn = 0, backslash = 0, esc = 0, plus = 0;
            for (int k = 0; k < 4; k++)
            {
                int at = i + (k * 16);
                var v = Vector128.Narrow(Vector128.Min(Vector128.LoadUnsafe(ref r, (nuint)at), cap), Vector128.Min(Vector128.LoadUnsafe(ref r, (nuint)(at + 8)), cap));
                var vDigit = Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
                var vDash = Vector128.Equals(v, Vector128.Create((byte)'-'));
                var vSlash = Vector128.Equals(v, Vector128.Create((byte)'/'));
                var vPlus = Vector128.Equals(v, Vector128.Create((byte)'+'));
                var vTok = Vector128.LessThan((v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)26)) | vDigit | vDash | vSlash | vPlus | Vector128.Equals(v, Vector128.Create((byte)'_'));
                int shift = k * 16;
                tok |= (ulong)vTok.ExtractMostSignificantBits() << shift;
                digit |= (ulong)vDigit.ExtractMostSignificantBits() << shift;
                dash |= (ulong)vDash.ExtractMostSignificantBits() << shift;
                sep |= (ulong)(vDash | Vector128.Equals(v, Vector128.Create((byte)' ')) | Vector128.Equals(v, Vector128.Create((byte)'.'))).ExtractMostSignificantBits() << shift;
                slash |= (ulong)vSlash.ExtractMostSignificantBits() << shift;
                plus |= (ulong)vPlus.ExtractMostSignificantBits() << shift;
                colon |= (ulong)Vector128.Equals(v, Vector128.Create((byte)':')).ExtractMostSignificantBits() << shift;
                upperB |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'B')).ExtractMostSignificantBits() << shift;
                pn |= (ulong)(Vector128.Equals(v, Vector128.Create((byte)'%')) | Vector128.Equals(v, Vector128.Create((byte)0x80))).ExtractMostSignificantBits() << shift;
                backslash |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << shift;
                esc |= (ulong)(Vector128.Equals(v | Vector128.Create((byte)0x20), Vector128.Create((byte)'u')) | Vector128.Equals(v, Vector128.Create((byte)'x')) | vSlash).ExtractMostSignificantBits() << shift;
            }

            if (minToken != 0)
            {
                pendingTok = Process(tok, b, minToken, pendingTok, ref tokenRuns);
            }

            if (digits)
            {
                if (BitOperations.PopCount(SpelledMarks(tok, digit)) >= SpelledMinMarks)
                {
                    candidates.Add(Candidate.Spelled, b);
                }

                ulong nextIsDigit = i + 64 < n && (ushort)(Unsafe.Add(ref r, i + 64) - '0') <= 9 ? 1UL : 0UL;
                ulong card = digit | (sep & ((digit << 1) | prevDigitTop) & ((digit >> 1) | (nextIsDigit << 63)));
                prevDigitTop = digit >> 63;
                if (card != 0 || pendingDig >= 0)
                {
                    pendingDig = Process(card, b, CardMinRun, pendingDig, ref digitRuns);
                }
            }

            if (slashBits is not null)
            {
                slashBits[b >> 6] = slash;
            }

            ulong url = colon & ((slash >> 1) | (1UL << 63));
            ulong dd = dash & ((dash >> 1) | (1UL << 63));
            if ((url | dd) != 0)
            {
                Rare(b, url, slash, dash, upperB, ref candidates);
            }

            ulong trig = pn | (plus & plusMask) | (backslash & ((esc >> 1) | NextIsEscape(ref r, i, n, backslash) | backslashMask));
            if (firstTrigger < 0 && trig != 0)
            {
                firstTrigger = b + BitOperations.TrailingZeroCount(trig);
            }
        }

        self._pendingTok = pendingTok;
        self._pendingDig = pendingDig;
        self._prevDigitTop = prevDigitTop;
        self._firstTrigger = firstTrigger;
    }

    /// <summary>
    /// Bit 63 when the block's last character is a backslash and the character after the block makes it an escape
    /// that can need decoding (<c>\u</c>, <c>\x</c>, <c>\/</c>), so that an ordinary <c>\n</c> or <c>\"</c> at a block
    /// edge does not start the normalisation layers. At the end of the text there is no next character and no escape.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NextIsEscape(ref ushort r, int i, int n, ulong backslash)
    {
        if ((long)backslash >= 0 || i + 64 >= n)
        {
            return 0;
        }

        char next = (char)Unsafe.Add(ref r, i + 64);
        return next is 'u' or 'U' or 'x' or '/' ? 1UL << 63 : 0;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Rare(int b, ulong url, ulong slash, ulong dash, ulong upperB, ref IntBuffer candidates)
    {
        url &= (slash >> 2) | (3UL << 62);
        ulong pem = dash & ((dash >> 1) | (1UL << 63)) & ((dash >> 2) | (3UL << 62)) & ((dash >> 3) | (7UL << 61)) & ((dash >> 4) | (15UL << 60)) & ((upperB >> 5) | (31UL << 59));
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

    /// <summary>
    /// Turns one 64-bit class mask into run events and returns the new pending run start (a run that reaches the
    /// block's end), or -1. <paramref name="pending"/> is the start of a run that reached the previous block's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Process(ulong m, int basePos, int minLen, int pending, ref IntBuffer runs)
    {
        if (pending >= 0)
        {
            if (m == ulong.MaxValue)
            {
                return pending;
            }

            int lead = BitOperations.TrailingZeroCount(~m);
            if (basePos + lead - pending >= minLen)
            {
                runs.Add(pending, basePos + lead);
            }

            m &= ulong.MaxValue << lead;
        }

        int trail = BitOperations.LeadingZeroCount(~m);
        if (RunBits(m, minLen) == 0)
        {
            return trail > 0 ? basePos + 64 - trail : -1;
        }

        return ProcessSlow(m, basePos, minLen, trail, ref runs);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ProcessSlow(ulong m, int basePos, int minLen, int trail, ref IntBuffer runs)
    {
        ulong body = m;
        int pending = -1;
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

        return pending;
    }
}
