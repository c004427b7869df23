using System.Buffers;
using System.Text.RegularExpressions;

namespace BotBottle.Dlp;

/// <summary>How sure the inbound <c>injection</c> detector is that a response carries prompt-injection text.</summary>
public enum InjectionConfidence
{
    /// <summary>Nothing suspicious.</summary>
    None,

    /// <summary>Phrasing that also occurs in ordinary documents (role-play requests, chat-template tokens, "curl | sh"): log it.</summary>
    Medium,

    /// <summary>Phrasing aimed at an agent (override earlier instructions, send secrets to a URL, instructions hidden in HTML comments or invisible characters), or three distinct medium signals: block it.</summary>
    High,
}

/// <summary>One prompt-injection signal in a response body.</summary>
/// <param name="RuleId">The pattern that matched, e.g. <c>ignore-previous-instructions</c>.</param>
/// <param name="Confidence">The pattern's confidence.</param>
/// <param name="Start">Byte offset of the match in the response body.</param>
/// <param name="Length">Length in bytes.</param>
/// <param name="Message">Description with a short excerpt of the matched text (response text is not secret; it is truncated to 80 chars).</param>
public sealed record InjectionFinding(string RuleId, InjectionConfidence Confidence, int Start, int Length, string Message);

/// <summary>The outcome of scanning one response with the <c>injection</c> detector (PRODUCT.md §3.4 <c>dlp.inbound_detectors</c>).</summary>
/// <param name="Confidence">Overall verdict: High if any high-confidence signal or at least three distinct medium ones; Medium if any signal; otherwise None.</param>
/// <param name="Findings">The individual signals.</param>
public sealed record InjectionReport(InjectionConfidence Confidence, IReadOnlyList<InjectionFinding> Findings)
{
    /// <summary>A report without signals.</summary>
    public static InjectionReport Clean { get; } = new(InjectionConfidence.None, Array.Empty<InjectionFinding>());
}

/// <summary>
/// The curated prompt-injection phrase set. Rationale and sources: OWASP Top 10 for LLM Applications 2025, LLM01
/// Prompt Injection (https://genai.owasp.org/llmrisk/llm01-prompt-injection/); Greshake et al., "Not what you've signed
/// up for: Compromising Real-World LLM-Integrated Applications with Indirect Prompt Injection" (arXiv:2302.12173) for
/// instruction-override and exfiltration phrasing and hidden (HTML comment) payloads; "ASCII smuggling" with Unicode
/// tag characters (U+E0000–E007F), Embrace The Red, 2024 (https://embracethered.com/blog/posts/2024/hiding-and-finding-text-with-unicode-tags/).
/// A case-insensitive literal prefilter finds anchor words; a source-generated regex confirms in a bounded window
/// around each anchor, so cost stays linear.
/// </summary>
internal static partial class InjectionDetector
{
    private const int WindowBefore = 300;
    private const int WindowAfter = 400;

    private sealed record Rule(string Id, InjectionConfidence Confidence, string Description, Regex Pattern, string[] Anchors);

