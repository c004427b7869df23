namespace BotBottle.Dlp;

/// <summary>
/// One outbound DLP match.
/// <para>
/// <see cref="Start"/> and <see cref="Length"/> index the value at <see cref="Location"/> as it appeared on the wire
/// (the original, un-normalised text), so the match can be cut out: for <see cref="DlpLocationKind.Path"/> and
/// <see cref="DlpLocationKind.Query"/> they are UTF-16 offsets into <see cref="DlpRequest.PathAndQuery"/>; for
/// <see cref="DlpLocationKind.Header"/> into that header's value; for <see cref="DlpLocationKind.HeaderName"/> into its
/// name; for <see cref="DlpLocationKind.Host"/> into <see cref="DlpRequest.Host"/>; for
/// <see cref="DlpLocationKind.Body"/> they are <b>byte</b> offsets into <see cref="DlpRequest.Body"/>. From
/// <see cref="DlpEngine.Scan"/> they index the text passed in; from <see cref="DlpEngine.ScanUtf8"/> the bytes passed in.
/// When the match was found after decoding (base64, hex, percent, escapes, Unicode folding) the span covers the whole
/// encoded text that decoded to it.
/// </para>
/// </summary>
/// <param name="Detector"><see cref="TokenPatternsDetector"/> or <see cref="KnownSecretsDetector"/>.</param>
/// <param name="RuleId">For token patterns the <see cref="TokenRule.Id"/>; for known secrets the <see cref="KnownSecret.Name"/>.</param>
/// <param name="Location">Where the match is.</param>
/// <param name="Start">Offset of the match (see above).</param>
/// <param name="Length">Length of the match in the same unit as <paramref name="Start"/>.</param>
/// <param name="Encoding">How the matched text was encoded: one of the <see cref="DlpEncodings"/> names, or several joined with <c>+</c> (outermost first).</param>
/// <param name="Message">Human-readable description with a redacted excerpt; never contains the matched secret.</param>
public sealed record DlpFinding(string Detector, string RuleId, DlpLocation Location, int Start, int Length, string Encoding, string Message)
{
    /// <summary>The <see cref="Detector"/> value for token-pattern findings: <c>token_patterns</c>.</summary>
    public const string TokenPatternsDetector = "token_patterns";

    /// <summary>The <see cref="Detector"/> value for known-secret findings: <c>known_secrets</c>.</summary>
    public const string KnownSecretsDetector = "known_secrets";

    /// <summary>
    /// What was found, without location, with the matched value redacted (e.g. <c>GitHub personal access token
    /// (classic): ghp_…[REDACTED, 36 chars]</c>); used to rebuild <see cref="Message"/> and by the git gate as the
    /// excerpt it shows. Never contains the matched secret.
    /// </summary>
    public string Subject { get; internal init; } = string.Empty;

    /// <summary>
    /// False when the value has the format's shape but fails its own check — a checksum that does not verify
    /// (GitHub/npm CRC-32, base58check), a documented example or placeholder (<c>AKIA…EXAMPLE</c>,
    /// <c>sk_live_FAKE_…</c>), a non-standard segment length. Such values are still reported, since an agent sending a
    /// credential-shaped value out is the event; the flag lets the operator see the difference, and the git gate
    /// ignores unvalidated findings (a commit may carry documentation examples). True for every other finding.
    /// </summary>
    public bool Validated { get; internal init; } = true;

    /// <summary>The same finding at another location (the message is rebuilt).</summary>
    internal DlpFinding WithLocation(DlpLocation location) =>
        this with { Location = location, Message = BuildMessage(Subject, location, Encoding) };

    /// <summary>The same finding with another span.</summary>
    internal DlpFinding WithSpan(int start, int length) => this with { Start = start, Length = length };

    internal static string BuildMessage(string subject, DlpLocation location, string encoding) =>
        encoding == DlpEncodings.Plain ? $"{subject} in {location}" : $"{subject} in {location} ({encoding}-encoded)";

    /// <summary>The message (it carries detector, rule, location and encoding, and no secret).</summary>
    /// <returns><see cref="Message"/>.</returns>
    public override string ToString() => Message;
}

/// <summary>Names used in <see cref="DlpFinding.Encoding"/>.</summary>
public static class DlpEncodings
{
    /// <summary>The text as sent.</summary>
    public const string Plain = "plain";

    /// <summary>Base64 (RFC 4648 §4), at any byte alignment.</summary>
    public const string Base64 = "base64";

    /// <summary>Base64url (RFC 4648 §5).</summary>
    public const string Base64Url = "base64url";

    /// <summary>
    /// Hexadecimal, lower or upper case; also hex pairs delimited by <c>:</c>, <c>-</c> or spaces, groups of 4 or 8 digits
    /// separated by blanks, and the line formats of <c>xxd</c>, <c>od -tx1/-tx2/-tx4</c> and <c>hexdump (-C)</c> (offset
    /// and ASCII columns dropped).
    /// </summary>
    public const string Hex = "hex";

