using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using YamlDotNet.RepresentationModel;

namespace BotBottle.HelpCompiler;

/// <summary>
/// Reads a cmdlet help page in platyPS's Markdown shape (schema 2.0.0: <c># Name</c>, then <c>## SYNOPSIS</c>,
/// <c>## SYNTAX</c>, <c>## DESCRIPTION</c>, <c>## EXAMPLES</c>, <c>## PARAMETERS</c> with one YAML block per
/// parameter, <c>## INPUTS</c>, <c>## OUTPUTS</c>, <c>## NOTES</c>, <c>## RELATED LINKS</c>) with Markdig.
/// </summary>
internal static partial class MarkdownHelpReader
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseYamlFrontMatter().Build();

    /// <summary>Reads and checks one page.</summary>
    /// <param name="path">The Markdown file; its name (without <c>.md</c>) must be the cmdlet name.</param>
    /// <exception cref="HelpFormatException">A required section is missing or malformed (the message names file and line).</exception>
    public static CommandHelp Read(string path)
    {
        var text = File.ReadAllText(path);
        var doc = Markdown.Parse(text, Pipeline);
        var file = Path.GetFileName(path);
        var sections = Split(doc, file);

        var name = sections.Name;
        if (!string.Equals(name, Path.GetFileNameWithoutExtension(path), StringComparison.Ordinal))
        {
            throw new HelpFormatException($"{file}:1: the page is titled '# {name}' but the file is named for '{Path.GetFileNameWithoutExtension(path)}'.");
        }

        var synopsis = string.Join(" ", Paragraphs(sections.Get("SYNOPSIS", file)));
        if (synopsis.Length == 0)
        {
            throw new HelpFormatException($"{file}: ## SYNOPSIS is empty.");
        }

        var description = Paragraphs(sections.Get("DESCRIPTION", file));
        if (description.Count == 0)
        {
            throw new HelpFormatException($"{file}: ## DESCRIPTION is empty.");
        }

        var syntax = sections.Get("SYNTAX", file).OfType<FencedCodeBlock>().Select(b => ParseSyntax(name, Code(b), file, b.Line + 1)).ToList();
        if (syntax.Count == 0)
        {
            throw new HelpFormatException($"{file}: ## SYNTAX has no syntax block.");
        }

        var examples = Subsections(sections.Get("EXAMPLES", file)).Select(s => Example(s, file)).ToList();
        if (examples.Count == 0)
        {
            throw new HelpFormatException($"{file}: ## EXAMPLES has no '### Example' entry; every cmdlet shows at least one.");
        }

        var parameters = Subsections(sections.Get("PARAMETERS", file))
            .Where(s => !s.Title.Equals("CommonParameters", StringComparison.Ordinal))
            .Select(s => Parameter(s, file))
            .ToList();
        Check(name, syntax, parameters, file);

        return new CommandHelp(
            name,
            synopsis,
            description,
            syntax,
            examples,
            parameters,
            Types(sections.Find("INPUTS")),
            Types(sections.Find("OUTPUTS")),
            Paragraphs(sections.Find("NOTES")),
            Links(sections.Find("RELATED LINKS")));
    }

    private static void Check(string name, List<SyntaxSet> syntax, List<ParameterHelp> parameters, string file)
    {
        var documented = parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in syntax.SelectMany(s => s.Parameters).Where(p => !documented.Contains(p.Name)))
        {
            throw new HelpFormatException($"{file}: the syntax of {name} lists -{p.Name}, which ## PARAMETERS does not document.");
        }

        var inSyntax = syntax.SelectMany(s => s.Parameters).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var p in parameters.Where(p => !inSyntax.Contains(p.Name)))
        {
            throw new HelpFormatException($"{file}: -{p.Name} is documented but appears in no syntax block.");
        }
    }

    private static ExampleHelp Example(Subsection s, string file)
    {
        var code = s.Blocks.OfType<FencedCodeBlock>().FirstOrDefault()
            ?? throw new HelpFormatException($"{file}:{s.Line}: '### {s.Title}' has no code block.");
        var remarks = Paragraphs(s.Blocks.Where(b => b is not FencedCodeBlock));
        return new ExampleHelp(s.Title, Code(code), remarks);
    }

    private static ParameterHelp Parameter(Subsection s, string file)
    {
        if (!s.Title.StartsWith('-'))
        {
            throw new HelpFormatException($"{file}:{s.Line}: parameter headings are '### -Name', not '### {s.Title}'.");
        }

        var yamlBlock = s.Blocks.OfType<FencedCodeBlock>().FirstOrDefault(b => b.Info == "yaml")
            ?? throw new HelpFormatException($"{file}:{s.Line}: '### {s.Title}' has no ```yaml block with Type, Parameter Sets, Required, Position….");
        var fields = YamlFields(Code(yamlBlock), file, yamlBlock.Line + 1);
        string Field(string key) => fields.TryGetValue(key, out var v) ? v
            : throw new HelpFormatException($"{file}:{yamlBlock.Line + 1}: the block of {s.Title} has no '{key}:'.");
        static IReadOnlyList<string> List(string value) =>
            value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new ParameterHelp(
            s.Title[1..],
            Paragraphs(s.Blocks.Where(b => b is not FencedCodeBlock)),
            Field("Type"),
            List(Field("Parameter Sets")),
            List(fields.GetValueOrDefault("Aliases", string.Empty)),
            bool.Parse(Field("Required")),
            Field("Position"),
            fields.GetValueOrDefault("Default value", "None"),
            Field("Accept pipeline input"),
            bool.Parse(fields.GetValueOrDefault("Accept wildcard characters", "False")));
    }

    private static Dictionary<string, string> YamlFields(string yaml, string file, int line)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new HelpFormatException($"{file}:{line + (int)ex.Start.Line - 1}: {ex.Message}");
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                result[((YamlScalarNode)k).Value ?? string.Empty] = v is YamlScalarNode s ? s.Value ?? string.Empty : string.Empty;
            }
        }

        return result;
    }

    /// <summary>Parses <c>Verb-Noun [-A] &lt;T&gt; [-B &lt;T&gt;] [-C] [&lt;CommonParameters&gt;]</c> (platyPS syntax lines).</summary>
    /// <exception cref="HelpFormatException">The line does not start with the cmdlet name or has a token it cannot read.</exception>
    internal static SyntaxSet ParseSyntax(string name, string line, string file, int lineNumber)
    {
        var text = line.Trim();
        if (text != name && !text.StartsWith(name + " ", StringComparison.Ordinal))
        {
            throw new HelpFormatException($"{file}:{lineNumber}: a syntax line starts with '{name}'.");
        }

        var parameters = new List<SyntaxParameter>();
        var rest = text[name.Length..];
        var position = 0;
        while (position < rest.Length)
        {
            if (char.IsWhiteSpace(rest[position]))
            {
                position++;
                continue;
            }

            if (CommonParameters().Match(rest, position) is { Success: true } common)
            {
                position += common.Length;
            }
            else if (OptionalPositional().Match(rest, position) is { Success: true } a)
            {
                parameters.Add(new SyntaxParameter(a.Groups[1].Value, a.Groups[2].Value, Required: false));
                position += a.Length;
            }
            else if (RequiredPositional().Match(rest, position) is { Success: true } b)
            {
                parameters.Add(new SyntaxParameter(b.Groups[1].Value, b.Groups[2].Value, Required: true));
                position += b.Length;
            }
            else if (OptionalNamed().Match(rest, position) is { Success: true } c)
            {
                parameters.Add(new SyntaxParameter(c.Groups[1].Value, c.Groups[2].Success ? c.Groups[2].Value : null, Required: false));
                position += c.Length;
            }
            else if (RequiredNamed().Match(rest, position) is { Success: true } d)
            {
                parameters.Add(new SyntaxParameter(d.Groups[1].Value, d.Groups[2].Success ? d.Groups[2].Value : null, Required: true));
                position += d.Length;
            }
            else
            {
                throw new HelpFormatException($"{file}:{lineNumber}: cannot read the syntax at '{rest[position..]}'.");
            }
        }

        return new SyntaxSet(parameters);
    }

    [GeneratedRegex(@"\G\[<CommonParameters>\]")]
    private static partial Regex CommonParameters();

    [GeneratedRegex(@"\G\[\[-([A-Za-z][A-Za-z0-9]*)\]\s+<([^>]+)>\]")]
    private static partial Regex OptionalPositional();

    [GeneratedRegex(@"\G\[-([A-Za-z][A-Za-z0-9]*)\]\s+<([^>]+)>")]
    private static partial Regex RequiredPositional();

    [GeneratedRegex(@"\G\[-([A-Za-z][A-Za-z0-9]*)(?:\s+<([^>]+)>)?\]")]
    private static partial Regex OptionalNamed();

    [GeneratedRegex(@"\G-([A-Za-z][A-Za-z0-9]*)(?:\s+<([^>]+)>)?")]
    private static partial Regex RequiredNamed();

    private static IReadOnlyList<TypeHelp> Types(IReadOnlyList<Block> blocks) =>
        [.. Subsections(blocks).Select(s => new TypeHelp(s.Title, Paragraphs(s.Blocks)))];

    private static List<LinkHelp> Links(IReadOnlyList<Block> blocks)
    {
        var links = new List<LinkHelp>();
        foreach (var p in blocks.OfType<ParagraphBlock>())
        {
            foreach (var link in p.Inline?.Descendants<LinkInline>() ?? [])
            {
                var url = link.Url ?? string.Empty;
                var online = url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                links.Add(new LinkHelp(InlineText(link), online ? url : string.Empty));
            }
        }

        return links;
    }

    /// <summary>Plain-text paragraphs (lists become one "- item" paragraph per item).</summary>
    private static List<string> Paragraphs(IEnumerable<Block> blocks)
    {
        var result = new List<string>();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case ParagraphBlock p:
                    result.Add(InlineText(p.Inline).Trim());
                    break;
                case ListBlock list:
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        result.Add("- " + string.Join(" ", Paragraphs(item)));
                    }

                    break;
                case FencedCodeBlock code:
                    result.Add(Code(code));
                    break;
                case QuoteBlock quote:
                    result.AddRange(Paragraphs(quote));
                    break;
            }
        }

        return [.. result.Where(p => p.Length > 0)];
    }

    private static string InlineText(ContainerInline? container)
    {
        var sb = new StringBuilder();
        for (var inline = container?.FirstChild; inline is not null; inline = inline.NextSibling)
        {
            switch (inline)
            {
                case LiteralInline l:
                    sb.Append(l.Content.ToString());
                    break;
                case CodeInline c:
                    sb.Append(c.Content);
                    break;
                case LineBreakInline:
                    sb.Append(' ');
                    break;
                case ContainerInline c:
                    sb.Append(InlineText(c));
                    break;
                case HtmlEntityInline e:
                    sb.Append(e.Transcoded.ToString());
                    break;
                case HtmlInline h:
                    sb.Append(h.Tag);
                    break;
            }
        }

        return sb.ToString();
    }

    private static string Code(FencedCodeBlock block) => block.Lines.ToString().TrimEnd();

    private sealed record Subsection(string Title, int Line, List<Block> Blocks);

    private static IEnumerable<Subsection> Subsections(IReadOnlyList<Block> blocks)
    {
        Subsection? current = null;
        foreach (var block in blocks)
        {
            if (block is HeadingBlock { Level: 3 } h)
            {
                if (current is not null)
                {
                    yield return current;
                }

                current = new Subsection(InlineText(h.Inline).Trim(), h.Line + 1, []);
            }
            else
            {
                current?.Blocks.Add(block);
            }
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    private sealed class Sections(string name, Dictionary<string, List<Block>> map)
    {
        public string Name => name;

        public List<Block> Get(string title, string file) =>
            map.TryGetValue(title, out var blocks) ? blocks : throw new HelpFormatException($"{file}: there is no '## {title}' section.");

        public List<Block> Find(string title) => map.TryGetValue(title, out var blocks) ? blocks : [];
    }

    private static Sections Split(MarkdownDocument doc, string file)
    {
        string? name = null;
        var map = new Dictionary<string, List<Block>>(StringComparer.Ordinal);
        List<Block>? current = null;
        foreach (var block in doc)
        {
            switch (block)
            {
                case YamlFrontMatterBlock:
                    continue;
                case HeadingBlock { Level: 1 } h when name is null:
                    name = InlineText(h.Inline).Trim();
                    continue;
                case HeadingBlock { Level: 2 } h:
                    current = [];
                    map[InlineText(h.Inline).Trim()] = current;
                    continue;
                default:
                    current?.Add(block);
                    break;
            }
        }

        return new Sections(name ?? throw new HelpFormatException($"{file}: the page has no '# Verb-Noun' title."), map);
    }
}