    private static readonly Rule[] s_rules =
    [
        new("ignore-previous-instructions", InjectionConfidence.High, "Instruction override", IgnorePrevious(),
            ["ignore", "disregard", "forget", "override", "bypass"]),
        new("exfiltration-directive", InjectionConfidence.High, "Directive to send secrets somewhere", Exfiltration(),
            ["send", "post", "upload", "exfiltrat", "transmit", "forward", "leak", "email", "curl", "fetch"]),
        new("hidden-html-instruction", InjectionConfidence.High, "Instructions hidden in an HTML comment", HiddenComment(), ["<!--"]),
        new("conceal-from-user", InjectionConfidence.High, "Instruction to hide actions from the user", Conceal(),
            ["not tell", "n't tell", "never tell", "not inform", "not mention", "not reveal", "without telling", "without informing", "without notifying"]),
        new("role-reassignment", InjectionConfidence.Medium, "Attempt to reassign the agent's role", RoleReassignment(),
            ["you are now", "from now on", "pretend", "act as"]),
        new("new-instructions", InjectionConfidence.Medium, "Announced replacement instructions", NewInstructions(), ["instruction"]),
        new("reveal-system-prompt", InjectionConfidence.Medium, "Request to reveal the system prompt", RevealPrompt(),
            ["system prompt", "hidden instructions", "initial instructions", "system message"]),
        new("chat-template-token", InjectionConfidence.Medium, "Chat-template control token", ChatTemplate(),
            ["<|im_start|>", "<|system|>", "[inst]", "<<sys>>", "<|start_header_id|>"]),
        new("exfiltration-word", InjectionConfidence.Medium, "Mentions exfiltration", ExfiltrationWord(), ["exfiltrat"]),
        new("pipe-to-shell", InjectionConfidence.Medium, "Download piped into a shell", PipeToShell(), ["| sh", "|sh", "| bash", "|bash", "| sudo"]),
    ];

    private static readonly (string Anchor, Rule Rule)[] s_anchors = s_rules.SelectMany(r => r.Anchors.Select(a => (a, r))).ToArray();

#if NET9_0_OR_GREATER
    private static readonly SearchValues<string> s_prefilter = SearchValues.Create(s_anchors.Select(a => a.Anchor).Distinct().ToArray(), StringComparison.OrdinalIgnoreCase);
#endif

