namespace BotBottle.HelpCompiler;

/// <summary>One cmdlet's help page as written in <c>docs/cmdlets/&lt;Verb-Noun&gt;.md</c> (platyPS's Markdown shape, schema 2.0.0).</summary>
/// <param name="Name">The cmdlet name, <c>Verb-Noun</c>.</param>
/// <param name="Synopsis">One line (the <c>## SYNOPSIS</c> section).</param>
/// <param name="Description">Paragraphs of <c>## DESCRIPTION</c>, as plain text.</param>
/// <param name="Syntax">One entry per parameter set (each fenced block of <c>## SYNTAX</c>).</param>
/// <param name="Examples"><c>### Example N: title</c> entries of <c>## EXAMPLES</c>.</param>
/// <param name="Parameters"><c>### -Name</c> entries of <c>## PARAMETERS</c> (CommonParameters excluded).</param>
/// <param name="Inputs"><c>## INPUTS</c> types.</param>
/// <param name="Outputs"><c>## OUTPUTS</c> types.</param>
/// <param name="Notes">Paragraphs of <c>## NOTES</c>.</param>
/// <param name="Links"><c>## RELATED LINKS</c>.</param>
internal sealed record CommandHelp(
    string Name,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<SyntaxSet> Syntax,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<LinkHelp> Links)
{
    /// <summary>The verb part of <see cref="Name"/>.</summary>
    public string Verb => Name[..Name.IndexOf('-', StringComparison.Ordinal)];

    /// <summary>The noun part of <see cref="Name"/>.</summary>
    public string Noun => Name[(Name.IndexOf('-', StringComparison.Ordinal) + 1)..];
}

/// <summary>One parameter set as its syntax line lists it.</summary>
/// <param name="Parameters">The parameters in the order the line gives them.</param>
internal sealed record SyntaxSet(IReadOnlyList<SyntaxParameter> Parameters);

/// <summary>One parameter in a syntax line: <c>-Name &lt;Type&gt;</c>, optional in <c>[…]</c>, positional when the name itself is bracketed.</summary>
/// <param name="Name">Parameter name without the dash.</param>
/// <param name="Type">The value type, or <see langword="null"/> for a switch.</param>
/// <param name="Required">Not wrapped in brackets.</param>
internal sealed record SyntaxParameter(string Name, string? Type, bool Required);

/// <summary>An example: its title, the code, and the remarks after it.</summary>
internal sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>A documented parameter: description paragraphs and the YAML block's fields.</summary>
internal sealed record ParameterHelp(
    string Name,
    IReadOnlyList<string> Description,
    string Type,
    IReadOnlyList<string> ParameterSets,
    IReadOnlyList<string> Aliases,
    bool Required,
    string Position,
    string DefaultValue,
    string PipelineInput,
    bool Wildcards)
{
    /// <summary>Whether the parameter is a switch (<c>SwitchParameter</c>).</summary>
    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

/// <summary>An input or output type and what it says about it.</summary>
internal sealed record TypeHelp(string Name, IReadOnlyList<string> Description);

/// <summary>A related link: its text and, for online links, the URI (empty for sibling pages).</summary>
internal sealed record LinkHelp(string Text, string Uri);

/// <summary>A help page that does not have the shape the compiler needs; the message names the file and the line.</summary>
internal sealed class HelpFormatException(string message) : Exception(message);
