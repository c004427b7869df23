namespace BotBottle.Dlp;

/// <summary>
/// r32 round: a token split by HTML or XML comments (<c>&lt;p&gt;ghp_Ab…&lt;!-- --&gt;Cd…&lt;/p&gt;</c>; React's
/// server rendering writes <c>&lt;!-- --&gt;</c> between adjacent text nodes, so the shape passes for ordinary markup).
/// A comment runs from <c>&lt;!--</c> to the next <c>--&gt;</c> (HTML Living Standard §13.1.6; XML 1.0 §2.5). Found by
/// the search <see cref="ScanMarkedEncodings"/> already makes for <c>&lt;~</c> and <c>&amp;#</c> (its marker set has
/// <c>&lt;!</c>), so a body without <c>&lt;!</c> pays nothing more, and each comment is looked at once.
/// </summary>
public sealed partial class DlpEngine
{
    /// <summary>Characters of one piece taken on either side of a comment, at most.</summary>
    private const int MaxCommentPiece = 256;

    /// <summary>Pieces joined across comments, at most (the first included).</summary>
    private const int MaxCommentPieces = 16;

    /// <summary>The longest comment looked across (characters between <c>&lt;!--</c> and <c>--&gt;</c>).</summary>
    private const int MaxSplitComment = 256;

    /// <summary>
    /// A character of a piece glued to a comment: printable ASCII but blanks, quotes, markup and list punctuation
    /// (<c>&lt; &gt; " ' ` &amp; , ; ( ) [ ] { }</c>), so a piece is the text node's word next to the comment.
    /// </summary>
    private static bool IsCommentPieceChar(char c) =>
        c is > ' ' and < (char)0x7f and not ('<' or '>' or '"' or '\'' or '`' or '&' or ',' or ';' or '(' or ')' or '[' or ']' or '{' or '}');

    /// <summary>
    /// The <c>&lt;!</c> at <paramref name="at"/>: when it opens a comment glued on both sides to token characters
    /// (<see cref="IsCommentPieceChar"/>: no blank, tag or quote between the word and the comment), the piece before it
    /// and the pieces after it and after each further comment that follows directly (up to
    /// <see cref="MaxCommentPieces"/> pieces of <see cref="MaxCommentPiece"/> characters, comments of at most
    /// <see cref="MaxSplitComment"/> characters) are joined without the comments and scanned as one layer (encoding
    /// <c>concat</c>) spanning from the first piece to the end of the last. Comments between words
    /// (<c>Hello &lt;!-- x --&gt; world</c>) and <c>&lt;!DOCTYPE</c> or <c>&lt;![CDATA[</c> join nothing. Returns where
    /// the marker search goes on (past the last comment walked).
    /// </summary>
    private int ScanCommentSplit(ReadOnlySpan<char> text, int at, ref ScanState st, in Layer layer)
    {
        int ls = at;
        while (ls > 0 && at - ls < MaxCommentPiece && IsCommentPieceChar(text[ls - 1]))
        {
            ls--;
        }

        if (ls == at)
        {
            return at + 2; // nothing glued before: not a split (or not a comment)
        }

        Span<(int S, int E)> pieces = stackalloc (int, int)[MaxCommentPieces];
        pieces[0] = (ls, at);
        int count = 1, total = at - ls, cursor = at, end = at + 2;
        while (count < MaxCommentPieces && cursor + 4 <= text.Length && text[cursor] == '<' && text[cursor + 1] == '!' && text[cursor + 2] == '-' && text[cursor + 3] == '-')
        {
            int limit = Math.Min(text.Length, cursor + 4 + MaxSplitComment + 3);
            int close = text[(cursor + 4)..limit].IndexOf("-->", StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            int ps = cursor + 4 + close + 3, pe = ps;
            end = ps;
            while (pe < text.Length && pe - ps < MaxCommentPiece && IsCommentPieceChar(text[pe]))
            {
                pe++;
            }

            if (pe == ps)
            {
                break; // nothing glued after
            }

            pieces[count++] = (ps, pe);
            total += pe - ps;
            cursor = pe;
            end = pe;
        }

        if (count < 2 || total < MinimumFindingLength || st.Full || st.Depth >= MaxDeepLayers)
        {
            return end;
        }

        ScanJoinedPieces(text, pieces[..count], total, ls, end - ls, ref st, layer); // DlpEngine.Decoders.cs
        return end;
    }
}