    [GeneratedRegex(@"\b(ignore|disregard|forget|override|bypass)\s+(all\s+|any\s+|the\s+|your\s+|these\s+|those\s+|of\s+)*(previous|prior|above|earlier|preceding|original|initial|system|developer)\s+(instructions?|prompts?|directions?|rules|guidelines|messages?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IgnorePrevious();

    [GeneratedRegex(@"\b(send|post|upload|exfiltrate|transmit|forward|leak|email|curl|fetch)\b[^\n]{0,100}?\b(secrets?|credentials?|api[\s_-]?keys?|tokens?|passwords?|env(ironment)?\s+variables?|\.env|ssh\s+keys?|private\s+keys?|cookies)\b[^\n]{0,100}?\b(to|at|into)\s+(https?://|[a-z0-9-]+\.[a-z]{2,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Exfiltration();

    [GeneratedRegex(@"<!--[^>]{0,400}?(\b(ignore|disregard)\b|\b(you|assistant|agent|AI|LLM|model)\s+(must|should|will|are\s+to)\b|\binstructions?\b)[^>]{0,400}?-->", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HiddenComment();

    [GeneratedRegex(@"\b(do\s+not|don't|never)\s+(tell|inform|mention\s+(this\s+)?to|reveal\s+(this\s+)?to)\s+(the\s+)?(user|human|operator)\b|\bwithout\s+(telling|informing|notifying)\s+(the\s+)?(user|human|operator)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Conceal();

    [GeneratedRegex(@"\byou\s+are\s+now\s+(a|an|in|the|no\s+longer|DAN|going|my)\b|\bfrom\s+now\s+on,?\s+you\s+(are|will|must|shall)\b|\bpretend\s+(to\s+be|you\s+are)\b|\bact\s+as\s+(an?\s+)?(unrestricted|jailbroken|different|new|evil)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RoleReassignment();

    [GeneratedRegex(@"\b(new|updated|real|actual|true|secret|hidden)\s+instructions?\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NewInstructions();

    [GeneratedRegex(@"\b(reveal|print|output|repeat|show|leak|dump)\s+(me\s+)?(your|the)\s+(system\s+prompt|system\s+message|hidden\s+instructions|initial\s+instructions)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RevealPrompt();

    [GeneratedRegex(@"<\|im_start\|>\s*system|<\|system\|>|\[INST\]|<<SYS>>|<\|start_header_id\|>\s*system", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChatTemplate();

    [GeneratedRegex(@"\bexfiltrat(e|es|ed|ing|ion)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExfiltrationWord();

    [GeneratedRegex(@"\b(curl|wget)\s[^|\n]{0,200}\|\s*(sudo\s+)?(ba|z)?sh\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PipeToShell();

    public static InjectionReport Scan(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return InjectionReport.Clean;
        }

        using var text = BodyText.Decode(body);
        var raw = text.Chars;
        var findings = new List<InjectionFinding>();
        var byteFindings = new List<DlpFinding>(); // reuse the char→byte conversion
        FindInvisibleRuns(raw, findings);

        // Normalise escapes and compatibility forms so "\u0069gnore" or full-width letters do not hide a phrase.
        char[]? buffer = null;
        int[]? map = null;
        ReadOnlySpan<char> normalized = raw;
        try
        {
            bool escapes = raw.IndexOf("\\u", StringComparison.Ordinal) >= 0;
            bool unicode = raw.IndexOfAnyExceptInRange('\0', '\u007F') >= 0;
            if (escapes || unicode)
            {
                int capacity = Math.Max(raw.Length, TextDecoders.FoldedLength(raw));
                buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, capacity));
                map = ArrayPool<int>.Shared.Rent(capacity + 1);
                var tmp = ArrayPool<char>.Shared.Rent(Math.Max(1, raw.Length));
                var tmpMap = ArrayPool<int>.Shared.Rent(raw.Length + 1);
                int n = TextDecoders.Unescape(raw, tmp, tmpMap);
                int m = TextDecoders.FoldedLength(tmp.AsSpan(0, n));
                if (m + 1 > map.Length)
                {
                    ArrayPool<char>.Shared.Return(buffer);
                    ArrayPool<int>.Shared.Return(map);
                    buffer = ArrayPool<char>.Shared.Rent(m);
                    map = ArrayPool<int>.Shared.Rent(m + 1);
                }

                var foldMap = ArrayPool<int>.Shared.Rent(m + 1);
                m = TextDecoders.Fold(tmp.AsSpan(0, n), buffer, foldMap);
                for (int j = 0; j <= m; j++)
                {
                    map[j] = tmpMap[foldMap[j]];
                }

                ArrayPool<int>.Shared.Return(foldMap);
                ArrayPool<char>.Shared.Return(tmp);
                ArrayPool<int>.Shared.Return(tmpMap);
                normalized = buffer.AsSpan(0, m);
            }

            FindPhrases(normalized, map, findings);
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<char>.Shared.Return(buffer);
            }

            if (map is not null)
            {
                ArrayPool<int>.Shared.Return(map);
            }
        }

        if (findings.Count == 0)
        {
            return InjectionReport.Clean;
        }

        // Convert char spans to byte spans.
        foreach (var f in findings)
        {
            byteFindings.Add(new DlpFinding(string.Empty, f.RuleId, DlpLocation.Body, f.Start, f.Length, string.Empty, string.Empty));
        }

        text.ToByteOffsets(byteFindings, 0);
        for (int i = 0; i < findings.Count; i++)
        {
            findings[i] = findings[i] with { Start = byteFindings[i].Start, Length = byteFindings[i].Length };
        }

        int highs = findings.Count(f => f.Confidence == InjectionConfidence.High);
        int mediumRules = findings.Where(f => f.Confidence == InjectionConfidence.Medium).Select(f => f.RuleId).Distinct().Count();
        var confidence = highs > 0 || mediumRules >= 3 ? InjectionConfidence.High : InjectionConfidence.Medium;
        return new InjectionReport(confidence, findings);
    }

    private static void FindPhrases(ReadOnlySpan<char> text, int[]? map, List<InjectionFinding> findings)
    {
        var nextAllowed = new Dictionary<Rule, int>();
        int i = 0;
        while (i < text.Length && findings.Count < DlpEngine.MaxFindings)
        {
            int k = NextAnchor(text, i);
            if (k < 0)
            {
                break;
            }

            i = k;
            foreach (var (anchor, rule) in s_anchors)
            {
                if (!text[i..].StartsWith(anchor, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (nextAllowed.TryGetValue(rule, out int allowed) && i < allowed)
                {
                    continue;
                }

                int ws = Math.Max(0, i - WindowBefore);
                int we = Math.Min(text.Length, i + WindowAfter);
                foreach (var m in rule.Pattern.EnumerateMatches(text[ws..we]))
                {
                    int s = ws + m.Index;
                    if (s > i || s + m.Length <= i)
                    {
                        continue; // a match that does not contain this anchor belongs to another anchor
                    }

                    int rs = map is null ? s : map[s];
                    int re = map is null ? s + m.Length : map[s + m.Length];
                    string excerpt = text.Slice(s, Math.Min(m.Length, 80)).ToString().ReplaceLineEndings(" ");
                    findings.Add(new InjectionFinding(rule.Id, rule.Confidence, rs, re - rs, $"{rule.Description}: \"{excerpt}{(m.Length > 80 ? "…" : string.Empty)}\""));
                    nextAllowed[rule] = s + m.Length;
                    break;
                }
            }

            i++;
        }
    }

    private static int NextAnchor(ReadOnlySpan<char> text, int from)
    {
#if NET9_0_OR_GREATER
        int k = text[from..].IndexOfAny(s_prefilter);
        return k < 0 ? -1 : from + k;
#else
        int best = -1;
        foreach (var (anchor, _) in s_anchors)
        {
            var region = best < 0 ? text[from..] : text[from..Math.Min(text.Length, best + anchor.Length)];
            int k = region.IndexOf(anchor, StringComparison.OrdinalIgnoreCase);
            if (k >= 0 && (best < 0 || from + k < best))
            {
                best = from + k;
            }
        }

        return best;
#endif
    }

    /// <summary>Runs of at least 8 invisible characters (Unicode tags, zero-width characters): text a human cannot see but a model reads.</summary>
    private static void FindInvisibleRuns(ReadOnlySpan<char> text, List<InjectionFinding> findings)
    {
        int i = 0;
        while (i < text.Length)
        {
            int k = text[i..].IndexOfAnyExceptInRange('\0', '\u007F');
            if (k < 0)
            {
                return;
            }

            i += k;
            int start = i, count = 0;
            while (i < text.Length)
            {
                char c = text[i];
                if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\u2061' or '\u2062' or '\u2063' or '\u2064' or '\uFEFF' or '\u180E')
                {
                    i++;
                    count++;
                }
                else if (c == '\uDB40' && i + 1 < text.Length && text[i + 1] >= '\uDC00' && text[i + 1] <= '\uDC7F')
                {
                    i += 2;
                    count++;
                }
                else
                {
                    break;
                }
            }

            if (count >= 8)
            {
                findings.Add(new InjectionFinding("invisible-text", InjectionConfidence.High, start, i - start, $"Hidden text: {count} invisible characters (Unicode tags or zero-width characters)"));
            }

            if (count == 0)
            {
                i++;
            }
        }
    }
}

public sealed partial class DlpEngine
{
    /// <summary>
    /// The inbound <c>injection</c> detector: scans a response body (decoded as UTF-8, JSON escapes and Unicode
    /// compatibility forms normalised) for prompt-injection phrasing. High confidence blocks, medium logs (the caller
    /// decides). Offsets in the findings are byte offsets into <paramref name="body"/>. Never throws on malformed input.
    /// </summary>
    /// <param name="body">The response body as received (decompressed by the caller).</param>
    /// <param name="contentType">The response media type; informational (every textual body is scanned the same way).</param>
    /// <returns>The verdict and its signals.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the engine's instance API; callers hold an engine.")]
    public InjectionReport ScanResponse(ReadOnlySpan<byte> body, string? contentType) => InjectionDetector.Scan(body);
}
