using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Manifest.Yaml;

/// <summary>The YAML of one file, loaded into YamlDotNet's representation model, plus what surrounded it.</summary>
/// <param name="Root">Root node; <see langword="null"/> when the YAML is empty or could not be loaded.</param>
/// <param name="LineOffset">Lines before the YAML in the file (1 for frontmatter opened on line 1).</param>
/// <param name="Body">Markdown after the closing <c>---</c> line; empty for plain YAML files.</param>
internal sealed record LoadedYaml(YamlNode? Root, int LineOffset, string Body);

/// <summary>
/// Turns bytes into a YAML tree without ever throwing for bad input: binary content, invalid UTF-8, a missing or
/// unterminated frontmatter, malformed YAML, duplicate keys, anchors/aliases, custom tags, several documents and
/// nesting deeper than <see cref="MaxDepth"/> all become located <see cref="ManifestError"/>s.
/// </summary>
/// <remarks>
/// YamlDotNet's scanner and parser are iterative, but its representation model is built recursively, so deeply
/// nested flow collections (<c>[[[[…</c>) would overflow the stack. Every document is therefore first read as a
/// stream of parser events (bounded depth checked there), and the representation model is built from the
/// recorded events, minus duplicate keys (reported, not thrown), so one file yields all of its errors.
/// </remarks>
internal static class YamlDocumentLoader
{
    /// <summary>Largest manifest or routes file accepted, in bytes.</summary>
    public const int MaxBytes = 256 * 1024;

    /// <summary>Deepest nesting of maps and lists accepted.</summary>
    public const int MaxDepth = 32;

    private const string CoreTagPrefix = "tag:yaml.org,2002:";

    /// <summary>Reads a Markdown file with YAML frontmatter.</summary>
    public static LoadedYaml? LoadMarkdown(byte[] bytes, string file, List<ManifestError> errors)
    {
        var text = Decode(bytes, file, errors);
        if (text is null)
        {
            return null;
        }

        if (!TrySplitFrontmatter(text, file, errors, out var yaml, out var body))
        {
            return null;
        }

        var root = LoadYamlText(yaml, file, 1, errors, out var ok);
        return ok ? new LoadedYaml(root, 1, body) : null;
    }

    /// <summary>Reads a plain YAML file (a routes file).</summary>
    public static LoadedYaml? LoadPlain(string text, string file, List<ManifestError> errors)
    {
        if (text.Length > MaxBytes)
        {
            errors.Add(new ManifestError(new SourceLocation(file, 1, 1), ManifestErrorCode.NotText, $"the document is larger than {MaxBytes / 1024} KiB"));
            return null;
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0)
        {
            errors.Add(new ManifestError(LocationOf(text, nul, file), ManifestErrorCode.NotText, "the document contains a NUL character; it is not text"));
            return null;
        }

        var root = LoadYamlText(text, file, 0, errors, out var ok);
        return ok ? new LoadedYaml(root, 0, string.Empty) : null;
    }

    /// <summary>Strict UTF-8 decoding; the first bad byte is reported with its line and column.</summary>
    public static string? Decode(byte[] bytes, string file, List<ManifestError> errors)
    {
        if (bytes.Length > MaxBytes)
        {
            errors.Add(new ManifestError(new SourceLocation(file, 1, 1), ManifestErrorCode.NotText, $"the file is larger than {MaxBytes / 1024} KiB; a manifest is a short Markdown file"));
            return null;
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            span = span[3..];
        }

        int line = 1, column = 1, pos = 0;
        while (pos < span.Length)
        {
            var status = Rune.DecodeFromUtf8(span[pos..], out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                errors.Add(new ManifestError(new SourceLocation(file, line, column), ManifestErrorCode.NotText, "the file is not UTF-8 text (invalid byte sequence)"));
                return null;
            }

            if (rune.Value == 0)
            {
                errors.Add(new ManifestError(new SourceLocation(file, line, column), ManifestErrorCode.NotText, "the file contains a NUL character; it is binary, not a Markdown manifest"));
                return null;
            }

            if (rune.Value == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }

            pos += consumed;
        }

        return Encoding.UTF8.GetString(span);
    }