    /// <summary>Octal bytes of <c>od -to1</c> (POSIX od(1)): three digits a byte separated by blanks, over lines, offset column dropped.</summary>
    public const string Octal = "octal";

    /// <summary>
    /// <c>od -c</c> output (POSIX od(1) <c>-c</c>): each byte in a four-character field — the character, a C escape
    /// (<c>\n</c>), or three octal digits — 16 a line after the offset column.
    /// </summary>
    public const string OdChars = "od-c";

    /// <summary>Base32 (RFC 4648 §6, either case): in host name labels, and token runs of 24+ characters in one case elsewhere.</summary>
    public const string Base32 = "base32";

    /// <summary>A byte-array literal of C, C++, Java, C# or Python: <c>0x41, 0x4b, …</c>.</summary>
    public const string HexArray = "hex-array";

    /// <summary>Ascii85 (PostScript Language Reference, 3rd ed., §3.13.3): Adobe blocks <c>&lt;~ … ~&gt;</c>, and a layer whose first line is Ascii85 without them (Python <c>base64.a85encode</c>).</summary>
    public const string Ascii85 = "ascii85";

    /// <summary>Base85 in the RFC 1924 §4 alphabet without delimiters (Python <c>base64.b85encode</c>), found as a layer whose first line is one.</summary>
    public const string Base85 = "base85";

    /// <summary>uuencode data lines (POSIX.1-2017 <c>uuencode</c>: a length character and 4 characters per 3 bytes, each <c>0x20</c> + a 6-bit value), found as a layer whose first line, or the line after a <c>begin</c> header, is one.</summary>
    public const string Uuencode = "uuencode";

    /// <summary>HTML numeric character references <c>&amp;#65;</c> / <c>&amp;#x41;</c> and the XML named ones (<c>&amp;amp;</c>, <c>&amp;lt;</c>…): HTML Living Standard §13.2.5.72–80, XML 1.0 §4.1.</summary>
    public const string HtmlEntity = "html-entity";

    /// <summary>String literals joined with <c>+</c> (<c>"sk-proj-Ab" + "Cd…"</c>), scanned as one string.</summary>
    public const string Concat = "concat";

    /// <summary>The characters in reverse order (<c>rev</c>, <c>[::-1]</c>): tokens with one of a few long prefixes (GitHub, AWS, Stripe, Anthropic, Slack, Google, GitLab, npm), and since r28 a window of ±8 KiB around a reversed credential name, PEM header or JOSE header start (a reversed private key, <c>.env</c> file or JWT; its finding covers the window).</summary>
    public const string Reversed = "reversed";

    /// <summary>ROT13 (<c>tr 'A-Za-z' 'N-ZA-Mn-za-m'</c>): tokens with one of the prefixes of <see cref="Reversed"/>, and since r28 a window of ±8 KiB around a ROT13 credential name, PEM header or JOSE header start (its findings keep their own positions).</summary>
    public const string Rot13 = "rot13";

    /// <summary>A Caesar shift of the letters other than ROT13 (<c>tr 'A-Za-z' 'B-ZAb-za'</c> for +1; digits and <c>_</c> unchanged): only GitHub and npm tokens, whose CRC-32 must verify once the shift is undone.</summary>
    public const string Caesar = "caesar";

    /// <summary>Atbash, the alphabet reversed (<c>tr 'A-Za-z' 'ZYX…A zyx…a'</c>): only GitHub and npm tokens, whose CRC-32 must verify once it is undone.</summary>
    public const string Atbash = "atbash";

    /// <summary>The case of every letter swapped (Python <c>str.swapcase()</c>): only GitHub and npm tokens, whose CRC-32 must verify once it is undone.</summary>
    public const string SwapCase = "swapcase";

    /// <summary>Every character written twice (<c>gghhpp__…</c>): only tokens with one of the prefixes of <see cref="Reversed"/>.</summary>
    public const string Doubled = "doubled";

    /// <summary>Base64 text written backwards (<c>base64 | rev</c>): found from the reversed base64 of the prefixes of <see cref="Reversed"/>, the whole run reversed and decoded (<c>reversed+base64</c>).</summary>
    public const string ReversedBase64 = "reversed+base64";

    /// <summary>ROT47 (the printable characters <c>!</c>–<c>~</c> rotated by 47) of a whole layer that then begins with a credential prefix or a credential file's first word.</summary>
    public const string Rot47 = "rot47";

    /// <summary>Each byte as eight binary digits, most significant bit first, separated by a blank, dash or dot or by nothing (<c>01000001 01001011 …</c>, Python <c>format(b, '08b')</c>): 10+ bytes.</summary>
    public const string Binary = "binary";

