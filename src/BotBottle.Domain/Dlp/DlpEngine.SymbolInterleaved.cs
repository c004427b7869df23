using System.Buffers;
using System.Runtime.CompilerServices;

namespace BotBottle.Dlp;

/// <summary>
/// r32 round: a key with the same non-ASCII symbol between each of its characters (<c>g🔥h🔥p🔥_🔥…</c>,
/// <c>A★K★I★A★…</c>). The noise is not token characters, so no token run holds the key, and the <c>ilv16</c> check
/// (<c>CheckInterleaved</c>, noise that is itself token characters) and the spelled-out check (ASCII separators) do not
/// see it. Reached from the walk over non-ASCII characters that the normalisation layers already make
/// (<c>ScanLayers</c>: a text without non-ASCII characters never gets here): at the first character of each non-ASCII
/// stretch a few compares (<see cref="SymbolInterleavedAt"/>) ask whether the stretch sits between two token
/// characters and recurs, identical, after each of the next two; only then are the characters between the repeats
/// joined and scanned (<see cref="ScanSymbolInterleaved"/>).
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>The longest symbol group read as the repeated noise (characters: an emoji with a variation selector or a skin tone fits).</summary>
    private const int MaxInterleavedSymbol = 8;

    /// <summary>Characters joined from one interleaved stretch, at most.</summary>
    private const int MaxSymbolInterleaved = 1024;

    /// <summary>Characters a joined stretch needs before it is scanned (the shortest common key, an AWS key id, has 20).</summary>
    private const int MinSymbolInterleaved = 16;

    /// <summary>A character of a key between the symbols: ASCII letters, digits and the token punctuation <c>_ - . + / =</c>.</summary>
    private static bool IsInterleavedKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+' or '/' or '=';

    /// <summary>
    /// Does the non-ASCII stretch at <paramref name="t"/> (its <paramref name="width"/> characters, at most
    /// <see cref="MaxInterleavedSymbol"/>) recur identically after each of the next two key characters
    /// (<c>🔥h🔥p🔥</c>)? Ordinary non-ASCII text (a word in another script, an emoji before a blank) fails on the
    /// character after the stretch. A stretch the folding layer already undoes is left to it (zero-width and other
    /// invisible characters are removed there, compatibility forms folded: <see cref="UnicodeFold.IsTrigger"/>), and
    /// Unicode tag characters to <see cref="ScanTagCharacters"/>; a symbol outside the Basic Multilingual Plane (an
    /// emoji, a surrogate pair) is the folding layer's trigger but passes through it unchanged, so it is read here.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SymbolInterleavedAt(ReadOnlySpan<char> text, int t, out int width)
    {
        int w = 1;
        while (w < MaxInterleavedSymbol && t + w < text.Length && text[t + w] >= '\u0080')
        {
            w++;
        }

        width = w;
        int second = t + w + 1, third = second + w + 1;
        return third + w <= text.Length && IsInterleavedKeyChar(text[t + w]) && IsInterleavedKeyChar(text[second + w])
            && text.Slice(second, w).SequenceEqual(text.Slice(t, w)) && text.Slice(third, w).SequenceEqual(text.Slice(t, w))
            && (char.IsSurrogate(text[t]) ? text[t] != TagHighSurrogate : !UnicodeFold.IsTrigger(text[t]));
    }

    /// <summary>
    /// Joins the key characters around the repeated symbol group at <paramref name="t"/> (<paramref name="width"/>
    /// characters, <see cref="SymbolInterleavedAt"/>): the one before it (when it is a key character) and the one after
    /// each repeat, while exactly one key character separates the repeats (at most <see cref="MaxSymbolInterleaved"/>),
    /// and scans the join as a layer (encoding <c>separated</c>) spanning the stretch, when it has
    /// <see cref="MinSymbolInterleaved"/>+ characters. Returns the stretch's end (the walk does not come back into it).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // rare: kept out of ScanLayers' loop
    private int ScanSymbolInterleaved(ReadOnlySpan<char> text, int t, int width, ref ScanState st, in Layer layer)
    {
        var symbol = text.Slice(t, width);
        bool lead = t > 0 && IsInterleavedKeyChar(text[t - 1]);
        int start = lead ? t - 1 : t, pos = t, n = lead ? 1 : 0;
        while (n < MaxSymbolInterleaved && pos + width < text.Length && text.Slice(pos, width).SequenceEqual(symbol) && IsInterleavedKeyChar(text[pos + width]))
        {
            n++;
            pos += width + 1;
        }

        int end = pos + width <= text.Length && text.Slice(pos, width).SequenceEqual(symbol) ? pos + width : pos;
        if (n < MinSymbolInterleaved || st.Full || st.Depth >= MaxDeepLayers)
        {
            return end;
        }

        char[] chars = ArrayPool<char>.Shared.Rent(n);
        try
        {
            int i = 0;
            if (lead)
            {
                chars[i++] = text[t - 1];
            }

            for (int k = t + width; i < n; i++, k += width + 1)
            {
                chars[i] = text[k];
            }

            ScanDecodedChars(chars.AsSpan(0, n), start, end - start, DlpEncodings.Separated, ref st, layer);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }

        return end;
    }

    /// <summary>
    /// The same test (<see cref="SymbolInterleavedAt"/>) at every non-ASCII stretch of a segment that the escape decoder
    /// unescaped and the folding layer then read (<c>g\ud83d\udd25h\ud83d\udd25…</c>: JSON as Python's
    /// <c>json.dumps</c> writes it, where the symbols were escapes and the walk of <c>ScanLayers</c> saw none). Only such
    /// segments: the escapes made characters the folding layer triggers on (an emoji's surrogates), so ASCII escapes
    /// (<c>\n</c>, <c>\"</c>) cost nothing more. One vectorised search per stretch. An escaped symbol inside the Basic
    /// Multilingual Plane that folding leaves alone (<c>\u2605</c>, ★) is not looked for.
    /// </summary>
    private void ScanSymbolInterleavedText(ReadOnlySpan<char> text, ref ScanState st, in Layer layer)
    {
        int pos = 0;
        while (pos < text.Length && !st.Full)
        {
            int k = text[pos..].IndexOfAnyExceptInRange('\0', '\u007F');
            if (k < 0)
            {
                return;
            }

            int t = pos + k;
            if (SymbolInterleavedAt(text, t, out int width))
            {
                pos = ScanSymbolInterleaved(text, t, width, ref st, layer);
                continue;
            }

            pos = t + width;
        }
    }
}