    /// <summary>
    /// Splits <c>---\n&lt;yaml&gt;\n---\n&lt;body&gt;</c>. The opening line must be the file's first line; the YAML
    /// starts on line 2, so YAML line <c>n</c> is file line <c>n + 1</c>.
    /// </summary>
    public static bool TrySplitFrontmatter(string text, string file, List<ManifestError> errors, out string yaml, out string body)
    {
        yaml = string.Empty;
        body = string.Empty;
        var lines = text.Split('\n');
        if (text.Length == 0 || lines[0].TrimEnd('\r', ' ', '\t') != "---")
        {
            var what = text.Trim().Length == 0 ? "the file is empty" : "the file does not start with a '---' line";
            errors.Add(new ManifestError(new SourceLocation(file, 1, 1), ManifestErrorCode.MissingFrontmatter,
                what + "; a manifest is Markdown with YAML frontmatter: a '---' line, the keys, another '---' line, then the body"));
            return false;
        }

        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd('\r', ' ', '\t') == "---")
            {
                yaml = string.Join('\n', lines.AsSpan(1, i - 1).ToArray().Select(l => l.TrimEnd('\r')));
                body = string.Join('\n', lines.Skip(i + 1).Select(l => l.TrimEnd('\r'))).Trim('\n');
                return true;
            }
        }

        errors.Add(new ManifestError(new SourceLocation(file, 1, 1), ManifestErrorCode.UnterminatedFrontmatter,
            "the frontmatter opened on line 1 is never closed: add a '---' line after the YAML keys"));
        return false;
    }

    /// <summary>Loads YAML text; <paramref name="ok"/> is <see langword="false"/> when it could not be loaded at all.</summary>
    public static YamlNode? LoadYamlText(string yaml, string file, int lineOffset, List<ManifestError> errors, out bool ok)
    {
        ok = false;
        var events = new List<ParsingEvent>();
        var frames = new Stack<Frame>();
        var documents = 0;
        var skipDepth = -1; // >= 0 while dropping the value of a duplicate key
        var lastMark = Mark.Empty;
        try
        {
            var parser = new Parser(new StringReader(yaml));
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                lastMark = e.End;
                if (e is DocumentStart && ++documents > 1)
                {
                    errors.Add(Error(file, lineOffset, e.Start, "only one YAML document is allowed here; remove the extra '---' or '...' separator"));
                    return null;
                }

                if (e is AnchorAlias)
                {
                    errors.Add(Error(file, lineOffset, e.Start, "YAML aliases (*name) are not supported in manifests; write the value out"));
                    return null;
                }

                if (e is NodeEvent node)
                {
                    if (!node.Anchor.IsEmpty)
                    {
                        errors.Add(Error(file, lineOffset, e.Start, "YAML anchors (&name) are not supported in manifests; write the value out"));
                        return null;
                    }

                    if (!node.Tag.IsEmpty && !node.Tag.IsNonSpecific && !IsCoreTag(node.Tag.Value))
                    {
                        errors.Add(Error(file, lineOffset, e.Start, "custom YAML tags are not supported in manifests; remove the tag"));
                        return null;
                    }
                }

                // Drop the value of a duplicate key (reported below) so the tree can be built and checked further.
                if (skipDepth >= 0)
                {
                    UpdateDepth(e, ref skipDepth, out var finished);
                    if (finished)
                    {
                        skipDepth = -1;
                        AfterValue(frames);
                    }

                    continue;
                }

                switch (e)
                {
                    case MappingStart or SequenceStart:
                        if (frames.Count >= MaxDepth)
                        {
                            errors.Add(Error(file, lineOffset, e.Start, $"the YAML is nested more than {MaxDepth} levels deep"));
                            return null;
                        }

                        frames.Push(new Frame(e is MappingStart));
                        events.Add(e);
                        break;
                    case MappingEnd or SequenceEnd:
                        frames.Pop();
                        events.Add(e);
                        AfterValue(frames);
                        break;
                    case Scalar scalar when frames.TryPeek(out var top) && top.IsMapping && top.ExpectingKey:
                        if (!top.Keys.TryAdd(scalar.Value, scalar.Start))
                        {
                            var first = top.Keys[scalar.Value];
                            errors.Add(new ManifestError(At(file, lineOffset, scalar.Start), ManifestErrorCode.DuplicateKey,
                                string.Create(CultureInfo.InvariantCulture, $"duplicate key '{scalar.Value}' (first at line {first.Line + lineOffset}); each key may appear once")));
                            skipDepth = 0;
                            top.ExpectingKey = false;
                            continue;
                        }

                        top.ExpectingKey = false;
                        events.Add(e);
                        break;
                    case Scalar:
                        events.Add(e);
                        AfterValue(frames);
                        break;
                    default:
                        events.Add(e);
                        break;
                }
            }
        }
        catch (YamlException ex)
        {
            errors.Add(Error(file, lineOffset, ex.Start, CleanMessage(ex)));
            return null;
        }
        catch (Exception ex) when (IsParserFailure(ex))
        {
            // YamlDotNet's scanner throws plain exceptions on some malformed input (found by the property tests, e.g.
            // "[x: [y]" in a flow sequence); the contract here is a located error, so report where parsing stopped.
            errors.Add(Error(file, lineOffset, lastMark, "invalid YAML: the document could not be parsed after this point"));
            return null;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new EventReplayParser(events));
            ok = true;
            return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            errors.Add(Error(file, lineOffset, ex.Start, CleanMessage(ex)));
            return null;
        }
        catch (Exception ex) when (IsParserFailure(ex))
        {
            errors.Add(Error(file, lineOffset, Mark.Empty, "invalid YAML: the document could not be loaded"));
            return null;
        }
    }

    /// <summary>
    /// Exceptions a third-party parser may throw for malformed input. Fatal runtime conditions are never swallowed.
    /// </summary>
    private static bool IsParserFailure(Exception ex) =>
        ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException
            or KeyNotFoundException or NotSupportedException or InvalidCastException or NullReferenceException;

    private static void UpdateDepth(ParsingEvent e, ref int depth, out bool finished)
    {
        switch (e)
        {
            case MappingStart or SequenceStart:
                depth++;
                finished = false;
                break;
            case MappingEnd or SequenceEnd:
                depth--;
                finished = depth == 0;
                break;
            default:
                finished = depth == 0;
                break;
        }
    }

    private static void AfterValue(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var top) && top.IsMapping)
        {
            // A value completes an entry (expect the next key); a complex (collection) key completes the key.
            top.ExpectingKey = !top.ExpectingKey;
        }
    }

    private static bool IsCoreTag(string tag) =>
        tag.StartsWith(CoreTagPrefix, StringComparison.Ordinal)
        && tag[CoreTagPrefix.Length..] is "str" or "int" or "bool" or "null" or "float" or "map" or "seq";

    private static string CleanMessage(YamlException ex)
    {
        var m = ex.Message;
        // YamlDotNet sometimes prefixes "(Line: 1, Col: 2, Idx: 1) - (Line: …): "; the location is reported separately.
        var cut = m.IndexOf("): ", StringComparison.Ordinal);
        if (m.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
        {
            m = m[(cut + 3)..];
        }

        m = m.Trim().TrimEnd('.');
        return "invalid YAML: " + (m.Length == 0 ? "the document could not be parsed" : char.ToLowerInvariant(m[0]) + m[1..]);
    }

    private static ManifestError Error(string file, int lineOffset, Mark mark, string message) =>
        new(At(file, lineOffset, mark), ManifestErrorCode.YamlSyntax, message);

    private static SourceLocation At(string file, int lineOffset, Mark mark) =>
        new(file, (int)Math.Clamp(mark.Line, 1, int.MaxValue - lineOffset) + lineOffset, (int)Math.Clamp(mark.Column, 1, int.MaxValue));

    private static SourceLocation LocationOf(string text, int index, string file)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < index; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SourceLocation(file, line, index - lineStart + 1);
    }

    private sealed class Frame(bool isMapping)
    {
        public bool IsMapping { get; } = isMapping;

        public bool ExpectingKey { get; set; } = isMapping;

        public Dictionary<string, Mark> Keys { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>Replays recorded parser events into YamlDotNet's representation model.</summary>
    private sealed class EventReplayParser(List<ParsingEvent> events) : IParser
    {
        private int _index = -1;

        public ParsingEvent? Current => _index >= 0 && _index < events.Count ? events[_index] : null;

        public bool MoveNext() => ++_index < events.Count;
    }
}