    /// <summary>The data read as one big-endian integer written in decimal (Python <c>int.from_bytes(data, 'big')</c>): 24+ digits.</summary>
    public const string DecimalInteger = "decimal-integer";

    /// <summary>Base58 in the Bitcoin alphabet (draft-msporny-base58-03 §2): the data as one big-endian number in radix 58, a leading <c>1</c> per leading zero byte; runs of 30–512 characters.</summary>
    public const string Base58 = "base58";

    /// <summary>Decoded bytes under a single-byte XOR key (<c>hex+xor</c>): tried when the first bytes XOR to a credential prefix or a credential file's first word.</summary>
    public const string Xor = "xor";

    /// <summary>EBCDIC (IBM code page 500, as Python's <c>cp500</c> codec writes it): tried when the bytes start with a credential prefix or a credential file's first word in EBCDIC.</summary>
    public const string Ebcdic = "ebcdic";

    /// <summary>One character of the data, then the same group of one to three separator characters (<c>-</c>, <c>_</c>, <c>+</c>, <c>/</c>, blank, tab, <c>.</c>, <c>,</c>, <c>:</c>, <c>;</c>, <c>|</c>, <c>*</c>), repeated (<c>g-h-p-_-…</c>, <c>g.h.p._.…</c>, <c>g-_h-_p</c>): 16+ characters of data, the separators removed.</summary>
    public const string Separated = "separated";

    /// <summary>A list of character codes, decimal or <c>0x</c> hex, separated by commas or semicolons (<c>String.fromCharCode(103,104,…)</c>, <c>[103, 104, …]</c>, <c>103;104;…</c>) or decimal separated by blanks alone (<c>103 104 112 …</c>, <c>od -An -tu1</c>): 16+ codes of printable ASCII.</summary>
    public const string CharCodes = "char-codes";

    /// <summary>UTF-16 little-endian text (after base64: PowerShell <c>-EncodedCommand</c>, .NET <c>Encoding.Unicode</c>).</summary>
    public const string Utf16 = "utf16";

    /// <summary>UTF-32 text of ASCII characters, either byte order (each character a 4-byte code unit, three of them zero; Unicode Standard §3.10 D99–D101, <c>iconv -t UTF-32LE</c>).</summary>
    public const string Utf32 = "utf32";

    /// <summary>Percent-encoding (RFC 3986 §2.1), including repeated encoding and <c>+</c> for space in form data.</summary>
    public const string Percent = "percent";

    /// <summary>Backslash escapes: JSON <c>\uXXXX</c>, <c>\/</c> and friends (RFC 8259 §7), <c>\xHH</c>, ECMAScript <c>\u{…}</c>, and three-digit octal <c>\ddd</c> (POSIX printf(1)).</summary>
    public const string Escape = "escape";

    /// <summary>Unicode compatibility forms (NFKC, e.g. full-width letters) and invisible characters (zero-width, bidi, soft hyphen).</summary>
    public const string Unicode = "unicode";

    /// <summary>
    /// Unicode tag characters (U+E0020–E007E, the Tags block, Unicode Standard §23.9) read as the ASCII characters they
    /// shadow (U+E0041 is <c>A</c>): text hidden from a human reader in otherwise visible text ("ASCII smuggling").
    /// </summary>
    public const string UnicodeTags = "unicode-tags";

    /// <summary>Compressed data: a body with <c>Content-Encoding</c> gzip, deflate, br or zstd, a base64 blob of gzip, zlib or raw deflate data, or raw gzip (RFC 1952) / zlib (RFC 1950) bytes sent as the whole body or as a multipart part.</summary>
    public const string Compressed = "compressed";

    /// <summary>RFC 2047 §4.2 <c>Q</c> encoded-words (<c>=?UTF-8?Q?ghp=5FAb…?=</c>: <c>_</c> a space, <c>=XX</c> a byte in hex), adjacent words joined (§6.2).</summary>
    public const string QEncoding = "q-encoding";

    /// <summary>
    /// Quoted-printable (RFC 2045 §6.7: <c>=XX</c> a byte in hex, <c>=</c> at a line end a soft line break): a stretch
    /// dense in <c>=XX</c> escapes (<c>qprint -e</c>, Python <c>quopri</c>), or a multipart part with
    /// <c>Content-Transfer-Encoding: quoted-printable</c>.
    /// </summary>
    public const string QuotedPrintable = "quoted-printable";

    /// <summary>
    /// A ZIP archive (PKWARE APPNOTE.TXT §4.3.7 local file headers, methods 0 stored and 8 deflated) sent as raw bytes:
    /// the whole body or a multipart part. Each member's content is scanned.
    /// </summary>
    public const string Zip = "zip";
}
