using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BotBottle.Manifest.Yaml;

/// <summary>The YAML 1.2 core-schema type of a scalar (https://yaml.org/spec/1.2.2/#103-core-schema).</summary>
internal enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}

/// <summary>The keys allowed in one map of the schema.</summary>
internal sealed class KeySchema
{
    /// <summary>Keys removed on purpose, at any level, with what replaces them.</summary>
    public static readonly FrozenDictionary<string, string> Removed = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["supervise"] = "'supervise' was removed: every bottle gets the supervise MCP server, and a route holds requests for the operator with dlp.outbound_on_match: supervise",
        ["capability"] = "'capability' was removed: capability-block no longer exists; egress routes are the only policy",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public KeySchema(string where, IEnumerable<string> keys, IEnumerable<string>? ignored = null, IReadOnlyDictionary<string, string>? misplaced = null)
    {
        Where = where;
        Keys = keys.ToArray();
        Ignored = (ignored ?? []).ToFrozenSet(StringComparer.Ordinal);
        Misplaced = misplaced ?? FrozenDictionary<string, string>.Empty;
    }

    /// <summary>Where these keys live, for messages ("route", "the bottle's top level").</summary>
    public string Where { get; }

    public IReadOnlyList<string> Keys { get; }

    /// <summary>Keys accepted and ignored (Claude Code sub-agent fields).</summary>
    public FrozenSet<string> Ignored { get; }

    /// <summary>Keys valid elsewhere, with the message to give here.</summary>
    public IReadOnlyDictionary<string, string> Misplaced { get; }
}

/// <summary>
/// A strict walker over YamlDotNet's representation model that never stops at the first problem: every check
/// records a located <see cref="ManifestError"/> in <see cref="Errors"/> and the walk goes on with what it could
/// read. Line numbers are offset by <see cref="LineOffset"/> so frontmatter errors point at lines of the .md file.
/// </summary>
internal sealed partial class SchemaReader(string file, int lineOffset, List<ManifestError>? errors = null)
{
    public string File { get; } = file;

    public int LineOffset { get; } = lineOffset;

    public List<ManifestError> Errors { get; } = errors ?? [];

    public bool HasErrors => Errors.Count > 0;

    public SourceLocation At(YamlNode node) => At(node.Start);

    public SourceLocation At(Mark mark) =>
        new(File, (int)Math.Max(1, mark.Line) + LineOffset, (int)Math.Max(1, mark.Column));

    public SourceLocation FileLocation => new(File, 1, 1);

    public void Error(YamlNode node, ManifestErrorCode code, string message, string? suggestion = null) =>
        Errors.Add(new ManifestError(At(node), code, message, suggestion));

    public void Error(SourceLocation at, ManifestErrorCode code, string message, string? suggestion = null) =>
        Errors.Add(new ManifestError(at, code, message, suggestion));

    /// <summary>The core-schema type of a scalar: quoted and block scalars and <c>!!str</c>/<c>!</c> are always text.</summary>
    public static ScalarKind Classify(YamlScalarNode s)
    {
        if (s.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (!s.Tag.IsEmpty && (s.Tag.IsNonSpecific || s.Tag.Value == "tag:yaml.org,2002:str")))
        {
            return ScalarKind.String;
        }

        var v = s.Value ?? string.Empty;
        return v switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarKind.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarKind.Bool,
            _ when IntPattern().IsMatch(v) => ScalarKind.Int,
            _ when FloatPattern().IsMatch(v) => ScalarKind.Float,
            _ => ScalarKind.String,
        };
    }

    public static bool IsNull(YamlNode node) => node is YamlScalarNode s && Classify(s) == ScalarKind.Null;

    /// <summary>"a map", "a list", "text", "a number", "a boolean", "nothing (null)".</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a map",
        YamlSequenceNode => "a list",
        YamlScalarNode s => Classify(s) switch
        {
            ScalarKind.Null => "nothing (null)",
            ScalarKind.Bool => "a boolean",
            ScalarKind.Int or ScalarKind.Float => "a number",
            _ => "text",
        },
        _ => "an unsupported node",
    };

    /// <summary>A map; null counts as an empty map. Records <see cref="ManifestErrorCode.WrongType"/> otherwise.</summary>
    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode m)
        {
            return m;
        }

        if (IsNull(node))
        {
            return new YamlMappingNode();
        }

        Error(node, ManifestErrorCode.WrongType, $"'{what}' must be a map of keys, not {Describe(node)}");
        return null;
    }

    /// <summary>A list; null counts as an empty list. Records <see cref="ManifestErrorCode.WrongType"/> otherwise.</summary>
    public YamlSequenceNode? Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode s)
        {
            return s;
        }

        if (IsNull(node))
        {
            return new YamlSequenceNode();
        }

        Error(node, ManifestErrorCode.WrongType, $"'{what}' must be a list, not {Describe(node)}");
        return null;
    }

    /// <summary>
    /// Text: a string, or a number written as text. Null, booleans, maps and lists are
    /// <see cref="ManifestErrorCode.WrongType"/> (a boolean with the hint to quote it). Never echoes the value.
    /// </summary>
    public string? Text(YamlNode node, string what)
    {
        if (node is YamlScalarNode s)
        {
            switch (Classify(s))
            {
                case ScalarKind.Null:
                    Error(node, ManifestErrorCode.WrongType, $"'{what}' needs a value");
                    return null;
                case ScalarKind.Bool:
                    Error(node, ManifestErrorCode.WrongType, $"'{what}' must be text, not a boolean; quote it if you mean the word");
                    return null;
                default:
                    return s.Value ?? string.Empty;
            }
        }

        Error(node, ManifestErrorCode.WrongType, $"'{what}' must be text, not {Describe(node)}");
        return null;
    }

    /// <summary>A boolean (<c>true</c>/<c>false</c>, unquoted).</summary>
    public bool? Bool(YamlNode node, string what)
    {
        if (node is YamlScalarNode s && Classify(s) == ScalarKind.Bool)
        {
            return s.Value!.Equals("true", StringComparison.OrdinalIgnoreCase);
        }

        Error(node, ManifestErrorCode.WrongType, $"'{what}' must be true or false, not {Describe(node)}");
        return null;
    }

    /// <summary>A decimal integer.</summary>
    public int? Integer(YamlNode node, string what)
    {
        if (node is YamlScalarNode s && Classify(s) == ScalarKind.Int
            && int.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error(node, ManifestErrorCode.WrongType, $"'{what}' must be a whole number, not {Describe(node)}");
        return null;
    }

    /// <summary>
    /// The entries of <paramref name="map"/> whose keys the schema defines. Unknown keys (with a suggestion),
    /// removed keys, misplaced keys and non-text keys are recorded; ignored keys are skipped silently.
    /// </summary>
    public IEnumerable<(string Key, YamlScalarNode KeyNode, YamlNode Value)> Entries(YamlMappingNode map, KeySchema schema)
    {
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode k || Classify(k) is ScalarKind.Null)
            {
                Error(keyNode, ManifestErrorCode.WrongType, $"keys in {schema.Where} must be plain words, not {Describe(keyNode)}");
                continue;
            }

            var key = k.Value ?? string.Empty;
            if (schema.Keys.Contains(key, StringComparer.Ordinal))
            {
                yield return (key, k, value);
            }
            else if (schema.Ignored.Contains(key))
            {
                continue;
            }
            else if (KeySchema.Removed.TryGetValue(key, out var why))
            {
                Error(k, ManifestErrorCode.RemovedKey, why);
            }
            else if (schema.Misplaced.TryGetValue(key, out var where))
            {
                Error(k, ManifestErrorCode.MisplacedKey, where);
            }
            else
            {
                var suggestion = Suggestions.Closest(key, schema.Keys.Concat(schema.Ignored));
                Error(k, ManifestErrorCode.UnknownKey, $"unknown key '{key}' in {schema.Where}; valid keys: {string.Join(", ", schema.Keys)}", suggestion);
            }
        }
    }

    /// <summary>A name or a list of names (<c>extends</c>); duplicates are recorded.</summary>
    public List<(string Name, YamlNode Node)> NameOrList(YamlNode node, string what)
    {
        var result = new List<(string, YamlNode)>();
        IEnumerable<YamlNode> items = node is YamlSequenceNode seq ? seq.Children : [node];
        if (node is YamlScalarNode s && Classify(s) == ScalarKind.Null)
        {
            return result;
        }

        foreach (var item in items)
        {
            var name = Text(item, what);
            if (name is null)
            {
                continue;
            }

            if (!ManifestNames.IsValidName(name))
            {
                Error(item, ManifestErrorCode.InvalidName, $"'{what}' entries are bottle names matching {ManifestNames.NamePattern}");
                continue;
            }

            if (result.Any(r => r.Item1 == name))
            {
                Error(item, ManifestErrorCode.DuplicateValue, $"'{name}' is listed twice in '{what}'");
                continue;
            }

            result.Add((name, item));
        }

        return result;
    }

    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
